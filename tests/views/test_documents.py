"""Documents: business support uploads real files; the board approves, publishes and withdraws them.

A file is judged by its content, never its name; it is stored under a generated name inside
UPLOAD_DIR, and downloaded only through the access check, always as an attachment.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from backoffice import clock
from backoffice.domain import files
from backoffice.vocabulary import ReviewType
from backoffice.models import DocumentStatus, DocumentType, DocumentVersion, PublishedDocument
from tests import factories
from tests.factories import docx_bytes, odt_bytes, pdf_bytes
from tests.helpers import count, page_text, reload, stored_bytes
from tests.html_pages import list_items

CREATE = "/admin/document/new/"
ACTION = "/admin/document/action/"
CASE_READERS = ["business_support", "panel", "board", "auditor"]
GENERATED_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|docx|odt)$")
WRONG_CONTENT = "is not a PDF, Word (.docx) or OpenDocument text (.odt) file, whatever its name says"


# --- helpers ----------------------------------------------------------------------------------


def upload_dir(app) -> Path:
    return Path(app.config["UPLOAD_DIR"])


def stored_files(app) -> set[str]:
    """The names of the files the app keeps, wherever it keeps them (a folder, or the database)."""
    from backoffice.extensions import db

    with app.app_context():
        names = factories.document_store().names(db.session)
        db.session.remove()
    return names


def all_files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def upload(signed_in, case, data: bytes, filename: str, title: str = "Overview report", **extra):
    return signed_in.post(
        CREATE,
        data={
            "case": str(case.id),
            "title": title,
            "document_type": DocumentType.OVERVIEW_REPORT.value,
            "upload": (io.BytesIO(data), filename),
            **extra,
        },
        content_type="multipart/form-data",
    )


def only_document(session) -> PublishedDocument:
    session.expire_all()
    return session.execute(select(PublishedDocument)).scalar_one()


def assert_nothing_written(app, session, files_before: set[str]) -> None:
    """No document was saved and no file was added to UPLOAD_DIR."""
    assert count(session, PublishedDocument) == 0
    assert stored_files(app) == files_before


def download(client, document):
    """GET the document's download link, the only way to its file."""
    return client.get(f"/documents/{document.id}/download")


def act(signed_in, action: str, document):
    return signed_in.post(ACTION, data={"action": action, "rowid": str(document.id)}, follow_redirects=True)


def document_with(app, session, content: bytes, **fields) -> PublishedDocument:
    """A document whose stored file holds `content`."""
    return factories.DocumentFactory(content=content, **fields)


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def zip_without_word_parts() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("notes.txt", "just a zip")
        package.writestr("data/readme.md", "# not a document")
    return buffer.getvalue()


def padded_pdf(size: int) -> bytes:
    """A PDF (it starts with the PDF signature) of exactly `size` bytes."""
    data = pdf_bytes()
    return data + b"%" + b"0" * (size - len(data) - 1)


# --- uploads ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "filename", "content_type", "extension"),
    [
        (pdf_bytes, "Overview report.pdf", files.PDF, ".pdf"),
        (docx_bytes, "Executive summary.docx", files.DOCX, ".docx"),
        (odt_bytes, "Learning brief.odt", files.ODT, ".odt"),
    ],
    ids=["pdf", "docx", "odt"],
)
def test_business_support_uploads_a_real_document(app, session, login_as, make, filename, content_type, extension):
    case = factories.CaseFactory()
    signed_in = login_as("business_support")
    data = make(f"Learning from {case.reference}")
    before = stored_files(app)

    response = upload(signed_in, case, data, filename, title="Overview report for the board")

    assert response.status_code == 302, page_text(response)[:2000]
    document = only_document(session)
    assert document.case_id == case.id
    assert document.title == "Overview report for the board"
    assert document.status == DocumentStatus.DRAFT
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size_bytes == len(data)
    assert document.content_type == content_type
    assert document.original_filename == filename
    # stored under a generated name, never the uploaded one
    assert GENERATED_NAME.match(document.stored_name), document.stored_name
    assert document.stored_name.endswith(extension)
    assert filename not in stored_files(app)
    assert stored_files(app) - before == {document.stored_name}
    assert stored_bytes(app, document.stored_name) == data


@pytest.mark.parametrize(
    ("make", "filename", "content_type", "extension"),
    [
        (pdf_bytes, "report.docx", files.PDF, ".pdf"),
        (docx_bytes, "report.odt", files.DOCX, ".docx"),
        (odt_bytes, "report.pdf", files.ODT, ".odt"),
    ],
    ids=["pdf-named-docx", "docx-named-odt", "odt-named-pdf"],
)
def test_the_type_of_an_upload_comes_from_its_content_not_its_name(
    app, session, login_as, make, filename, content_type, extension
):
    case = factories.CaseFactory()
    signed_in = login_as("business_support")

    response = upload(signed_in, case, make(), filename)

    assert response.status_code == 302, page_text(response)[:2000]
    document = only_document(session)
    assert document.content_type == content_type
    assert document.stored_name.endswith(extension)
    assert document.original_filename == "report" + extension  # the name says what the file really is


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        png_bytes(),
        zip_without_word_parts(),
        b"Just some plain text pretending to be a PDF.",
    ],
    ids=["html", "png", "zip-without-word-parts", "plain-text"],
)
def test_a_file_named_pdf_whose_content_is_not_a_document_is_refused(app, session, login_as, data):
    case = factories.CaseFactory()
    signed_in = login_as("business_support")
    before = stored_files(app)

    response = upload(signed_in, case, data, "report.pdf")

    assert response.status_code == 200
    shown = page_text(response)
    assert WRONG_CONTENT in shown
    assert "Nothing was saved" in shown
    assert_nothing_written(app, session, before)


# What is sent -> (the answer's status, what the page says). Over the document limit, the form itself
# refuses (the request is within MAX_CONTENT_LENGTH); over the request limit, the server does.
REFUSED_BY_SIZE = {
    "empty": (lambda config: b"", 200, ["The file is empty."]),
    "over the document limit": (lambda config: padded_pdf(config["DOCUMENT_MAX_BYTES"] + 6 * 1024), 200,
                                # in words that differ: not "0.1 MB; the limit is 0.1 MB"
                                ["The file is larger than the limit of 64 KB.", "Nothing was saved"]),
    "over the request limit": (lambda config: padded_pdf(config["MAX_CONTENT_LENGTH"] + 1024), 413,
                               ["is larger than the limit. Nothing was saved."]),
}


@pytest.mark.parametrize("size", REFUSED_BY_SIZE)
def test_a_file_of_a_refused_size_gets_a_clear_message_and_nothing_is_written(app, session, login_as, size):
    make, status, messages = REFUSED_BY_SIZE[size]
    data = make(app.config)
    case = factories.CaseFactory()
    signed_in = login_as("business_support")
    before = stored_files(app)

    response = upload(signed_in, case, data, "report.pdf")

    assert response.status_code == status
    shown = page_text(response)
    assert all(message in shown for message in messages), shown[:2000]
    assert "Traceback" not in shown
    assert_nothing_written(app, session, before)


def test_a_file_exactly_at_the_document_limit_is_accepted(app, session, login_as):
    data = padded_pdf(app.config["DOCUMENT_MAX_BYTES"])
    case = factories.CaseFactory()
    signed_in = login_as("business_support")

    response = upload(signed_in, case, data, "exactly-the-limit.pdf")

    assert response.status_code == 302, page_text(response)[:2000]
    assert only_document(session).size_bytes == len(data)


@pytest.mark.parametrize(
    "filename",
    ["../../etc/passwd.pdf", "..\\evil.pdf", "../../../../../../tmp/escaped.pdf", "/etc/absolute.pdf"],
)
def test_a_file_name_with_path_tricks_is_never_used_as_a_path(app, session, login_as, filename):
    folder = upload_dir(app)
    folder.mkdir(parents=True, exist_ok=True)
    surroundings = folder.parent
    before_inside = stored_files(app)
    before_around = all_files_under(surroundings) - set(folder.rglob("*"))
    case = factories.CaseFactory()
    signed_in = login_as("business_support")
    data = pdf_bytes("path tricks")

    response = upload(signed_in, case, data, filename)

    assert response.status_code == 302, page_text(response)[:2000]
    document = only_document(session)
    assert GENERATED_NAME.match(document.stored_name), document.stored_name
    assert stored_files(app) - before_inside == {document.stored_name}
    assert stored_bytes(app, document.stored_name) == data
    # nothing new anywhere around the upload folder, nor where the name points
    assert all_files_under(surroundings) - set(folder.rglob("*")) == before_around
    for base in (folder, Path.cwd()):
        target = (base / filename.replace("\\", "/")).resolve()
        assert not (target.exists() and target.read_bytes() == data), target
    # only the last part of the name the user gave is kept, as a label
    basename = re.split(r"[\\/]", filename)[-1]
    assert document.original_filename.endswith(basename)
    assert not re.search(r"[\\/]", document.original_filename)
    assert basename not in stored_files(app)


def test_a_file_cannot_be_uploaded_to_a_case_outside_the_users_streams(app, session, login_as):
    case = factories.CaseFactory(review_type=ReviewType.SAR, subject_pseudonym="Adult A")
    signed_in = login_as("business_support", streams=["children"])
    before = stored_files(app)

    response = upload(signed_in, case, pdf_bytes(), "report.pdf")

    assert response.status_code == 200
    assert_nothing_written(app, session, before)


# --- downloads --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", CASE_READERS)
def test_a_case_reader_in_the_cases_stream_downloads_the_file_as_an_attachment(app, session, login_as, role):
    content = docx_bytes("The report itself")
    document = document_with(app, session, content, original_filename="Overview report.docx")
    signed_in = login_as(role, streams=["children"])

    response = download(signed_in, document)

    assert response.status_code == 200
    assert response.get_data() == content
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "Overview report.docx" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.mimetype == files.DOCX
    response.close()


def test_an_uploaded_file_downloads_identical_to_what_was_uploaded(app, session, login_as):
    case = factories.CaseFactory()
    signed_in = login_as("business_support")
    data = odt_bytes("Round trip")
    assert upload(signed_in, case, data, "round-trip.odt").status_code == 302
    document = only_document(session)

    response = download(signed_in, document)

    assert response.status_code == 200
    assert response.get_data() == data
    assert hashlib.sha256(response.get_data()).hexdigest() == document.sha256
    response.close()


@pytest.mark.parametrize("role", CASE_READERS)
def test_a_user_whose_streams_do_not_include_the_case_type_gets_404(app, session, login_as, role):
    document = factories.DocumentFactory()  # a CSPR: the children stream
    signed_in = login_as(role, streams=["adults", "domestic_abuse"])

    response = download(signed_in, document)

    assert response.status_code == 404
    assert document.original_filename not in response.headers.get("Content-Disposition", "")


def test_an_archived_document_is_not_found_for_business_support(app, session, login_as):
    document = factories.DocumentFactory(archived_at=factories.NOW, archive_reason="Superseded by a new version.")
    signed_in = login_as("business_support")

    assert download(signed_in, document).status_code == 404


def test_an_auditor_can_still_download_an_archived_document(app, session, login_as):
    content = pdf_bytes("Archived but kept")
    document = document_with(
        app, session, content, archived_at=factories.NOW, archive_reason="Superseded by a new version."
    )
    signed_in = login_as("auditor")

    response = download(signed_in, document)

    assert response.status_code == 200
    assert response.get_data() == content
    response.close()


def test_an_unknown_document_is_not_found(app, session, login_as):
    document = factories.DocumentFactory()
    signed_in = login_as("business_support")

    assert signed_in.get(f"/documents/{document.id + 1000}/download").status_code == 404


def test_admin_may_not_download_documents(app, session, login_as):
    document = factories.DocumentFactory()
    signed_in = login_as("admin")

    response = download(signed_in, document)

    assert response.status_code == 403
    assert "Content-Disposition" not in response.headers


def test_an_anonymous_visitor_is_sent_to_sign_in(app, session, client):
    document = factories.DocumentFactory()

    response = download(client, document)

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert "Content-Disposition" not in response.headers


# --- board actions ----------------------------------------------------------------------------


def test_the_board_approves_publishes_and_withdraws_a_document(app, session, login_as):
    document = factories.DocumentFactory(
        case=factories.published_case(), status=DocumentStatus.DRAFT, publication_date=None
    )
    board = login_as("board")

    response = act(board, "approve", document)
    assert response.status_code == 200
    document = reload(session, document)
    assert document.status == DocumentStatus.APPROVED
    assert document.publication_date is None

    act(board, "publish", document)
    document = reload(session, document)
    assert document.status == DocumentStatus.PUBLISHED
    assert document.publication_date == clock.today()

    act(board, "withdraw", document)
    document = reload(session, document)
    assert document.status == DocumentStatus.WITHDRAWN
    assert document.publication_date == clock.today()


def test_publishing_keeps_a_publication_date_already_set(app, session, login_as):
    planned = date(2025, 12, 15)
    document = factories.DocumentFactory(
        case=factories.published_case(), status=DocumentStatus.APPROVED, publication_date=planned
    )
    board = login_as("board")

    act(board, "publish", document)

    document = reload(session, document)
    assert document.status == DocumentStatus.PUBLISHED
    assert document.publication_date == planned


def test_a_document_is_published_on_its_own_only_once_its_review_is(app, session, login_as):
    document = factories.DocumentFactory(title="Early briefing", status=DocumentStatus.APPROVED)
    board = login_as("board")

    response = act(board, "publish", document)

    assert (
        "'Early briefing' is published with its review: publish the review from the case page." in page_text(response)
    )
    assert reload(session, document).status == DocumentStatus.APPROVED


def test_publishing_a_draft_is_refused_with_a_message(app, session, login_as):
    document = factories.DocumentFactory(title="Draft overview", status=DocumentStatus.DRAFT)
    board = login_as("board")

    response = act(board, "publish", document)

    assert response.status_code == 200
    assert "'Draft overview' is draft; it cannot be published from there." in page_text(response)
    document = reload(session, document)
    assert document.status == DocumentStatus.DRAFT
    assert document.publication_date is None


def test_withdrawing_a_draft_is_refused(app, session, login_as):
    document = factories.DocumentFactory(title="Early draft", status=DocumentStatus.DRAFT)
    board = login_as("board")

    response = act(board, "withdraw", document)

    assert "cannot be withdrawn" in page_text(response)
    assert reload(session, document).status == DocumentStatus.DRAFT


def test_business_support_cannot_publish(app, session, login_as):
    document = factories.DocumentFactory(status=DocumentStatus.APPROVED)
    signed_in = login_as("business_support")

    signed_in.post(ACTION, data={"action": "publish", "rowid": str(document.id)})

    document = reload(session, document)
    assert document.status == DocumentStatus.APPROVED
    assert document.publication_date is None


@pytest.mark.parametrize("role", ["business_support", "panel", "auditor"])
def test_only_the_board_approves(app, session, login_as, role):
    document = factories.DocumentFactory(status=DocumentStatus.DRAFT)
    signed_in = login_as(role)

    signed_in.post(ACTION, data={"action": "approve", "rowid": str(document.id)})

    assert reload(session, document).status == DocumentStatus.DRAFT


def test_the_board_cannot_move_a_document_outside_its_streams(app, session, login_as):
    document = factories.DocumentFactory(status=DocumentStatus.DRAFT)  # children stream
    board = login_as("board", streams=["adults"])

    board.post(ACTION, data={"action": "approve", "rowid": str(document.id)})

    assert reload(session, document).status == DocumentStatus.DRAFT


# --- editing ----------------------------------------------------------------------------------


def edit(signed_in, document, title: str, **extra):
    return signed_in.post(
        f"/admin/document/edit/?id={document.id}",
        data={
            "case": str(document.case_id),
            "title": title,
            "document_type": DocumentType.EXECUTIVE_SUMMARY.value,
            "loaded_version": str(document.version),
            **extra,
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_a_draft_can_be_edited(app, session, login_as):
    document = factories.DocumentFactory(title="Old title", status=DocumentStatus.DRAFT)
    signed_in = login_as("business_support")

    edit(signed_in, document, "New title")

    document = reload(session, document)
    assert document.title == "New title"
    assert document.document_type == DocumentType.EXECUTIVE_SUMMARY


@pytest.mark.parametrize("status", [DocumentStatus.APPROVED, DocumentStatus.PUBLISHED])
def test_an_approved_or_published_document_cannot_be_edited(app, session, login_as, status):
    document = factories.DocumentFactory(title="Signed-off title", status=status)
    signed_in = login_as("business_support")

    response = edit(signed_in, document, "Changed afterwards")

    assert f"This document is {status.label.lower()} and can no longer be changed." in page_text(response)
    document = reload(session, document)
    assert document.title == "Signed-off title"
    assert document.document_type == DocumentType.OVERVIEW_REPORT
    assert document.status == status


def test_the_edit_form_of_a_draft_offers_to_replace_the_file(app, session, login_as):
    document = factories.DocumentFactory(status=DocumentStatus.DRAFT)
    signed_in = login_as("business_support")

    edit_page = page_text(signed_in.get(f"/admin/document/edit/?id={document.id}"))

    assert "Replace the file with a new version (optional)" in edit_page


def test_editing_without_a_new_file_keeps_the_file(app, session, login_as):
    original = pdf_bytes("Original")
    document = document_with(app, session, original, status=DocumentStatus.DRAFT)
    stored_name = document.stored_name
    signed_in = login_as("business_support")
    before = stored_files(app)

    edit(signed_in, document, "Retitled")

    document = reload(session, document)
    assert (document.title, document.stored_name, document.file_version) == ("Retitled", stored_name, 1)
    assert stored_files(app) == before
    assert session.scalars(select(DocumentVersion)).all() == []


def test_replacing_a_drafts_file_keeps_the_old_one_with_who_and_when(app, session, login_as):
    original = pdf_bytes("Original")
    document = document_with(app, session, original, status=DocumentStatus.DRAFT)
    old_name, old_sha = document.stored_name, document.sha256
    signed_in = login_as("business_support")
    replacement = pdf_bytes("Replacement with corrections")

    edit(signed_in, document, "Corrected", upload=(io.BytesIO(replacement), "corrected.pdf"))

    document = reload(session, document)
    assert document.file_version == 2
    assert document.original_filename == "corrected.pdf"
    assert document.sha256 == hashlib.sha256(replacement).hexdigest()
    assert document.file_uploaded_by_id == signed_in.user.id
    assert stored_bytes(app, document.stored_name) == replacement
    (kept,) = document.previous_versions
    assert (kept.file_version, kept.stored_name, kept.sha256) == (1, old_name, old_sha)
    assert stored_bytes(app, old_name) == original  # never overwritten
    versions = list_items(signed_in.get(f"/admin/document/details/?id={document.id}"), "document-versions")
    assert versions[0].startswith("Version 2 (current): corrected.pdf, uploaded ")
    assert versions[0].endswith(f"by {signed_in.user}")
    assert versions[1].startswith("Version 1: overview-report.pdf, uploaded ")
    old = signed_in.get(f"/documents/{document.id}/versions/1/download")
    assert old.status_code == 200 and old.get_data() == original
    old.close()


def test_a_replacement_that_is_not_a_document_changes_nothing(app, session, login_as):
    document = document_with(app, session, pdf_bytes("Original"), status=DocumentStatus.DRAFT)
    before = (document.stored_name, document.file_version, stored_files(app))
    signed_in = login_as("business_support")

    response = edit(signed_in, document, "Corrected", upload=(io.BytesIO(b"<script>x</script>"), "report.pdf"))

    assert "Nothing was saved." in page_text(response)
    document = reload(session, document)
    assert (document.stored_name, document.file_version, stored_files(app)) == before
    assert document.title != "Corrected"
    assert session.scalars(select(DocumentVersion)).all() == []


@pytest.mark.parametrize("status", [DocumentStatus.APPROVED, DocumentStatus.PUBLISHED])
def test_an_approved_or_published_file_is_never_replaced(app, session, login_as, status):
    original = pdf_bytes("As approved")
    document = document_with(app, session, original, status=status)
    before = (document.stored_name, document.sha256, stored_files(app))
    signed_in = login_as("business_support")

    edit(signed_in, document, "Retitled", upload=(io.BytesIO(pdf_bytes("Sneaky change")), "new.pdf"))

    document = reload(session, document)
    assert (document.stored_name, document.sha256, stored_files(app)) == before
    assert stored_bytes(app, document.stored_name) == original


# --- hostile files are refused at upload, and named safely at download -------------------------


def bomb_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes()), "r") as original, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name in original.namelist():
            out.writestr(name, original.read(name))
        out.writestr("word/header1.xml", b" " * (8 * 1024 * 1024))
    return buffer.getvalue()


def javascript_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "make, message",
    [(bomb_docx, "compressed"), (javascript_pdf, "contains JavaScript")],
    ids=["decompression bomb", "pdf with javascript"],
)
def test_a_hostile_file_is_refused_at_upload_with_the_reason_and_nothing_is_saved(app, session, login_as, make, message):
    signed_in = login_as("business_support")
    case = factories.CaseFactory()
    before = stored_files(app)

    response = upload(signed_in, case, make(), "report.docx")

    assert response.status_code == 200
    assert "Nothing was saved" in page_text(response) and message in page_text(response)
    assert_nothing_written(app, session, before)


def test_a_polyglot_named_html_and_a_name_with_a_right_to_left_override_download_safely(app, session, login_as):
    signed_in = login_as("business_support")
    case = factories.CaseFactory()

    upload(signed_in, case, pdf_bytes(), "poly.html")
    upload(signed_in, case, pdf_bytes(), "report\u202efdp.exe", title="Second report")

    session.expire_all()
    documents = session.scalars(select(PublishedDocument).order_by(PublishedDocument.id)).all()
    session.commit()
    assert [d.original_filename for d in documents] == ["poly.pdf", "reportfdp.pdf"]
    for document, name in zip(documents, ["poly.pdf", "reportfdp.pdf"]):
        disposition = download(signed_in.client, document).headers["Content-Disposition"]
        assert disposition.startswith("attachment") and name in disposition and "\u202e" not in disposition


def test_a_stored_name_from_before_is_still_cleaned_at_download(app, session, login_as):
    document = document_with(app, session, pdf_bytes(), original_filename="poly\u202e.html")

    response = download(login_as("business_support").client, document)

    assert "poly.pdf" in response.headers["Content-Disposition"]


def test_the_board_sees_the_documents_next_step_on_its_page_and_business_support_does_not(app, session, login_as):
    from tests.generated_documents import report_pdf

    document = document_with(app, session, report_pdf("What was learned."))

    board_page = page_text(login_as("board").get(f"/admin/document/details/?id={document.id}"))
    staff_page = page_text(login_as("business_support").get(f"/admin/document/details/?id={document.id}"))

    assert "Approve this document" in board_page and "Publish this document" not in board_page
    assert "this document</button>" not in staff_page
