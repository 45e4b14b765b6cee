"""Documents a review produces and publishes (reports, briefings, responses)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from backoffice.models.base import Archivable, Base, Tracked, enum_type, trigram_indexes, utcnow
from backoffice.models.case import Case
from backoffice.models.user import User


class DocumentType(StrEnum):
    OVERVIEW_REPORT = "overview_report"
    EXECUTIVE_SUMMARY = "executive_summary"
    SEVEN_MINUTE_BRIEFING = "seven_minute_briefing"
    LEARNING_BRIEF = "learning_brief"
    AGENCY_RESPONSE = "agency_response"
    IMPROVEMENTS_STATEMENT = "improvements_statement"
    # What agencies send the review, and meeting minutes: working papers, never published (WORKING_PAPERS).
    AGENCY_SUMMARY = "agency_summary"
    CHRONOLOGY = "chronology"
    IMR = "imr"
    AGENCY_INFORMATION = "agency_information"
    MINUTES = "minutes"  # a meeting's minutes, filed on a case on its agenda

    @property
    def label(self) -> str:
        return {
            "seven_minute_briefing": "7-minute briefing",
            "improvements_statement": "Statement of improvements",
            "imr": "Individual management review (IMR)",
            "agency_information": "Agency information",
        }.get(
            self.value, self.value.replace("_", " ").capitalize()
        )


WORKING_PAPERS = frozenset({DocumentType.AGENCY_SUMMARY, DocumentType.CHRONOLOGY, DocumentType.IMR,
                            DocumentType.AGENCY_INFORMATION, DocumentType.MINUTES})


class DocumentStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# A document the public page may list (when its review is public too).
PUBLIC = "status = 'published' AND archived_at IS NULL"


class StoredFileColumns:
    """A stored file: the generated name it is kept under, what it is, and who uploaded it when."""

    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    file_version: Mapped[int] = mapped_column(default=1, server_default="1")
    file_uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    file_uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    @declared_attr
    def file_uploaded_by(cls) -> Mapped[User | None]:
        return relationship(User, foreign_keys=f"{cls.__name__}.file_uploaded_by_id", lazy="select")


FILE_FIELDS = (
    "stored_name", "original_filename", "content_type", "size_bytes", "sha256",
    "file_version", "file_uploaded_at", "file_uploaded_by_id",
)


class PublishedDocument(StoredFileColumns, Tracked, Archivable, Base):
    """A document and its current file. The file lives outside the web root under a generated name;
    a draft's file may be replaced, and the files it replaced are kept as DocumentVersion rows."""

    __tablename__ = "published_document"
    __table_args__ = (
        # The public page starts from the published documents, not from every case.
        Index("ix_published_document_public", "case_id", postgresql_where=text(PUBLIC),
              sqlite_where=text(PUBLIC)),
        *trigram_indexes("published_document", "title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    document_type: Mapped[DocumentType] = mapped_column(enum_type(DocumentType, 30))
    status: Mapped[DocumentStatus] = mapped_column(enum_type(DocumentStatus, 20), default=DocumentStatus.DRAFT)
    publication_date: Mapped[date | None]

    case: Mapped[Case] = relationship(lazy="joined", back_populates="documents")
    previous_versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", order_by="DocumentVersion.file_version.desc()", lazy="select"
    )

    def __str__(self) -> str:
        return self.title


class DocumentVersion(StoredFileColumns, Base):
    """A file a document used to have, kept unchanged when a newer file replaced it."""

    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "file_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("published_document.id"), index=True)
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[PublishedDocument] = relationship(back_populates="previous_versions")

    @property
    def case(self) -> Case:
        return self.document.case

    def __str__(self) -> str:
        return f"{self.original_filename} (version {self.file_version})"


class FileContent(Base):
    """A document file kept in the database itself (the default on PostgreSQL), written in the same
    transaction as its record: one backup holds both, and any app instance can serve any file."""

    __tablename__ = "file_content"

    stored_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
