"""The endpoint under attack, on loopback: fairness, memory, crashes.

    python benchmarks/abuse.py BUILD_DIR [--seconds 20] [--code DIR] [--label after]

Three measurements against a real `skillgraph serve` on 127.0.0.1, each bounded in
requests and seconds:

- **fairness**: 20 clients (127.0.0.10…29, one address each) send three-way cross-join
  COUNTs; after 10 s of that, one more (127.0.0.2) sends a cheap ASK every 0.2 s, one at
  a time, for ``seconds``: p50/p99 and the statuses of the cheap queries;
- **memory**: 5 clients ask for large answers and never read them; the peak RSS of the
  server's process tree (server and workers, from /proc) over baseline, and its PSS
  (proportional set size: pages a forked worker shares with the zygote count once);
- **crashes**: 4 clients send 20,000 nested groups behind a ``\\#`` (the spelling that
  passed the old text check) for ``seconds``, each text different (a variable numbered
  per request), so that none is answered from the pool's kept verdicts; workers that died
  (500 "overflowed its stack" answers) and whether the server still answers afterwards;
- **workers** (this checkout's code only): how long a new query worker takes to be ready
  and how much memory of its own it has (PSS), forked from the zygote vs loading the
  store itself; 3 of each.

``--code DIR`` runs the server from another checkout (e.g. main's code, for "before");
results merge into ``benchmarks/results/abuse.json`` under ``--label``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from common import RESULTS, load_average, percentile, say

CHEAP = "ASK { ?s ?p ?o }"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
BIG = "SELECT ?a ?b ?c ?d WHERE { ?a ?p ?b . ?c ?q ?d } LIMIT 10000"
DEEP = "PREFIX ex: <http://ex/> ASK { ?s ex:p\\# ?o_N . " + "{" * 20000 + "}" * 20000 + " }"


def start(build: Path, log: Path, code: Path | None) -> tuple[subprocess.Popen[bytes], str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if code is not None:
        env["PYTHONPATH"] = str(code)
    cmd = [sys.executable, "-m", "skillgraph.cli", "serve", "--host", "127.0.0.1",
           "--port", "0", "--build", str(build)]  # fmt: skip
    out = log.open("wb")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=out, env=env,
                            cwd=str(code or Path.cwd()))  # fmt: skip
    assert proc.stdout is not None
    url = proc.stdout.readline().decode().strip().rstrip("/")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if post(url, CHEAP, "127.0.0.1", timeout=5)[0] == 200:
                return proc, url
        except OSError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"server did not answer: {log.read_text()[-2000:]}")


def post(base: str, query: str, source: str, timeout: float = 60) -> tuple[int, str]:
    parsed = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout,
                                      source_address=(source, 0))  # fmt: skip
    try:
        conn.request("POST", "/sparql", body=query.encode(),
                     headers={"Content-Type": "application/sparql-query",
                              "Accept": "application/sparql-results+json"})  # fmt: skip
        r = conn.getresponse()
        return r.status, r.read(2000).decode(errors="replace")
    finally:
        conn.close()


def rss_mb(pid: int) -> float:
    """RSS of one process, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def tree_rss_mb(pid: int, field: str = "Rss:") -> float:
    """RSS (or another smaps_rollup ``field``: ``Pss:``) of ``pid`` and all its
    descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        total += _rollup_kb(p, field)
    return round(total / 1024, 1)


def _rollup_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def fairness(url: str, seconds: float, warmup: float = 10.0) -> dict[str, Any]:
    """The attack starts; after ``warmup`` s the cheap client starts measuring."""
    stop = time.monotonic() + warmup + seconds
    cheap: list[tuple[int, float]] = []
    heavy: dict[int, int] = {}
    lock = threading.Lock()

    def attacker(n: int) -> None:
        while time.monotonic() < stop:
            try:
                status, _ = post(url, HEAVY, f"127.0.0.{10 + n}")
            except OSError:
                status = 0
            with lock:
                heavy[status] = heavy.get(status, 0) + 1

    def victim() -> None:
        time.sleep(warmup)
        while time.monotonic() < stop:
            t0 = time.monotonic()
            try:
                status, _ = post(url, CHEAP, "127.0.0.2")
            except OSError:
                status = 0
            cheap.append((status, time.monotonic() - t0))
            time.sleep(0.2)

    threads = [threading.Thread(target=attacker, args=(i,)) for i in range(20)]
    threads.append(threading.Thread(target=victim))
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    ok = [s * 1000 for status, s in cheap if status == 200]
    statuses: dict[str, int] = {}
    for status, _ in cheap:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "seconds": seconds,
        "warmup_seconds": warmup,
        "attackers": 20,
        "cheap_requests": len(cheap),
        "cheap_statuses": statuses,
        "cheap_p50_ms": round(percentile(ok, 50), 1) if ok else None,
        "cheap_p99_ms": round(percentile(ok, 99), 1) if ok else None,
        "heavy_statuses": {str(k): v for k, v in sorted(heavy.items())},
    }


def unread_answers(url: str, pid: int) -> dict[str, Any]:
    baseline, main_baseline = tree_rss_mb(pid), rss_mb(pid)
    pss_baseline = tree_rss_mb(pid, "Pss:")
    parsed = urllib.parse.urlparse(url)
    body = urllib.parse.urlencode({"query": BIG, "format": "xml"}).encode()
    socks = []
    for n in range(5):
        s = socket.socket()
        s.bind((f"127.0.0.{40 + n}", 0))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect((parsed.hostname, parsed.port))
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
                  b"application/x-www-form-urlencoded\r\nContent-Length: "
                  + str(len(body)).encode() + b"\r\n\r\n" + body)  # fmt: skip
        socks.append(s)
    peak, main_peak, pss_peak = baseline, main_baseline, pss_baseline
    for _ in range(30):  # 15 s, never reading
        time.sleep(0.5)
        peak, main_peak = max(peak, tree_rss_mb(pid)), max(main_peak, rss_mb(pid))
        pss_peak = max(pss_peak, tree_rss_mb(pid, "Pss:"))
    for s in socks:
        s.close()
    return {"clients": 5, "baseline_mb": baseline, "peak_mb": peak,
            "growth_mb": round(peak - baseline, 1),
            "pss_baseline_mb": pss_baseline, "pss_peak_mb": pss_peak,
            "pss_growth_mb": round(pss_peak - pss_baseline, 1),
            "server_baseline_mb": main_baseline, "server_peak_mb": main_peak,
            "server_growth_mb": round(main_peak - main_baseline, 1)}  # fmt: skip


def deep_nesting(url: str, seconds: float) -> dict[str, Any]:
    stop = time.monotonic() + seconds
    statuses: dict[str, int] = {}
    crashes = 0
    lock = threading.Lock()

    def client(n: int) -> None:
        nonlocal crashes
        sent = 0
        while time.monotonic() < stop:
            sent += 1
            try:
                status, text = post(url, DEEP.replace("?o_N", f"?o_{n}_{sent}"),
                                    f"127.0.0.{60 + n}")
            except OSError:
                status, text = 0, ""
            with lock:
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                crashes += status == 500 and ("stopped" in text or "stack" in text)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    healthy = post(url, CHEAP, "127.0.0.3")[0] == 200
    return {"seconds": seconds, "clients": 4, "statuses": statuses, "worker_crashes": crashes,
            "healthy_after": healthy}  # fmt: skip


def workers(build: Path, count: int = 3) -> dict[str, Any]:
    """Start-up time and own memory (PSS) of query workers: forked vs loading the store."""
    from skillgraph.server.worker import Worker
    from skillgraph.server.zygote import Zygote, become_subreaper

    why = become_subreaper()
    if why:
        return {"error": why}
    out: dict[str, Any] = {"count": count}
    zygote = Zygote(build)
    started = time.monotonic()
    zygote.wait_ready(120)
    out["zygote_ready_ms"] = round((time.monotonic() - started) * 1000, 1)
    try:
        for kind in ("fork", "load"):
            times, started_workers = [], []
            for _ in range(count):
                t0 = time.monotonic()
                worker = zygote.fork() if kind == "fork" else Worker(build)
                worker.wait_ready(120)
                times.append((time.monotonic() - t0) * 1000)
                started_workers.append(worker)
            pss = [_rollup_kb(w.proc.pid, "Pss:") / 1024 for w in started_workers]
            rss = [_rollup_kb(w.proc.pid, "Rss:") / 1024 for w in started_workers]
            for worker in started_workers:
                worker.kill()
            out[kind] = {"ready_ms": [round(t, 1) for t in times],
                         "median_ready_ms": round(percentile(times, 50), 1),
                         "pss_mb": round(sum(pss) / count, 1),
                         "rss_mb": round(sum(rss) / count, 1)}  # fmt: skip
        out["zygote_pss_mb"] = round(_rollup_kb(zygote.proc.pid, "Pss:") / 1024, 1)
    finally:
        zygote.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build", type=Path)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--code", type=Path, default=None, help="run the server from this tree")
    ap.add_argument("--label", default="after")
    ap.add_argument("--out", type=Path, default=RESULTS / "abuse.json")
    args = ap.parse_args()
    load_start = load_average()
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start(args.build, Path(tmp) / "serve.log", args.code)
        try:
            say(f"{args.label}: fairness ({args.seconds:g} s)")
            fair = fairness(url, args.seconds)
            say(f"{args.label}: unread answers")
            memory = unread_answers(url, proc.pid)
            say(f"{args.label}: deep nesting ({args.seconds:g} s)")
            deep = deep_nesting(url, args.seconds)
        finally:
            proc.terminate()
            proc.wait(30)
    spawn = None
    if args.code is None:
        say(f"{args.label}: worker start-up, fork vs load")
        spawn = workers(args.build)
    doc = json.loads(args.out.read_text()) if args.out.is_file() else {"benchmark": "abuse"}
    doc[args.label] = {
        "fairness": fair, "unread_answers": memory, "deep_nesting": deep,
        **({"workers": spawn} if spawn else {}),
        "load_average": [load_start, load_average()],
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    say(f"wrote {args.out}")
    print(json.dumps(doc[args.label], indent=1))


if __name__ == "__main__":
    main()
