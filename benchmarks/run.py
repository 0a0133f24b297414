"""All skillgraph benchmarks, one command; results in benchmarks/results/*.json.

    python benchmarks/run.py [--sizes 1,10,100,1000] [--on-disk 1000] [--quick]
                             [--only PART,…] [--out DIR] [--no-virtuoso] [--work DIR]

Parts (all by default; ``--only build,queries`` for some):

- ``build``     `skillgraph build` of the shipped standard: time per stage (wall and CPU),
                end to end, peak memory; median of ``--build-runs`` fresh processes (7; 2 with
                --quick).  Also checks that the build's fast paths (indexed serializers,
                quick SHACL Core check) give exactly the reference output.  → build.json
- ``queries``   every catalog query at 1×: embedded pyoxigraph vs rdflib's in-memory
                store, same bound text.  → queries.json
- ``endpoint``  `skillgraph serve` vs Virtuoso (same dump) at 1, 8, 32 concurrent clients on
                loopback, catalog mix; throughput, p50, p99, errors, ratio.  → endpoint.json
- ``many``      the shipped standards plus ``--synthetic`` copies (100) in one build, as the
                CLI runs it: cold (empty parse cache) and warm (all cached).  → many.json
- ``scale``     synthetic corpora of ``--sizes`` standards in memory (and the ``--on-disk``
                sizes once more on disk): load time, memory, store size, catalog latency,
                growth between sizes.  → scale.json
- ``virtuoso``  the same corpora bulk-loaded into a private Virtuoso (``--sizes``; 1 with
                --quick): load time, DB size, server memory, catalog latency, every
                answer's row count checked against the embedded store.  Skipped, with the
                reason, without virtuoso-t or with --no-virtuoso.  → virtuoso.json
- ``search``    the full-text index (build/search.sqlite) of ``--sizes`` standards: median
                and slowest query time, server and CLI.  → search.json
- ``serve``     `skillgraph serve --store memory|hybrid|disk` of ``--serve-sizes`` standards
                (1000; 1 with --quick): time to the first answer, resident memory of the
                whole process tree (RSS and PSS), anchored queries over HTTP.  → serve.json
- ``publish``   `skillgraph publish` of ``--publish-sizes`` synthetic standards (1,10,100):
                files, bytes, seconds per standard; re-publish unchanged and with one
                standard changed.  → publish.json

Every file carries the date, the command, machine facts (CPU, cores, memory, load
average at start and end) and versions (Python, libraries, Virtuoso, git revision).
``python benchmarks/report.py`` prints the tables of benchmarks/README.md from them.

Bounded: every phase has a time limit (see --help); expected durations on a 2-core machine
are in benchmarks/README.md (full run with 1000×: ~35 min; --quick --sizes 1,10: ~2 min).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS, machine, run_measured, say, write_result

PARTS = ("build", "queries", "endpoint", "scale", "search", "many", "virtuoso", "publish",
         "serve")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1,10,100,1000",
                    help="corpus sizes (standards) for the scale part [1,10,100,1000]")
    ap.add_argument("--on-disk", default="1000",
                    help="sizes measured once more on an on-disk store [1000]; only those "
                         "also in --sizes")
    ap.add_argument("--quick", action="store_true",
                    help="few repeats and short phases (CI smoke; figures are rough)")
    ap.add_argument("--only", default=",".join(PARTS), help="parts to run, comma-separated")
    ap.add_argument("--out", type=Path, default=RESULTS, help="results directory")
    ap.add_argument("--work", type=Path, default=None,
                    help="scratch directory (default: a temporary one, removed at the end; "
                         "the 1000x corpus needs ~7 GB while it is loaded)")
    ap.add_argument("--no-virtuoso", action="store_true",
                    help="endpoint part: ours only; virtuoso part: skipped")
    ap.add_argument("--synthetic", type=int, default=None,
                    help="many: synthetic standards built with the shipped ones [100; quick 3]")
    ap.add_argument("--build-runs", type=int, default=None, help="build repeats [7; quick 2]")
    ap.add_argument("--clients", default="1,8,32", help="endpoint concurrency levels")
    ap.add_argument("--publish-sizes", default=None,
                    help="publish: corpus sizes [1,10,100; quick 1]")
    ap.add_argument("--serve-sizes", default=None,
                    help="serve: corpus sizes [1000; quick 1]")
    ap.add_argument("--phase-seconds", type=float, default=None,
                    help="endpoint: seconds of load per level [20; quick 1.5]")
    args = ap.parse_args(argv)
    args.sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    args.on_disk = [int(x) for x in args.on_disk.split(",") if x.strip()]
    args.parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        ap.error(f"unknown part(s) {sorted(unknown)}; parts: {', '.join(PARTS)}")
    args.clients = [int(x) for x in args.clients.split(",")]
    args.publish_sizes = [int(x) for x in (args.publish_sizes or ("1" if args.quick else
                                                                  "1,10,100")).split(",")]
    args.serve_sizes = [int(x) for x in (args.serve_sizes or ("1" if args.quick else
                                                              "1000")).split(",")]
    q = args.quick
    args.build_runs = args.build_runs or (2 if q else 7)
    args.phase_seconds = args.phase_seconds or (1.5 if q else 20.0)
    args.mutations = 15 if q else 200
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    argv_used = sys.argv[1:] if argv is None else argv
    work = Path(tempfile.mkdtemp(prefix="sg-bench-", dir=args.work))
    status = 0
    try:
        build_dir = work / "build"
        if "build" in args.parts:
            import bench_build

            started = machine()
            say(f"build: {args.build_runs} runs")
            payload = bench_build.measure(work, args.build_runs)
            say("build: checking the fast paths against the reference code")
            payload["equivalence"] = bench_build.check_fast_paths(work, args.mutations)
            if not payload["equivalence"]["ok"]:
                status = 1
                say(f"build: FAST PATHS DISAGREE: {payload['equivalence']}")
            write_result(args.out, "build", payload, started, argv_used)
            shutil.copytree(work / "cli-0", build_dir)
        else:
            say("one build for the other parts")
            run_measured([sys.executable, "-m", "skillgraph.cli", "build", "--out",
                          str(build_dir)], timeout=600)

        if "queries" in args.parts:
            import bench_queries

            started = machine()
            say("queries: pyoxigraph vs rdflib at 1x")
            payload = bench_queries.measure(
                build_dir, work, runs=5 if args.quick else 50,
                rdflib_runs=3 if args.quick else 10,
                rdflib_budget_s=2 if args.quick else 20,
                rdflib_timeout_s=5 if args.quick else 30)
            write_result(args.out, "queries", payload, started, argv_used)

        if "endpoint" in args.parts:
            import bench_endpoint

            started = machine()
            say("endpoint: load test")
            payload = bench_endpoint.measure(
                build_dir, work, levels=args.clients, seconds=args.phase_seconds,
                warmup_s=0.5 if args.quick else 3.0,
                max_requests=5_000 if args.quick else 200_000,
                virtuoso=not args.no_virtuoso)
            errors = sum(level["errors"] for e in payload["engines"].values()
                         for level in e.get("levels", []))
            if errors:
                say(f"endpoint: {errors} errors (see endpoint.json)")
            write_result(args.out, "endpoint", payload, started, argv_used)

        if "scale" in args.parts and args.sizes:
            import bench_scale

            started = machine()
            say(f"scale: sizes {args.sizes}")
            payload = bench_scale.measure(
                build_dir, work, args.sizes, runs=3 if args.quick else 20,
                budget_s=3 if args.quick else 20,
                timeout_per_size_s=3600 if max(args.sizes) > 100 else 1200,
                disk_sizes=args.on_disk)
            if any("error" in s for s in payload["sizes"]):
                status = 1
            write_result(args.out, "scale", payload, started, argv_used)
        if "many" in args.parts:
            import bench_many

            started = machine()
            synthetic = args.synthetic if args.synthetic is not None else (3 if args.quick else 100)
            say(f"many: the shipped standards + {synthetic} synthetic in one build")
            payload = bench_many.measure(work, synthetic)
            write_result(args.out, "many", payload, started, argv_used)
        if "search" in args.parts and args.sizes:
            import bench_search

            started = machine()
            say(f"search: sizes {args.sizes}")
            payload = bench_search.measure(build_dir, work, args.sizes,
                                           runs=3 if args.quick else 15)
            write_result(args.out, "search", payload, started, argv_used)
        if "virtuoso" in args.parts and args.sizes:
            import bench_virtuoso

            reason = ("not asked for (--no-virtuoso)" if args.no_virtuoso
                      else bench_virtuoso.missing_reason())
            sizes = [1] if args.quick else args.sizes
            if reason:
                say(f"virtuoso: skipped: {reason}")
            else:
                started = machine()
                say(f"virtuoso: sizes {sizes}")
                payload = bench_virtuoso.measure(
                    build_dir, work, sizes, runs=3 if args.quick else 20,
                    budget_s=3 if args.quick else 20,
                    timeout_per_size_s=3600 if max(sizes) > 100 else 1200)
                if any("error" in s or not s["rows_all_match"] for s in payload["sizes"]):
                    status = 1
                write_result(args.out, "virtuoso", payload, started, argv_used)
        if "serve" in args.parts and args.serve_sizes:
            import bench_serve

            started = machine()
            say(f"serve: sizes {args.serve_sizes}")
            payload = bench_serve.measure(build_dir, work, args.serve_sizes)
            if any("error" in k for s in payload["sizes"] for k in s["kinds"].values()):
                status = 1
            write_result(args.out, "serve", payload, started, argv_used)
        if "publish" in args.parts and args.publish_sizes:
            import bench_publish

            started = machine()
            say(f"publish: sizes {args.publish_sizes}")
            payload = bench_publish.measure(build_dir, work, args.publish_sizes)
            if any("error" in s for s in payload["sizes"]):
                status = 1
            write_result(args.out, "publish", payload, started, argv_used)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    import report

    print(report.markdown(args.out))
    return status


if __name__ == "__main__":
    sys.exit(main())
