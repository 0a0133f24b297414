"""`skillgraph publish` at scale: per-standard dumps with checksums, incremental re-publish.

Three builds of real standards: both shipped standards (A), the same with one requirement
of the carbon draft reworded (B), the AI trainer alone (C). Each incremental publish is
compared with a fresh publish of the same build, file by file.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox
import pytest

import skillgraph.publish as pub
from skillgraph.build import build
from skillgraph.loaders.standard import shipped_sources
from skillgraph.publish import publish
from skillgraph.sitemanifest import MANIFEST, SHARED, Manifest

CARBON, AI = "4-09-07-04", "4-04-05-05"
OLD, NEW = "2.1.1 能编制 2~3 个行业组织", "2.1.1 能编制 3~4 个行业组织"
SPDX = "http://spdx.org/rdf/terms#"
DCAT = "http://www.w3.org/ns/dcat#"


def sources() -> tuple[Path, Path]:
    real = shipped_sources()
    text = next(p for p in real if p.suffix == ".txt")
    return text, next(p for p in real if p.suffix == ".pdf")


@pytest.fixture(scope="module")
def builds(built_all, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    carbon, ai = sources()
    work = tmp_path_factory.mktemp("scalepublish")
    text = carbon.read_text(encoding="utf-8")
    assert text.count(OLD) >= 1
    edited = work / carbon.name
    edited.write_text(text.replace(OLD, NEW, 1), encoding="utf-8")
    b = build([edited, ai], work / "b", hermit=False)
    c = build([ai], work / "c", hermit=False)
    return {"A": built_all.out, "B": b.out, "C": c.out}


def snapshot(root: Path) -> dict[str, tuple[int, int, str]]:
    """Site path → (inode, mtime ns, SHA-256) of every file."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file():
            st = p.stat()
            out[p.relative_to(root).as_posix()] = (
                st.st_ino, st.st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
    return out


def contents(root: Path) -> dict[str, str]:
    return {k: v[2] for k, v in snapshot(root).items()}


def group_files(site: Path, group: str) -> set[str]:
    manifest = Manifest.read(site)
    assert manifest is not None
    return set(manifest.groups[group].files)


@pytest.fixture(scope="module")
def republished(builds, tmp_path_factory: pytest.TempPathFactory):
    """Site of A, its snapshot, then the incremental publish of B over it; and a fresh B."""
    work = tmp_path_factory.mktemp("sites")
    site = work / "site"
    first = publish(site, builds["A"])
    assert first.full and sorted(first.rendered) == [AI, CARBON, SHARED]
    before = snapshot(site)
    ai_files = group_files(site, AI)
    second = publish(site, builds["B"])
    fresh = work / "fresh-b"
    publish(fresh, builds["B"])
    return site, before, ai_files, second, fresh


def test_republish_renders_only_the_changed_standard(republished):
    site, before, ai_files, result, _ = republished
    assert not result.full
    assert AI in result.skipped and CARBON in result.rendered
    after = snapshot(site)
    for path in ai_files:  # the AI trainer's pages, documents and dump: the very same files
        assert after[path] == before[path], path
    changed = {p for p in after if p in before and after[p] != before[p]}
    added = set(after) - set(before)
    carbon = group_files(site, CARBON)
    assert changed and changed <= carbon | set(Manifest.read(site).common) | group_files(
        site, SHARED) | {MANIFEST, f".skillgraph-publish/lookups/{CARBON}.tsv.gz"}
    assert not changed & ai_files and not added & ai_files
    # the reworded requirement's page is among them; an untouched carbon page is not
    page = f"id/occupation/{CARBON}/trade/accounting/level/3/skill/2.1.1.html"
    assert page in changed and "能编制3~4个行业组织" in (site / page).read_text(encoding="utf-8")
    untouched = f"id/occupation/{CARBON}/trade/accounting/level/3/function/1.html"
    assert after[untouched] == before[untouched]
    # far fewer files replaced than the site holds (the manifest is replaced on its own)
    assert result.written == len(changed - {MANIFEST}) + len(added) < len(after) // 10


def test_incremental_site_equals_a_fresh_publish(republished):
    site, _, _, _, fresh = republished
    assert contents(site) == contents(fresh)


def test_a_standard_that_is_gone_loses_its_files(builds, republished, tmp_path):
    site = republished[0]
    carbon = group_files(site, CARBON)
    result = publish(site, builds["C"])
    # the AI trainer is rendered again: its competencies' similarity links to the carbon
    # draft's (docs/architecture.md, "Pipeline": joins) are gone with it
    assert result.rendered == [AI, SHARED] and result.removed >= len(carbon)
    assert not (site / f"id/occupation/{CARBON}").exists()
    assert not (site / f"dumps/standards/{CARBON}.nt.gz").exists()
    fresh = tmp_path / "fresh-c"
    publish(fresh, builds["C"])
    assert contents(site) == contents(fresh)
    # and back: the carbon standard returns
    publish(site, builds["A"])
    publish(fresh, builds["A"], full=True)
    assert contents(site) == contents(fresh)


def test_a_failed_republish_leaves_the_site_as_it_was(builds, tmp_path, monkeypatch):
    site = tmp_path / "site"
    publish(site, builds["C"])
    before = snapshot(site)
    calls = {"n": 0}
    real = pub.render

    def failing_render(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 40:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(pub, "render", failing_render)
    with pytest.raises(RuntimeError, match="disk full"):
        publish(site, builds["A"])  # the carbon standard is new: rendered, and fails
    assert snapshot(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_run_killed_while_moving_files_is_redone_by_the_next(builds, tmp_path, monkeypatch):
    site = tmp_path / "site"
    publish(site, builds["A"])
    calls = {"n": 0}
    real = pub._differs

    def dying(new: Path, current: Path) -> bool:
        calls["n"] += 1
        if calls["n"] == 20:
            raise KeyboardInterrupt  # as if killed part-way through the renames
        return real(new, current)

    monkeypatch.setattr(pub, "_differs", dying)
    with pytest.raises(KeyboardInterrupt):
        publish(site, builds["B"])
    marked = Manifest.read(site)
    assert marked is not None and marked.groups[CARBON].digest == ""  # to be redone
    monkeypatch.setattr(pub, "_differs", real)
    result = publish(site, builds["B"])
    assert CARBON in result.rendered and AI in result.skipped
    fresh = tmp_path / "fresh"
    publish(fresh, builds["B"])
    assert contents(site) == contents(fresh)


def test_void_gives_each_dump_its_size_and_checksum(republished, builds):
    site = republished[0]
    publish(site, builds["A"])
    void = (site / "void.ttl").read_bytes()
    base = "https://example.org/site/"
    triples = list(ox.parse(void, format=ox.RdfFormat.TURTLE, base_iri=base))

    def objects(s: object, p: str) -> list[object]:
        return [t.object for t in triples if t.subject == s and t.predicate.value == p]

    dists = [t.subject for t in triples if t.predicate.value == DCAT + "downloadURL"]
    listed = set()
    for dist in dists:
        url = objects(dist, DCAT + "downloadURL")[0].value
        path = site / url.removeprefix(base)
        data = path.read_bytes()
        assert int(objects(dist, DCAT + "byteSize")[0].value) == len(data), url
        checksum = objects(dist, SPDX + "checksum")[0]
        assert objects(checksum, SPDX + "algorithm")[0].value.endswith("checksumAlgorithm_sha256")
        assert objects(checksum, SPDX + "checksumValue")[0].value == hashlib.sha256(
            data).hexdigest(), url
        listed.add(url.removeprefix(base))
    on_disk = {p.relative_to(site).as_posix() for p in (site / "dumps").rglob("*.gz")}
    assert on_disk == {p for p in listed if p.endswith(".gz")}
    assert {f"dumps/standards/{CARBON}.nt.gz", f"dumps/standards/{AI}.nt.gz",
            "dumps/shared.nt.gz", "dumps/graph.nt.gz"} <= on_disk
    # each standard is a subset of the dataset with its own dump
    subsets = {t.object.value for t in triples if t.predicate.value.endswith("#subset")}
    assert {urljoin(base, f"void.ttl#standard-{c}") for c in (CARBON, AI)} == subsets


def test_the_dumps_partition_the_built_graph(republished, builds):
    site = republished[0]
    publish(site, builds["A"])

    def graph(data: bytes) -> set[str]:
        store = ox.Store()  # the store's view of the terms, as the endpoint serves them
        store.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES)
        return {str(q.triple) for q in store}

    parts = [graph(gzip.decompress(p.read_bytes()))
             for p in sorted((site / "dumps").rglob("*.nt.gz")) if p.name != "graph.nt.gz"]
    union: set[str] = set().union(*parts)
    assert sum(len(p) for p in parts) == len(union)  # disjoint
    built = graph((builds["A"] / "graph.nt").read_bytes())
    assert union == built
    assert graph(gzip.decompress((site / "dumps/graph.nt.gz").read_bytes())) == built
    carbon = graph(gzip.decompress((site / f"dumps/standards/{CARBON}.nt.gz").read_bytes()))
    assert all(f"/occupation/{AI}" not in t.split(" ", 1)[0] for t in carbon)
