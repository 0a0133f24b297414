"""Docs that cannot drift: every CLI command and every catalog query is documented."""

from __future__ import annotations

from pathlib import Path

from skillgraph.catalog import catalog
from skillgraph.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_cli_command_is_in_the_readme():
    text = README.read_text(encoding="utf-8")
    for name in main.commands:
        assert f"skillgraph {name}" in text, f"README does not document `skillgraph {name}`"


def test_every_catalog_query_has_title_description_parameters_and_example():
    for q in catalog():
        assert q.title and q.description and q.parameters and q.examples, q.name
