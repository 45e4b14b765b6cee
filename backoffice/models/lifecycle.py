"""What happens to a case over time: its transitions, notifications to external bodies, holds,
and the deadlines the statutory clock derives from them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.vocabulary import ReviewType
from backoffice.models.base import Archivable, Base, LongText, NOTE, REASON, Tracked, enum_type, utcnow
from backoffice.models.case import Case
from backoffice.models.decision import PanelDecision
from backoffice.models.user import User
from backoffice.policy import RoleName
from backoffice.refusals import Refused


class TransitionLog(Base):
    """One step of a case's lifecycle: who moved it, when, from what to what, and why."""

    __tablename__ = "transition_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    transition: Mapped[str] = mapped_column(String(60))
    from_state: Mapped[str] = mapped_column(String(60))
    to_state: Mapped[str] = mapped_column(String(60))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(LongText(NOTE))

    case: Mapped[Case] = relationship(back_populates="timeline")
    actor: Mapped[User | None] = relationship(lazy="joined")


class Recipient(StrEnum):
    """External bodies a partnership must notify."""

    NATIONAL_PANEL = "national_panel"
    OFSTED = "ofsted"
    DFE = "dfe"
    SECRETARY_OF_STATE = "secretary_of_state"
    HOME_OFFICE = "home_office"
    DOMESTIC_ABUSE_COMMISSIONER = "domestic_abuse_commissioner"

    @property
    def label(self) -> str:
        return {
            "national_panel": "Child Safeguarding Practice Review Panel",
            "ofsted": "Ofsted",
            "dfe": "Department for Education",
            "secretary_of_state": "Secretary of State",
            "home_office": "Home Office",
            "domestic_abuse_commissioner": "Domestic Abuse Commissioner",
        }[self.value]


class Purpose(StrEnum):
    """What a notification is for. Each review type has its own (`Purpose.for_review`)."""

    SERIOUS_INCIDENT = "serious_incident"
    LOOKED_AFTER_DEATH = "looked_after_death"
    PRE_PUBLICATION = "pre_publication"
    DECISION = "decision"
    REPORT = "report"
    DARDR_REPORT = "dardr_report"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "serious_incident": "Serious incident notification",
            "looked_after_death": "Death of a looked-after child",
            "pre_publication": "Final report before publication",
            "decision": "Decision whether to hold a review",
            "report": "Copy of the report",
            "dardr_report": "Copy of the DARDR report (Victims and Prisoners Act 2024 s19)",
            "other": "Other",
        }[self.value]

    @classmethod
    def for_review(cls, review_type: ReviewType | str) -> tuple[Purpose, ...]:
        """The purposes a notification on this type of review may have."""
        return PURPOSES_FOR[ReviewType(review_type)]


P = Purpose
PURPOSES_FOR: dict[ReviewType, tuple[Purpose, ...]] = {
    ReviewType.CSPR: (P.SERIOUS_INCIDENT, P.LOOKED_AFTER_DEATH, P.PRE_PUBLICATION, P.REPORT, P.OTHER),
    ReviewType.SAR: (P.REPORT, P.OTHER),
    # A Domestic Abuse Related Death Review's report goes to the Secretary of State and the Commissioner.
    ReviewType.DHR: (P.DECISION, P.REPORT, P.DARDR_REPORT, P.OTHER),
}


class Notification(Tracked, Archivable, Base):
    """A notification to an external body: due (from the deadline rules), sent, with its reference."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("case_id", "recipient", "purpose"),
        Index("ix_notification_due_date", "due_date", "id"),  # the list's default sort
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    recipient: Mapped[Recipient] = mapped_column(enum_type(Recipient, 30))
    purpose: Mapped[Purpose] = mapped_column(enum_type(Purpose, 60), default=Purpose.OTHER)
    due_date: Mapped[date | None]
    sent_date: Mapped[date | None]
    reference: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(LongText(NOTE))
    # Telling the Home Office a DHR decision: the decision told, whose recorded reasons are what was sent.
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("panel_decision.id"))

    case: Mapped[Case] = relationship(back_populates="notifications", lazy="joined")
    decision: Mapped[PanelDecision | None] = relationship(lazy="joined")

    def __str__(self) -> str:
        return f"{Recipient(self.recipient).label} ({self.purpose_label})"

    @property
    def purpose_label(self) -> str:
        return Purpose(self.purpose).label


class HoldReason(StrEnum):
    CRIMINAL_PROCEEDINGS = "criminal_proceedings"
    INQUEST = "inquest"
    IOPC = "iopc"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"iopc": "IOPC investigation"}.get(self.value, self.value.replace("_", " ").capitalize())


class Hold(Tracked, Archivable, Base):
    """A parallel process (a trial, an inquest) that justifies extending the review's targets.

    A hold never moves the notification or rapid-review deadlines; where it extends a target, the
    original date stays visible beside the revised one.
    """

    __tablename__ = "hold"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    reason: Mapped[HoldReason] = mapped_column(enum_type(HoldReason, 30))
    detail: Mapped[str | None] = mapped_column(LongText(NOTE))
    start_date: Mapped[date]
    end_date: Mapped[date | None]

    case: Mapped[Case] = relationship(back_populates="holds", lazy="joined")

    def __str__(self) -> str:
        return f"{HoldReason(self.reason).label} from {self.start_date:%d %b %Y}"


class DeadlineUnit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    CALENDAR_MONTHS = "calendar_months"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Standing(StrEnum):
    """Where a timescale comes from, which says how far a partnership may depart from it."""

    STATUTE = "statute"
    STATUTORY_GUIDANCE = "statutory_guidance"
    LOCAL_PRACTICE = "local_practice"

    @property
    def label(self) -> str:
        return {"statute": "Statute", "statutory_guidance": "Statutory guidance",
                "local_practice": "Local practice"}[self.value]


class Reach(StrEnum):
    """Which cases a new version of a deadline rule applies to (the admin chooses, with a reason)."""

    FROM_EFFECTIVE_DATE = "from_effective_date"
    OPEN_CASES = "open_cases"

    @property
    def label(self) -> str:
        return {
            "from_effective_date": "Only cases whose date it counts from is on or after the effective date",
            "open_cases": "Every open deadline of this milestone, whatever its date (recompute)",
        }[self.value]


class DeadlineRule(Tracked, Base):
    """One version of a timescale as data: "<milestone> is due <offset> <unit> after <anchor event>".

    Rules change with guidance (WT2018 to WT2023, DHR 2016 to 2024), so a rule is never edited under
    live cases: a change is a new version with an effective date (`domain.rule_versions`). A case uses
    the version in force on its anchor date, or the newest version that reaches every open deadline;
    a deadline met or waived keeps the version it had.
    """

    __tablename__ = "deadline_rule"
    __table_args__ = (Index("ix_deadline_rule_lookup", "review_type", "milestone", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_type: Mapped[ReviewType] = mapped_column(enum_type(ReviewType, 10))
    milestone: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(200))
    # The stage of case it applies to (see Case.stage): for a CSPR "rapid_review", "local_referral" or
    # "local_review"; for a SAR or DHR "referral" or "review" (once one is commissioned). None: any.
    stage: Mapped[str | None] = mapped_column(String(20))
    anchor: Mapped[str] = mapped_column(String(60))
    offset: Mapped[int] = mapped_column(Integer)
    unit: Mapped[DeadlineUnit] = mapped_column(enum_type(DeadlineUnit, 20))
    met_by: Mapped[str] = mapped_column(String(60))
    standing: Mapped[Standing] = mapped_column(enum_type(Standing, 30), default=Standing.LOCAL_PRACTICE)
    extendable_by_hold: Mapped[bool] = mapped_column(default=False)
    responsible_role: Mapped[RoleName] = mapped_column(enum_type(RoleName, 20))
    source: Mapped[str] = mapped_column(LongText(REASON))
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    reach: Mapped[Reach] = mapped_column(enum_type(Reach, 30), default=Reach.FROM_EFFECTIVE_DATE)
    change_reason: Mapped[str | None] = mapped_column(LongText(REASON))  # why this version replaced the last

    def __str__(self) -> str:
        return self.label

    # What a new version may change; the rest (the milestone, what it counts from, what meets it) is
    # the rule's identity.
    TIMING = ("offset", "unit", "extendable_by_hold")

    def applies_to(self, anchored_on: date, still_open: bool) -> bool:
        """Whether this version governs a deadline counted from `anchored_on`."""
        if self.effective_to is not None and anchored_on > self.effective_to:
            return False
        return anchored_on >= self.effective_from or (still_open and self.reach == Reach.OPEN_CASES)

    @property
    def statutory(self) -> bool:
        """Set by an Act itself (not guidance, not local practice)."""
        return self.standing == Standing.STATUTE


OPEN = "met_date IS NULL AND waived_at IS NULL"


class Deadline(Base):
    """A case's deadline for one milestone, derived from its dates and the rules; never edited by hand
    except to waive it, with a reason."""

    __tablename__ = "deadline"
    __table_args__ = (
        UniqueConstraint("case_id", "milestone"),
        # Open deadlines by due date (the home page's most urgent, reminders, the overdue filter): straight
        # to them, past the met and waived ones that are most of the table.
        Index("ix_deadline_open", "due_date", "id", postgresql_where=text(OPEN), sqlite_where=text(OPEN)),
        Index("ix_deadline_due_date", "due_date", "id"),  # the list's default sort
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("deadline_rule.id"))
    milestone: Mapped[str] = mapped_column(String(60))
    original_due: Mapped[date]
    due_date: Mapped[date]  # the original, or the revised date where a hold extends it
    revision_reason: Mapped[str | None] = mapped_column(LongText(REASON))
    on_hold: Mapped[bool] = mapped_column(default=False)  # an ongoing hold stops this clock
    met_date: Mapped[date | None]
    waived_at: Mapped[datetime | None]
    waived_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    waived_reason: Mapped[str | None] = mapped_column(LongText(REASON))

    case: Mapped[Case] = relationship(back_populates="deadlines", lazy="joined")
    rule: Mapped[DeadlineRule] = relationship(lazy="joined")

    @property
    def is_revised(self) -> bool:
        return self.due_date != self.original_due

    def waive(self, reason: str, actor_id: int | None) -> None:
        """Set the deadline aside, with the reason; it and the reason stay on record."""
        if self.met_date or self.waived_at:
            raise Refused("This deadline is already met or waived.")
        self.waived_at, self.waived_by_id, self.waived_reason = utcnow(), actor_id, reason.strip()

    def __str__(self) -> str:
        return f"{self.rule.label if self.rule else self.milestone} ({self.case.reference if self.case else ''})"
