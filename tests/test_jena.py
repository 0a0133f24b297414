"""Apache Jena ARQ from Debian's jars (`tests/jena.py`): the two traps stay avoided.

Without the message-file jar every typed literal fails (Jena's relocated xerces cannot
initialise its datatypes: an "internal error" instead of an answer); with every jar of
``/usr/share/java`` on the classpath, slf4j finds several bindings.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import engines
import jena
import pytest


@pytest.fixture(scope="module")
def classpath(tmp_path_factory: pytest.TempPathFactory) -> str:
    work = tmp_path_factory.mktemp("jena")
    try:
        return jena.classpath(work)
    except engines.EngineMissing as exc:
        pytest.skip(str(exc))


def test_the_message_files_sit_where_the_relocated_classes_look(classpath):
    jar = Path(classpath.split(":")[-1])
    names = zipfile.ZipFile(jar).namelist()
    assert "xerces/impl/msg/XMLSchemaMessages.properties" in names
    assert all(n.startswith("xerces/") and n.endswith(".properties") for n in names)


def test_one_slf4j_binding(classpath):
    bindings = [p for p in classpath.split(":") if Path(p).name.startswith("slf4j-")
                and Path(p).name != "slf4j-api.jar"]
    assert [Path(p).name for p in bindings] == ["slf4j-simple.jar"]


def test_arq_answers_over_typed_and_ill_typed_literals(classpath, tmp_path):
    data = tmp_path / "d.nt"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    data.write_text(f'<urn:a> <urn:n> "2"^^<{xsd}integer> .\n'
                    f'<urn:b> <urn:n> "1.5"^^<{xsd}integer> .\n'  # ill-typed: still data
                    '<urn:c> <urn:n> "x"@ZH .\n', encoding="utf-8")
    answer = jena.arq(classpath, [data], "SELECT ?s ?n WHERE { ?s <urn:n> ?n } ORDER BY ?s",
                      tmp_path)
    rows = [(b["s"]["value"], b["n"]["value"]) for b in answer["results"]["bindings"]]
    assert rows == [("urn:a", "2"), ("urn:b", "1.5"), ("urn:c", "x")]
    assert answer["results"]["bindings"][2]["n"]["xml:lang"].lower() == "zh"
