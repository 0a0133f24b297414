"""One uploaded spreadsheet → the coverage report in every format, held in memory.

What the server's upload page runs (in a worker process, see
``skillgraph/server/mapping.py``): the same stages as ``skillgraph curriculum``, on bytes
instead of a path.  The bytes are spooled to a temporary file only because the readers
(csv, zip, openpyxl) take a path; the file is deleted as soon as the sheet is read, and
messages name the file as the client named it, never the temporary path.
"""

from __future__ import annotations

import io
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from . import read_curriculum
from .coverage import compute_coverage
from .index import StandardIndex
from .loader import default_iri
from .report import csv_files, html_body, render, title
from .table import LIMITS, CurriculumError, Issue, Limits

__all__ = ["SUFFIXES", "MappedReport", "UploadError", "clean_name", "map_upload", "zip_csv"]

SUFFIXES = (".csv", ".xlsx", ".xlsm")


class UploadError(ValueError):
    """The upload cannot be mapped; ``issues`` says where, cell by cell when it can."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


@dataclass
class MappedReport:
    """The report of one upload: the page fragment and the downloads of the same tables."""

    title: str
    summary: str
    html: str  # fragment (``report.html_body``)
    json: bytes
    csv: dict[str, bytes] = field(default_factory=dict)  # file name → bytes
    hours_flagged: bool = False


def clean_name(filename: str) -> str:
    """The client's file name without any directory, for messages and the curriculum label.

    >>> clean_name("C:\\\\Users\\\\me\\\\课程 计划.xlsx"), clean_name("../../etc/x.csv")
    ('课程 计划.xlsx', 'x.csv')
    """
    name = unicodedata.normalize("NFKC", filename).replace("\\", "/")
    name = PurePosixPath(name).name
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()
    if len(name) > 120:
        stem, dot, suffix = name.rpartition(".")
        name = stem[: 110] + dot + suffix[:8] if dot else name[:120]
    return name or "upload"


def map_upload(
    name: str, data: bytes, target: str, index: StandardIndex, limits: Limits = LIMITS
) -> MappedReport:
    """Map the uploaded sheet ``data`` (named ``name`` by the client) onto the trade-level
    IRI ``target``.  Raises :class:`UploadError` for anything wrong with the sheet."""
    name = clean_name(name)
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in SUFFIXES:
        why = "save it as .xlsx" if suffix == ".xls" else "expected .csv or .xlsx"
        raise UploadError([Issue(name, 0, "", "", f"unsupported file type; {why}")])
    if len(data) > limits.max_file_bytes:
        raise UploadError([Issue(name, 0, "", "", f"the file has {len(data):,} bytes; the "
                                 f"limit is {limits.max_file_bytes:,}")])  # fmt: skip
    stem = PurePosixPath(name).stem or "upload"
    with tempfile.TemporaryDirectory(prefix="skillgraph-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            loaded = read_curriculum(path, index, iri=default_iri(Path(stem)), label=stem)
        except CurriculumError as exc:
            raise UploadError([_renamed(i, str(path), name) for i in exc.issues]) from None
    cov = compute_coverage(loaded.curriculum, index, target)
    cov.curriculum.source = name
    o = cov.own
    summary = (f"{cov.target.label}: {o.covered}/{o.requirements} own requirements covered, "
               f"{len(cov.gaps)} gaps (own and inherited)")  # fmt: skip
    return MappedReport(title(cov), summary, html_body(cov), render(cov, "json"),
                        csv_files(cov), cov.hours_check.flagged)  # fmt: skip


def _renamed(issue: Issue, spooled: str, name: str) -> Issue:
    """An issue as the client sees it: their file name, never the temporary path."""
    return replace(issue, file=name, value=issue.value.replace(spooled, name),
                   message=issue.message.replace(spooled, name))  # fmt: skip


def zip_csv(files: dict[str, bytes]) -> bytes:
    """The CSV tables as one zip (in memory), for a single download."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for fname, data in files.items():
            archive.writestr(zipfile.ZipInfo(fname, (2026, 1, 1, 0, 0, 0)), data)
    return buf.getvalue()
