"""Documents a review produces and publishes (reports, briefings, responses)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Archivable, Base, Tracked, enum_type
from backoffice.models.case import Case


class DocumentType(StrEnum):
    OVERVIEW_REPORT = "overview_report"
    EXECUTIVE_SUMMARY = "executive_summary"
    SEVEN_MINUTE_BRIEFING = "seven_minute_briefing"
    LEARNING_BRIEF = "learning_brief"
    AGENCY_RESPONSE = "agency_response"

    @property
    def label(self) -> str:
        return {"seven_minute_briefing": "7-minute briefing"}.get(
            self.value, self.value.replace("_", " ").capitalize()
        )


class DocumentStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class PublishedDocument(Tracked, Archivable, Base):
    """A document and its file. The file lives outside the web root under a generated name."""

    __tablename__ = "published_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    document_type: Mapped[DocumentType] = mapped_column(enum_type(DocumentType, 30))
    status: Mapped[DocumentStatus] = mapped_column(enum_type(DocumentStatus, 20), default=DocumentStatus.DRAFT)
    publication_date: Mapped[date | None]
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))

    case: Mapped[Case] = relationship(lazy="joined", back_populates="documents")

    def __str__(self) -> str:
        return self.title
