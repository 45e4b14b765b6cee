"""backoffice.domain.files: what a file really is, and where and how it is kept."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from backoffice.domain import files
from backoffice.models import DocumentType, PublishedDocument
from tests import factories
from tests.factories import docx_bytes, odt_bytes, pdf_bytes

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
HTML = b"<!DOCTYPE html>\n<html><head><title>Report</title></head><body><script>alert(1)</script></body></html>"


def zip_of(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content in members.items():
            package.writestr(name, content)
    return buffer.getvalue()


# --- sniff --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [(pdf_bytes(), files.PDF), (docx_bytes(), files.DOCX), (odt_bytes(), files.ODT)],
    ids=["pdf", "docx", "odt"],
)
def test_sniff_recognises_documents_by_their_content(data, expected):
    assert files.sniff(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        PNG,
        HTML,
        b"%PDF",  # the signature needs its dash and version
        b" %PDF-1.4 leading space",
        zip_of({"notes.txt": "a plain zip", "images/a.png": PNG}),
        zip_of({"word/document.xml": "<w:document/>"}),  # no [Content_Types].xml
        zip_of({"[Content_Types].xml": "<Types/>"}),  # no word/document.xml
        zip_of({"mimetype": "application/zip", "content.xml": "<x/>"}),  # not the ODT mimetype
        docx_bytes()[: len(docx_bytes()) // 2],  # truncated
        b"PK\x03\x04" + b"\x00" * 40,  # a ZIP signature and nothing else
        b"",
    ],
    ids=[
        "png",
        "html",
        "pdf-without-version",
        "pdf-not-at-start",
        "plain-zip",
        "zip-without-content-types",
        "zip-without-document",
        "zip-with-other-mimetype",
        "truncated-zip",
        "zip-signature-only",
        "empty",
    ],
)
def test_sniff_rejects_anything_else(data):
    assert files.sniff(data) is None


def test_a_docx_renamed_odt_is_still_detected_as_docx(tmp_path):
    data = docx_bytes()
    renamed = tmp_path / "report.odt"
    renamed.write_bytes(data)

    kind = files.sniff(renamed.read_bytes())

    assert kind == files.DOCX
    assert files.store(renamed.read_bytes(), kind, tmp_path / "store").stored_name.endswith(".docx")


# --- check_document -----------------------------------------------------------------------------


def test_check_document_returns_the_type_of_an_acceptable_document():
    assert files.check_document(pdf_bytes(), 64 * 1024) == files.PDF
    assert files.check_document(odt_bytes(), 64 * 1024) == files.ODT


def test_check_document_refuses_an_empty_file():
    with pytest.raises(files.FileRejected, match=r"^The file is empty\.$"):
        files.check_document(b"", 64 * 1024)


def test_check_document_refuses_a_file_over_the_limit_and_says_what_the_limit_is():
    data = pdf_bytes() + b"%" + b"0" * (64 * 1024)

    with pytest.raises(files.FileRejected) as refused:
        files.check_document(data, 64 * 1024)

    message = str(refused.value)
    assert "limit" in message
    assert "64 KB" in message
    assert "0.1 MB" not in message  # a 64 KB limit is not rounded into a puzzle


def test_check_document_states_a_megabyte_limit_plainly():
    with pytest.raises(files.FileRejected, match=r"limit of 20 MB\.$"):
        files.check_document(b"%PDF-" + b"0" * (20 * 1024 * 1024), 20 * 1024 * 1024)


def test_check_document_accepts_a_file_exactly_at_the_limit():
    data = pdf_bytes()
    assert files.check_document(data, len(data)) == files.PDF
    with pytest.raises(files.FileRejected):
        files.check_document(data, len(data) - 1)


def test_check_document_refuses_content_that_is_not_a_document_whatever_its_name():
    with pytest.raises(files.FileRejected, match="whatever its name says") as refused:
        files.check_document(HTML, 64 * 1024)
    assert files.ALLOWED_DESCRIPTION in str(refused.value)


# --- store --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "content_type", "extension"),
    [(pdf_bytes(), files.PDF, ".pdf"), (docx_bytes(), files.DOCX, ".docx"), (odt_bytes(), files.ODT, ".odt")],
    ids=["pdf", "docx", "odt"],
)
def test_store_writes_the_file_under_a_random_name_with_the_right_extension(tmp_path, data, content_type, extension):
    folder = tmp_path / "uploads" / "nested"  # created if missing

    stored = files.store(data, content_type, folder)

    assert re.fullmatch(r"[0-9a-f]{32}" + re.escape(extension), stored.stored_name)
    assert stored.content_type == content_type
    assert stored.size_bytes == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert (folder / stored.stored_name).read_bytes() == data
    assert [p.name for p in folder.iterdir()] == [stored.stored_name]  # no partial file left behind


def test_storing_the_same_content_twice_gives_two_different_names(tmp_path):
    first = files.store(pdf_bytes(), files.PDF, tmp_path)
    second = files.store(pdf_bytes(), files.PDF, tmp_path)

    assert first.stored_name != second.stored_name
    assert first.sha256 == second.sha256
    assert {p.name for p in tmp_path.iterdir()} == {first.stored_name, second.stored_name}


def test_store_never_overwrites_a_file_already_there(tmp_path):
    existing = files.store(pdf_bytes("first"), files.PDF, tmp_path)

    files.store(pdf_bytes("second"), files.PDF, tmp_path)

    assert (tmp_path / existing.stored_name).read_bytes() == pdf_bytes("first")


# --- path_of ------------------------------------------------------------------------------------


def test_path_of_gives_the_path_inside_the_folder(tmp_path):
    stored = files.store(pdf_bytes(), files.PDF, tmp_path)

    path = files.path_of(stored.stored_name, tmp_path)

    assert path == tmp_path / stored.stored_name
    assert path.read_bytes() == pdf_bytes()


@pytest.mark.parametrize(
    "name",
    [
        "../secret.pdf",
        "../../etc/passwd",
        "sub/dir/file.pdf",
        "/etc/passwd",
        "..",
        ".",
        ".hidden.pdf",
        ".env",
        "..\\evil.pdf",
        "",
        "abc/",
    ],
)
def test_path_of_refuses_names_that_are_not_plain_generated_names(tmp_path, name):
    with pytest.raises(files.FileRejected):
        files.path_of(name, tmp_path)


def test_discard_removes_a_stored_file_and_ignores_bad_names(tmp_path):
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"keep me")
    folder = tmp_path / "uploads"
    stored = files.store(pdf_bytes(), files.PDF, folder)

    files.discard(stored.stored_name, folder)
    files.discard("../outside.pdf", folder)
    files.discard(stored.stored_name, folder)  # already gone: no error

    assert not (folder / stored.stored_name).exists()
    assert outside.read_bytes() == b"keep me"


# --- discard_on_rollback ------------------------------------------------------------------------


@pytest.fixture
def case(session):
    """A case to attach records to, committed before any file is registered (factories commit)."""
    return factories.CaseFactory()


def _record_for(session, case, stored: files.StoredFile) -> PublishedDocument:
    document = PublishedDocument(
        case_id=case.id,
        title="Overview report",
        document_type=DocumentType.OVERVIEW_REPORT,
        stored_name=stored.stored_name,
        original_filename="overview.pdf",
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
    )
    session.add(document)
    session.flush()
    return document


def _documents(session) -> int:
    return session.execute(select(func.count()).select_from(PublishedDocument)).scalar_one()


def test_discard_on_rollback_removes_the_file_when_the_session_rolls_back(session, case, tmp_path):
    stored = files.store(pdf_bytes(), files.PDF, tmp_path)
    _record_for(session, case, stored)
    files.discard_on_rollback(session, stored.stored_name, tmp_path)
    assert (tmp_path / stored.stored_name).exists()

    session.rollback()

    assert not (tmp_path / stored.stored_name).exists()
    assert _documents(session) == 0


def test_discard_on_rollback_keeps_the_file_when_the_session_commits(session, case, tmp_path):
    stored = files.store(pdf_bytes(), files.PDF, tmp_path)
    _record_for(session, case, stored)
    files.discard_on_rollback(session, stored.stored_name, tmp_path)

    session.commit()
    session.rollback()  # a later rollback must not reach back to a committed file

    assert (tmp_path / stored.stored_name).read_bytes() == pdf_bytes()
    assert _documents(session) == 1


def test_discard_on_rollback_only_removes_files_of_the_transaction_rolled_back(session, case, tmp_path):
    kept = files.store(pdf_bytes("kept"), files.PDF, tmp_path)
    _record_for(session, case, kept)
    files.discard_on_rollback(session, kept.stored_name, tmp_path)
    session.commit()

    dropped = files.store(pdf_bytes("dropped"), files.PDF, tmp_path)
    _record_for(session, case, dropped)
    files.discard_on_rollback(session, dropped.stored_name, tmp_path)
    session.rollback()

    assert (tmp_path / kept.stored_name).exists()
    assert not (tmp_path / dropped.stored_name).exists()
    assert _documents(session) == 1


def test_discard_on_rollback_removes_the_file_when_the_insert_fails(session, case, tmp_path):
    first = files.store(pdf_bytes("first"), files.PDF, tmp_path)
    _record_for(session, case, first)
    session.commit()
    clash = files.store(pdf_bytes("clash"), files.PDF, tmp_path)
    files.discard_on_rollback(session, clash.stored_name, tmp_path)

    with pytest.raises(IntegrityError):
        _record_for(session, case, files.StoredFile(first.stored_name, files.PDF, 1, "0" * 64))  # duplicate stored name
    session.rollback()

    assert not (tmp_path / clash.stored_name).exists()
    assert (tmp_path / first.stored_name).exists()


# --- bounds: a small hostile file is refused before it can cost minutes of CPU ---------------------


def docx_with(extra: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A valid Word document with extra parts added."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as original, zipfile.ZipFile(buffer, "w", compression) as package:
        for item in original.infolist():
            package.writestr(item.filename, original.read(item.filename))
        for name, content in extra.items():
            package.writestr(name, content)
    return buffer.getvalue()


def pdf_with(change) -> bytes:
    """A real PDF, changed by `change(writer)` as a PDF tool would write it."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def open_action(kind: str, key: str, value: str):
    """A change that makes the PDF run an action of `kind` when opened."""
    def change(writer) -> None:
        from pypdf.generic import DictionaryObject, NameObject, TextStringObject

        writer._root_object[NameObject("/OpenAction")] = writer._add_object(DictionaryObject(
            {NameObject("/S"): NameObject(kind), NameObject(key): TextStringObject(value)}
        ))
    return change


def test_a_decompression_bomb_is_refused_with_the_reason():
    bomb = docx_with({"word/header1.xml": b" " * (40 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024  # a small upload that unpacks to 40 MB

    with pytest.raises(files.FileRejected, match="compressed .* times"):
        files.check_document(bomb, 20 * 1024 * 1024)


def test_a_document_of_too_many_parts_is_refused():
    many = docx_with({f"word/media/part{n}.xml": b"<x/>" for n in range(files.MAX_PACKAGE_PARTS)})

    with pytest.raises(files.FileRejected, match="parts, more than"):
        files.check_document(many, 20 * 1024 * 1024)


def test_a_document_unpacking_beyond_the_total_is_refused(monkeypatch):
    monkeypatch.setattr(files, "MAX_UNCOMPRESSED_BYTES", 2 * 1024 * 1024)
    large = docx_with({f"word/media/image{n}.bin": bytes(range(256)) * 4096 for n in range(3)}, zipfile.ZIP_STORED)

    with pytest.raises(files.FileRejected, match="unpacks to .* more than the limit"):
        files.check_document(large, 20 * 1024 * 1024)


def test_a_pdf_of_too_many_pages_is_refused(monkeypatch):
    from tests.generated_documents import report_pdf

    monkeypatch.setattr(files, "MAX_PDF_PAGES", 2)

    with pytest.raises(files.FileRejected, match="3 pages, more than the 2"):
        files.check_document(report_pdf("one", "two", "three"), 20 * 1024 * 1024)


@pytest.mark.parametrize(
    "change, what",
    [
        (open_action("/JavaScript", "/JS", "app.alert('hello');"), "JavaScript"),
        (open_action("/Launch", "/F", "cmd.exe"), "an action that opens a program"),
        (lambda w: w.add_attachment("payload.exe", b"MZ not really"), "embedded file"),
    ],
    ids=["javascript", "launch", "embedded file"],
)
def test_a_pdf_with_active_content_is_refused_with_what_it_carries(change, what):
    with pytest.raises(files.FileRejected, match=f"contains .*{what}"):
        files.check_document(pdf_with(change), 20 * 1024 * 1024)


def test_an_ordinary_pdf_docx_and_odt_pass_the_bounds():
    from tests.generated_documents import report_docx, report_odt, report_pdf

    for data, kind in ((report_pdf("A page of text."), files.PDF), (report_docx("A paragraph."), files.DOCX),
                       (report_odt("A paragraph."), files.ODT)):
        assert files.check_document(data, 20 * 1024 * 1024) == kind


# --- download names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "uploaded, content_type, offered",
    [
        ("poly.html", files.PDF, "poly.pdf"),
        ("report\u202efdp.exe", files.PDF, "reportfdp.pdf"),
        ("C:\\Users\\me\\Overview report.docx", files.DOCX, "Overview report.docx"),
        ("../../etc/passwd", files.ODT, "passwd.odt"),
        ("bell\x07 and\x00 nul.pdf", files.PDF, "bell and nul.pdf"),
        ("\u2066.pdf", files.PDF, "document.pdf"),
        ("", files.DOCX, "document.docx"),
    ],
)
def test_a_download_is_named_from_a_clean_name_with_the_extension_of_what_the_file_is(uploaded, content_type, offered):
    assert files.clean_filename(uploaded, content_type) == offered
