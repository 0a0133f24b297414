"""`skillgraph publish`: the linked-data site as static files any web server can serve.

The same pages as the live server (:mod:`skillgraph.server.pages` + templates), written
for every resource under the data base as ``id/<path>.html`` plus ``.ttl`` beside it
(``.jsonld`` and ``.nt`` too with ``all_formats``), with compressed dumps per standard and
of the whole graph (:mod:`skillgraph.sitedumps`), each standard's interchange exports
(written by the build), VoID/DCAT with their sizes and checksums, the ontology's
documentation and a query page.  All links are relative, so the site works from
any directory of any server (including ``python -m http.server``).  A plain file server
cannot do the 303 content negotiation of bare IRIs; docs/scaling.md, "Publishing at
scale", gives the rewrite rules.

Incremental (:mod:`skillgraph.sitemanifest`): a re-publish renders only the standards
whose pages can have changed, replaces only files whose bytes differ, and removes the
files of standards that are gone. The first publish (or one with other settings or code)
is written into a temporary directory beside ``site`` and swapped in whole
(:mod:`skillgraph.atomic`); a re-publish stages its files in such a directory and
renames each into place, so a file is never half-written, and the manifest (written
last) marks the standards being replaced so that a killed run is redone.
Deterministic: the same build gives the same bytes, whatever ``jobs``.

The standards are rendered (and, on a re-publish, checked for changes) by ``jobs`` forked
processes sharing the loaded store (:mod:`skillgraph.fanout`; by default one per CPU, as
many as the memory available holds).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .atomic import recover, replace_directory
from .catalog import catalog
from .digests import code_digest
from .fanout import default_jobs, fan_out, resident_bytes
from .interchange.site import exports_in
from .server.data import LinkedData, ontology_bytes, serialize
from .server.describe import Where, human_size, serialize_description, void_triples
from .server.pages import Pages, ontology_page_context, query_context
from .server.render import render
from .sitedumps import (
    NT_MEDIA,
    WHOLE,
    Distribution,
    distribution_triples,
    group_dump,
    group_dump_path,
)
from .sitemanifest import (
    MANIFEST,
    SHARED,
    GroupState,
    Manifest,
    RecordingStore,
    deps_name,
    group_resources,
    lookups_digest,
    read_patterns,
    write_patterns,
)

NODE_FORMATS = ("ttl",)  # per-node data files by default; the rest are in the dumps
ALL_NODE_FORMATS = ("ttl", "jsonld", "nt")

Write = Callable[[str, bytes | str], None]
Say = Callable[[str], None]


@dataclass
class PublishResult:
    site: Path
    pages: int  # resources published
    files: int  # files the site holds
    seconds: float
    rendered: list[str] = field(default_factory=list)  # groups (standards) rendered
    skipped: list[str] = field(default_factory=list)  # groups unchanged, not rendered
    written: int = 0  # files created or replaced (the rest kept their bytes and times)
    removed: int = 0  # files deleted (of standards that are gone, or pages no more)
    full: bool = True  # written whole (first publish, or settings or code changed)
    bytes: int = 0  # bytes of the site's files
    jobs: int = 1  # processes asked to render the standards


def publish(
    site: Path,
    build_dir: Path,
    *,
    base: str | None = None,
    site_url: str | None = None,
    endpoint: str | None = None,
    all_formats: bool = False,
    full: bool = False,
    jobs: int | None = None,
    progress: Say | None = None,
) -> PublishResult:
    """Write the static site for ``build_dir`` to ``site``: whole the first time, then
    only what changed (``full`` forces a whole rewrite).

    ``site_url`` (where the site will be served) makes the VoID IRIs absolute and adds
    JSON-LD/N-Triples copies of it; ``endpoint`` is a live SPARQL endpoint the query
    page and VoID point to; ``all_formats`` writes JSON-LD and N-Triples beside each
    page's Turtle.  ``jobs`` processes render the standards (default: one per CPU);
    ``progress`` is told how far they are.
    """
    started = time.perf_counter()
    say = progress or (lambda _m: None)
    site = site.resolve()
    ld = LinkedData.from_build(build_dir, base=base)
    jobs = _default_jobs() if jobs is None else max(1, jobs)
    iris = ld.resources()
    groups = group_resources(ld.store, ld.base, iris)
    formats = ALL_NODE_FORMATS if all_formats else NODE_FORMATS
    settings = {"code": code_digest(), "base": ld.base, "formats": ",".join(formats)}
    old = None if full else Manifest.read(site)
    if old is not None and old.settings != settings:
        old = None
    unchanged = (_unchanged_groups(site, ld, groups, old, jobs, _counter(say, "checked"))
                 if old is not None else set())
    result = PublishResult(site, len(iris), 0, 0.0, full=old is None, jobs=jobs)
    manifest = Manifest(settings)
    recorder = RecordingStore(ld.store)
    pages = Pages(dataclasses.replace(ld, store=recorder), _site_dumps)  # type: ignore[arg-type]

    def fill(root: Path, reuse: Path | None) -> None:
        os.chmod(root, 0o755)  # mkdtemp makes it 0700; a web server must read the site
        dists: list[Distribution] = []
        kept = unchanged if reuse is not None and old is not None else set()

        def render_group(group: str) -> tuple[list[str], str]:
            recorder.patterns = set()
            files = _write_group(root, pages, group, groups[group], formats)
            digest = lookups_digest(ld.store, recorder.patterns)
            _put(root, deps_name(group), write_patterns(recorder.patterns))
            return files, digest

        todo = [g for g in groups if g not in kept]
        done = dict(zip(todo, fan_out(render_group, todo, jobs, _counter(say, "rendered")),
                        strict=True))
        for group in groups:
            if group in kept:
                assert old is not None and reuse is not None  # kept is empty otherwise
                manifest.groups[group] = old.groups[group]
                result.skipped.append(group)
                source = reuse
            else:
                files, digest = done[group]
                manifest.groups[group] = GroupState(digest, files)
                result.rendered.append(group)
                source = root
            path = group_dump_path(group, SHARED)
            title = "N-Triples, gzip: " + (
                "nodes shared by several standards" if group == SHARED else f"standard {group}"
            )
            dists.append(Distribution.of_file(
                source, path, title, NT_MEDIA,
                standard=None if group == SHARED else group,
            ))  # fmt: skip
        common = CommonWriter(root)
        _write_whole_dump(root, reuse, dists, common.write)
        dists.insert(0, Distribution.of_file(root, WHOLE, "N-Triples, gzip: the whole graph",
                                             NT_MEDIA))  # fmt: skip
        _write_common(common.write, build_dir, ld, Pages(ld, _site_dumps), site_url, endpoint,
                      dists)
        manifest.common = common.files

    if old is None:
        replace_directory(site, lambda tmp: (fill(tmp, None), _put(tmp, MANIFEST,
                                                                   manifest.to_json())))
    else:
        _publish_incremental(site, old, manifest, fill, result)
    files = list(_site_files(site))
    result.files = len(files)
    result.bytes = sum((site / f).stat().st_size for f in files)
    result.seconds = time.perf_counter() - started
    return result


class CommonWriter:
    """Writes the files every publish writes (index, ontology, VoID, …) and lists them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: list[str] = []

    def write(self, path: str, data: bytes | str) -> None:
        _put(self.root, path, data)
        self.files.append(path)


def _put(root: Path, path: str, data: bytes | str) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _write_group(
    root: Path, pages: Pages, group: str, members: list[str], formats: tuple[str, ...]
) -> list[str]:
    """A group's pages, per-node data files and dump; the site paths written."""
    written: list[str] = []

    def write(path: str, data: bytes | str) -> None:
        _put(root, path, data)
        written.append(path)

    ld = pages.ld
    for iri in members:
        page = pages.resource(iri)
        page.alternates = [a for a in page.alternates if a.key in formats]
        write(page.here, render("resource.html", here=page.here, live=False, page=page))
        description = ld.description(iri)
        stem = page.here.removesuffix(".html")
        for key in formats:
            write(f"{stem}.{key}", serialize(description, key, base=ld.base))
    dump, _count = group_dump(ld.store, members)
    write(group_dump_path(group, SHARED), dump)
    return written


def _write_whole_dump(
    root: Path, reuse: Path | None, dists: list[Distribution], write: Write
) -> None:
    """The whole graph: the groups' gzip members, concatenated (:mod:`skillgraph.sitedumps`)."""
    parts = []
    for d in dists:
        here = root / d.path
        parts.append((here if here.is_file() or reuse is None else reuse / d.path).read_bytes())
    write(WHOLE, b"".join(parts))


def _write_common(
    write: Write,
    build_dir: Path,
    ld: LinkedData,
    pages: Pages,
    site_url: str | None,
    endpoint: str | None,
    dists: list[Distribution],
) -> None:
    """The site's shared pages and files: index, ontology, query page, 404, VoID, static."""
    shown = [(d.path.removeprefix("dumps/"), d.media_type + (" (gzip)" if d.compressed else ""),
              human_size(d.size)) for d in dists if d.standard is None]  # fmt: skip
    shown.append(("ontology.ttl", "text/turtle", human_size(len(ontology_bytes(build_dir)))))
    index = pages.index()
    write("index.html", render("index.html", here="index.html", live=False, dumps=shown, **index))
    write("ontology.html", _ontology_page(build_dir))
    write("ontology.ttl", ontology_bytes(build_dir))  # as written by hand, comments kept
    write("dumps/ontology.ttl", ontology_bytes(build_dir))
    for key in ("jsonld", "nt"):
        write(f"ontology.{key}", serialize(ld.ontology_document(), key, base=ld.base))
    write("query.html", _query_page(endpoint, ld.base))
    write("404.html", render("not_found.html", here="404.html", live=False, path="", iri=None))
    where = Where(site=site_url, endpoint=endpoint)
    void = void_triples(ld, where, build_dumps=False) + distribution_triples(where, dists)
    for key in ("ttl", "jsonld", "nt") if site_url else ("ttl",):
        write(f"void.{key}", serialize_description(void, key, where))
    _write_exports(write, build_dir)
    _copy_static(resources.files("skillgraph") / "static", "static", write)


def _copy_static(folder: Traversable, prefix: str, write: Write) -> None:
    """The package's static files, sub-folders (the vendored editor) included."""
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.is_file():
            write(f"{prefix}/{entry.name}", entry.read_bytes())
        elif entry.is_dir() and not entry.name.startswith(("_", ".")):
            _copy_static(entry, f"{prefix}/{entry.name}", write)


def _ontology_page(build_dir: Path) -> str:
    """The ontology's documentation (:mod:`skillgraph.ontodocs`), as the server shows it."""
    context = ontology_page_context(build_dir)
    return render("ontology.html", here="ontology.html", live=False, **context)


def _write_exports(write: Write, build_dir: Path) -> None:
    """Each standard's interchange files, at the paths the server answers them."""
    for export in exports_in(build_dir):
        write(export.path, (build_dir / export.path).read_bytes())


def _site_dumps(code: str) -> list[tuple[str, str, str]]:
    """The dumps a standard's static page links: its own and the whole graph's."""
    gz = f"{NT_MEDIA} (gzip)"
    own = group_dump_path(code, SHARED).removeprefix("dumps/")
    return [(own, gz, ""), (WHOLE.removeprefix("dumps/"), gz, "")]


def _query_page(endpoint: str | None, base: str) -> str:
    context = query_context(catalog(), endpoint=endpoint or "", base=base)
    return render("query.html", here="query.html", live=False, **context)


# --- rendering in processes ---------------------------------------------------------------
def _default_jobs() -> int:
    """One renderer per CPU, as many as the memory available holds: a renderer makes
    about a quarter of the loaded store its own (~1.1 GB each at 1,000 standards, whose
    store took 5.2 GB; docs/scaling.md, "Publishing at scale")."""
    rss = resident_bytes()
    return default_jobs(per_job_bytes=max(256 * 2**20, (rss or 0) // 4))


def _counter(say: Say, verb: str) -> Callable[[int, int, int], None]:
    """Progress of the standards' fan-out as lines for ``say``: every 5 s and at the end."""
    last = [0.0]

    def tell(done: int, total: int, processes: int) -> None:
        now = time.monotonic()
        if done == total or now - last[0] >= 5:
            last[0] = now
            say(f"publish: {verb} {done} of {total} page groups (one per standard) in "
                f"{processes} process{'es' if processes > 1 else ''}")

    return tell


# --- incremental -------------------------------------------------------------------------
def _unchanged_groups(
    site: Path, ld: LinkedData, groups: dict[str, list[str]], old: Manifest, jobs: int,
    progress: Callable[[int, int, int], None],
) -> set[str]:
    """Groups whose recorded lookups give the same answers as last time (not rendered)."""

    def same(group: str) -> bool:
        state = old.groups.get(group)
        if state is None or not state.digest:
            return False
        patterns = read_patterns(site / deps_name(group))
        if patterns is None or not all((site / f).is_file() for f in state.files):
            return False
        return lookups_digest(ld.store, patterns) == state.digest

    names = list(groups)
    return {g for g, ok in zip(names, fan_out(same, names, jobs, progress), strict=True) if ok}


def _publish_incremental(
    site: Path,
    old: Manifest,
    manifest: Manifest,
    fill: Callable[[Path, Path | None], None],
    result: PublishResult,
) -> None:
    """Stage the changed groups and common files beside ``site``, then move into place."""
    recover(site)  # stage directories of killed runs
    stage = Path(tempfile.mkdtemp(prefix=f".{site.name}.tmp-{os.getpid()}-", dir=site.parent))
    try:
        fill(stage, site)
        _put(stage, MANIFEST, manifest.to_json())
        # mark what is about to change: a run killed from here on redoes those groups
        marked = Manifest(old.settings, dict(old.groups), old.common)
        for group in set(old.groups) - set(result.skipped):
            marked.groups[group] = GroupState("", old.groups[group].files)
        _replace_file(site, MANIFEST, marked.to_json())
        keep = {f for s in manifest.groups.values() for f in s.files} | set(manifest.common)
        keep |= {deps_name(g) for g in manifest.groups}
        for path in sorted(_site_files(stage)):
            if path == MANIFEST:
                continue
            if _differs(stage / path, site / path):
                (site / path).parent.mkdir(parents=True, exist_ok=True)
                os.replace(stage / path, site / path)
                result.written += 1
        previous = {f for s in old.groups.values() for f in s.files} | set(old.common)
        previous |= {deps_name(g) for g in old.groups}
        for path in sorted(previous - keep):
            target = site / path
            if target.is_file():
                target.unlink()
                result.removed += 1
                _prune(target.parent, site)
        _replace_file(site, MANIFEST, manifest.to_json())
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _differs(new: Path, current: Path) -> bool:
    if not current.is_file() or current.stat().st_size != new.stat().st_size:
        return True
    return current.read_bytes() != new.read_bytes()


def _replace_file(root: Path, path: str, data: bytes) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def _prune(folder: Path, root: Path) -> None:
    """Remove ``folder`` and its parents up to ``root`` while they are empty."""
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _site_files(root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in sorted(root.rglob("*")) if p.is_file()]
