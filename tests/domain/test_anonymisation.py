"""backoffice.domain.anonymisation: no name or date of birth may reach a published document.

Every document here is a real one, made by tests/generated_documents.py with the libraries that
write PDFs and Word documents, and read back the way an upload would be.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from datetime import date

import pytest

from backoffice.domain import anonymisation, files
from backoffice.domain.anonymisation import Finding, Identifier, Unreadable, extract_text, scan
from tests import factories
from tests.generated_documents import (
    encrypted_pdf,
    picture_docx,
    report_docx,
    report_odt,
    report_pdf,
    scanned_pdf,
)

SUBJECT = Identifier("the subject's legal name", "Jane Ann Smith")
MOTHER = Identifier("a family member's name (mother)", "Mary Kowalski")
NAMES = [SUBJECT, MOTHER]
BORN = date(2015, 3, 7)
DATES_OF_BIRTH = [("the subject's date of birth", BORN)]
WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CLEAN = "Child A lived with her mother and attended the Annual review at Smithfield Primary School."

MAKERS: dict[str, Callable[[str], bytes]] = {files.PDF: report_pdf, files.DOCX: report_docx, files.ODT: report_odt}
FORMATS = pytest.mark.parametrize("content_type", list(MAKERS), ids=["pdf", "docx", "odt"])
FIRST_PLACE = {files.PDF: "page 1", files.DOCX: "paragraph 1", files.ODT: "paragraph 1"}


def found(data: bytes, content_type: str = files.DOCX, **kwargs) -> list[Finding]:
    kwargs.setdefault("names", NAMES)
    kwargs.setdefault("dates_of_birth", DATES_OF_BIRTH)
    return scan(data, content_type, **kwargs)


def places(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(finding.what, finding.where) for finding in findings]


def with_member(data: bytes, name: str, content: str | bytes | None) -> bytes:
    """A copy of a ZIP package with one member replaced, added or (with None) left out."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as copy:
        for item in source.infolist():
            if item.filename != name:
                copy.writestr(item, source.read(item))
        if content is not None:
            copy.writestr(name, content)
    return buffer.getvalue()


# --- the generated documents are what they claim ------------------------------------------------


@FORMATS
def test_generated_documents_are_recognised_as_their_type(content_type):
    assert files.sniff(MAKERS[content_type](CLEAN)) == content_type


# --- names ----------------------------------------------------------------------------------------


def test_the_subjects_full_name_is_found_on_its_page_of_a_pdf_and_only_there():
    data = report_pdf(CLEAN, ["The chronology begins in 2019.", "Jane Ann Smith was referred by her school."], CLEAN)

    findings = found(data, files.PDF)

    assert findings == [
        Finding(
            "the subject's legal name",
            "page 2",
            "The chronology begins in 2019. [the subject's legal name] was referred by her school.",
        )
    ]


def test_the_context_masks_every_name_and_date_in_it_and_is_cut_at_whole_words():
    data = report_docx(
        "The first strategy discussion was held after the referral. Mary Kowalski told the social worker "
        "that Jane was born on 7 March 2015 and had not seen a doctor since the family moved to the city."
    )

    findings = found(data)

    assert places(findings) == [
        ("a family member's name (mother)", "paragraph 1"),
        ("the subject's legal name", "paragraph 1"),
        ("the subject's date of birth", "paragraph 1"),
    ]
    assert findings[0].context == (
        "…discussion was held after the referral. [a family member's name (mother)] told the social worker "
        "that [the subject's legal name] was…"
    )
    assert findings[2].context == (
        "…the social worker that [the subject's legal name] was born on [the subject's date of birth] "
        "and had not seen a doctor since the…"
    )
    for finding in findings:
        assert not {"Mary", "Kowalski", "Jane", "2015"} & set(finding.context.replace(".", " ").split())


def test_a_family_members_surname_alone_is_found_in_its_docx_paragraph():
    data = report_docx(CLEAN, "Ms Kowalski attended the meeting.")

    assert found(data) == [Finding(MOTHER.what, "paragraph 2", f"Ms [{MOTHER.what}] attended the meeting.")]


def test_a_name_is_reported_once_at_each_place_not_again_for_each_of_its_parts():
    data = report_docx("Jane Ann Smith, or Jane Smith, or Mrs Smith.")

    assert [finding.context for finding in found(data, names=[Identifier("name", "Jane Ann Smith")])] == [
        "[name], or [name], or Mrs [name]."
    ] * 3


@pytest.mark.parametrize("content_type", [files.DOCX, files.ODT], ids=["docx runs", "odt spans"])
def test_a_name_split_across_runs_of_one_paragraph_is_found(content_type):
    data = MAKERS[content_type](("The report on Ja", "ne Ann Sm", "ith was shared."))

    assert found(data, content_type) == [
        Finding("the subject's legal name", "paragraph 1", "The report on [the subject's legal name] was shared.")
    ]


@pytest.mark.parametrize(
    ("data", "content_type", "where"),
    [
        (report_docx(CLEAN, header="Review of services to Jane Smith"), files.DOCX, "header"),
        (report_docx(CLEAN, footer="Jane Smith: confidential draft"), files.DOCX, "footer"),
        (report_docx(CLEAN, title="Jane Smith overview report"), files.DOCX, "document properties (title)"),
        (report_odt(CLEAN, header="Review of services to Jane Smith"), files.ODT, "header"),
        (report_odt(CLEAN, title="Jane Smith overview report"), files.ODT, "document properties (title)"),
        (report_pdf(CLEAN, title="Jane Smith overview report"), files.PDF, "document properties (title)"),
        (report_pdf(CLEAN, author="Jane Smith"), files.PDF, "document properties (author)"),
        (report_pdf(CLEAN, comment="Check this with Jane Smith"), files.PDF, "page 1 (comments)"),
        (
            report_pdf(
                CLEAN,
                xmp='<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
                'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">'
                "Jane Smith overview report</rdf:li></rdf:Alt></dc:title></rdf:Description></rdf:RDF>",
            ),
            files.PDF,
            "document properties (XMP metadata)",
        ),
        (picture_docx(CLEAN, "A drawing by Jane Smith"), files.DOCX, "paragraph 2"),
    ],
    ids=[
        "docx header",
        "docx footer",
        "docx title",
        "odt header",
        "odt title",
        "pdf title",
        "pdf author",
        "pdf comment",
        "pdf xmp",
        "docx picture description",
    ],
)
def test_names_are_found_outside_the_body_text_too(data, content_type, where):
    assert places(found(data, content_type)) == [("the subject's legal name", where)]


@pytest.mark.parametrize(
    ("part", "root", "where"),
    [
        ("word/footnotes.xml", "footnotes", "footnotes"),
        ("word/endnotes.xml", "endnotes", "endnotes"),
        ("word/comments.xml", "comments", "comments"),
    ],
)
def test_names_are_found_in_word_notes_and_comments(part, root, where):
    note = "<w:p><w:r><w:t>Told to the author by Mary Kowalski.</w:t></w:r></w:p>"
    notes = f'<w:{root} xmlns:w="{WORD}"><w:{root[:-1]} w:id="1">{note}</w:{root[:-1]}></w:{root}>'
    data = with_member(report_docx(CLEAN), part, notes)

    assert found(data) == [
        Finding("a family member's name (mother)", where, "Told to the author by [a family member's name (mother)].")
    ]


def test_a_name_wrapped_across_lines_of_a_pdf_is_still_the_whole_name():
    data = report_pdf("The review panel met. " * 4 + "The review Jane Ann Smith moved schools twice.")
    assert "Jane\nAnn Smith" in extract_text(data, files.PDF)[0][1]  # fpdf2 wrapped the line inside the name

    assert [finding.context for finding in found(data, files.PDF)] == [
        "…met. The review panel met. The review [the subject's legal name] moved schools twice."
    ]


def test_a_name_in_a_table_is_found_in_its_place_among_the_paragraphs():
    data = report_docx(CLEAN, table=[["Name", "Role"], ["Mary Kowalski", "Mother"]], footer="Page 1")

    assert places(found(data)) == [("a family member's name (mother)", "paragraph 4")]


def test_text_deleted_with_tracked_changes_is_still_in_the_file_and_is_found():
    original = report_docx("Placeholder")
    with zipfile.ZipFile(io.BytesIO(original)) as package:
        body = package.read("word/document.xml").decode()
    deleted = '<w:del w:id="1" w:author="Reviewer"><w:r><w:delText>Mary Kowalski</w:delText></w:r></w:del>'
    data = with_member(original, "word/document.xml", body.replace("<w:r><w:t>Placeholder</w:t></w:r>", deleted))

    assert places(found(data)) == [("a family member's name (mother)", "paragraph 1")]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Jane Ann Smith", "JANE ANN SMITH attended."),
        ("Jane Ann Smith", "jane ann smith attended."),
        ("Liam O'Brien", "Liam O’Brien attended."),
        ("Liam O’Brien", "Liam O'Brien attended."),
        ("Liam O'Brien", "Mr O’brien attended."),
        ("Amy Smith-Jones", "Amy Smith\u2011Jones attended."),  # a non-breaking hyphen
        ("Amy Smith-Jones", "Amy Smith–Jones attended."),
        ("Amy Smith-Jones", "Ms Jones attended."),  # one half of a double-barrelled name
        ("Zoë Smith", "Zoe attended."),
        ("Zoe Smith", "Zoë attended."),
        ("Griffiths", "Mr Griﬃths attended."),  # a PDF's ligature
        ("Smith", "Smith² attended."),  # a footnote mark stuck to the name
    ],
)
def test_names_match_whatever_the_case_apostrophes_hyphens_accents_and_ligatures(name, text):
    findings = found(report_docx(text), names=[Identifier("a name", name)])

    assert places(findings) == [("a name", "paragraph 1")]
    assert "[a name]" in findings[0].context


@FORMATS
def test_a_curly_apostrophe_matches_a_straight_one_in_every_format(content_type):
    data = MAKERS[content_type]("Liam O’Brien attended.")

    assert found(data, content_type, names=[Identifier("a name", "Liam O'Brien")]) == [
        Finding("a name", FIRST_PLACE[content_type], "[a name] attended.")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The Annual report was published.",  # Ann
        "The family lived near Smithfield market.",  # Smith
        "Joanne and Hannah were at school.",  # Ann
        "Goldsmith and Smithson were the officers.",  # Smith
    ],
)
def test_names_match_whole_words_only(text):
    assert found(report_docx(text)) == []


def test_pseudonym_words_are_allowed_but_the_rest_of_the_name_is_not():
    names = [Identifier(SUBJECT.what, "Neil Robert Smith"), Identifier("a brother's name", "Child B Jones")]
    data = report_docx(
        "Neil went to school.", "Neil Robert Smith was absent.", "Neil Smith was absent.", "Child B and Child A."
    )

    findings = found(data, names=names, allowed=["Neil", "Child A", "Child B"])

    assert [(finding.where, finding.context) for finding in findings] == [
        ("paragraph 2", "[the subject's legal name] was absent."),
        ("paragraph 3", "Neil [the subject's legal name] was absent."),
    ]


@pytest.mark.parametrize("text", ["", "   ", None, "None", "Jo", "N/A"])
def test_empty_names_and_parts_shorter_than_three_letters_are_ignored(text):
    data = report_docx("Jo said N/A to none of it.")

    assert found(data, names=[Identifier("a name", text)]) == []


# --- dates of birth ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "7/3/2015",
        "07/03/2015",
        "07.03.2015",
        "07-03-2015",
        "07/03/15",
        "7 March 2015",
        "7th March 2015",
        "7th of March 2015",
        "7 Mar 2015",
        "07-Mar-2015",
        "March 7, 2015",
        "March 7th 2015",
        "2015-03-07",
        "7 March\n2015",
    ],
)
def test_the_given_date_of_birth_is_found_in_its_common_written_forms(written):
    findings = found(report_docx(f"The visit on {written} was missed."))

    assert [(finding.what, finding.context) for finding in findings] == [
        ("the subject's date of birth", "The visit on [the subject's date of birth] was missed.")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The visit on 7 March 2016 was missed.",
        "The visit on 17/03/2015 was missed.",
        "The visit on 07/03/2014 was missed.",
        "The visit on 3 July 2015 was missed.",
        "See paragraph 7.3.15 of the report.",
        "Case number 107/03/20151.",
    ],
)
def test_other_dates_are_not_the_date_of_birth(text):
    assert found(report_docx(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "Date of birth: 12/05/2010",
        "date of birth 12 May 2010",
        "DOB 12.05.2010",
        "(D.O.B. 2010-05-12)",
        "Her brother was born on 12th May 2010",
        "Her brother, born 12 May 2010",
        "Her brother was born on the 12th of May 2010",
        "Date of birth – May 12, 2010",
    ],
)
def test_any_date_said_to_be_a_date_of_birth_is_found(text):
    findings = found(report_docx(text))

    assert places(findings) == [("a date of birth", "paragraph 1")]
    assert "[a date of birth]" in findings[0].context and "2010" not in findings[0].context


def test_a_date_in_the_table_cell_after_one_labelled_date_of_birth_is_a_date_of_birth():
    data = report_docx(CLEAN, table=[["Sibling", "Child B"], ["Date of birth:", "12/05/2010"]])

    assert found(data) == [Finding("a date of birth", "paragraph 5", "[a date of birth]")]


def test_the_given_date_after_a_date_of_birth_phrase_is_reported_as_the_given_date():
    assert places(found(report_docx("DOB: 07/03/2015"))) == [("the subject's date of birth", "paragraph 1")]


# --- clean documents ------------------------------------------------------------------------------


@FORMATS
def test_a_clean_document_has_no_findings(content_type):
    data = MAKERS[content_type](CLEAN)

    assert found(data, content_type, allowed=["Child A"]) == []


# --- documents that cannot be checked --------------------------------------------------------------

LAUGHS = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))  # 10⁹ "lol"s
BILLION_LAUGHS = (
    f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{LAUGHS}]>'
    f'<w:document xmlns:w="{WORD}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    f'<w:document xmlns:w="{WORD}"><w:body><w:p><w:r><w:t>&secret;</w:t></w:r></w:p></w:body></w:document>'
)


@pytest.mark.parametrize(
    ("data", "content_type", "message"),
    [
        (scanned_pdf(), files.PDF, "scanned image"),
        (encrypted_pdf(user_password="secret"), files.PDF, "encrypted"),
        (encrypted_pdf(user_password=""), files.PDF, "encrypted"),  # opens, but restricted
        (report_pdf(CLEAN)[:400], files.PDF, "damaged"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 8, files.PDF, "damaged"),
        (report_docx(CLEAN)[:2000], files.DOCX, "damaged"),
        (b"PK\x03\x04" + b"\x00" * 100, files.DOCX, "damaged"),
        (with_member(report_docx(CLEAN), "word/document.xml", "<w:document><w:body>"), files.DOCX, "damaged"),
        (with_member(report_docx(CLEAN), "word/document.xml", BILLION_LAUGHS), files.DOCX, "not allowed"),
        (with_member(report_docx(CLEAN), "word/document.xml", EXTERNAL_ENTITY), files.DOCX, "not allowed"),
        (with_member(report_docx(CLEAN), "word/header1.xml", BILLION_LAUGHS), files.DOCX, "not allowed"),
        (with_member(report_odt(CLEAN), "content.xml", BILLION_LAUGHS), files.ODT, "not allowed"),
        (with_member(report_odt(CLEAN), "styles.xml", "not xml"), files.ODT, "damaged"),
        (report_docx(), files.DOCX, "No text"),
        (report_odt(), files.ODT, "No text"),
        (report_pdf(CLEAN), files.DOCX, "damaged"),  # told the wrong type
        (report_pdf(CLEAN), "text/plain", "can be checked"),
    ],
    ids=[
        "scanned pdf",
        "pdf with a password",
        "pdf with restrictions",
        "truncated pdf",
        "garbage pdf",
        "truncated docx",
        "empty zip",
        "broken docx xml",
        "docx xml bomb",
        "docx external entity",
        "docx header xml bomb",
        "odt xml bomb",
        "broken odt styles",
        "empty docx",
        "empty odt",
        "pdf called a docx",
        "unknown type",
    ],
)
def test_a_document_that_cannot_be_read_fails_the_check_quickly_with_a_reason(data, content_type, message):
    started = time.perf_counter()

    with pytest.raises(Unreadable, match=message):
        scan(data, content_type, NAMES, DATES_OF_BIRTH)

    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    ("content_type", "part"), [(files.DOCX, "word/document.xml"), (files.ODT, "content.xml")], ids=["docx", "odt"]
)
def test_a_document_without_its_main_part_fails_the_check(content_type, part):
    data = with_member(MAKERS[content_type](CLEAN), part, None)

    with pytest.raises(Unreadable, match=f"incomplete .*{part}"):
        scan(data, content_type, NAMES)


def test_a_part_too_large_to_check_fails_the_check_without_being_unpacked(monkeypatch):
    monkeypatch.setattr(anonymisation, "MAX_PART_BYTES", 64 * 1024)
    data = with_member(report_docx(CLEAN), "word/document.xml", f'<w:document xmlns:w="{WORD}">' + " " * 10_000_000)

    with pytest.raises(Unreadable, match="too large to check: word/document.xml holds more than 64 KB"):
        scan(data, files.DOCX, NAMES)


# --- each file is read once, whether it can be read or not; reading has a time limit ---------------


def test_a_file_that_cannot_be_read_is_read_once_however_often_it_is_checked(app, session, monkeypatch):
    from backoffice.domain import anonymisation, publication
    from tests.generated_documents import scanned_pdf

    reads = []
    real = anonymisation.extract_text
    monkeypatch.setattr(anonymisation, "extract_text", lambda *a: reads.append(1) or real(*a))
    document = factories.DocumentFactory(content=scanned_pdf())

    problems = {publication.check_problem(document.case, document, app.config["UPLOAD_DIR"]) for _ in range(3)}

    assert len(reads) == 1
    assert len(problems) == 1 and "No text could be read" in problems.pop()


def test_reading_a_document_stops_after_the_time_limit(monkeypatch):
    from backoffice.domain import anonymisation
    from tests.generated_documents import report_pdf

    monkeypatch.setattr(anonymisation, "MAX_SECONDS", -1.0)

    with pytest.raises(Unreadable, match="took too long to read"):
        extract_text(report_pdf("A page."), "application/pdf")
