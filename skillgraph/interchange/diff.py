"""Two editions of one occupation compared: what was added, removed, moved, reworded, split.

Nodes are compared within the same trade-level (same trade, same rank) and the same kind
(function, work content, skill, knowledge).  Pairs are found in this order, each step on
what the earlier ones left: the same wording and code; the same wording under another code
(moved); the same code with similar wording (reworded); the most similar remaining wording
(reworded and moved).  Similarity is the character-bigram Dice coefficient of
``skillgraph.joins`` (the skill marker 能/能够 and final punctuation dropped).  A work
content whose requirements went to two or more new work contents was split; one whose
requirements came from two or more old ones is a merge.  Weights are compared per
trade-level, exam and printed row.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDFS

from .. import vocab as V
from ..joins import bigrams, dice
from ..vocab import RDF, SKOS
from .graph import InterchangeError, by_position, integer, standards_in, text, trade_levels

PROV = Namespace("http://www.w3.org/ns/prov#")
REWORD_SAME_CODE = 0.5  # same code: this similar counts as the same item reworded
REWORD_OTHER_CODE = 0.6  # another code: as joins.THRESHOLD, near-same wording
KINDS = ("function", "content", "skill", "knowledge")
KIND_LABEL = {"function": "职业功能", "content": "工作内容", "skill": "技能要求",
              "knowledge": "相关知识要求"}  # fmt: skip


@dataclass(frozen=True)
class Item:
    """One node of an edition: where it sits, its code and its Chinese wording."""

    iri: URIRef
    kind: str
    level: str  # trade-level key: its IRI path under the occupation
    code: str
    text: str
    parent: URIRef | None


@dataclass(frozen=True)
class Weight:
    iri: URIRef
    level: str
    exam: str
    row: str
    percent: int | None


@dataclass
class Edition:
    """The items and weights of one occupation's standard in one graph."""

    standard: URIRef
    label: str
    sha: str
    levels: dict[str, URIRef] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    weights: list[Weight] = field(default_factory=list)


@dataclass(frozen=True)
class Change:
    """A pair (old, new), or an added (old None) or removed (new None) item."""

    kind: str
    level: str
    old: Item | None
    new: Item | None
    score: float | None = None

    @property
    def moved(self) -> bool:
        return bool(self.old and self.new) and (
            self.old.code != self.new.code or _code(self.old.parent) != _code(self.new.parent)
        )

    @property
    def reworded(self) -> bool:
        return bool(self.old and self.new) and _norm(self.old.text) != _norm(self.new.text)


@dataclass
class Diff:
    old: Edition
    new: Edition
    changes: list[Change]
    splits: list[tuple[Item, list[Item]]]
    merges: list[tuple[list[Item], Item]]
    weights: list[tuple[Weight | None, Weight | None]]
    levels_added: list[str]
    levels_removed: list[str]

    def of(self, what: str) -> list[Change]:
        """Changes of one sort: added, removed, moved, reworded."""
        test = {
            "added": lambda c: c.old is None,
            "removed": lambda c: c.new is None,
            "moved": lambda c: c.moved,
            "reworded": lambda c: c.reworded,
        }[what]
        return [c for c in self.changes if test(c)]


def _norm(value: str) -> str:
    return "".join(value.split())


def _code(iri: URIRef | None) -> str:
    return str(iri).rsplit("/", 1)[-1] if iri is not None else ""


def _level_key(occupation: URIRef, tl: URIRef) -> str:
    return str(tl).removeprefix(str(occupation)).strip("/")


def edition(graph: Graph, occupation: str | None = None) -> Edition:
    """The items of the graph's one standard (or the one of ``occupation``)."""
    refs = standards_in(graph, occupation)
    if len(refs) != 1:
        codes = ", ".join(r.code for r in refs)
        raise InterchangeError(f"{len(refs)} standards ({codes}): name one with --occupation")
    ref = refs[0]
    occ = ref.occupation
    label = text(graph, ref.standard, V.status, "zh") or text(graph, ref.standard, V.status, "en")
    ed = Edition(ref.standard, f"{ref.code} {label or ''}".strip(),
                 str(graph.value(ref.standard, V.sourceSha256) or ""))  # fmt: skip
    for tl in trade_levels(graph, occ):
        level = _level_key(occ, tl)
        ed.levels[level] = tl
        for function in by_position(graph, list(graph.objects(tl, V.hasFunction))):
            ed.items.append(_item(graph, function, "function", level, None))
            for content in by_position(graph, list(graph.objects(function, V.hasWorkContent))):
                ed.items.append(_item(graph, content, "content", level, function))
                for req in by_position(graph, list(graph.objects(content, V.hasRequirement))):
                    skill = (req, RDF.type, V.SkillRequirement) in graph
                    kind = "skill" if skill else "knowledge"
                    ed.items.append(_item(graph, req, kind, level, content))
        for w in graph.objects(tl, V.hasExamWeight):
            exam = _code(graph.value(w, V.exam)).rsplit("#", 1)[-1]
            row = str(graph.value(w, V.weightRow) or _code(w))
            percent = integer(graph, w, V.weightPercent)
            ed.weights.append(Weight(URIRef(w), level, exam, row, percent))
    return ed


def _item(graph: Graph, node: URIRef, kind: str, level: str, parent: URIRef | None) -> Item:
    code = str(graph.value(node, SKOS.notation) or _code(node))
    return Item(node, kind, level, code, text(graph, node, SKOS.prefLabel, "zh") or "", parent)


def _pair(old: list[Item], new: list[Item], kind: str, level: str) -> list[Change]:
    """Match one group (same trade-level, same kind) in the order the module text gives."""
    changes: list[Change] = []
    left_old, left_new = list(old), list(new)

    def take(o: Item, n: Item, score: float | None) -> None:
        left_old.remove(o)
        left_new.remove(n)
        changes.append(Change(kind, level, o, n, score))

    def parent_code(i: Item) -> str:
        return _code(i.parent)

    for same_code in (True, False):  # same wording: same code first, then moved ones
        for o in list(left_old):
            candidates = [
                n for n in left_new
                if _norm(n.text) == _norm(o.text) and (n.code == o.code) == same_code
            ]  # fmt: skip
            if candidates:
                best = min(candidates, key=lambda n: (parent_code(n) != parent_code(o), n.code))
                take(o, best, 1.0)
    for o in list(left_old):  # same code, reworded
        for n in left_new:
            if n.code == o.code and parent_code(n) == parent_code(o):
                score = dice(bigrams(o.text), bigrams(n.text))
                if score >= REWORD_SAME_CODE:
                    take(o, n, score)
                    break
    scored = sorted(
        ((dice(bigrams(o.text), bigrams(n.text)), o.code, n.code, o, n)
         for o in left_old for n in left_new),
        key=lambda t: (-t[0], t[1], t[2]),
    )  # fmt: skip
    for score, _, _, o, n in scored:
        if score < REWORD_OTHER_CODE:
            break
        if o in left_old and n in left_new:
            take(o, n, score)
    changes += [Change(kind, level, o, None) for o in left_old]
    changes += [Change(kind, level, None, n) for n in left_new]
    return changes


def compare(old: Edition, new: Edition) -> Diff:
    """Every change from ``old`` to ``new`` (see the module text for how pairs are found)."""
    groups: dict[tuple[str, str], tuple[list[Item], list[Item]]] = defaultdict(lambda: ([], []))
    for item in old.items:
        groups[(item.level, item.kind)][0].append(item)
    for item in new.items:
        groups[(item.level, item.kind)][1].append(item)
    order = {k: n for n, k in enumerate(KINDS)}
    changes: list[Change] = []
    for (level, kind), (o, n) in sorted(groups.items(), key=lambda g: (g[0][0], order[g[0][1]])):
        changes += _pair(o, n, kind, level)
    splits, merges = _splits(changes, old, new)
    return Diff(
        old, new, changes, splits, merges, _weights(old, new),
        sorted(set(new.levels) - set(old.levels)), sorted(set(old.levels) - set(new.levels)),
    )  # fmt: skip


def _splits(changes: list[Change], old: Edition, new: Edition):
    by_iri_old = {i.iri: i for i in old.items}
    by_iri_new = {i.iri: i for i in new.items}
    went: dict[URIRef, set[URIRef]] = defaultdict(set)
    came: dict[URIRef, set[URIRef]] = defaultdict(set)
    for c in changes:
        if c.old and c.new and c.kind in ("skill", "knowledge") and c.old.parent and c.new.parent:
            went[c.old.parent].add(c.new.parent)
            came[c.new.parent].add(c.old.parent)
    splits = [
        (by_iri_old[o], sorted((by_iri_new[n] for n in ns), key=lambda i: i.code))
        for o, ns in sorted(went.items()) if len(ns) > 1
    ]  # fmt: skip
    merges = [
        (sorted((by_iri_old[o] for o in os), key=lambda i: i.code), by_iri_new[n])
        for n, os in sorted(came.items()) if len(os) > 1
    ]  # fmt: skip
    return splits, merges


def _weights(old: Edition, new: Edition) -> list[tuple[Weight | None, Weight | None]]:
    def key(w: Weight) -> tuple[str, str, str]:
        return (w.level, w.exam, _norm(w.row))

    olds = {key(w): w for w in old.weights}
    news = {key(w): w for w in new.weights}
    out: list[tuple[Weight | None, Weight | None]] = []
    for k in sorted(set(olds) | set(news)):
        o, n = olds.get(k), news.get(k)
        if o is None or n is None or o.percent != n.percent:
            out.append((o, n))
    return out


# --- output -------------------------------------------------------------------------------

def _row(c: Change) -> list[str]:
    score = "" if c.score is None else f"{c.score:.2f}"
    return [
        c.level, KIND_LABEL[c.kind],
        c.old.code if c.old else "", c.new.code if c.new else "",
        c.old.text if c.old else "", c.new.text if c.new else "", score,
    ]  # fmt: skip


HEAD = ["trade-level", "kind", "old code", "new code", "old text", "new text", "similarity"]


def _tables(diff: Diff) -> list[tuple[str, list[str], list[list[str]]]]:
    sections = [(what.capitalize(), HEAD, [_row(c) for c in diff.of(what)])
                for what in ("added", "removed", "moved", "reworded")]  # fmt: skip
    sections.append((
        "Split and merged work contents",
        ["trade-level", "old", "new"],
        [[o.level, f"{o.code} {o.text}", "; ".join(f"{n.code} {n.text}" for n in ns)]
         for o, ns in diff.splits]
        + [[n.level, "; ".join(f"{o.code} {o.text}" for o in os), f"{n.code} {n.text}"]
           for os, n in diff.merges],
    ))  # fmt: skip
    sections.append((
        "Weights",
        ["trade-level", "exam", "row", "old %", "new %"],
        [[(o or n).level, (o or n).exam, (o or n).row,  # type: ignore[union-attr]
          "" if o is None or o.percent is None else str(o.percent),
          "" if n is None or n.percent is None else str(n.percent)]
         for o, n in diff.weights],
    ))  # fmt: skip
    return sections


def summary(diff: Diff) -> dict[str, int]:
    counts = {what: len(diff.of(what)) for what in ("added", "removed", "moved", "reworded")}
    counts |= {"split": len(diff.splits), "merged": len(diff.merges),
               "weights": len(diff.weights), "trade-levels added": len(diff.levels_added),
               "trade-levels removed": len(diff.levels_removed)}  # fmt: skip
    return counts


def to_markdown(diff: Diff) -> str:
    def cell(value: str) -> str:
        return value.replace("|", "\\|").replace("\n", " ")

    lines = [f"# {diff.old.label} → {diff.new.label}", "",
             "| change | count |", "|---|---:|"]  # fmt: skip
    lines += [f"| {k} | {v} |" for k, v in summary(diff).items()]
    for level in diff.levels_added:
        lines.append(f"\nTrade-level added: {level}")
    for level in diff.levels_removed:
        lines.append(f"\nTrade-level removed: {level}")
    for title, head, rows in _tables(diff):
        lines += ["", f"## {title} ({len(rows)})", ""]
        if not rows:
            lines.append("None.")
            continue
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def to_html(diff: Diff) -> str:
    esc = html.escape
    title = f"{diff.old.label} → {diff.new.label}"
    parts = [
        "<!DOCTYPE html>", '<html lang="zh"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title></head><body>", f"<h1>{esc(title)}</h1>",
        "<table><tr><th>change</th><th>count</th></tr>",
        *(f"<tr><td>{esc(k)}</td><td>{v}</td></tr>" for k, v in summary(diff).items()),
        "</table>",
    ]  # fmt: skip
    for title_, head, rows in _tables(diff):
        parts.append(f"<h2>{esc(title_)} ({len(rows)})</h2>")
        if not rows:
            parts.append("<p>None.</p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>")
        parts += ["<tr>" + "".join(f"<td>{esc(v)}</td>" for v in r) + "</tr>" for r in rows]
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def revision_iri(diff: Diff) -> URIRef:
    """The revision: named by the occupation and both sources' digests, so it is stable."""
    base = str(diff.new.standard).split("/standard/", 1)[0]
    code = re.sub(r"[^0-9-]", "", str(diff.new.standard).rsplit("/", 1)[-1])[:10]
    return URIRef(f"{base}/revision/{code}/{diff.old.sha[:12]}-{diff.new.sha[:12]}")


def to_rdf(diff: Diff) -> Graph:
    """The revision as a prov:Activity; dcterms:replaces / isReplacedBy between nodes.

    Nodes keep their IRI when code and place stay, so a reworded item is its own
    successor: it gets a skos:changeNote instead of a replaces link to itself.
    """
    g = Graph()
    g.bind("prov", PROV)
    g.bind("dcterms", DCTERMS)
    g.bind("skos", SKOS)
    rev = revision_iri(diff)
    g.add((rev, RDF.type, PROV.Activity))
    g.add((rev, RDFS.label, Literal(f"{diff.old.label} → {diff.new.label}", lang="zh")))
    g.add((rev, PROV.used, diff.old.standard))
    g.add((rev, PROV.generated, diff.new.standard))
    if diff.old.standard != diff.new.standard:
        _replace(g, diff.new.standard, diff.old.standard)

    for c in diff.changes:
        if c.old is None and c.new is not None:
            g.add((c.new.iri, PROV.wasGeneratedBy, rev))
        elif c.new is None and c.old is not None:
            g.add((c.old.iri, PROV.wasInvalidatedBy, rev))
        elif c.old is not None and c.new is not None and (c.moved or c.reworded):
            if c.old.iri != c.new.iri:
                _replace(g, c.new.iri, c.old.iri)
            note = []
            if c.moved:
                note.append(f"{c.old.code} → {c.new.code}")
            if c.reworded:
                note.append(f"「{c.old.text}」→「{c.new.text}」")
            g.add((c.new.iri, SKOS.changeNote, Literal("; ".join(note), lang="zh")))
            g.add((c.new.iri, PROV.wasGeneratedBy, rev))
    for o, ns in diff.splits:
        for n in ns:
            if n.iri != o.iri:
                _replace(g, n.iri, o.iri)
    for os, n in diff.merges:
        for o in os:
            if n.iri != o.iri:
                _replace(g, n.iri, o.iri)
    for ow, nw in diff.weights:
        w = nw or ow
        assert w is not None
        before = "—" if ow is None or ow.percent is None else f"{ow.percent}%"
        after = "—" if nw is None or nw.percent is None else f"{nw.percent}%"
        g.add((w.iri, SKOS.changeNote, Literal(f"{w.exam} {w.row}: {before} → {after}", lang="zh")))
        g.add((w.iri, PROV.wasGeneratedBy if nw else PROV.wasInvalidatedBy, rev))
    counts = ", ".join(f"{k}: {v}" for k, v in summary(diff).items())
    g.add((rev, RDFS.comment, Literal(counts, lang="en")))
    return g


def _replace(g: Graph, new: URIRef, old: URIRef) -> None:
    g.add((new, DCTERMS.replaces, old))
    g.add((old, DCTERMS.isReplacedBy, new))


# --- inputs -------------------------------------------------------------------------------

def load_edition(path: Path, occupation: str | None = None) -> Edition:
    """The edition in a build directory, a graph file (.nt, .ttl) or a source (.txt, .pdf)."""
    return edition(load_graph(path), occupation)


def load_pair(old: Path, new: Path, occupation: str | None = None) -> tuple[Edition, Edition]:
    """Both editions; without ``occupation``, the one occupation the two sides share."""
    graphs = load_graph(old), load_graph(new)
    if occupation is None:
        codes = [{r.code for r in standards_in(g)} for g in graphs]
        shared = sorted(codes[0] & codes[1])
        if len(shared) != 1:
            raise InterchangeError(
                f"{old} and {new} share {len(shared)} occupations ({', '.join(shared) or 'none'})"
                ": name one with --occupation"
            )
        occupation = shared[0]
    return edition(graphs[0], occupation), edition(graphs[1], occupation)


def load_graph(path: Path) -> Graph:
    """A build directory, a graph file (.nt, .ttl) or a standard's source (.txt, .pdf)."""
    if path.is_dir():
        from .graph import load_build

        graph, _ = load_build(path)
    elif path.suffix.lower() in (".nt", ".ttl"):
        graph = Graph()
        try:
            graph.parse(path, format="nt" if path.suffix.lower() == ".nt" else "turtle")
        except Exception as exc:  # rdflib raises several parser types
            raise InterchangeError(f"{path}: not readable RDF ({exc})") from exc
    elif path.suffix.lower() in (".txt", ".pdf"):
        from ..loaders.errors import SourceFormatError
        from ..loaders.standard import parse_standard
        from ..to_rdf import standard_to_graph

        try:
            graph = standard_to_graph(parse_standard(path))
        except SourceFormatError as exc:
            raise InterchangeError(str(exc)) from exc
    else:
        raise InterchangeError(f"{path}: not a build directory, .nt/.ttl graph or .txt/.pdf source")
    return graph
