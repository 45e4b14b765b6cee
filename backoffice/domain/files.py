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
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt"}
ALLOWED_DESCRIPTION = "a PDF, Word (.docx) or OpenDocument text (.odt) file"


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
    return kind


def store(data: bytes, content_type: str, folder: Path) -> StoredFile:
    """Write `data` under a new random name in `folder`, atomically, and describe it."""
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16) + EXTENSIONS[content_type]
    final = folder / stored_name
    partial = folder / (stored_name + ".part")
    with open(partial, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, final)
    return StoredFile(stored_name, content_type, len(data), hashlib.sha256(data).hexdigest())


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


@event.listens_for(Session, "after_commit")
def _keep_committed_files(session) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_soft_rollback")
def _discard_uncommitted_files(session, previous_transaction) -> None:
    if previous_transaction.nested:
        return  # a savepoint: the outer transaction may still commit the file's record
    for stored_name, folder in session.info.pop(_PENDING, []):
        discard(stored_name, folder)
