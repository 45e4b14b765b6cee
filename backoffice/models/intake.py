"""Referrals made online by partner agencies and the police, before business support triages them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Base, LongText, REASON, Tracked, enum_type
from backoffice.models.case import Case
from backoffice.vocabulary import ReviewType


class IntakeStatus(StrEnum):
    """Where an online referral is: being filled in, waiting in the triage queue, or triaged."""

    DRAFT = "draft"
    NEW = "new"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"

    @property
    def label(self) -> str:
        return {"draft": "Being filled in", "new": "Waiting for triage", "accepted": "Accepted into a case",
                "rejected": "Rejected", "duplicate": "Duplicate of a case"}[self.value]


class IncomingReferral(Tracked, Base):
    """One online referral: what the visitor answered (kept apart from any case until business support
    accepts it), and what triage made of it. Nothing here is ever shown on a public page."""

    __tablename__ = "incoming_referral"
    __table_args__ = (Index("ix_incoming_referral_queue", "status", "review_type", "submitted_at"),)
    # The referrer's answers name the subject and the referrer: for business support only.
    RESTRICTED = ("answers", "referrer_email")
    SECRET = ("draft_token",)  # it lets a browser carry on with a draft: never in the audit trail

    id: Mapped[int] = mapped_column(primary_key=True)
    # Given to the referrer on screen; random, so it says nothing about how many referrals there are.
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    review_type: Mapped[ReviewType] = mapped_column(enum_type(ReviewType, 10))
    status: Mapped[IntakeStatus] = mapped_column(enum_type(IntakeStatus, 20), default=IntakeStatus.DRAFT)
    # A draft belongs to the browser holding this token (sha256 of the one in its session).
    draft_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    referrer_email: Mapped[str | None] = mapped_column(String(254))
    submitted_at: Mapped[datetime | None]
    received_date: Mapped[date | None]
    acknowledged_at: Mapped[datetime | None]  # the acknowledgement email went
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="SET NULL"), index=True)
    triaged_at: Mapped[datetime | None]
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reject_reason: Mapped[str | None] = mapped_column(LongText(REASON))
    referrer_told_date: Mapped[date | None]  # told of the rejection (and how, in the reason)

    case: Mapped[Case | None] = relationship()

    @property
    def audit_streams(self) -> str | None:
        """Its events are shown to readers of its review type's stream (domain/audit.py)."""
        return ReviewType(self.review_type).stream.value if self.review_type else None

    def answer(self, name: str, default=None):
        """One submitted answer ("" and None alike are no answer)."""
        value = (self.answers or {}).get(name)
        return default if value in (None, "", []) else value

    def __str__(self) -> str:
        return f"Online referral {self.reference}"

