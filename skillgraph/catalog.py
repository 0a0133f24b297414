"""The query catalog: `queries/*.rq` files, each opening with a documented header."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

HEADER_FIELD = re.compile(r"^#\s*(title|description|parameters|example):\s*(.*)$")


@dataclass
class CatalogQuery:
    name: str
    text: str
    title: str = ""
    description: str = ""
    parameters: str = ""
    examples: list[str] = field(default_factory=list)

    def example_params(self) -> list[dict[str, list[str]]]:
        """The distinct ``--param k=v`` sets of the header's examples; ``[{}]`` if none.

        Tests run every query with these, so a new query is checked with the parameters
        its own header documents, without a list kept by hand.
        """
        sets: list[dict[str, list[str]]] = []
        for example in self.examples:
            words = shlex.split(example.split("#", 1)[0])
            params: dict[str, list[str]] = {}
            for i, w in enumerate(words):
                pair = words[i + 1] if w == "--param" and i + 1 < len(words) else None
                if w.startswith("--param="):
                    pair = w.removeprefix("--param=")
                if pair and "=" in pair:
                    k, v = pair.split("=", 1)
                    params.setdefault(k, []).append(v)
            if params not in sets:
                sets.append(params)
        return sets or [{}]


def load_query(name_or_path: str) -> str:
    """Text of a catalog query by name (``overview-counts``) or of a ``.rq`` file path.

    ``FileNotFoundError`` says "no such file" for a path (it ends with ``.rq`` or holds a
    ``/``) that does not exist, and suggests the closest names for an unknown query name.
    """
    from .names import did_you_mean

    path = Path(name_or_path)
    if path.is_file():
        return path.read_text(encoding="utf-8")
    res = resources.files("skillgraph.queries") / f"{name_or_path.removesuffix('.rq')}.rq"
    if res.is_file() and "/" not in name_or_path:
        return res.read_text(encoding="utf-8")
    if path.suffix == ".rq" or "/" in name_or_path or "\\" in name_or_path:
        raise FileNotFoundError(f"{path}: no such file")
    names = [q.name for q in catalog()]
    raise FileNotFoundError(f"no query {name_or_path!r} in the catalog"
                            f"{did_you_mean(name_or_path, names)} (`skillgraph query --list` "
                            "lists them; a file must end with .rq)")


def parse_header(name: str, text: str) -> CatalogQuery:
    q = CatalogQuery(name, text)
    current = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if m := HEADER_FIELD.match(line):
            current, value = m.group(1), m.group(2).strip()
            if current == "example":
                q.examples.append(value)
            else:
                setattr(q, current, value)
        elif current in ("description", "parameters"):
            setattr(q, current, (getattr(q, current) + " " + line.lstrip("# ").strip()).strip())
    return q


def catalog() -> list[CatalogQuery]:
    """Every catalog query, sorted by name."""
    root = resources.files("skillgraph.queries")
    return sorted(
        (
            parse_header(entry.name.removesuffix(".rq"), entry.read_text(encoding="utf-8"))
            for entry in root.iterdir()
            if entry.name.endswith(".rq")
        ),
        key=lambda q: q.name,
    )
