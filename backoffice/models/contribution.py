"""What agencies are asked to give a review (summaries, chronologies, IMRs), and the turnaround each
kind of request is given, as versioned data."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.agency import Agency
from backoffice.models.base import Archivable, Base, LongText, NOTE, REASON, Tracked, enum_type, utcnow
from backoffice.models.case import Case
from backoffice.models.document import PublishedDocument
from backoffice.models.lifecycle import DeadlineUnit, Standing
from backoffice.models.user import User
from backoffice.vocabulary import ReviewType


class ContributionType(StrEnum):
    """What an agency is asked for (domain-reference 2.3)."""

    AGENCY_SUMMARY = "agency_summary"
    INITIAL_CHRONOLOGY = "initial_chronology"
    AGENCY_INFORMATION = "agency_information"
    IMR = "imr"
    RECORD_CHECK = "record_check"
    PRACTITIONER_CONVERSATION = "practitioner_conversation"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "agency_summary": "Agency summary",
            "initial_chronology": "Initial chronology",
            "agency_information": "Agency information (SAR \"Appendix 2\")",
            "imr": "Individual management review (IMR)",
            "record_check": "Agency record check",
            "practitioner_conversation": "Practitioner conversation",
            "other": "Other",
        }[self.value]


class ContributionQa(StrEnum):
    """Business support's quality-assurance check of what an agency returned."""

    PASSED = "passed"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return {"passed": "QA passed", "returned": "Returned for more work"}[self.value]


class ContributionStatus(StrEnum):
    """Where a contribution stands; derived from its dates (domain/contributions.py), never typed."""

    REQUESTED = "requested"
    OVERDUE = "overdue"
    RECEIVED = "received"
    QA_PASSED = "qa_passed"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    NOT_ENGAGING = "not_engaging"

    @property
    def label(self) -> str:
        return {"qa_passed": "QA passed", "returned": "Returned for more work",
                "not_engaging": "Agency not engaging"}.get(self.value, self.value.capitalize())


class TurnaroundRule(Tracked, Base):
    """One version of how long an agency is given for one kind of request on one type of review.

    A timescale is never edited under live requests: a change is a new version with an effective date,
    and the version before it ends the day before (domain/contributions.py). A request takes the version
    in force on the date it was made.
    """

    __tablename__ = "turnaround_rule"
    __table_args__ = (Index("ix_turnaround_rule_lookup", "review_type", "contribution_type", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_type: Mapped[ReviewType] = mapped_column(enum_type(ReviewType, 10))
    contribution_type: Mapped[ContributionType] = mapped_column(enum_type(ContributionType, 30))
    offset: Mapped[int] = mapped_column(Integer)
    unit: Mapped[DeadlineUnit] = mapped_column(enum_type(DeadlineUnit, 20))
    standing: Mapped[Standing] = mapped_column(enum_type(Standing, 30), default=Standing.LOCAL_PRACTICE)
    source: Mapped[str] = mapped_column(LongText(REASON))
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    change_reason: Mapped[str | None] = mapped_column(LongText(REASON))

    # What a new version may change; the rest is the rule's identity.
    TIMING = ("offset", "unit", "effective_from")

    def __str__(self) -> str:
        return (f"{ContributionType(self.contribution_type).label}, {ReviewType(self.review_type).value}: "
                f"{self.offset} {DeadlineUnit(self.unit).label}")


class AgencyContribution(Tracked, Archivable, Base):
    """One agency asked for one thing on one case: when it was asked and is due, what came back and
    when, its quality check, any extension, or why it was withdrawn."""

    __tablename__ = "agency_contribution"
    __table_args__ = (
        Index("ix_agency_contribution_due_date", "due_date", "id"),  # the list's default sort
        Index("ix_agency_contribution_outstanding", "received_date", "withdrawn_date", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    contribution_type: Mapped[ContributionType] = mapped_column(enum_type(ContributionType, 30))
    requested_date: Mapped[date]
    # Due: from the turnaround rule in force on the requested date (or typed, for a kind with no rule).
    due_date: Mapped[date]
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("turnaround_rule.id"))
    extended_to: Mapped[date | None]
    extension_reason: Mapped[str | None] = mapped_column(LongText(REASON))
    received_date: Mapped[date | None]
    author: Mapped[str | None] = mapped_column(String(200))
    qa_outcome: Mapped[ContributionQa | None] = mapped_column(enum_type(ContributionQa, 20))
    qa_date: Mapped[date | None]
    qa_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    qa_reason: Mapped[str | None] = mapped_column(LongText(REASON))  # why it was returned for more work
    withdrawn_date: Mapped[date | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(LongText(REASON))
    not_engaging_since: Mapped[date | None]  # the agency has stopped responding (recorded, then escalated)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("published_document.id"))
    note: Mapped[str | None] = mapped_column(LongText(NOTE))

    case: Mapped[Case] = relationship(lazy="joined", back_populates="contributions")
    agency: Mapped[Agency] = relationship(lazy="joined")
    rule: Mapped[TurnaroundRule | None] = relationship(lazy="select")
    qa_by: Mapped[User | None] = relationship(foreign_keys=[qa_by_id], lazy="select")
    document: Mapped[PublishedDocument | None] = relationship(lazy="select")
    emails: Mapped[list[ContributionEmail]] = relationship(
        back_populates="contribution", order_by="ContributionEmail.id", lazy="select", cascade="all, delete-orphan")

    @property
    def current_due(self) -> date:
        """The due date, or the extended one."""
        return self.extended_to or self.due_date

    def __str__(self) -> str:
        kind = ContributionType(self.contribution_type).label if self.contribution_type else "Contribution"
        return f"{kind} from {self.agency.name if self.agency else 'an agency'}"


class ChaseKind(StrEnum):
    """What an email to an agency's safeguarding lead about a contribution was."""

    REQUEST = "request"
    REMINDER = "reminder"
    CHASE = "chase"

    @property
    def label(self) -> str:
        return {"request": "Request", "reminder": "Reminder before it is due", "chase": "Chase: overdue"}[self.value]


class ContributionEmail(Base):
    """One email to an agency's safeguarding lead about one contribution (`key` says which, so each
    is sent once): sent, or failed and retried on the next run. It never carries case narrative."""

    __tablename__ = "contribution_email"
    __table_args__ = (UniqueConstraint("contribution_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("agency_contribution.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ChaseKind] = mapped_column(enum_type(ChaseKind, 20))
    key: Mapped[str] = mapped_column(String(60))
    sent_to: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))

    contribution: Mapped[AgencyContribution] = relationship(back_populates="emails")

    @property
    def case(self) -> Case | None:
        return self.contribution.case if self.contribution is not None else None

    def __str__(self) -> str:
        return f"{ChaseKind(self.kind).label} to {self.sent_to}"

