"""Apache Jena ARQ, SPARQL 1.1's reference implementation, run from Debian's jars.

Debian's ``libapache-jena-java`` ships Jena 4.5 as jars under ``/usr/share/java`` but no
``arq`` script. Two traps shape how we run it:

- ``/usr/share/java/*`` as the classpath pulls in several slf4j bindings that conflict, so
  the classpath lists exactly Jena's jars and its declared dependencies (the package's
  ``Depends``) with one binding, slf4j-simple.
- Debian relocates Jena's bundled xerces classes to ``xerces.*`` but leaves their message
  files under ``org/apache/jena/ext/xerces/``; the first xsd datatype error then fails with
  "internal error" instead of its message. A small jar, built here in a temp dir, holds
  those ``.properties`` files copied to ``xerces/…``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

from engines import EngineError, EngineMissing

JAVA_DIR = Path("/usr/share/java")
JENA_MISSING = "Apache Jena not installed: apt-get install libapache-jena-java"
JAVA_MISSING = "java not installed: apt-get install default-jre-headless"

# Jena's modules ARQ's command line needs, then the package's Depends (unversioned names,
# which Debian keeps as symlinks to the installed version).
JENA_JARS = ["jena-base", "jena-core", "jena-arq", "jena-iri", "jena-cmds", "jena-shacl",
             "jena-shex", "jena-rdfconnection", "jena-tdb", "jena-tdb2", "jena-dboe-base",
             "jena-dboe-index", "jena-dboe-storage", "jena-dboe-trans-data",
             "jena-dboe-transaction"]
DEPENDENCY_JARS = ["commons-cli", "commons-codec", "commons-compress", "commons-csv",
                   "commons-io", "commons-lang3", "dexx.collection", "gson", "guava",
                   "httpclient", "httpcore", "jackson-core", "jackson-databind",
                   "jackson-annotations", "jsonld-java", "jakarta.json-api", "protobuf",
                   "thrift", "titanium-json-ld", "slf4j-api", "slf4j-simple"]
XERCES_MESSAGES = "org/apache/jena/ext/xerces/"


def classpath(workdir: Path) -> str:
    """The explicit classpath for Jena's commands; EngineMissing names what is absent."""
    if not shutil.which("java"):
        raise EngineMissing(JAVA_MISSING)
    jars = [JAVA_DIR / f"{name}.jar" for name in JENA_JARS + DEPENDENCY_JARS]
    if not (JAVA_DIR / "jena-arq.jar").is_file():
        raise EngineMissing(JENA_MISSING)
    missing = [j.name for j in jars if not j.is_file()]
    if missing:
        raise EngineMissing(f"{JENA_MISSING} (jars missing: {', '.join(missing)})")
    return ":".join(str(j) for j in [*jars, xerces_messages_jar(workdir)])


def xerces_messages_jar(workdir: Path) -> Path:
    """A jar with jena-core's xerces message files where the relocated classes look."""
    out = workdir / "jena-xerces-messages.jar"
    if out.is_file():
        return out
    workdir.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            if name.startswith(XERCES_MESSAGES) and name.endswith(".properties"):
                dst.writestr("xerces/" + name.removeprefix(XERCES_MESSAGES), src.read(name))
    return out


def arq(cp: str, data: list[Path], query: str, workdir: Path,
        timeout: float = 300) -> dict[str, Any]:
    """Run ``arq.sparql`` on ``query`` over the ``data`` files; the Results-JSON answer."""
    qfile = workdir / "query.rq"
    qfile.write_text(query, encoding="utf-8")
    cmd = ["java", "-Xmx1g", "-cp", cp, "arq.sparql", *(f"--data={d}" for d in data),
           f"--query={qfile}", "--results=JSON"]
    done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise EngineError(f"arq.sparql failed ({done.returncode}):\n"
                          f"{done.stderr.decode(errors='replace')[-3000:]}")
    try:
        return json.loads(done.stdout)
    except ValueError as exc:
        raise EngineError(f"arq.sparql printed no JSON ({exc}):\n"
                          f"{done.stdout.decode(errors='replace')[:2000]}") from None


def available() -> bool:
    """Java and Jena's jars (incl. Jena SHACL) are installed."""
    try:
        classpath(_default_workdir())
    except EngineMissing:
        return False
    return True


def _default_workdir() -> Path:
    import tempfile

    return Path(tempfile.gettempdir()) / "skillgraph-jena"


def jena_command(main_class: str) -> list[str]:
    """The ``java`` command line running one of Jena's command classes (e.g. shacl.shacl)."""
    return ["java", "-Xss8m", "-cp", classpath(_default_workdir()), main_class]
