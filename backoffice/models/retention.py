"""Keeping records only as long as the law allows (UK GDPR art. 5(1)(e), storage limitation): the
retention schedule as data, legal holds that stop disposal, each disposal decision a person made, and
the tombstone a destroyed case leaves."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Base, LongText, REASON, Tracked, enum_type, utcnow
from backoffice.models.case import Case
from backoffice.models.user import User
from backoffice.vocabulary import ReviewType


class RecordClass(StrEnum):
    """The kinds of record the schedule covers; which cases fall in each is `domain.retention`'s rule."""

    NOT_PROGRESSED = "not_progressed"
    REVIEW_RECORD = "review_record"
    FAMILY_CONTACTS = "family_contacts"

    @property
    def label(self) -> str:
        return {
            "not_progressed": "Referral not progressed (closed with no review held)",
            "review_record": "Completed review: the core record, decisions and report",
            "family_contacts": "Family members' contact details and safety notes",
        }[self.value]


class Trigger(StrEnum):
    CASE_CLOSED = "case_closed"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return {"case_closed": "Case closed", "published": "Report published"}[self.value]


class DisposalAction(StrEnum):
    """What a decision does with a record past its retention period."""

    RETAIN = "retain"
    ANONYMISE = "anonymise"
    DESTROY = "destroy"

    @property
    def label(self) -> str:
        return {"retain": "Retain, with a reason and a new review date",
                "anonymise": "Anonymise: remove the personal details, keep the record",
                "destroy": "Destroy: remove the case, keep a tombstone"}[self.value]


class RetentionRule(Tracked, Base):
    """One line of the schedule: a record class is due for a decision `months` after its trigger; the
    action is the one proposed. Admins keep it; every change is audited."""

    __tablename__ = "retention_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_class: Mapped[RecordClass] = mapped_column(enum_type(RecordClass, 30), unique=True)
    trigger: Mapped[Trigger] = mapped_column(enum_type(Trigger, 20))
    months: Mapped[int] = mapped_column(Integer)
    proposed_action: Mapped[DisposalAction] = mapped_column(enum_type(DisposalAction, 20))
    source: Mapped[str] = mapped_column(LongText(REASON))

    def __str__(self) -> str:
        return RecordClass(self.record_class).label


class HoldKind(StrEnum):
    LITIGATION = "litigation"
    INQUEST = "inquest"
    INQUIRY = "inquiry"
    SUBJECT_ACCESS_REQUEST = "subject_access_request"

    @property
    def label(self) -> str:
        return {"subject_access_request": "Subject access request"}.get(self.value, self.value.capitalize())


class LegalHold(Tracked, Base):
    """While a legal hold is on, nothing of the case may be anonymised or destroyed."""

    __tablename__ = "legal_hold"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    kind: Mapped[HoldKind] = mapped_column(enum_type(HoldKind, 30))
    reason: Mapped[str] = mapped_column(LongText(REASON))
    placed_on: Mapped[date]
    lifted_on: Mapped[date | None]
    lift_reason: Mapped[str | None] = mapped_column(LongText(REASON))

    case: Mapped[Case] = relationship(lazy="joined")

    def __str__(self) -> str:
        return f"{HoldKind(self.kind).label} hold on {self.case.reference if self.case else 'a case'}"

    @property
    def is_on(self) -> bool:
        return self.lifted_on is None


class DisposalDecision(Base):
    """A person's decision on a record past its retention period. Never edited: a later decision is a
    new row. Kept after destruction (by reference), with the case link cleared."""

    __tablename__ = "disposal_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="SET NULL"), index=True)
    case_reference: Mapped[str] = mapped_column(String(20))
    review_type: Mapped[ReviewType] = mapped_column(enum_type(ReviewType, 10))  # its stream, after destruction too
    record_class: Mapped[RecordClass] = mapped_column(enum_type(RecordClass, 30))
    action: Mapped[DisposalAction] = mapped_column(enum_type(DisposalAction, 20))
    reason: Mapped[str] = mapped_column(LongText(REASON))
    review_on: Mapped[date | None]  # retained until then
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    decided_by: Mapped[User] = relationship(lazy="joined")
    case: Mapped[Case | None] = relationship(lazy="select")


class Tombstone(Base):
    """What is left of a destroyed case: that it existed, its dates, and who authorised destruction, why."""

    __tablename__ = "tombstone"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    review_type: Mapped[ReviewType] = mapped_column(enum_type(ReviewType, 10))
    record_class: Mapped[RecordClass] = mapped_column(enum_type(RecordClass, 30))
    referral_date: Mapped[date]
    closed_on: Mapped[date | None]
    published_on: Mapped[date | None]
    destroyed_at: Mapped[datetime] = mapped_column(default=utcnow)
    authorised_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(LongText(REASON))
    audit_rows_redacted: Mapped[int] = mapped_column(Integer, default=0)

    authorised_by: Mapped[User] = relationship(lazy="joined")

    def __str__(self) -> str:
        return f"{self.reference} (destroyed {self.destroyed_at:%d %b %Y})"
