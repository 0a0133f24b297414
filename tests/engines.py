"""Real engines for end-to-end tests: Virtuoso, `skillgraph serve`, headless Chromium.

The catalog runs unchanged on any SPARQL 1.1 engine loaded from our dumps (docs/endpoint.md,
"Query catalog"; Jena ARQ is in `tests/jena.py`). These helpers start such
engines on loopback in a temp dir, load the built dumps and hand back an endpoint URL;
they never touch a system-wide database or profile. Each start function raises
``EngineMissing`` (turned into a skip by the fixtures) when its program is not installed,
and ``EngineError`` with the log's tail when it fails to come up.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

LOOPBACK = "127.0.0.1"
XSD = "http://www.w3.org/2001/XMLSchema#"

# The graph Virtuoso holds our dumps in. Virtuoso has no separate default graph: without a
# FROM it answers from the union of all graphs, which includes its own system graphs
# (virtrdf#, ldp#, the service description). A SYS_SPARQL_HOST row makes this graph the
# endpoint's default graph, so catalog queries see exactly the dumps, as on pyoxigraph.
VIRTUOSO_GRAPH = "urn:x-skillgraph:test"
VIRTUOSO_MISSING = "virtuoso-opensource not installed: apt-get install virtuoso-opensource"
CHROMIUM_MISSING = "chromium not installed: apt-get install chromium chromium-driver"


class EngineMissing(Exception):
    """The engine's program is not installed; tests that need it skip with this reason."""


class EngineError(RuntimeError):
    """The engine was installed but did not start or load; the message has its log."""


def free_port() -> int:
    """A TCP port free on loopback now (the engine binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def wait_until(ready: Callable[[], bool], *, timeout: float, what: str,
               alive: Callable[[], bool] = lambda: True) -> float:
    """Poll ``ready`` (no fixed sleep) until true; seconds waited. EngineError on timeout."""
    start = time.monotonic()
    delay = 0.05
    while True:
        if ready():
            return time.monotonic() - start
        if not alive():
            raise EngineError(f"{what}: the process exited while starting")
        if time.monotonic() - start > timeout:
            raise EngineError(f"{what}: not ready after {timeout:.0f} s")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)


def _stop(proc: subprocess.Popen[Any], timeout: float = 30) -> None:
    """SIGTERM, then SIGKILL after ``timeout``; only the process we started."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"({path} unreadable)"


# --------------------------------------------------------------------------- Virtuoso


@dataclass
class Virtuoso:
    """A private Virtuoso instance: its own ini and database files under ``home``."""

    home: Path
    sql_port: int
    http_port: int
    proc: subprocess.Popen[bytes]
    isql_bin: str
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def endpoint(self) -> str:
        return f"http://{LOOPBACK}:{self.http_port}/sparql"

    def isql(self, sql: str, timeout: float = 300) -> str:
        """Run SQL through isql (as dba; the instance is loopback-only and thrown away)."""
        done = subprocess.run(
            [self.isql_bin, f"{LOOPBACK}:{self.sql_port}", "dba", "dba", "VERBOSE=OFF",
             "BANNER=OFF", "PROMPT=OFF", "ECHO=OFF", "ERRORS=STDOUT"],
            input=sql.encode(),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        out = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
        if done.returncode != 0 or "*** Error" in out:
            raise EngineError(f"isql failed ({done.returncode}) on:\n{sql}\n{out}")
        return out

    def stop(self) -> None:
        _stop(self.proc)


# Debian's packaged configuration: the tests run Virtuoso as a replica would run, with its
# stock limits (MaxQueryCostEstimationTime 400 s, MaxQueryExecutionTime 60 s, ResultSetMaxRows
# 10,000). Only where it keeps files and which sockets it binds are changed.
STOCK_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
STOCK_INI_MISSING = (f"{STOCK_INI} not found: the tests run Virtuoso with Debian's packaged "
                     "configuration (apt-get install virtuoso-opensource)")


def stock_virtuoso_ini(stock: str, *, home: Path, sql_port: int, http_port: int,
                       dirs_allowed: Sequence[Path],
                       overrides: dict[str, dict[str, str]] | None = None) -> str:
    """The packaged ini with only files (into ``home``) and sockets (loopback) changed.

    Every other line, the query limits included, stays as packaged, unless ``overrides``
    (``{section: {key: value}}``, for benchmarks that measure something else) says
    otherwise. ``host:port`` binds loopback only (a bare port would listen on every
    interface).
    """
    dirs = ", ".join([".", *(str(d.resolve()) for d in dirs_allowed)])
    changes = {
        "database": {k: f"{home}/virtuoso.{ext}" for k, ext in (
            ("databasefile", "db"), ("errorlogfile", "log"), ("lockfile", "lck"),
            ("transactionfile", "trx"), ("xa_persistent_file", "pxa"))},
        "tempdatabase": {"databasefile": f"{home}/virtuoso-temp.db",
                         "transactionfile": f"{home}/virtuoso-temp.trx"},
        "parameters": {"serverport": f"{LOOPBACK}:{sql_port}", "dirsallowed": dirs},
        "httpserver": {"serverport": f"{LOOPBACK}:{http_port}", "serverroot": f"{home}/vsp"},
        "uriqa": {"defaulthost": f"{LOOPBACK}:{http_port}"},
    }
    for section, keys in (overrides or {}).items():
        changes.setdefault(section.lower(), {}).update({k.lower(): v for k, v in keys.items()})
    out = ["; tests/engines.py: the packaged virtuoso.ini, files in a temp dir, loopback only"]
    section = ""
    for line in stock.splitlines():
        if m := re.match(r"\s*\[([^\]]+)\]", line):
            section = m.group(1).strip().lower()
        elif m := re.match(r"(\s*)([A-Za-z_0-9]+)(\s*=\s*)", line):
            new = changes.get(section, {}).get(m.group(2).lower())
            if new is not None:
                line = m.group(1) + m.group(2) + m.group(3) + new
        out.append(line)
    return "\n".join(out) + "\n"


def ini_value(ini: str, section: str, key: str) -> str | None:
    """A key's value in an ini text (comments after ``;`` dropped); None if absent."""
    current = ""
    for line in ini.splitlines():
        if m := re.match(r"\s*\[([^\]]+)\]", line):
            current = m.group(1).strip().lower()
        elif current == section.lower() and (
                m := re.match(rf"\s*{re.escape(key)}\s*=\s*([^;]*)", line, re.IGNORECASE)):
            return m.group(1).strip()
    return None


def virtuoso_binaries() -> tuple[str, str]:
    """Paths of virtuoso-t and its isql (Debian names it isql-vt); EngineMissing if absent."""
    server = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt") or shutil.which("isql-v")
    if not server or not isql:
        raise EngineMissing(VIRTUOSO_MISSING)
    if not STOCK_INI.is_file():
        raise EngineMissing(STOCK_INI_MISSING)
    return server, isql


def start_virtuoso(home: Path, *, dirs_allowed: list[Path], timeout: float = 120,
                   overrides: dict[str, dict[str, str]] | None = None) -> Virtuoso:
    """Create a database in ``home`` and start Virtuoso, configured as packaged (see
    `stock_virtuoso_ini`), on two free loopback ports."""
    server, isql_bin = virtuoso_binaries()
    stock = STOCK_INI.read_text(encoding="utf-8", errors="replace")
    home.mkdir(parents=True, exist_ok=True)
    (home / "vsp").mkdir(exist_ok=True)
    t0 = time.monotonic()
    for attempt in range(3):  # a free port can be taken between free_port() and the bind
        sql_port, http_port = free_port(), free_port()
        ini = home / "virtuoso.ini"
        ini.write_text(stock_virtuoso_ini(stock, home=home, sql_port=sql_port,
                                          http_port=http_port, dirs_allowed=dirs_allowed,
                                          overrides=overrides))
        log = (home / "stdout.log").open("wb")
        proc = subprocess.Popen(
            [server, "+foreground", "+configfile", str(ini)],
            cwd=home, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        log.close()
        v = Virtuoso(home, sql_port, http_port, proc, isql_bin)
        try:
            wait_until(lambda v=v: _virtuoso_answers(v), timeout=timeout, what="virtuoso",
                       alive=lambda p=proc: p.poll() is None)
        except EngineError as exc:
            v.stop()
            text = _tail(home / "virtuoso.log") + "\n" + _tail(home / "stdout.log")
            if attempt < 2 and "ddress already in use" in text:
                for f in home.glob("virtuoso*"):
                    if f.suffix != ".ini":
                        f.unlink()
                continue
            raise EngineError(f"{exc}\n{text}") from None
        v.timings["start"] = time.monotonic() - t0
        return v
    raise EngineError("virtuoso: no free port pair after 3 attempts")


def _virtuoso_answers(v: Virtuoso) -> bool:
    """Both listeners are up: SQL (for loading) and HTTP (the SPARQL endpoint)."""
    try:
        v.isql("select 1;", timeout=10)
    except (EngineError, subprocess.TimeoutExpired):
        return False
    return _http_ok(v.endpoint + "?query=" + urllib.parse.quote("ASK {}"))


def load_virtuoso(v: Virtuoso, files: list[Path], graph: str = VIRTUOSO_GRAPH) -> int:
    """Bulk-load dump files into ``graph``, make it the endpoint's default graph; triples.

    ``ld_dir`` + ``rdf_loader_run`` is Virtuoso's documented bulk loader: it reads the
    files server-side (hence DirsAllowed), records per-file errors in DB.DBA.load_list
    instead of failing, so we check that table afterwards.
    """
    t0 = time.monotonic()
    sql = [f"ld_dir('{f.parent.resolve()}', '{f.name}', '{graph}');" for f in files]
    sql += [
        "rdf_loader_run();",
        "checkpoint;",
        # '*' = any Host header: queries without FROM/default-graph-uri see only our graph
        "delete from DB.DBA.SYS_SPARQL_HOST where SH_HOST = '*';",
        f"insert into DB.DBA.SYS_SPARQL_HOST (SH_HOST, SH_GRAPH_URI) values ('*', '{graph}');",
        "select 'LOADERR', ll_file, ll_error from DB.DBA.load_list "
        "where ll_state <> 2 or ll_error is not null;",
    ]
    out = v.isql("\n".join(sql))
    if "LOADERR" in out.replace("'LOADERR'", ""):
        raise EngineError(f"virtuoso could not load every file:\n{out}")
    n = int(sparql_json(v.endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            ["results"]["bindings"][0]["n"]["value"])
    v.timings["load"] = time.monotonic() - t0
    return n


@contextlib.contextmanager
def virtuoso_with_build(home: Path, build_dir: Path, *,
                        overrides: dict[str, dict[str, str]] | None = None) -> Iterator[Virtuoso]:
    """Virtuoso loaded with a build's graph.nt and ontology.ttl; stopped and removed after."""
    v = start_virtuoso(home, dirs_allowed=[build_dir], overrides=overrides)
    try:
        v.timings["triples"] = load_virtuoso(
            v, [build_dir / "graph.nt", build_dir / "ontology.ttl"]
        )
        yield v
    finally:
        v.stop()
        shutil.rmtree(home, ignore_errors=True)


# --------------------------------------------------------------------------- skillgraph serve


@dataclass
class Serve:
    """A `skillgraph serve` child process on loopback."""

    base: str
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def endpoint(self) -> str:
        return self.base + "/sparql"


SERVE_URL = re.compile(r"http://127\.0\.0\.1:(\d+)")


def start_serve(build_dir: Path, log: Path, timeout: float = 60, *,
                extra: Sequence[str] = (), probe: str = "/") -> Serve:
    """Start `skillgraph serve --port 0 [extra…]` on 127.0.0.1 and wait until ``probe``
    answers.

    The kernel picks the port (no race); the server prints its URL, which we read from
    its output. Ready means ``/`` answers HTTP at all (the tests judge the answers), or
    another ``probe`` (a SPARQL ASK: a query worker is up too) answers 200. The one way
    every test and benchmark starts our server.
    """
    cmd = [sys.executable, "-m", "skillgraph.cli", "serve", "--host", LOOPBACK, "--port", "0",
           "--build", str(build_dir), *extra]
    out = log.open("wb")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, env=env)
    out.close()
    base = ""

    def ready() -> bool:
        nonlocal base
        if not base:
            m = SERVE_URL.search(log.read_text(errors="replace"))
            if not m:
                return False
            base = f"http://{LOOPBACK}:{m.group(1)}"
        url = base + probe
        return _http_answers(url) if probe == "/" else _http_ok(url)

    try:
        wait_until(ready, timeout=timeout, what="skillgraph serve",
                   alive=lambda: proc.poll() is None)
    except EngineError as exc:
        _stop(proc)
        raise EngineError(f"{exc}\n{_tail(log)}") from None
    return Serve(base, proc, log)


@contextlib.contextmanager
def serving(build_dir: Path, log: Path, timeout: float = 60, *, extra: Sequence[str] = (),
            probe: str = "/") -> Iterator[Serve]:
    """``start_serve`` as a context: the server is stopped however the block ends."""
    server = start_serve(build_dir, log, timeout, extra=extra, probe=probe)
    try:
        yield server
    finally:
        stop_serve(server)


def stop_serve(server: Serve) -> None:
    _stop(server.proc)


def _http_answers(url: str) -> bool:
    """The server is up: any HTTP answer, even an error (the tests then say what is wrong)."""
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return 200 <= r.status < 400
    except (OSError, urllib.error.URLError):
        return False


# --------------------------------------------------------------------------- SPARQL results


def sparql_json(endpoint: str, query: str, timeout: float = 120) -> dict[str, Any]:
    """SPARQL 1.1 Protocol POST (form-encoded), answer as parsed Results JSON.

    POST, not GET: long catalog queries would exceed some engines' URL limits.
    """
    data = urllib.parse.urlencode({"query": query}).encode()
    req = urllib.request.Request(endpoint, data=data, headers={
        "Accept": "application/sparql-results+json",
        "Content-Type": "application/x-www-form-urlencoded",
    })
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read())


INTEGER_TYPES = {XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
    "unsignedByte")}
NUMERIC_TYPES = INTEGER_TYPES | {XSD + "decimal", XSD + "double", XSD + "float"}

Term = tuple[str, ...]


def normalize_term(t: dict[str, str]) -> Term:
    """One Results-JSON term as a comparable tuple, equal across engines when RDF-equal.

    - IRIs compare as strings.
    - Blank nodes all compare equal: labels are per-answer, never portable.
    - ``"typed-literal"`` (SPARQL 1.0 JSON, Virtuoso) is a literal like any other.
    - A literal without datatype or language is xsd:string (RDF 1.1); Virtuoso may omit it.
    - Language tags are case-insensitive (BCP 47): compared lower-cased.
    - Numbers compare by value, whatever their numeric type, rounded to 9 significant
      digits: COUNT is xsd:integer on pyoxigraph but engines may say xsd:int/xsd:long;
      Virtuoso gives xsd:integer 0 where pyoxigraph sums decimals to xsd:decimal 0.0; and
      engines print doubles differently ("0.5" vs "5.0E-1"). Values still must agree, so
      Virtuoso's integer division (1/2 = 0, not 0.5) is caught.
    - xsd:boolean compares as the number 1 or 0: Virtuoso has no boolean in results, it
      answers ``true``, ``?a = ?b`` or ``BOUND(?x)`` as xsd:integer 1/0.
    """
    kind = t["type"]
    if kind == "uri":
        return ("iri", t["value"])
    if kind == "bnode":
        return ("bnode",)
    value = t["value"]
    lang = t.get("xml:lang")
    if lang:
        return ("lang", value, lang.lower())
    dtype = t.get("datatype") or XSD + "string"
    if dtype == XSD + "boolean":
        return ("num", "1" if value.strip().lower() in ("true", "1") else "0")
    if dtype in NUMERIC_TYPES:
        with contextlib.suppress(ValueError, InvalidOperation):
            x = Decimal(value.strip())
            if x.is_finite() and x == x.to_integral_value():
                return ("num", str(int(x)))
            f = float(x)
            return ("num", f"{f:.9g}" if math.isfinite(f) else str(f))
    return ("lit", value, dtype)


def answer_rows(answer: dict[str, Any]) -> tuple[list[str], list[tuple[Term, ...]]]:
    """(variables, rows in the answer's order) of a Results-JSON answer, each term as
    `normalize_term` makes it; an ASK answer is one row."""
    if "boolean" in answer:
        return [], [(("ask", str(bool(answer["boolean"]))),)]
    names = sorted(answer["head"]["vars"])
    rows = [tuple(normalize_term(b[n]) if n in b else ("unbound",) for n in names)
            for b in answer["results"]["bindings"]]
    return names, rows


def normalised_differences(left: dict[str, Any], right: dict[str, Any]) -> list[str]:
    """Which of `normalize_term`'s normalisations two answers, equal row by row once
    normalised, needed: the kinds of terms that are written differently."""
    if "boolean" in left or "boolean" in right:
        return []
    kinds: set[str] = set()
    for lb, rb in zip(left["results"]["bindings"], right["results"]["bindings"], strict=False):
        for name in set(lb) & set(rb):
            a, b = lb[name], rb[name]
            same = all(a.get(k) == b.get(k) for k in ("value", "datatype", "xml:lang"))
            if same or a["type"] == "bnode":
                continue
            types = {a.get("datatype"), b.get("datatype")}
            if XSD + "boolean" in types:
                kinds.add("boolean as 1/0")
            elif types <= NUMERIC_TYPES and len(types) > 1:
                kinds.add("numeric datatype")
            elif types <= NUMERIC_TYPES:
                kinds.add("number written differently")
            elif a.get("xml:lang") or b.get("xml:lang"):
                kinds.add("language tag case")
            else:
                kinds.add("plain literal vs xsd:string")
    return sorted(kinds)


def diff_answers(left: dict[str, Any], right: dict[str, Any], *, ordered: bool = False,
                 limit: int = 5) -> str:
    """Empty when two answers are equal (as multisets of rows, and with ``ordered`` also
    row by row in order); else a short human-readable diff.

    Only engine-own differences are normalised (`normalize_term`). Nothing else is: a
    catalog answer must not depend on an order SPARQL leaves to the engine (GROUP_CONCAT's
    parts, ties in ORDER BY), so such a dependence shows up here as a difference.
    """
    lv, lrows = answer_rows(left)
    rv, rrows = answer_rows(right)
    if lv != rv:
        return f"variables differ: {lv} vs {rv}"
    lr, rr = Counter(lrows), Counter(rrows)
    only_l, only_r = lr - rr, rr - lr
    if only_l or only_r:
        lines = [f"{len(lrows)} vs {len(rrows)} rows; "
                 f"{sum(only_l.values())} only left, {sum(only_r.values())} only right"]
        lines += [f"  only left:  {row}" for row in list(only_l)[:limit]]
        lines += [f"  only right: {row}" for row in list(only_r)[:limit]]
        return "\n".join(lines)
    if ordered and lrows != rrows:
        i = next(i for i, (x, y) in enumerate(zip(lrows, rrows, strict=True)) if x != y)
        return (f"same rows, another order: row {i + 1} is\n  left:  {lrows[i]}\n"
                f"  right: {rrows[i]}")
    return ""


# --------------------------------------------------------------------------- Chromium

CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1280,1600", "--lang=zh-CN",
]


def chromium_binaries() -> tuple[str, str]:
    """The system chromium and its matching chromedriver (Debian builds them together)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not browser or not driver:
        raise EngineMissing(CHROMIUM_MISSING)
    return browser, driver


@contextlib.contextmanager
def chromium(profile: Path, log: Path) -> Iterator[Any]:
    """A Selenium WebDriver on headless system Chromium with a fresh profile.

    Selenium drives the Debian chromedriver, which Debian builds from the same source as the
    browser, so their versions always match and nothing is downloaded: giving both paths
    keeps Selenium Manager from looking for a driver online.
    """
    browser, driver_bin = chromium_binaries()
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as exc:
        raise EngineMissing(f"selenium not installed: pip install -e '.[test]' ({exc})") from None
    os.environ.setdefault("SE_OFFLINE", "true")  # never fetch drivers/browsers
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]:
        opts.add_argument(flag)
    # chromedriver accepts only local connections unless told otherwise
    service = Service(executable_path=driver_bin, log_output=str(log))
    drv = webdriver.Chrome(options=opts, service=service)
    try:
        drv.set_page_load_timeout(60)
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)
