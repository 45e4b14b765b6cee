"""Text admins keep for the public "Published reviews" page."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.models.base import Base, LongText, NOTE, Tracked


class PublicText(Tracked, Base):
    """A block of the public page, edited by admins as plain text (blank lines separate paragraphs)."""

    __tablename__ = "public_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    heading: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(LongText(NOTE))

    def __str__(self) -> str:
        return self.heading
