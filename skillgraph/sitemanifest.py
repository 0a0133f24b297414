"""What an incremental `skillgraph publish` knows about the site it wrote last time.

The site is cut into groups: one per standard (the resources under its
``occupation/<code>/`` path, plus its document node and the competencies that only that
standard's nodes link to) and ``shared`` (levels, education levels, competencies and
similarity nodes of several standards). A group's files are a function of the index
lookups its pages and documents made (every read of the graph goes through
``Store.quads_for_pattern``) and of the code: while a group is written, the lookups are
recorded (:class:`RecordingStore`); the next publish repeats those lookups alone and hashes
their answers. Equal hashes mean the same lookups would give the same answers, so rendering
would take the same path and write the same bytes: the group is skipped without rendering.

The manifest (``MANIFEST``, JSON) lists per group its digest and the files it wrote; the
lookups are kept beside it, one gzip file per group (``DEPS_DIR``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

STATE_DIR = ".skillgraph-publish"
MANIFEST = f"{STATE_DIR}/manifest.json"
DEPS_DIR = f"{STATE_DIR}/lookups"
SHARED = "shared"
FORMAT = 1
_OWN = re.compile(r"occupation/([^/]+)(?:/|$)")

Pattern = tuple[str, str, str]  # N-Triples terms, "" for an unbound position


class RecordingStore:
    """A pyoxigraph store that remembers every ``quads_for_pattern`` asked of it."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        self.patterns: set[Pattern] = set()

    def quads_for_pattern(self, s: object, p: object, o: object, g: object = None) -> object:
        self.patterns.add((_term(s), _term(p), _term(o)))
        return self._store.quads_for_pattern(s, p, o, g)  # type: ignore[arg-type]

    def __len__(self) -> int:
        return len(self._store)

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)


def _term(term: object) -> str:
    return "" if term is None else str(term)


def _parse_term(text: str) -> ox.NamedNode | ox.Literal | ox.BlankNode | None:
    if not text:
        return None
    if text.startswith("<") and text.endswith(">"):
        return ox.NamedNode(text[1:-1])
    triple = next(iter(ox.parse(f"<urn:s> <urn:p> {text} .".encode(),
                                format=ox.RdfFormat.N_TRIPLES)))  # fmt: skip
    return triple.object  # type: ignore[return-value]


def lookups_digest(store: ox.Store, patterns: set[Pattern] | list[Pattern]) -> str:
    """SHA-256 over each lookup and its answer (sorted: independent of index order)."""
    h = hashlib.sha256()
    for pattern in sorted(patterns):
        h.update("\t".join(pattern).encode() + b"\n")
        s, p, o = (_parse_term(t) for t in pattern)
        answers = sorted(str(q.triple) for q in store.quads_for_pattern(s, p, o))  # type: ignore[arg-type]
        for answer in answers:
            h.update(answer.encode() + b"\n")
        h.update(b"\0")
    return h.hexdigest()


def own_group(path: str) -> str | None:
    """The standard a data path belongs to by its IRI (``occupation/4-09-07-04/…`` →
    ``4-09-07-04``), else None (the standard's document node joins by its links)."""
    m = _OWN.match(path)
    return m.group(1) if m else None


def group_resources(store: ox.Store, base: str, resources: list[str]) -> dict[str, list[str]]:
    """Group → its resources (sorted). A resource outside every standard's paths joins the
    standard whose resources are the only ones it links to (either direction); else shared."""
    groups: dict[str, list[str]] = defaultdict(list)
    owner = {iri: own_group(iri[len(base):]) for iri in resources}
    for iri in resources:
        group = owner[iri]
        if group is None:
            node = ox.NamedNode(iri)
            linked = {owner.get(q.object.value) for q in store.quads_for_pattern(node, None, None)
                      if isinstance(q.object, ox.NamedNode)}  # fmt: skip
            linked |= {owner.get(q.subject.value)
                       for q in store.quads_for_pattern(None, None, node)}  # fmt: skip
            linked.discard(None)
            group = linked.pop() if len(linked) == 1 else SHARED
        groups[group].append(iri)
    return {g: sorted(v) for g, v in sorted(groups.items())}


@dataclass
class GroupState:
    digest: str
    files: list[str]


@dataclass
class Manifest:
    """The last publish: its settings and, per group, digest and files."""

    settings: dict[str, str]
    groups: dict[str, GroupState] = field(default_factory=dict)
    common: list[str] = field(default_factory=list)  # files every publish writes

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT,
            "settings": self.settings,
            "common": sorted(self.common),
            "groups": {g: {"digest": s.digest, "files": sorted(s.files)}
                       for g, s in sorted(self.groups.items())},
        }
        return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()

    @classmethod
    def read(cls, site: Path) -> Manifest | None:
        """The manifest of ``site``, or None when there is none or it cannot be read (the
        next publish is then a full one)."""
        path = site / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return None
            groups = {g: GroupState(str(s["digest"]), [str(f) for f in s["files"]])
                      for g, s in data["groups"].items()}  # fmt: skip
            return cls(dict(data["settings"]), groups, [str(f) for f in data["common"]])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None


def deps_name(group: str) -> str:
    return f"{DEPS_DIR}/{group}.tsv.gz"


def write_patterns(patterns: set[Pattern]) -> bytes:
    text = "".join("\t".join(p) + "\n" for p in sorted(patterns))
    return gzip.compress(text.encode("utf-8"), mtime=0)


def read_patterns(path: Path) -> list[Pattern] | None:
    """The lookups recorded for a group, or None when the file is missing or damaged."""
    try:
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile):
        return None
    out: list[Pattern] = []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) != 3:
            return None
        out.append((parts[0], parts[1], parts[2]))
    return out


def walk_files(root: Path) -> Iterator[str]:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path.relative_to(root).as_posix()
