"""Apache Jena commands from Debian's ``libapache-jena-java`` jars, with its two traps fixed.

``/usr/share/java/*`` as classpath pulls conflicting slf4j bindings, so the jars are listed
one by one.  Debian relocates Jena's bundled xerces classes to ``xerces.*`` but leaves their
message files under ``org/apache/jena/ext/xerces/``; the first xsd datatype check then
fails with "internal error".  A small jar holding those ``.properties`` files under
``xerces/`` (made once, cached in the temp directory) fixes it.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from functools import cache
from pathlib import Path

JAVA_DIR = Path("/usr/share/java")
JARS = (
    "jena-base", "jena-core", "jena-arq", "jena-shacl", "jena-shex", "jena-cmds", "jena-iri",
    "jena-rdfconnection", "jena-tdb", "jena-tdb2", "jena-dboe-base", "jena-dboe-index",
    "jena-dboe-storage", "jena-dboe-trans-data", "jena-dboe-transaction",
    "commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io",
    "commons-lang3", "guava", "jackson-annotations", "jackson-core", "jackson-databind",
    "gson", "jsonld-java", "titanium-json-ld", "jakarta.json-api", "dexx.collection",
    "httpclient", "httpclient-cache", "httpcore", "thrift", "protobuf", "slf4j-api",
    "slf4j-simple", "jcl-over-slf4j",
)  # fmt: skip
MESSAGES = "org/apache/jena/ext/xerces/"


def available() -> bool:
    """Java and the Jena SHACL jar are installed."""
    return shutil.which("java") is not None and (JAVA_DIR / "jena-shacl.jar").is_file()


@cache
def classpath() -> str:
    jars = [JAVA_DIR / f"{name}.jar" for name in JARS]
    return ":".join(str(j) for j in [*jars, _xerces_messages_jar()] if j.is_file())


def _xerces_messages_jar() -> Path:
    target = Path(tempfile.gettempdir()) / "skillgraph-jena-xerces-messages.jar"
    if target.is_file():
        return target
    partial = target.with_suffix(".part")
    with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as src, zipfile.ZipFile(partial, "w") as out:
        for name in src.namelist():
            if name.startswith(MESSAGES) and name.endswith(".properties"):
                out.writestr("xerces/" + name.removeprefix(MESSAGES), src.read(name))
    partial.replace(target)
    return target


def jena_command(main_class: str) -> list[str]:
    """The ``java`` command line running one of Jena's command classes (e.g. shacl.shacl)."""
    return ["java", "-Xss8m", "-cp", classpath(), main_class]
