"""Real review documents for tests: PDFs made with fpdf2, Word documents with python-docx, and
OpenDocument text written with zipfile to the format's rules. `files.sniff` knows each for what it is."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import docx
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader, PdfWriter

from backoffice.domain import files

Paragraph = str | tuple[str, ...]  # a tuple's strings are written as separate runs (DOCX) or spans (ODT)


def report_pdf(
    *pages: str | list[str],
    title: str | None = None,
    author: str | None = None,
    comment: str | None = None,
    xmp: str | None = None,
) -> bytes:
    """A PDF with one page for each argument, a page's paragraphs wrapping across lines as they would.

    `comment` is a sticky note on the first page; `xmp` is an XMP metadata packet's rdf:RDF element.
    """
    pdf = FPDF()
    pdf.core_fonts_encoding = "windows-1252"  # as word processors write the core fonts: curly quotes too
    pdf.set_font("Helvetica", size=11)
    if title is not None:
        pdf.set_title(title)
    if author is not None:
        pdf.set_author(author)
    if xmp is not None:
        pdf.set_xmp_metadata(xmp)
    for page in pages:
        pdf.add_page()
        if comment is not None and pdf.page == 1:
            pdf.text_annotation(20, 20, comment)
        for paragraph in [page] if isinstance(page, str) else page:
            pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    return bytes(pdf.output())


def scanned_pdf() -> bytes:
    """A PDF whose only page is a picture, as a scanner makes: it has no text to read."""
    pdf = FPDF()
    pdf.add_page()
    pdf.image(Image.new("RGB", (200, 280), "white"), x=10, y=10, w=190)
    return bytes(pdf.output())


def encrypted_pdf(user_password: str, owner_password: str = "owner secret") -> bytes:
    """A report PDF encrypted with AES; an empty user password opens it but keeps the restrictions."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(report_pdf("Overview report"))))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def report_docx(
    *paragraphs: Paragraph,
    header: str | None = None,
    footer: str | None = None,
    title: str | None = None,
    table: list[list[str]] | None = None,
) -> bytes:
    """A Word document with these paragraphs, then the table (a list of rows) if there is one.

    A paragraph given as a tuple of strings is written as that many runs, as Word splits text it edits.
    """
    document = docx.Document()
    # python-docx's template names itself as author and describes itself; a report would not.
    document.core_properties.author = "Safeguarding partnership"
    document.core_properties.comments = ""
    if title is not None:
        document.core_properties.title = title
    section = document.sections[0]
    if header is not None:
        section.header.paragraphs[0].text = header
    if footer is not None:
        section.footer.paragraphs[0].text = footer
    for paragraph in paragraphs:
        written = document.add_paragraph()
        for run in (paragraph,) if isinstance(paragraph, str) else paragraph:
            written.add_run(run)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table):
            for cell, value in zip(row.cells, cells):
                cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def picture_docx(text: str, description: str) -> bytes:
    """A Word document with one paragraph of text and a picture whose alternative text is `description`."""
    document = docx.Document()
    document.add_paragraph(text)
    picture = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(picture, format="PNG")
    shape = document.add_picture(picture)
    shape._inline.docPr.set("descr", description)  # python-docx has no setting for alternative text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_ODF = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"'
)


def report_odt(*paragraphs: Paragraph, title: str | None = None, header: str | None = None) -> bytes:
    """An OpenDocument text file: the mimetype member first and stored, a manifest, content, styles and meta.

    A paragraph given as a tuple of strings is written as that many spans.
    """
    body = "".join(
        "<text:p>" + "".join(f"<text:span>{escape(span)}</text:span>" for span in paragraph) + "</text:p>"
        if isinstance(paragraph, tuple)
        else f"<text:p>{escape(paragraph)}</text:p>"
        for paragraph in paragraphs
    )
    page_header = f"<style:header><text:p>{escape(header)}</text:p></style:header>" if header is not None else ""
    members = {
        "content.xml": f"<office:document-content {_ODF}><office:body><office:text>{body}</office:text>"
        "</office:body></office:document-content>",
        "styles.xml": f"<office:document-styles {_ODF}><office:master-styles>"
        f'<style:master-page style:name="Standard">{page_header}</style:master-page>'
        "</office:master-styles></office:document-styles>",
        "meta.xml": f"<office:document-meta {_ODF}><office:meta>"
        + (f"<dc:title>{escape(title)}</dc:title>" if title is not None else "")
        + "</office:meta></office:document-meta>",
    }
    manifest = "".join(
        f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type="text/xml"/>' for name in members
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(zipfile.ZipInfo("mimetype"), files.ODT, compress_type=zipfile.ZIP_STORED)
        package.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
            'manifest:version="1.3">'
            f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{files.ODT}"/>{manifest}'
            "</manifest:manifest>",
        )
        for name, xml in members.items():
            package.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + xml)
    return buffer.getvalue()
