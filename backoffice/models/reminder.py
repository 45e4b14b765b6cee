"""Reminders sent by email: each recorded, so a run sends each once, and a failed send is retried."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Base, LongText, NOTE, utcnow
from backoffice.models.user import User


class Frequency(StrEnum):
    """How often a user is sent their digest. Overdue statutory deadlines are sent whatever it says."""

    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"

    @property
    def label(self) -> str:
        return {"off": "Off (overdue statutory deadlines still come)"}.get(self.value, self.value.capitalize())


class Reminder(Base):
    """One email to one user for one period (`key`, e.g. "digest:2026-12-02"): what it listed (case
    references and milestones only), whether it was sent, and the last failure if not."""

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    listed: Mapped[str] = mapped_column(LongText(NOTE))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))

    user: Mapped[User] = relationship()
