"""The anonymisation check: no name or date of birth may appear in a document that is published.

Before a review document (PDF, Word .docx or OpenDocument .odt) is approved or published, its text
is read and searched for the names of the subject and their family and for dates of birth; every
place one appears is reported, with a little of the text around it in which the name or date
itself is masked, so that the report never repeats what it found.

The check fails closed: a document whose text cannot be read (encrypted, damaged, a scanned
image, or XML the safe parser refuses) raises `Unreadable` instead of passing, because a document
that could not be searched must never be taken for one in which nothing was found.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from datetime import date
from xml.etree.ElementTree import Element, ParseError

import pypdf
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

from backoffice.domain.files import DOCX, ODT, PDF, describe_size


@dataclass(frozen=True)
class Identifier:
    """Something that must not appear in a published document."""

    what: str  # how a finding describes it to users, e.g. "the subject's legal name"
    text: str  # the name itself, e.g. "Jane Ann Smith"


@dataclass(frozen=True)
class Finding:
    """One place where a name or date of birth appears."""

    what: str  # Identifier.what, or "a date of birth" / "the subject's date of birth"
    where: str  # "page 3", "paragraph 12", "header", "document properties (title)", ...
    context: str  # the text around it, with every name and date in it replaced by "[what]"


class Unreadable(ValueError):
    """The text could not be read, so the document cannot be checked (message for users)."""


ANY_DATE_OF_BIRTH = "a date of birth"
CONTEXT_CHARACTERS = 40
MIN_NAME_LETTERS = 3
MAX_PART_BYTES = 64 * 1024 * 1024  # uncompressed, per ZIP member: far beyond any real report
# Reading a document's text stops after this long: a 100-page report takes a tenth of a second.
MAX_SECONDS = 20.0

_KINDS = {PDF: "PDF", DOCX: "Word document", ODT: "OpenDocument text file"}
_BODY = re.compile(r"(?:page|paragraph) \d+")  # where the main text is, as opposed to headers or properties


# --- reading the text ---------------------------------------------------------------------------


def extract_text(data: bytes, content_type: str) -> list[tuple[str, str]]:
    """(where, text) segments of the document, in reading order. Raises Unreadable."""
    readers = {PDF: _pdf_text, DOCX: _docx_text, ODT: _odt_text}
    if content_type not in readers:
        raise Unreadable("Only PDF, Word (.docx) and OpenDocument text (.odt) files can be checked.")
    kind = _KINDS[content_type]
    deadline = time.monotonic() + MAX_SECONDS
    try:
        segments = readers[content_type](data, deadline)
    except Unreadable:
        raise
    except Exception as error:  # any parser failure on a malformed file: fail closed, never pass
        raise Unreadable(
            f"This {kind} could not be read (the file may be damaged), so it cannot be checked for names "
            "and dates of birth. Save it again from the program that made it and upload it again."
        ) from error
    if not any(text.strip() for where, text in segments if _BODY.fullmatch(where)):
        raise Unreadable(
            f"No text could be read from this {kind} (is it a scanned image?). Publish documents with real "
            "text, which screen readers need too; the check cannot pass without it."
        )
    return segments


def _in_time(deadline: float, kind: str) -> None:
    """Stop reading a document that takes far longer than any real one (it is built to exhaust us)."""
    if time.monotonic() > deadline:
        raise Unreadable(f"This {kind} took too long to read, so it cannot be checked. Save it again from the "
                         "program that made it, or split it, and upload it again.")


def _pdf_text(data: bytes, deadline: float) -> list[tuple[str, str]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        # Even "restrictions only" encryption is refused: the published copy must be open to
        # everyone and to assistive technology, and a protected file cannot be checked reliably.
        raise Unreadable(
            "This PDF is encrypted (protected by a password or by restrictions), so its text cannot be "
            "checked. Save a copy without protection and upload that."
        )
    segments = []
    for number, page in enumerate(reader.pages, start=1):
        _in_time(deadline, "PDF")
        segments.append((f"page {number}", page.extract_text() or ""))
        for note in _pdf_annotations(page):
            segments.append((f"page {number} (comments)", note))
    return segments + _pdf_properties(reader)


def _pdf_annotations(page: pypdf.PageObject) -> Iterator[str]:
    """The text of a page's comments and notes, which page text extraction leaves out."""
    for annotation in _pdf_value(page, "/Annots") or []:
        contents = _pdf_value(annotation.get_object(), "/Contents")
        if contents:
            yield str(contents)


_PDF_PROPERTIES = {"/Title": "title", "/Author": "author", "/Subject": "subject", "/Keywords": "keywords"}


def _pdf_properties(reader: pypdf.PdfReader) -> list[tuple[str, str]]:
    info = reader.metadata or {}
    segments = [
        (f"document properties ({label})", str(value))
        for key, label in _PDF_PROPERTIES.items()
        if (value := _pdf_value(info, key))
    ]
    metadata = _pdf_value(reader.root_object, "/Metadata")
    if metadata is not None:
        # XMP metadata repeats the properties, and tools often keep it when the document
        # information is cleared, so it is searched whole.
        root = _parse_xml(metadata.get_data(), "PDF")
        segments.append(("document properties (XMP metadata)", " ".join(root.itertext())))
    return segments


def _pdf_value(dictionary: dict, key: str) -> Any:
    """A PDF dictionary's entry with references followed (`get` alone returns the reference)."""
    return dictionary[key] if key in dictionary else None


@dataclass(frozen=True)
class _Markup:
    """How one XML vocabulary marks paragraphs.

    Elements are named without their namespace, so that Word's "Strict" format, which has other
    namespaces, reads the same; only `skip` names them in full.
    """

    paragraphs: frozenset[str]
    characters: dict[str, str]  # empty elements that stand for a character, e.g. a tab
    text_elements: frozenset[str]  # elements whose text is document text (WordprocessingML)
    skip: frozenset[str]  # elements whose content is not document text, or repeats other content
    alt_text: dict[str, tuple[str, ...]]  # attributes that hold text read aloud, e.g. image descriptions
    mixed: bool  # text sits directly in elements and their tails (ODF), not only in text elements


_WORD = _Markup(
    paragraphs=frozenset({"p"}),
    characters={"tab": " ", "br": " ", "cr": " ", "noBreakHyphen": "-"},
    # Deleted text of tracked changes and field codes stay in the file, so they are searched too.
    text_elements=frozenset({"t", "delText", "instrText"}),
    # mc:Fallback repeats its mc:Choice for older programs.
    skip=frozenset({"{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}),
    alt_text={"docPr": ("title", "descr")},
    mixed=False,
)
_OPEN_DOCUMENT = _Markup(
    paragraphs=frozenset({"p", "h"}),
    characters={"s": " ", "tab": " ", "line-break": " "},
    text_elements=frozenset(),
    # A note's citation is its number; a comment's creator and date are not document text.
    skip=frozenset(
        {
            "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}note-citation",
            "{http://purl.org/dc/elements/1.1/}creator",
            "{http://purl.org/dc/elements/1.1/}date",
        }
    ),
    alt_text={},
    mixed=True,
)


def _paragraph_texts(root: Element, markup: _Markup) -> list[str]:
    """The text of each paragraph under `root`, in document order, runs and spans joined.

    A paragraph nested in another (a text box, a note) is a paragraph of its own, after it.
    """
    texts: list[str] = []

    def walk(element: Element, buffer: list[str]) -> None:
        for child in element:
            name = _local(child.tag)
            if child.tag in markup.skip:
                pass
            elif name in markup.paragraphs:
                slot = len(texts)
                texts.append("")
                own = [child.text or ""] if markup.mixed else []
                walk(child, own)
                texts[slot] = "".join(own)
            elif name in markup.characters:
                buffer.append(markup.characters[name])
            elif name in markup.text_elements:
                buffer.append(child.text or "")
            else:
                described = markup.alt_text.get(name, ())
                buffer.extend(f" {child.get(key)} " for key in child.keys() if _local(key) in described)
                if markup.mixed:
                    buffer.append(child.text or "")
                walk(child, buffer)
            if markup.mixed:
                buffer.append(child.tail or "")

    walk(root, [])
    return texts


def _docx_text(data: bytes, deadline: float) -> list[tuple[str, str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = package.namelist()
        read = _part_reader(package, "Word document", deadline)

        def paragraphs(where: str, parts: list[str]) -> list[tuple[str, str]]:
            return [(where, text) for part in parts if part in names for text in _paragraph_texts(read(part), _WORD)]

        segments = paragraphs("header", _numbered_parts(names, "word/header"))
        segments += _numbered_paragraphs(_paragraph_texts(read("word/document.xml"), _WORD))
        segments += paragraphs("footnotes", ["word/footnotes.xml"]) + paragraphs("endnotes", ["word/endnotes.xml"])
        segments += paragraphs("footer", _numbered_parts(names, "word/footer"))
        segments += paragraphs("comments", ["word/comments.xml"])
        if "docProps/core.xml" in names:
            segments += _properties(read("docProps/core.xml"), _WORD_PROPERTIES)
    return segments


_WORD_PROPERTIES = {
    "title": "title",
    "subject": "subject",
    "creator": "author",
    "lastModifiedBy": "last modified by",
    "keywords": "keywords",
    "description": "description",
}


def _odt_text(data: bytes, deadline: float) -> list[tuple[str, str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = package.namelist()
        read = _part_reader(package, "OpenDocument text file", deadline)
        segments = []
        styles = read("styles.xml") if "styles.xml" in names else None
        segments += _odt_page_furniture(styles, "header")
        segments += _numbered_paragraphs(_paragraph_texts(read("content.xml"), _OPEN_DOCUMENT))
        segments += _odt_page_furniture(styles, "footer")
        if "meta.xml" in names:
            segments += _properties(read("meta.xml"), _ODT_PROPERTIES)
    return segments


_ODT_PROPERTIES = {
    "title": "title",
    "subject": "subject",
    "initial-creator": "author",
    "creator": "last modified by",
    "keyword": "keywords",
    "description": "description",
}


def _odt_page_furniture(styles: Element | None, kind: str) -> list[tuple[str, str]]:
    """The paragraphs of an ODT's page headers or footers (kept in styles.xml, with the page styles)."""
    if styles is None:
        return []
    parts = [element for element in styles.iter() if _local(element.tag) in (kind, f"{kind}-left", f"{kind}-first")]
    return [(kind, text) for part in parts for text in _paragraph_texts(part, _OPEN_DOCUMENT)]


def _part_reader(package: zipfile.ZipFile, kind: str, deadline: float) -> Callable[[str], Element]:
    """A function that parses one XML member of `package`, refusing a missing or oversized one."""

    def read(name: str) -> Element:
        _in_time(deadline, kind)
        try:
            with package.open(name) as member:
                content = member.read(MAX_PART_BYTES + 1)
        except KeyError:
            raise Unreadable(f"This {kind} is incomplete (it has no {name}), so it cannot be checked.") from None
        if len(content) > MAX_PART_BYTES:
            raise Unreadable(
                f"This {kind} is too large to check: {name} holds more than {describe_size(MAX_PART_BYTES)} of text."
            )
        return _parse_xml(content, kind)

    return read


def _parse_xml(content: bytes, kind: str) -> Element:
    """Parse XML safely: entity declarations and external references are refused, not expanded."""
    try:
        return SafeElementTree.fromstring(content)
    except (ParseError, DefusedXmlException) as error:
        raise Unreadable(
            f"This {kind} could not be read: its content is damaged or uses XML features that are not "
            "allowed, so it cannot be checked. Save it again from the program that made it and upload it again."
        ) from error


def _numbered_parts(names: list[str], prefix: str) -> list[str]:
    """Members named like `prefix`3.xml, in number order (header2 before header10)."""
    pattern = re.compile(re.escape(prefix) + r"(\d*)\.xml")
    found = [(match, name) for name in names if (match := pattern.fullmatch(name))]
    return [name for match, name in sorted(found, key=lambda pair: int(pair[0].group(1) or 0))]


def _numbered_paragraphs(texts: list[str]) -> list[tuple[str, str]]:
    """Body paragraphs as "paragraph N", counting only those with text, as a reader would."""
    non_empty = [text for text in texts if text.strip()]
    return [(f"paragraph {number}", text) for number, text in enumerate(non_empty, start=1)]


def _properties(root: Element, labels: dict[str, str]) -> list[tuple[str, str]]:
    """Document properties (title, author, ...) from a metadata part, by element name."""
    return [
        (f"document properties ({labels[_local(element.tag)]})", element.text)
        for element in root.iter()
        if _local(element.tag) in labels and element.text and element.text.strip()
    ]


def _local(tag: str) -> str:
    """An element or attribute name without its namespace."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


# --- searching ----------------------------------------------------------------------------------


def scan(
    data: bytes,
    content_type: str,
    names: Sequence[Identifier],
    dates_of_birth: Sequence[tuple[str, date]] = (),
    allowed: Sequence[str] = (),
) -> list[Finding]:
    """Every place a name or date of birth appears. Raises Unreadable.

    `dates_of_birth` pairs a description ("the subject's date of birth") with the date; `allowed`
    are words that are fine (the pseudonym, e.g. "Child A", "Neil") and never count as a hit.
    """
    return search(extract_text(data, content_type), names, dates_of_birth, allowed)


def search(
    segments: Sequence[tuple[str, str]],
    names: Sequence[Identifier],
    dates_of_birth: Sequence[tuple[str, date]] = (),
    allowed: Sequence[str] = (),
) -> list[Finding]:
    """`scan` over text already read (`extract_text`), so a file is read once however often it is checked."""
    searches = _name_searches(names, allowed) + _date_searches(dates_of_birth)
    findings, previous = [], ""
    for where, text in segments:
        # The end of the previous segment leads into this one, so that a date in a table cell after
        # one labelled "Date of birth" is known for a date of birth.
        hits = _hits(text, searches, lead=previous[-CONTEXT_CHARACTERS:] + "\n")
        findings += [Finding(hit.what, where, _context(text, hit, hits)) for hit in hits]
        previous = text
    return findings


@dataclass(frozen=True)
class _Search:
    what: str
    pattern: re.Pattern[str]
    group: str | int = 0  # the part of a match that is the hit (a date, not the words before it)
    # Checked here rather than by a lookbehind, which stops the regex engine from skipping ahead
    # to a name's first letters and made searching a long document several times slower.
    starts_word: bool = False

    def matches(self, folded: str) -> Iterator[re.Match[str]]:
        """The pattern's matches in `folded`, not overlapping, and for a word only at a word's start."""
        position = 0
        while match := self.pattern.search(folded, position):
            if self.starts_word and match.start() > 0 and folded[match.start() - 1].isalpha():
                position = match.start() + 1
                continue
            yield match
            position = match.end()


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    what: str


# Characters that stand for the same thing in a name, and invisible ones that can split a word.
_EQUIVALENTS = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201b\u02bc\u2032\u00b4\uff07", "'"),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d", "-"),
        **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),
    }
)


@functools.cache
def _fold_character(character: str) -> str:
    """One character as it is compared: apostrophes and hyphens alike, no accents or ligatures, casefolded."""
    decomposed = unicodedata.normalize("NFKD", character.translate(_EQUIVALENTS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _fold(text: str) -> tuple[str, list[int] | None]:
    """`text` folded for comparison, and the index in `text` of each folded character (None: the same)."""
    if text.isascii():
        return text.lower(), None
    table = {character: _fold_character(character) for character in set(text)}
    folded = text.translate({ord(character): fold for character, fold in table.items()})
    if all(len(fold) == 1 for fold in table.values()):
        return folded, None
    widths = {character: len(fold) for character, fold in table.items()}
    return folded, [index for index, character in enumerate(text) for _ in range(widths[character])]


# Word boundaries are letters only, so that a footnote number stuck to a name ("Smith2") still matches.
_LETTER_BEFORE = r"(?<![^\W\d_])"
_LETTER_AFTER = r"(?![^\W\d_])"
_PLACEHOLDERS = {"none", "null"}  # what a missing part becomes when a name is put together carelessly


def _name_searches(names: Sequence[Identifier], allowed: Sequence[str]) -> list[_Search]:
    """A search for each whole name and each of its parts, whole names first."""
    allowed_words = {word for entry in allowed if entry for word in _words(_fold(entry)[0])}
    searches = []
    for identifier in names:
        tokens = _words(_fold(identifier.text or "")[0], split_hyphens=False)
        if not tokens:
            continue
        parts = [tokens] + [[token] for token in tokens]
        parts += [[piece] for token in tokens if "-" in token for piece in token.split("-")]
        seen = set()
        for part in parts:
            key = tuple(part)
            words = [word for token in part for word in token.split("-") if word]
            if (
                key in seen
                or sum(c.isalpha() for c in "".join(part)) < MIN_NAME_LETTERS
                or all(word in allowed_words for word in words)
            ):
                continue
            seen.add(key)
            body = r"\s*".join(_token_pattern(token) for token in part)
            searches.append(_Search(identifier.what, re.compile(body + _LETTER_AFTER), starts_word=True))
    return searches


def _words(folded: str, split_hyphens: bool = True) -> list[str]:
    """The words of a folded name, without punctuation around them."""
    separator = r"[\s-]+" if split_hyphens else r"\s+"
    stripped = (re.sub(r"^[^\w']+|[^\w']+$", "", word) for word in re.split(separator, folded))
    return [word for word in stripped if word and word not in _PLACEHOLDERS]


def _token_pattern(token: str) -> str:
    """A pattern for one word of a name: an apostrophe may be left out, and a hyphen may end a line."""
    special = {"'": "'?", "-": r"\s*-\s*"}
    return "".join(special.get(character, re.escape(character)) for character in token)


_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip


def _month_name(number: int | None = None) -> str:
    """A pattern for a month's name, full or abbreviated ("Mar", "Sept."); any month if no number."""
    names = _MONTHS if number is None else _MONTHS[number - 1 : number]
    forms = [form for name in names for form in (name, name[:3], "sept" if name == "september" else None) if form]
    return "(?:" + "|".join(sorted(set(forms), key=len, reverse=True)) + r")\.?"


def _date_pattern(day: str, month: str, month_name: str, year: str, short_year: str) -> str:
    """A pattern for a date in the common UK and ISO forms, from patterns for its parts."""
    ordinal = r"(?:st|nd|rd|th)?"
    forms = [
        rf"{day}[/.-]{month}[/.-]{year}",  # 07/03/2015, 7.3.2015, 07-03-2015
        rf"{day}[/-]{month}[/-]{short_year}",  # 07/03/15 (not with dots: "7.3.15" numbers paragraphs)
        rf"{year}[/.-]{month}[/.-]{day}",  # 2015-03-07
        rf"{day}{ordinal}(?:\s+of)?[\s./-]*{month_name}[\s.,/-]*(?:{year}|{short_year})",  # 7th March 2015, 07-Mar-15
        rf"{_LETTER_BEFORE}{month_name}\s*{day}{ordinal},?\s*(?:{year}|{short_year})",  # March 7, 2015
    ]
    return r"(?<!\d)(?:" + "|".join(forms) + r")(?!\d)"


_ANY_DATE = _date_pattern(r"[0-3]?\d", r"[01]?\d", _month_name(), r"\d{4}", r"\d{2}")
_DATE_OF_BIRTH_PHRASE = re.compile(
    _LETTER_BEFORE
    + r"(?:date\s+of\s+birth|d\.?\s?o\.?\s?b\.?|born(?:\s+on)?)"
    + r"\W{0,5}(?:(?:is|was|on|the)\W{1,3}){0,2}"
    + rf"(?P<date>{_ANY_DATE})"
)


def _date_searches(dates_of_birth: Sequence[tuple[str, date]]) -> list[_Search]:
    """A search for each given date in its written forms, then for any date called a date of birth."""
    searches = []
    for what, when in dates_of_birth:
        if when is None:
            continue
        day, month = (f"0?{n}" if n < 10 else str(n) for n in (when.day, when.month))
        pattern = _date_pattern(day, month, _month_name(when.month), f"{when.year:04d}", f"{when.year % 100:02d}")
        searches.append(_Search(what, re.compile(pattern)))
    return searches + [_Search(ANY_DATE_OF_BIRTH, _DATE_OF_BIRTH_PHRASE, "date")]


def _hits(text: str, searches: list[_Search], lead: str = "") -> list[_Hit]:
    """Where in `text` the searches match, each place once, searching it as if `lead` came first.

    A hit inside a longer one is left out, and parts of a name side by side are one hit.
    """
    folded, origin = _fold(lead + text)
    found = []
    for order, search in enumerate(searches):
        for match in search.matches(folded):
            start, end = match.span(search.group)
            if origin is not None:
                start, end = origin[start], origin[end - 1] + 1
            if start >= len(lead):
                found.append((start, -end, order, _Hit(start - len(lead), end - len(lead), search.what)))
    kept: list[_Hit] = []
    for _, _, _, hit in sorted(found, key=lambda entry: entry[:3]):
        if any(other.start <= hit.start and hit.end <= other.end for other in kept):
            continue
        if kept and kept[-1].what == hit.what and text[kept[-1].end : hit.start].isspace():
            # Parts of one name side by side ("Jane Smith" for "Jane Ann Smith") are one place.
            kept[-1] = _Hit(kept[-1].start, hit.end, hit.what)
        else:
            kept.append(hit)
    return kept


def _context(text: str, hit: _Hit, hits: list[_Hit]) -> str:
    """Up to CONTEXT_CHARACTERS either side of `hit`, whitespace collapsed, with every hit masked."""
    start, end = max(0, hit.start - CONTEXT_CHARACTERS), min(len(text), hit.end + CONTEXT_CHARACTERS)
    # Start and end on whole words, and widen over any hit cut at an edge, so no part of a name shows.
    if start > 0 and not text[start - 1].isspace():
        start = next((i for i in range(start, hit.start) if text[i].isspace()), hit.start)
    if end < len(text) and not text[end].isspace():
        end = next((i for i in range(end, hit.end, -1) if text[i - 1].isspace()), hit.end)
    while cut := [other for other in hits if other.start < start < other.end or other.start < end < other.end]:
        start, end = min(start, *(other.start for other in cut)), max(end, *(other.end for other in cut))
    pieces, position = [], start
    for other in hits:
        if other.end > start and other.start < end:
            pieces += [text[position : max(position, other.start)], f"[{other.what}]"]
            position = max(position, other.end)
    pieces.append(text[position:end])
    masked = " ".join("".join(pieces).split())
    return ("…" if start > 0 else "") + masked + ("…" if end < len(text) else "")
