"""Document files: what a file really is, and where it is kept.

A file's kind is decided by its content, never its name: a PDF starts with `%PDF-`; DOCX and ODT
are ZIP packages whose members say what they are. Files are stored outside the static folder under
random names, so nothing a user typed ever becomes part of a path.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePath


PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt"}
ALLOWED_DESCRIPTION = "a PDF, Word (.docx) or OpenDocument text (.odt) file"

# Bounds far beyond any real review report, so that a small hostile file (a "zip bomb", a PDF of
# millions of objects) is refused at upload instead of costing minutes of CPU at every check.
MAX_PACKAGE_PARTS = 2000
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # per part larger than RATIO_CHECKED_FROM: XML compresses ~10x, images ~1x
RATIO_CHECKED_FROM = 1024 * 1024
MAX_PDF_PAGES = 2000
MAX_PDF_OBJECTS = 200_000
# What a published PDF must not carry: code that runs, actions that open programs or other files,
# files hidden inside it, and forms that can carry scripts.
PDF_ACTIVE_NAMES = {"/JavaScript": "JavaScript", "/JS": "JavaScript", "/Launch": "an action that opens a program",
                    "/EmbeddedFile": "an embedded file", "/EmbeddedFiles": "embedded files",
                    "/RichMedia": "embedded media", "/XFA": "an XFA form", "/ImportData": "an action that imports data",
                    "/SubmitForm": "a form that sends data elsewhere", "/GoToR": "a link that opens another file",
                    "/GoToE": "a link into an embedded file"}


class FileRejected(ValueError):
    """The upload is not an acceptable document; the message says why, for the user."""


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    content_type: str
    size_bytes: int
    sha256: str


def sniff(data: bytes) -> str | None:
    """The document type `data` really is (a MIME type), or None if it is none we accept."""
    if data.startswith(b"%PDF-"):
        return PDF
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            if "mimetype" in names and package.read("mimetype").strip() == ODT.encode():
                return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return None


def describe_size(n: int) -> str:
    """A byte count as people read it: "20 MB", "64 KB", "512 bytes"."""
    for unit, size in (("MB", 1_048_576), ("KB", 1024)):
        if n >= size:
            return f"{n / size:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def check_document(data: bytes, max_bytes: int) -> str:
    """The MIME type of an acceptable document; raises FileRejected with a reason otherwise."""
    if not data:
        raise FileRejected("The file is empty.")
    if len(data) > max_bytes:
        # Callers may read only max_bytes + 1 bytes, so the file's own size is not known here.
        raise FileRejected(f"The file is larger than the limit of {describe_size(max_bytes)}.")
    kind = sniff(data)
    if kind is None:
        raise FileRejected(f"The file's content is not {ALLOWED_DESCRIPTION}, whatever its name says.")
    if kind == PDF:
        _check_pdf(data)
    else:
        _check_package(data)
    return kind


def _check_package(data: bytes) -> None:
    """Refuse a DOCX or ODT whose parts are too many, too large, or compressed beyond belief."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = package.infolist()
    if len(parts) > MAX_PACKAGE_PARTS:
        raise FileRejected(f"The document has {len(parts):,} parts, more than the {MAX_PACKAGE_PARTS:,} a document may have.")
    total = sum(part.file_size for part in parts)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise FileRejected(
            f"The document unpacks to {describe_size(total)}, more than the limit of {describe_size(MAX_UNCOMPRESSED_BYTES)}."
        )
    for part in parts:
        if part.file_size > RATIO_CHECKED_FROM and part.file_size > MAX_COMPRESSION_RATIO * max(part.compress_size, 1):
            raise FileRejected(
                f"The document's part {part.filename[:80]} is compressed {part.file_size // max(part.compress_size, 1):,} "
                f"times, which no real document is: it looks built to exhaust the server."
            )


def _check_pdf(data: bytes) -> None:
    """Refuse a PDF that is damaged, too large in pages or objects, or carries active content."""
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        objects = [(number, generation) for generation, numbers in reader.xref.items() for number in numbers]
        objects += [(number, 0) for number in reader.xref_objStm]
        if len(objects) > MAX_PDF_OBJECTS:
            raise FileRejected(f"The PDF has {len(objects):,} objects, more than the {MAX_PDF_OBJECTS:,} a document may have.")
        if reader.is_encrypted:
            return  # its content cannot be read here; the anonymisation check refuses it, with why
        pages = len(reader.pages)
        if pages > MAX_PDF_PAGES:
            raise FileRejected(f"The PDF has {pages:,} pages, more than the {MAX_PDF_PAGES:,} a document may have.")
        found = sorted({PDF_ACTIVE_NAMES[name] for number, generation in objects
                        for name in _active_names(reader, number, generation)})
    except FileRejected:
        raise
    except Exception:  # any parser failure on a malformed file
        raise FileRejected("The PDF is damaged and cannot be read. Save it again from the program that made it.") from None
    if found:
        raise FileRejected(
            f"The PDF contains {', '.join(found)}, which a document for publication must not. Save it again as "
            "PDF/A (or print it to PDF) and upload that."
        )


def _active_names(reader, number: int, generation: int) -> set[str]:
    """The active-content names one PDF object uses, as a key or as a value."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    obj = IndirectObject(number, generation, reader).get_object()
    if isinstance(obj, DictionaryObject):
        names = {str(k) for k in obj} | {str(v) for v in obj.values() if isinstance(v, NameObject)}
    elif isinstance(obj, ArrayObject):
        names = {str(v) for v in obj if isinstance(v, NameObject)}
    else:
        return set()
    return names & PDF_ACTIVE_NAMES.keys()


# Characters that change how a name is shown or read: controls, and the bidirectional overrides
# that turn "report‮fdp.exe" into "reportexe.pdf".
_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Zl", "Zp"}


def visible_text(value: str) -> str:
    """`value` without the characters nobody sees but programs act on: controls (NUL, escape codes),
    formatting and bidirectional overrides, private-use and lone surrogate code points, line and
    paragraph separators."""
    return "".join(ch for ch in value if unicodedata.category(ch) not in _INVISIBLE)


def clean_filename(name: str | None, content_type: str) -> str:
    """A file name safe to keep and to offer for download: no folders, no control or bidirectional
    characters, at most 120 characters, and the extension of what the file really is."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = visible_text(unicodedata.normalize("NFC", base))
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = " ".join(stem.split()).strip(" .")[:120] or "document"
    return stem + EXTENSIONS[content_type]


def store(data: bytes, content_type: str, folder: Path) -> StoredFile:
    """Write `data` under a new random name in `folder`, atomically, and describe it."""
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = _new_name(content_type)
    final = folder / stored_name
    partial = folder / (stored_name + ".part")
    with open(partial, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, final)
    return _described(stored_name, content_type, data)


def _new_name(content_type: str) -> str:
    """A random stored name with the type's extension: never the uploader's file name."""
    return secrets.token_hex(16) + EXTENSIONS[content_type]


def _described(stored_name: str, content_type: str, data: bytes) -> StoredFile:
    return StoredFile(stored_name, content_type, len(data), hashlib.sha256(data).hexdigest())


def storage_writable(folder: Path) -> bool:
    """Whether a file can be written to (and removed from) the document store now."""
    folder.mkdir(parents=True, exist_ok=True)
    probe = folder / f".ready-{secrets.token_hex(4)}"
    probe.write_bytes(b"ok")
    probe.unlink()
    return True


def path_of(stored_name: str, folder: Path) -> Path:
    """The path of a stored file; refuses any name that is not one `store` generates."""
    name = Path(stored_name).name
    if name != stored_name or not name or name.startswith("."):
        raise FileRejected("Invalid stored file name.")
    return folder / name


def discard(stored_name: str, folder: Path) -> None:
    """Remove a stored file whose record was never committed."""
    try:
        path_of(stored_name, folder).unlink(missing_ok=True)
    except FileRejected:
        pass


_PENDING = "files_pending_commit"


def discard_on_rollback(session, stored_name: str, folder: Path) -> None:
    """Remove the stored file again if the transaction that records it is rolled back."""
    session.info.setdefault(_PENDING, []).append((stored_name, folder))


_DOOMED = "files_removed_on_commit"


def discard_on_commit(session, stored_name: str, folder: Path) -> None:
    """Remove the stored file once the transaction that destroys its record commits (not before: a
    rollback keeps both)."""
    session.info.setdefault(_DOOMED, []).append((stored_name, folder))


def keep_committed_files(session) -> None:
    """On commit: files stored for it stay, and files of records it destroyed go."""
    session.info.pop(_PENDING, None)
    for stored_name, folder in session.info.pop(_DOOMED, []):
        discard(stored_name, folder)


def discard_uncommitted_files(session, previous_transaction) -> None:
    if previous_transaction.nested:
        return  # a savepoint: the outer transaction may still commit the file's record
    session.info.pop(_DOOMED, None)  # nothing was destroyed: its files stay
    for stored_name, folder in session.info.pop(_PENDING, []):
        discard(stored_name, folder)


# --- where files are kept: the database, or a folder ------------------------------------------


class DocumentStore:
    """Document files, in the database beside their records (DOCUMENT_STORAGE=database, the default on
    PostgreSQL: the same transaction, the one backup, every instance) or in a folder (UPLOAD_DIR, the
    embedded SQLite default). Reading looks in the database first and then the folder, so files not
    yet moved in by `flask files migrate` still serve. Object storage would be one more class with
    these five methods."""

    def __init__(self, folder: Path, into_database: bool) -> None:
        self.folder, self.into_database = Path(folder), into_database

    def put(self, session, data: bytes, content_type: str) -> StoredFile:
        """Keep `data` for a record being saved in `session`; nothing is kept if it rolls back."""
        from backoffice.models.document import FileContent

        if not self.into_database:
            stored = store(data, content_type, self.folder)
            discard_on_rollback(session, stored.stored_name, self.folder)
            return stored
        stored_name = _new_name(content_type)
        session.add(FileContent(stored_name=stored_name, content=data))
        return _described(stored_name, content_type, data)

    def read(self, session, stored_name: str) -> bytes | None:
        from backoffice.models.document import FileContent

        row = session.get(FileContent, stored_name)
        if row is not None:
            return row.content
        path = path_of(stored_name, self.folder)
        return path.read_bytes() if path.is_file() else None

    def remove(self, session, stored_name: str) -> None:
        """Remove the file with the transaction destroying its record (the folder's copy once it commits)."""
        from backoffice.models.document import FileContent

        row = session.get(FileContent, stored_name)
        if row is not None:
            session.delete(row)
        discard_on_commit(session, stored_name, self.folder)

    def names(self, session) -> set[str]:
        from sqlalchemy import select

        from backoffice.models.document import FileContent

        in_folder = {p.name for p in self.folder.iterdir() if p.is_file() and not p.name.startswith(".")} \
            if self.folder.is_dir() else set()
        return in_folder | set(session.scalars(select(FileContent.stored_name)))

    def writable(self, session) -> bool:
        from sqlalchemy import text

        if not self.into_database:
            return storage_writable(self.folder)
        if session.get_bind().dialect.name != "postgresql":
            return True
        return bool(session.execute(text("SELECT has_table_privilege('file_content', 'INSERT')")).scalar())


def document_store(folder: Path | None = None, kind: str | None = None) -> DocumentStore:
    """The store the configuration names (DOCUMENT_STORAGE; UPLOAD_DIR for the folder)."""
    from backoffice import context

    kind = kind or context.setting("DOCUMENT_STORAGE") or "folder"
    return DocumentStore(folder or context.setting("UPLOAD_DIR"), into_database=kind == "database")


def storage_for(database_url: str, chosen: str | None) -> str:
    """DOCUMENT_STORAGE as configured, or by default the database on PostgreSQL and a folder on SQLite."""
    if chosen not in (None, "", "database", "folder"):
        raise ValueError(f"DOCUMENT_STORAGE must be database or folder; got {chosen!r}.")
    return chosen or ("database" if str(database_url).startswith("postgresql") else "folder")


def _recorded(session) -> list:
    """Every stored file's record: each document's current file and its earlier versions."""
    from sqlalchemy import select

    from backoffice.models.document import DocumentVersion, PublishedDocument

    return [*session.scalars(select(PublishedDocument)), *session.scalars(select(DocumentVersion))]


def _problem(record, data: bytes | None) -> str | None:
    if data is None:
        return f"{record.stored_name} ({record.original_filename}): missing"
    if len(data) != record.size_bytes or hashlib.sha256(data).hexdigest() != record.sha256:
        return f"{record.stored_name} ({record.original_filename}): its size or SHA-256 differs from the record"
    return None


def verify_all(session, store=None) -> tuple[list[str], int]:
    """(what is wrong, how many were checked) for every stored file, in the configured store."""
    store = store or document_store()
    records = _recorded(session)
    return [p for r in records if (p := _problem(r, store.read(session, r.stored_name)))], len(records)


def copy_into_database(session, folder: Path) -> tuple[int, list[str]]:
    """Copy each recorded file from `folder` into the database, checked first; (copied, problems)."""
    from backoffice.models.document import FileContent

    copied, problems = 0, []
    for record in _recorded(session):
        if session.get(FileContent, record.stored_name) is not None:
            continue
        path = path_of(record.stored_name, Path(folder))
        data = path.read_bytes() if path.is_file() else None
        problem = _problem(record, data)
        if problem:
            problems.append(problem)
            continue
        session.add(FileContent(stored_name=record.stored_name, content=data))
        copied += 1
    return copied, problems
