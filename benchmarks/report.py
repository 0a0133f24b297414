"""Markdown tables from benchmarks/results/*.json (the tables of benchmarks/README.md).

    python benchmarks/report.py [DIR]            # print them
    python benchmarks/report.py --write [DIR]    # and put them into the READMEs

``--write`` replaces what lies between the ``<!-- benchmarks:… -->`` markers: the targets
table in README.md and every table in benchmarks/README.md, so the published figures are
always the ones in the results files (tests/test_docs.py checks that they agree).
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS, median

QUERY_TARGET_1X_MS = 20
QUERY_TARGET_100X_MS = 200
BUILD_TARGET_S = 3.0
ENDPOINT_TARGET_RATIO = 0.5
MEMORY_TARGET_MB = 2048
SEARCH_TARGET_MS = 20
PUBLISH_FILES_PER_STANDARD = 7000  # docs/scaling.md, "Budget per standard"
PUBLISH_MB_PER_STANDARD = 25
FLAT_MEDIAN_MS, FLAT_SLOWEST_MS = 20, 50  # anchored queries at 1, 100, 1000 standards
BIG_SIZE, BIG_LOAD_S, BIG_RSS_MB, DISK_FACTOR = 1000, 60, 8192, 2.0
KEYSET_PAGE_MS = 50  # a keyset page of a whole-graph query (20 occupations), at every size
# "no faster than linearly", with room for timer noise on the smallest sizes: a cost that
# grows by c when the size grows by f has exponent log c / log f (1 = linear)
GROWTH_EXPONENT_LIMIT = 1.1
REPO = Path(__file__).resolve().parent.parent
MARKERS = {
    REPO / "README.md": ("<!-- benchmarks:targets:begin -->", "<!-- benchmarks:targets:end -->"),
    REPO / "benchmarks" / "README.md": ("<!-- benchmarks:tables:begin -->",
                                        "<!-- benchmarks:tables:end -->"),
}


def _load(directory: Path, name: str) -> dict[str, Any] | None:
    path = directory / f"{name}.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def _query_ms(r: dict[str, Any] | None) -> str:
    if not r:
        return "—"
    if "median_ms" in r:
        return _ms(r["median_ms"])
    if "timeout_s" in r:
        return f"> {r['timeout_s'] * 1000:.0f} (stopped)"
    return "error"


def _context(doc: dict[str, Any]) -> str:
    m = doc["machine"]
    return (f"_{doc['date'][:10]}, {m['cpus']} × {m['cpu']}, load average "
            f"{m['load_average'][0]} → {m['load_average_end'][0]} (1 min), git "
            f"{doc['versions'].get('git')}_")


def build_table(doc: dict[str, Any]) -> str:
    lines = ["| stage | median wall s | median CPU s |", "|---|---:|---:|"]
    for name, s in doc["stages"].items():
        lines.append(f"| {name} | {s['median_wall_s']:.3f} | {s['median_cpu_s']:.3f} |")
    b, c = doc["build_call"], doc["cli_end_to_end"]
    lines.append(f"| **build() total** | **{b['median_wall_s']:.2f}** | "
                 f"{b['median_cpu_s']:.2f} |")
    lines.append(f"| **`skillgraph build` end to end** (process start → files written) | "
                 f"**{c['median_wall_s']:.2f}** | {c['median_cpu_s']:.2f} |")
    eq = doc.get("equivalence", {})
    fuzz = eq.get("shacl_on_broken_copies", {})
    lines.append("")
    lines.append(
        f"{doc['runs']} runs; peak RSS {c['median_peak_rss_mb']:.0f} MB (CLI); "
        f"{doc['triples']:,} triples, {doc['violations']} violations, {doc['warnings']} "
        f"warnings. Fast paths: Turtle identical {eq.get('turtle_identical')}, JSON-LD "
        f"identical {eq.get('jsonld_identical')}, SHACL report is pyshacl's "
        f"{eq.get('shacl_on_standard', {}).get('agree')} (standard) and on "
        f"{fuzz.get('agree', 0)}/{fuzz.get('cases', 0)} broken copies (pyshacl failed on "
        f"{fuzz.get('pyshacl_failed', 0)}). {_context(doc)}")
    return "\n".join(lines)


def many_table(doc: dict[str, Any]) -> str:
    lines = ["| run | wall s | CPU s | peak RSS MB | cached | parse s | rdf s | validation s "
             "| serialization s | triples |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for label, r in doc["runs"].items():
        st = r.get("stages_s", {})
        lines.append(
            f"| {label} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['peak_rss_mb']:.0f} "
            f"| {r.get('cached', 0)} | {st.get('parse', 0):.1f} | {st.get('rdf', 0):.1f} "
            f"| {st.get('validation', 0):.1f} | {st.get('serialization', 0):.1f} "
            f"| {r.get('triples') or 0:,} |")
    lines += ["", f"{doc['standards']} standards ({doc['real']} real + {doc['synthetic']} "
              f"synthetic) in one `{doc['command']}`; cold = empty parse cache, warm = every "
              f"source unchanged. {_context(doc)}"]
    return "\n".join(lines)


def queries_table(doc: dict[str, Any], scale: dict[str, Any] | None) -> str:
    at100 = {}
    if scale:
        for s in scale["sizes"]:
            if s.get("size") == 100 and "queries" in s:
                at100 = s["queries"]
    lines = ["| query | pyoxigraph 1× median ms | p95 ms | rdflib 1× median ms | rdflib ÷ "
             "pyoxigraph | pyoxigraph 100× median ms | rows |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, q in doc["queries"].items():
        ox, rl = q["pyoxigraph"], q["rdflib"]
        if "median_ms" in rl:
            rl_text, ratio = _ms(rl["median_ms"]), f"{q['rdflib_over_pyoxigraph']:.0f}×"
        elif "timeout_s" in rl:
            rl_text, ratio = f"> {rl['timeout_s'] * 1000:.0f} (stopped)", "—"
        else:
            rl_text, ratio = "error", "—"
        big = at100.get(name)
        big_ms = big.get("median_ms", float("inf")) if big else None
        flag = " ⚠" if ox["median_ms"] > QUERY_TARGET_1X_MS or (
            big_ms is not None and big_ms > QUERY_TARGET_100X_MS) else ""
        lines.append(f"| `{name}`{flag} | {_ms(ox['median_ms'])} | {_ms(ox['p95_ms'])} | "
                     f"{rl_text} | {ratio} | {_query_ms(big)} | {ox['rows']} |")
    for name, big in at100.items():  # forms only the scale part runs
        if name not in doc["queries"]:
            lines.append(f"| `{name}` | — | — | — | — | {_query_ms(big)} | — |")
    lines.append("")
    lines.append(f"⚠ = over {QUERY_TARGET_1X_MS} ms at 1× or {QUERY_TARGET_100X_MS} ms at 100×. "
                 f"{_context(doc)}")
    return "\n".join(lines)


def endpoint_table(doc: dict[str, Any]) -> str:
    engines = doc["engines"]
    ours = engines["skillgraph"].get("levels", [])
    theirs = engines.get("virtuoso", {}).get("levels", [])
    lines = ["| clients | ours req/s | p50 ms | p99 ms | errors | Virtuoso req/s | p50 ms | "
             "p99 ms | errors | ours ÷ Virtuoso (req/s) |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for i, o in enumerate(ours):
        v = theirs[i] if i < len(theirs) else None
        ratio = f"{o['throughput_rps'] / v['throughput_rps']:.2f}" if v else "—"
        vt = (f"{v['throughput_rps']:.0f} | {_ms(v['median_ms'])} | {_ms(v['p99_ms'])} | "
              f"{v['errors']}") if v else "— | — | — | —"
        lines.append(f"| {o['clients']} | {o['throughput_rps']:.0f} | {_ms(o['median_ms'])} | "
                     f"{_ms(o['p99_ms'])} | {o['errors']} | {vt} | {ratio} |")
    lines.append("")
    note = (f"Mix: {len(doc['mix'])} catalog queries, round robin; {doc['phase_seconds']:.0f} s "
            f"per level after {doc['warmup_seconds']:.0f} s warm-up.")
    if doc.get("virtuoso_skipped"):
        note += f" Virtuoso skipped: {doc['virtuoso_skipped']}."
    if doc.get("excluded_from_mix"):
        note += f" Not in the mix: {', '.join(doc['excluded_from_mix'])}."
    lines.append(f"{note} {_context(doc)}")
    return "\n".join(lines)


def _error_row(size: dict[str, Any], empty_cells: int) -> str:
    """A table row for a size whose run failed: its first error line, the rest empty."""
    first = size["error"].splitlines()[0][:100] if size["error"] else "?"
    return f"| {size['size']} | error: {first} {'|' * empty_cells}"


def kind_of(name: str, result: dict[str, Any]) -> str:
    """A query's kind in the scale part: the recorded one, unless bench_scale.WHOLE_GRAPH now
    names it (a query added to the catalog is "anchored" until listed there; the label
    changes, not the measurement)."""
    from bench_scale import WHOLE_GRAPH

    return "whole-graph" if name in WHOLE_GRAPH else str(result["kind"])


def scale_table(doc: dict[str, Any]) -> str:
    lines = ["| standards | triples | store | load s | store RSS MB | peak RSS MB | disk MB | "
             "anchored queries, median of medians ms | slowest anchored ms | overview-counts ms"
             " | search ms |",
             "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in doc["sizes"]:
        if "error" in s:
            lines.append(_error_row(s, 9))
            continue
        anchored = {k: v["median_ms"] for k, v in s["queries"].items()
                    if kind_of(k, v) == "anchored" and "median_ms" in v}
        stopped = [k for k, v in s["queries"].items() if "median_ms" not in v]
        slowest = max(anchored.items(), key=lambda kv: kv[1]) if anchored else ("", None)
        q = s["queries"]
        disk = "—" if s["disk_mb"] is None else f"{s['disk_mb']:.0f}"
        lines.append(
            f"| {s['size']} | {s['triples']:,} | {s['store'].split()[0]} | "
            f"{s['load']['wall_s']:.1f} | {s['store_memory_mb']:.0f} | {s['peak_rss_mb']:.0f} | "
            f"{disk} | "
            f"{_ms(median(anchored.values()))} | {_ms(slowest[1])} (`{slowest[0]}`)"
            f"{'; stopped: ' + ', '.join(stopped) if stopped else ''} | "
            f"{_query_ms(q.get('overview-counts'))} | {_query_ms(q.get('search'))} |")
    if doc.get("growth"):
        kinds = {k: kind_of(k, v) for s in doc["sizes"] if "queries" in s
                 for k, v in s["queries"].items()}
        lines += ["", "| from → to | size × | load time × | store memory × | anchored query "
                  "× (median) | worst anchored × | whole-graph queries × |",
                  "|---|---:|---:|---:|---:|---:|---|"]
        for g in doc["growth"]:
            known = {k: v for k, v in g["query_median"].items() if v is not None}
            anchored = {k: v for k, v in known.items() if kinds.get(k) == "anchored"}
            worst = max(anchored.items(), key=lambda kv: kv[1]) if anchored else ("", 0.0)
            whole = ", ".join(f"{k} {v:.1f}" for k, v in sorted(known.items())
                              if kinds.get(k) == "whole-graph")
            lines.append(f"| {g['from']} → {g['to']} | {g['size_factor']:.0f} | "
                         f"{g['load_time']:.1f} | {g['store_memory']:.1f} | "
                         f"{g['anchored_median_of_factors']} | {worst[1]:.1f} (`{worst[0]}`) | "
                         f"{whole} |")
    lines.append("")
    lines.append(_context(doc))
    return "\n".join(lines)


def serve_table(doc: dict[str, Any]) -> str:
    lines = ["| standards | store | ready s | RSS MB, sum | PSS MB, sum | processes | anchored "
             "over HTTP, median ms | slowest ms | a page ms | curriculum upload: first / "
             "again s, PSS MB after |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for s in doc["sizes"]:
        for kind, r in s["kinds"].items():
            if "error" in r:
                lines.append(f"| {s['size']} | {kind} | error: {r['error'][:200]} |"
                             + " |" * 7)
                continue
            slowest = max(r["query_ms"].items(), key=lambda kv: kv[1])
            c = r.get("curriculum")
            upload = (f"{c['first_s']:.1f} / {c['again_s']:.1f}, {c['pss_mb_after']:,}"
                      if c else "—")
            lines.append(f"| {s['size']} | {kind} | {r['ready_s']:.1f} | {r['rss_mb']:,} | "
                         f"{r['pss_mb']:,} | {len(r['processes'])} | "
                         f"{_ms(r['anchored_median_ms'])} | {_ms(slowest[1])} (`{slowest[0]}`) | "
                         f"{_ms(r['page_ms'])} | {upload} |")
    lines += ["", "Ready = from the start to the first answered query; hybrid and disk open "
              "`BUILD/store/`, written once per build (" + ", ".join(
                  f"{s['size']}: {s['store_write_s']:.0f} s" for s in doc["sizes"]) + "). "
              "PSS counts the pages the zygote shares with its workers once.", "",
              _context(doc)]
    return "\n".join(lines)


def _anchored(queries: dict[str, Any]) -> dict[str, float]:
    return {k: v["median_ms"] for k, v in queries.items()
            if kind_of(k, v) == "anchored" and "median_ms" in v}


def _slowest(anchored: dict[str, float]) -> str:
    if not anchored:
        return "—"
    name = max(anchored, key=anchored.__getitem__)
    return f"{_ms(anchored[name])} (`{name}`)"


# How a query stopped at Virtuoso's execution limit (or by the client's longer timeout) was
# recorded before the part kept "timeout_s" for it: the "anytime" state, the SR171
# "Transaction timed out" error, or the socket's timeout.
STOPPED_MARKS = ("S1TAT", "SR171", "TimeoutError")


def _virtuoso_ms(r: dict[str, Any] | None) -> str:
    """A Virtuoso query's median; a query stopped at the time limit as stopped."""
    if r and "median_ms" not in r and any(m in r.get("error", "") for m in STOPPED_MARKS):
        return "stopped (time limit)"
    return _query_ms(r)


def _rows_verdict(size: dict[str, Any]) -> str:
    """Whether Virtuoso's answers had the embedded store's row counts, from the queries
    (an answer cut at the server's limit has none to compare)."""
    q = size["queries"]
    compared = {k: v["rows"] == v["expected_rows"] for k, v in q.items()
                if "rows" in v and v.get("expected_rows") is not None}
    wrong = [k for k, ok in compared.items() if not ok]
    if not compared:
        why = re.sub(r"\S*/|; its messages are above", "", size["expected"].get(
            "not_checked", "?"))  # the directories and run_child's pointer to its log
        return "not checked: " + why[:80]
    text = "yes" if not wrong else (f"{len(compared) - len(wrong)} equal; differ: "
                                    + ", ".join(wrong))
    if len(compared) < len(q):
        text += f" ({len(compared)} of {len(q)} answered)"
    return text


def virtuoso_table(doc: dict[str, Any], scale: dict[str, Any] | None) -> str:
    """Virtuoso's figures per size beside ours (scale.json's in-memory store, same corpus)."""
    ours = {s["size"]: s for s in (scale or {}).get("sizes", [])
            if "queries" in s and s["store"].startswith("in-memory")}
    lines = ["| standards | triples | load s: Virtuoso / ours | Virtuoso DB MB | Virtuoso RSS MB"
             " (started → loaded → queried) | ours store RSS MB | anchored, median of medians "
             "ms: Virtuoso / ours | slowest anchored ms: Virtuoso / ours | overview-counts ms: "
             "Virtuoso / ours | search ms: Virtuoso / ours | rows = embedded store |",
             "|---:|---:|---|---:|---|---:|---|---|---|---|---|"]
    for s in doc["sizes"]:
        if "error" in s:
            lines.append(_error_row(s, 10))
            continue
        o = ours.get(s["size"])
        q, oq = s["queries"], (o or {}).get("queries", {})
        va, oa = _anchored(q), _anchored(oq)
        ld = s["load"]
        stopped = [k for k, v in q.items() if "median_ms" not in v]
        rows = _rows_verdict(s)
        triples = f"{s['triples']:,}" + (f" (ours {o['triples']:,})" if o and o["triples"]
                                           != s["triples"] else "")
        o_load = f"{o['load']['wall_s']:.1f}" if o else "—"
        o_rss = f"{o['store_memory_mb']:.0f}" if o else "—"
        lines.append(
            f"| {s['size']} | {triples} | {ld['wall_s']:.1f} (checkpoint "
            f"{ld['checkpoint_s']:.1f}) / {o_load} | {s['db_mb']:.0f} | "
            f"{s['rss_after_start_mb']:.0f} → {s['rss_after_load_mb']:.0f} → "
            f"{s['rss_after_queries_mb']:.0f} | {o_rss} | "
            f"{_ms(median(va.values()) if va else None)} / "
            f"{_ms(median(oa.values()) if oa else None)} | {_slowest(va)} / {_slowest(oa)}"
            f"{'; stopped: ' + ', '.join(stopped) if stopped else ''} | "
            f"{_virtuoso_ms(q.get('overview-counts'))} / {_query_ms(oq.get('overview-counts'))}"
            f" | {_virtuoso_ms(q.get('search'))} / {_query_ms(oq.get('search'))} | {rows} |")
    lines += ["", f"Virtuoso: {doc['engine']}; bulk loader (`ld_dir`, "
              f"{doc['sizes'][0].get('load', {}).get('loaders', '?')} parallel "
              "`rdf_loader_run()`, `checkpoint`); queries over SPARQL on loopback, one "
              "keep-alive connection, a run = POST + the whole JSON answer read and parsed. "
              "Ours = the scale part's in-memory pyoxigraph store, in process (scale.json: its "
              "own run and date). Rows: every answer's row count against an embedded store "
              "loaded from the same corpus files. " + _context(doc)]
    return "\n".join(lines)


def search_table(doc: dict[str, Any]) -> str:
    lines = ["| standards | documents | index MB | index written s | server: median ms | "
             "server: slowest query, median ms | CLI (connection per query): median ms | "
             f"median ≤ {SEARCH_TARGET_MS} ms |",
             "|---:|---:|---:|---:|---:|---|---:|---|"]
    for s in doc["sizes"]:
        srv, cli = s["server"], s["cli"]
        lines.append(f"| {s['size']} | {s['documents']:,} | {s['index_mb']:.0f} | "
                     f"{s['build_s']:.1f} | {_ms(srv['median_ms'])} | "
                     f"`{srv['slowest_query']}` {_ms(srv['slowest_median_ms'])} | "
                     f"{_ms(cli['median_ms'])} | {_verdict(s['target_met'])} |")
    lines += ["", f"{len(doc['sizes'][0]['server']['queries'])} queries × "
              f"{doc['runs_per_query']} runs each (`benchmarks/bench_search.py`).", "",
              _context(doc)]
    return "\n".join(lines)


def exponent(cost_factor: float, size_factor: float) -> float:
    return math.log(max(cost_factor, 1e-9)) / math.log(size_factor)


def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("**met**" if ok else "**missed**")


def _publish_marginal(doc: dict[str, Any]) -> dict[str, float] | None:
    """Files, MB and CPU s of a full publish per standard added, between the smallest and
    the largest size measured (the smallest corpus holds both shipped standards)."""
    ok = [s for s in doc["sizes"] if "error" not in s]
    if len(ok) < 2:
        return None
    a, b = ok[0], ok[-1]
    n = b["standards"] - a["standards"]
    return {"files": (b["full"]["files"] - a["full"]["files"]) / n,
            "mb": (b["full"]["bytes"] - a["full"]["bytes"]) / n / 2**20,
            "cpu_s": (b["full"]["cpu_s"] - a["full"]["cpu_s"]) / n,
            "from": a["standards"], "to": b["standards"]}


def _publish_largest(doc: dict[str, Any]) -> str:
    """The largest corpus published: its site, time and memory, for the targets table."""
    ok = [s for s in doc["sizes"] if "error" not in s]
    if not ok:
        return ""
    big = ok[-1]
    f = big["full"]
    text = (f"; {big['standards']:,} standards: {f['files']:,} files, "
            f"{f['bytes'] / 2**30:.1f} GB, first publish {f['wall_s'] / 60:.0f} min")
    if "jobs" in big:
        text += f" ({big['jobs']} processes)"
    if "peak_pss_mb" in big:
        text += f", peak {big['peak_pss_mb'] / 1024:.1f} GB PSS"
    return text + f", re-publish unchanged {big['unchanged']['wall_s'] / 60:.1f} min"


def publish_table(doc: dict[str, Any]) -> str:
    lines = ["| standards | files | MB | full publish: wall / CPU s "
             "| re-publish, unchanged: wall / CPU s "
             "| re-publish, one changed: wall / CPU s / groups rendered / files written "
             "| peak memory, all processes (PSS MB) |",
             "|---:|---:|---:|---|---|---|---:|"]
    for s in doc["sizes"]:
        if "error" in s:
            lines.append(f"| {s['standards']} | error: {s['error']} | | | | | |")
            continue
        f, same, one = s["full"], s["unchanged"], s["one_changed"]
        peak = f"{s['peak_pss_mb']:,}" if "peak_pss_mb" in s else "—"
        lines.append(
            f"| {s['standards']} | {f['files']:,} | {f['bytes'] / 2**20:.1f} | "
            f"{f['wall_s']:.1f} / {f['cpu_s']:.1f} | {same['wall_s']:.1f} / {same['cpu_s']:.1f} | "
            f"{one['wall_s']:.1f} / {one['cpu_s']:.1f} / {one['rendered']} / {one['written']:,} "
            f"| {peak} |")
    per = _publish_marginal(doc)
    if per:
        lines += ["", f"Per standard added ({per['from']} → {per['to']}): {per['files']:,.0f} "
                  f"files, {per['mb']:.1f} MB, {per['cpu_s']:.1f} CPU s."]
    jobs = next((s["jobs"] for s in doc["sizes"] if "jobs" in s), None)
    alone = next((s for s in doc["sizes"] if "full_one_process" in s), None)
    if jobs:
        lines += ["", f"Publishing renders the standards in {jobs} processes (one per CPU, as "
                  "many as the memory holds; CPU seconds include them)."]
    if alone:
        one, both = alone["full_one_process"], alone["full"]
        lines[-1] += (f" In one process (`--jobs 1`) the full publish of {alone['standards']} "
                      f"took {one['wall_s']:.1f} s against {both['wall_s']:.1f} s (×"
                      f"{one['wall_s'] / both['wall_s']:.2f}).")
    former = next((s["all_formats"] for s in doc["sizes"] if "all_formats" in s), None)
    if former:
        lines += ["", f"With `--all-formats` (JSON-LD and N-Triples per node too, as before), "
                  f"at {doc['sizes'][0]['standards']}×: {former['files']:,} files, "
                  f"{former['bytes'] / 2**20:.1f} MB."]
    lines += ["", f"Corpus: {doc['corpus']}; the smallest is the build of the shipped "
              f"standards. {_context(doc)}"]
    return "\n".join(lines)


def targets_table(directory: Path = RESULTS) -> str:
    """The issue's targets, each with what the results files say."""
    rows: list[tuple[str, str, bool | None]] = []
    build = _load(directory, "build")
    if build:
        c = build["cli_end_to_end"]
        rows.append((f"build of this standard ≤ {BUILD_TARGET_S:.0f} s end to end",
                     f"{c['median_wall_s']:.2f} s (`skillgraph build`, median of "
                     f"{build['runs']}; stages {build['build_call']['median_wall_s']:.2f} s), "
                     f"peak {c['median_peak_rss_mb']:.0f} MB",
                     c["median_wall_s"] <= BUILD_TARGET_S))
    queries, scale = _load(directory, "queries"), _load(directory, "scale")
    if queries:
        ms = {k: v["pyoxigraph"]["median_ms"] for k, v in queries["queries"].items()}
        worst = max(ms, key=ms.__getitem__)
        over = [k for k, v in ms.items() if v > QUERY_TARGET_1X_MS]
        rows.append((f"every catalog query ≤ {QUERY_TARGET_1X_MS} ms at 1×",
                     f"slowest `{worst}` {ms[worst]:.1f} ms; median of the {len(ms)} "
                     f"{median(ms.values()):.1f} ms"
                     + (f"; over: {', '.join(over)}" if over else ""), not over))
    sizes = {s["size"]: s for s in (scale or {}).get("sizes", [])
             if "queries" in s and s["store"].startswith("in-memory")}
    if 100 in sizes:
        q = sizes[100]["queries"]
        anchored = {k: v.get("median_ms", float("inf")) for k, v in q.items()
                    if kind_of(k, v) == "anchored"}
        whole = {k: v.get("median_ms", float("inf")) for k, v in q.items()
                 if kind_of(k, v) == "whole-graph"}
        worst = max(anchored, key=anchored.__getitem__)
        over_whole = {k: v for k, v in whole.items() if v > QUERY_TARGET_100X_MS}
        rows.append((f"every catalog query ≤ {QUERY_TARGET_100X_MS} ms at 100× (anchored: "
                     "parameters pointing into one standard)",
                     f"slowest `{worst}` {anchored[worst]:.1f} ms",
                     anchored[worst] <= QUERY_TARGET_100X_MS))
        rows.append(("… whole-graph queries at 100× (their answer is 100× as long)",
                     "; ".join(f"`{k}` {_ms(v)} ms" for k, v in sorted(whole.items())),
                     not over_whole))
        peak = sizes[100]["peak_rss_mb"]
        rows.append((f"memory ≤ {MEMORY_TARGET_MB // 1024} GB at 100×",
                     f"peak RSS {peak:.0f} MB (store {sizes[100]['store_memory_mb']:.0f} MB, "
                     f"{sizes[100]['triples']:,} triples, in memory)",
                     peak <= MEMORY_TARGET_MB))
    endpoint = _load(directory, "endpoint")
    if endpoint:
        ours = {lv["clients"]: lv for lv in endpoint["engines"]["skillgraph"].get("levels", [])}
        theirs = {lv["clients"]: lv
                  for lv in endpoint["engines"].get("virtuoso", {}).get("levels", [])}
        if 8 in ours and 8 in theirs:
            ratio = ours[8]["throughput_rps"] / theirs[8]["throughput_rps"]
            errors = ours[8]["errors"] + theirs[8]["errors"]
            rows.append((f"endpoint throughput ≥ {ENDPOINT_TARGET_RATIO}× Virtuoso's at 8 "
                         "clients, no errors",
                         f"{ours[8]['throughput_rps']:.0f} vs {theirs[8]['throughput_rps']:.0f}"
                         f" req/s = {ratio:.2f}×; errors {errors}",
                         ratio >= ENDPOINT_TARGET_RATIO and errors == 0))
        else:
            rows.append(("endpoint throughput vs Virtuoso at 8 clients",
                         "Virtuoso not measured in this run", None))
    if scale and scale.get("growth"):
        kinds = {k: kind_of(k, v) for s in sizes.values() for k, v in s["queries"].items()}
        facts, ok = [], True
        for g in scale["growth"]:
            f = g["size_factor"]
            anchored = [v for k, v in g["query_median"].items()
                        if v is not None and kinds.get(k) == "anchored"]
            worst_q = max(anchored) if anchored else 0.0
            costs = (g["load_time"], g["store_memory"], worst_q)
            ok = ok and all(exponent(c, f) <= GROWTH_EXPONENT_LIMIT for c in costs)
            facts.append(f"{g['from']}→{g['to']} (×{f:.0f}): load ×{g['load_time']:.1f}, "
                         f"memory ×{g['store_memory']:.1f}, anchored queries ×"
                         f"{g['anchored_median_of_factors']} (worst ×{worst_q:.1f})")
        rows.append((f"cost growing no faster than linearly (exponent "
                     f"log(cost ×)/log(size ×) ≤ {GROWTH_EXPONENT_LIMIT} for load, memory and "
                     "every anchored query, in memory)", "; ".join(facts), ok))
    if scale:
        rows += national_scale_rows(scale, _load(directory, "serve"))
    search = _load(directory, "search")
    if search:
        facts = "; ".join(f"{s['size']}×: {_ms(s['server']['median_ms'])} ms (slowest "
                          f"`{s['server']['slowest_query']}` "
                          f"{_ms(s['server']['slowest_median_ms'])})" for s in search["sizes"])
        rows.append((f"search median ≤ {SEARCH_TARGET_MS} ms at "
                     f"{', '.join(str(s['size']) for s in search['sizes'])} standards",
                     facts, all(s["target_met"] for s in search["sizes"])))
    virtuoso = _load(directory, "virtuoso")
    done = [s for s in (virtuoso or {}).get("sizes", []) if "error" not in s]
    if done:
        big = max(done, key=lambda s: s["size"])
        va = _anchored(big["queries"])
        stopped = [k for k, v in big["queries"].items() if "median_ms" not in v]
        rows.append((f"the same corpus on an existing engine: {big['size']} standards "
                     "bulk-loaded into Virtuoso (recorded beside ours, no target)",
                     f"load {big['load']['wall_s']:.0f} s, DB {big['db_mb']:.0f} MB, RSS "
                     f"{big['rss_after_queries_mb']:.0f} MB; anchored median "
                     f"{_ms(median(va.values()) if va else None)} ms, slowest "
                     f"{_slowest(va)} ms; rows = embedded store: {_rows_verdict(big)}"
                     + (f"; not answered: {', '.join(stopped)}" if stopped else ""), None))
    publish = _load(directory, "publish")
    per = _publish_marginal(publish) if publish else None
    if publish and per:
        one = [s["one_changed"] for s in publish["sizes"] if "error" not in s][-1]
        rows.append((f"published site ≤ {PUBLISH_FILES_PER_STANDARD:,} files and "
                     f"≤ {PUBLISH_MB_PER_STANDARD} MB per standard (the carbon draft's size)",
                     f"{per['files']:,.0f} files, {per['mb']:.1f} MB, {per['cpu_s']:.1f} CPU s "
                     f"per standard added ({per['from']} → {per['to']})"
                     + _publish_largest(publish),
                     per["files"] <= PUBLISH_FILES_PER_STANDARD
                     and per["mb"] <= PUBLISH_MB_PER_STANDARD))
        rows.append((f"re-publish with one of {per['to']} standards changed renders only it",
                     f"{one['rendered']} group rendered, {one['written']:,} files written, "
                     f"{one['cpu_s']:.1f} CPU s", one["rendered"] == 1))
    lines = ["| target | measured | |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {_verdict(ok)} |" for t, m, ok in rows]
    doc = build or queries or endpoint or scale or search or publish
    if doc:
        lines += ["", _context(doc)]
    return "\n".join(lines)


def _anchored_ms(size: dict[str, Any]) -> dict[str, float]:
    return {k: v.get("median_ms", float("inf")) for k, v in size["queries"].items()
            if kind_of(k, v) == "anchored"}


def national_scale_rows(scale: dict[str, Any], serve: dict[str, Any] | None = None
                        ) -> list[tuple[str, str, bool | None]]:
    """All standards on one machine (docs/scaling.md): anchored queries flat in the number
    of standards; a 1,000-standard store loaded fast and served small enough (serve.json:
    the whole `skillgraph serve` process tree), or on disk and within 2× of memory."""
    sizes = [s for s in scale["sizes"] if "queries" in s]
    memory = {s["size"]: s for s in sizes if s["store"].startswith("in-memory")}
    disk = {s["size"]: s for s in sizes if s["store"].startswith("on-disk")}
    rows: list[tuple[str, str, bool | None]] = []
    wanted = [n for n in (1, 100, BIG_SIZE) if n in memory]
    if wanted:
        facts, ok = [], True
        for n in wanted:
            ms = _anchored_ms(memory[n])
            worst = max(ms, key=ms.__getitem__)
            med = median(ms.values())
            ok = ok and med <= FLAT_MEDIAN_MS and ms[worst] <= FLAT_SLOWEST_MS
            facts.append(f"{n}: median {_ms(med)} ms, slowest `{worst}` {_ms(ms[worst])} ms")
        rows.append((f"anchored queries median ≤ {FLAT_MEDIAN_MS} ms and slowest ≤ "
                     f"{FLAT_SLOWEST_MS} ms at {', '.join(map(str, wanted))} standards",
                     "; ".join(facts), ok if BIG_SIZE in memory else None))
    if wanted:
        facts, ok = [], True
        for n in wanted:
            pages = {k: v.get("median_ms", float("inf")) for k, v in memory[n]["queries"].items()
                     if "@keyset-" in k}
            if not pages:
                ok = None
                continue
            worst = max(pages, key=pages.__getitem__)
            ok = ok and pages[worst] <= KEYSET_PAGE_MS
            facts.append(f"{n}: slowest page `{worst}` {_ms(pages[worst])} ms")
        rows.append((f"whole-graph answers paged by keyset (`occupations`, `after`): every "
                     f"page ≤ {KEYSET_PAGE_MS} ms, first or deep, at "
                     f"{', '.join(map(str, wanted))} standards",
                     "; ".join(facts) or "not measured",
                     ok if BIG_SIZE in memory and facts else None))
    if BIG_SIZE in memory:
        big = memory[BIG_SIZE]
        fits = big["load"]["wall_s"] <= BIG_LOAD_S and big["peak_rss_mb"] <= BIG_RSS_MB
        text = (f"in memory: load {big['load']['wall_s']:.0f} s, peak RSS "
                f"{big['peak_rss_mb']:.0f} MB ({big['triples']:,} triples)")
        served = {s["size"]: s for s in (serve or {}).get("sizes", [])}.get(BIG_SIZE)
        if served:
            kinds = {k: v for k, v in served["kinds"].items() if "pss_mb" in v}
            text += "; `skillgraph serve` (whole process tree, PSS): " + ", ".join(
                f"{k} {v['pss_mb'] / 1024:.1f} GB (ready in {v['ready_s']:.0f} s)"
                for k, v in kinds.items())
            fits = fits and any(v["pss_mb"] <= BIG_RSS_MB for k, v in kinds.items()
                                if k != "disk")
        ok: bool | None = fits
        if BIG_SIZE in disk:
            mem_ms, disk_ms = _anchored_ms(big), _anchored_ms(disk[BIG_SIZE])
            ratios = {k: disk_ms[k] / max(v, 1e-3) for k, v in mem_ms.items() if k in disk_ms}
            worst = max(ratios, key=ratios.__getitem__)
            ratio = median(ratios.values())
            text += (f"; on disk: {disk[BIG_SIZE]['disk_mb']:.0f} MB, RSS "
                     f"{disk[BIG_SIZE]['peak_rss_mb']:.0f} MB, anchored queries ×{ratio:.1f} "
                     f"of memory (median; worst `{worst}` ×{ratios[worst]:.1f})")
            ok = fits or ratios[worst] <= DISK_FACTOR
        rows.append((f"{BIG_SIZE} standards: load ≤ {BIG_LOAD_S} s and ≤ "
                     f"{BIG_RSS_MB // 1024} GB resident, or on disk within {DISK_FACTOR:.0f}× "
                     "of memory on anchored queries", text, ok))
    return rows


def write_readmes(directory: Path = RESULTS) -> list[Path]:
    """Replace the marked sections of the READMEs with the tables of ``directory``."""
    texts = {REPO / "README.md": targets_table(directory),
             REPO / "benchmarks" / "README.md": markdown(directory)}
    written = []
    for path, (begin, end) in MARKERS.items():
        text = path.read_text(encoding="utf-8")
        a, b = text.index(begin) + len(begin), text.index(end)
        new = text[:a] + "\n" + texts[path].strip() + "\n" + text[b:]
        if new != text:
            path.write_text(new, encoding="utf-8")
            written.append(path)
    return written


def abuse_table(doc: dict[str, Any]) -> str:
    """Before/after figures of benchmarks/abuse.py."""
    labels = [k for k in ("before", "main", "after") if k in doc]
    lines = ["| measure | " + " | ".join(labels) + " |", "|---|" + "---|" * len(labels)]

    def row(name: str, get: Any) -> None:
        lines.append(f"| {name} | " + " | ".join(str(get(doc[k])) for k in labels) + " |")

    row("cheap ASK p50 / p99 ms, 20 clients sending cross joins",
        lambda d: f"{_ms(d['fairness']['cheap_p50_ms'])} / {_ms(d['fairness']['cheap_p99_ms'])}")
    row("cheap ASK answers by status", lambda d: _statuses(d["fairness"]["cheap_statuses"]))
    row("cross joins by status", lambda d: _statuses(d["fairness"]["heavy_statuses"]))
    row("5 unread 10,000-row answers: RSS growth of the server process (MB)",
        lambda d: f"{d['unread_answers']['server_growth_mb']:.0f}")
    row("… of the server and its workers, RSS / PSS (MB)",
        lambda d: f"{d['unread_answers']['growth_mb']:.0f} / "
                  + _mb(d["unread_answers"].get("pss_growth_mb")))
    row("worker crashes, 4 clients × 20,000 nested groups",
        lambda d: d["deep_nesting"]["worker_crashes"])
    row("nested-group answers by status", lambda d: _statuses(d["deep_nesting"]["statuses"]))
    row("server answers afterwards", lambda d: "yes" if d["deep_nesting"]["healthy_after"]
        else "no")
    row("new query worker ready, median ms: forked / loading the store",
        lambda d: f"{_ms(d['workers']['fork']['median_ready_ms'])} / "
                  f"{_ms(d['workers']['load']['median_ready_ms'])}" if "fork" in
        d.get("workers", {}) else "—")
    row("… its own memory, PSS MB (zygote: shared by all)",
        lambda d: f"{d['workers']['fork']['pss_mb']:.0f} / {d['workers']['load']['pss_mb']:.0f}"
                  f" (zygote {d['workers']['zygote_pss_mb']:.0f})" if "fork" in
        d.get("workers", {}) else "—")
    row("load average (start, end)", lambda d: ", ".join(f"{v[0]:.1f}" for v in
                                                          d["load_average"]))
    return "\n".join(lines)


def _mb(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def _statuses(counts: dict[str, int]) -> str:
    return ", ".join(f"{n}× {s}" for s, n in sorted(counts.items()))


def markdown(directory: Path = RESULTS) -> str:
    parts = []
    build = _load(directory, "build")
    if build:
        parts += ["### Build (`skillgraph build`, this standard)", "", build_table(build), ""]
    queries, scale = _load(directory, "queries"), _load(directory, "scale")
    if queries:
        parts += ["### Catalog queries: embedded pyoxigraph vs rdflib", "",
                  queries_table(queries, scale), ""]
    endpoint = _load(directory, "endpoint")
    if endpoint:
        parts += ["### SPARQL endpoint: `skillgraph serve` vs Virtuoso", "",
                  endpoint_table(endpoint), ""]
    if scale:
        parts += ["### Scale: N standards in one store", "", scale_table(scale), ""]
    serve = _load(directory, "serve")
    if serve:
        parts += ["### Serving N standards (`skillgraph serve --store …`, `--workers 2`)", "",
                  serve_table(serve), ""]
    virtuoso = _load(directory, "virtuoso")
    if virtuoso:
        parts += ["### Scale on Virtuoso: the same corpora bulk-loaded", "",
                  virtuoso_table(virtuoso, scale), ""]
    many = _load(directory, "many")
    if many:
        parts += ["### Many standards in one build (real + synthetic sources)", "",
                  many_table(many), ""]
    search = _load(directory, "search")
    if search:
        parts += ["### Search (`build/search.sqlite`): N standards", "", search_table(search),
                  ""]
    publish = _load(directory, "publish")
    if publish:
        parts += ["### Publishing at scale (`skillgraph publish`, N standards)", "",
                  publish_table(publish), ""]
    abuse = _load(directory, "abuse")
    if abuse:
        parts += ["### Abuse: `skillgraph serve` attacked on loopback (benchmarks/abuse.py)",
                  "", "Before = the code before the security work; main = with the query "
                  "check, caps and fair queue, replacement workers loading the store; "
                  "after = workers forked from the zygote and the fair order by recent "
                  "worker time (main and after measured back to back, same machine; their "
                  "nested-group texts differ per request, so no verdict is reused). The "
                  "cheap client starts 10 s into the attack and measures for 15 s.", "",
                  abuse_table(abuse), ""]
    return "\n".join(parts) if parts else f"(no results in {directory})"


if __name__ == "__main__":
    args = sys.argv[1:]
    write = "--write" in args
    args = [a for a in args if a != "--write"]
    directory = Path(args[0]) if args else RESULTS
    print(targets_table(directory), end="\n\n")
    print(markdown(directory))
    if write:
        for path in write_readmes(directory):
            print(f"wrote {path}", file=sys.stderr)
