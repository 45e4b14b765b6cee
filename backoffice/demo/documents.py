"""The demo's review documents: small real PDFs (fpdf2) and Word documents (python-docx), stored like
uploads and checked like them (`files.check_document`)."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import docx as docx_module
from fpdf import FPDF

# When every demo document says it was written: a fixed day, as the demo is the same data every time.
WRITTEN = datetime(2026, 1, 1, tzinfo=timezone.utc)
AUTHOR = "Wrekinshire Safeguarding Partnership"


def pdf_report(lines: list[str]) -> bytes:
    """A one-page PDF showing `lines`, one paragraph each."""
    document = FPDF()
    document.set_creation_date(WRITTEN)
    document.set_author(AUTHOR)
    document.set_title(lines[0])
    document.add_page()
    document.set_font("Helvetica", size=12)
    for line in lines:
        document.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())


def docx_report(lines: list[str]) -> bytes:
    """A Word document with one paragraph per line."""
    document = docx_module.Document()
    properties = document.core_properties
    properties.author = properties.last_modified_by = AUTHOR
    properties.title = lines[0]
    properties.comments = ""
    properties.created = properties.modified = WRITTEN.replace(tzinfo=None)
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
