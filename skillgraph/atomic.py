"""Replacing an output directory so that nothing is ever half-written or lost.

The new tree is written into a sibling temp directory and swapped in with two renames.
A process killed at any point leaves either the old tree or the new one in place; the
next run finishes or undoes an interrupted swap and removes temp trees of dead writers.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner_pid(name: str) -> int | None:
    parts = name.split("-")
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else None


def recover(out: Path) -> None:
    """Undo what a killed writer left beside ``out``."""
    parent, name = out.parent, out.name
    if not parent.is_dir():
        return
    for entry in sorted(parent.iterdir()):
        for kind in ("tmp", "old"):
            prefix = f".{name}.{kind}-"
            if not entry.name.startswith(prefix):
                continue
            pid = _owner_pid(entry.name[len(f".{name}.") :])
            if pid is not None and pid != os.getpid() and _pid_alive(pid):
                continue
            if kind == "old" and not out.exists():
                entry.rename(out)  # killed between the two renames: put the old tree back
            else:
                shutil.rmtree(entry, ignore_errors=True)


def replace_directory(out: Path, fill: Callable[[Path], None]) -> None:
    """Let ``fill`` write a fresh tree, then swap it in for ``out``."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
    old = out.parent / f".{out.name}.old-{os.getpid()}-swap"
    try:
        fill(tmp)
        if out.exists():
            out.rename(old)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not out.exists():
            old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def write_files(out: Path, files: Mapping[str, bytes]) -> None:
    """Replace ``out`` with exactly these files (names may contain '/')."""

    def fill(tmp: Path) -> None:
        for name, data in sorted(files.items()):
            target = tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    replace_directory(out, fill)
