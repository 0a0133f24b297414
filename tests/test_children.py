"""Child Python processes import the package their parent imported.

``python -m`` alone puts the working directory first on ``sys.path``: after ``pip install .``
in a checkout, the server's mapping worker imported the checkout's ``skillgraph/`` folder,
which has no ``skillgraph.shapes``, and every curriculum upload failed (500).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from skillgraph.children import python_module


@pytest.fixture
def shadowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding a ``skillgraph`` package that must never be imported."""
    (tmp_path / "skillgraph").mkdir()
    (tmp_path / "skillgraph" / "__init__.py").write_text(
        "raise ImportError('the skillgraph/ folder of the working directory was imported')\n"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_child_imports_the_parents_package_not_a_folder_in_its_working_directory(shadowed):
    probe = python_module("skillgraph.children")
    done = subprocess.run(probe, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    plain = [probe[0], "-m", "skillgraph.children"]  # the old command line, for contrast
    done = subprocess.run(plain, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "working directory was imported" in done.stderr
