"""Panel decisions on a case, and the board's approval of them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Archivable, Base, LongText, NARRATIVE, NOTE, Tracked, enum_type, utcnow
from backoffice.models.case import Case
from backoffice.models.user import User

if TYPE_CHECKING:
    from backoffice.models.meeting import Meeting


class DecisionOutcome(StrEnum):
    REVIEW_COMMISSIONED = "review_commissioned"
    CRITERIA_NOT_MET_LEARNING_RETAINED = "criteria_not_met_learning_retained"
    ALTERNATIVE_LEARNING = "alternative_learning"
    REFERRED_TO_OTHER_PROCESS = "referred_to_other_process"

    @property
    def label(self) -> str:
        return {
            "review_commissioned": "Review commissioned",
            "criteria_not_met_learning_retained": "Criteria not met: learning retained",
            "alternative_learning": "Alternative learning activity",
            "referred_to_other_process": "Referred to another process",
        }[self.value]


class LegalMandate(StrEnum):
    """For a SAR: Care Act 2014 s44. All SARs are statutory; the distinction is mandatory or discretionary."""

    SAR_MANDATORY = "s44_1_3"
    SAR_DISCRETIONARY = "s44_4"

    @property
    def label(self) -> str:
        return {
            "s44_1_3": "Mandatory: Care Act 2014 s44(1)-(3)",
            "s44_4": "Discretionary: Care Act 2014 s44(4)",
        }[self.value]


class ApprovalStatus(StrEnum):
    """Where a decision stands with the board, derived from the approvals of the current round."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    INFO_REQUESTED = "info_requested"

    @property
    def label(self) -> str:
        return {"info_requested": "More information requested"}.get(self.value, self.value.capitalize())


class ApprovalOutcome(StrEnum):
    """One board member's answer."""

    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_INFO = "request_info"

    @property
    def label(self) -> str:
        return {"approve": "Approve", "reject": "Reject", "request_info": "Ask for more information"}[self.value]


class CriterionValue(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {"met": "Met", "not_met": "Not met", "unknown": "Unknown"}[self.value]


class PanelDecision(Tracked, Archivable, Base):
    """What the panel decided on a case and why; the board approves or rejects it."""

    __tablename__ = "panel_decision"
    __table_args__ = (Index("ix_panel_decision_meeting_date", "meeting_date", "id"),)  # the list's default sort

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    meeting_date: Mapped[date]
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    outcome: Mapped[DecisionOutcome] = mapped_column(enum_type(DecisionOutcome))
    legal_mandate: Mapped[LegalMandate | None] = mapped_column(enum_type(LegalMandate, 10))
    rationale: Mapped[str] = mapped_column(LongText(NARRATIVE))
    conflicts_declared: Mapped[str | None] = mapped_column(LongText(NOTE))
    delay_reasons: Mapped[str | None] = mapped_column(LongText(NOTE))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approval_status: Mapped[ApprovalStatus] = mapped_column(
        enum_type(ApprovalStatus, 20), default=ApprovalStatus.PENDING
    )
    # Amending a decision after the board asked for more information starts a new round of approvals.
    approval_round: Mapped[int] = mapped_column(default=1)
    approved_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship(lazy="joined", back_populates="decisions")
    meeting: Mapped[Meeting | None] = relationship("Meeting")
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id], lazy="joined")
    criteria: Mapped[list[CriterionAssessment]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", lazy="selectin"
    )
    approvals: Mapped[list[DecisionApproval]] = relationship(
        back_populates="decision", order_by="DecisionApproval.at", lazy="selectin"
    )

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("approval_status", ApprovalStatus.PENDING)
        kwargs.setdefault("approval_round", 1)
        super().__init__(**kwargs)

    def current_approvals(self) -> list[DecisionApproval]:
        return [a for a in self.approvals if a.round == self.approval_round]

    def __str__(self) -> str:
        return f"{self.case.reference if self.case else ''} {DecisionOutcome(self.outcome).label}".strip()


class CriterionAssessment(Base):
    """One statutory criterion, assessed: met, not met or unknown, with the evidence."""

    __tablename__ = "criterion_assessment"
    __table_args__ = (UniqueConstraint("decision_id", "criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("panel_decision.id", ondelete="CASCADE"), index=True)
    criterion: Mapped[str] = mapped_column(String(40))
    value: Mapped[CriterionValue] = mapped_column(enum_type(CriterionValue, 10), default=CriterionValue.UNKNOWN)
    evidence: Mapped[str | None] = mapped_column(LongText(NARRATIVE))

    decision: Mapped[PanelDecision] = relationship(back_populates="criteria")

    def __str__(self) -> str:
        from backoffice.vocabulary import criterion_label

        return f"{criterion_label(self.criterion)}: {CriterionValue(self.value).label}"


class DecisionApproval(Base):
    """A board member's approval, rejection or request for information, with their comment."""

    __tablename__ = "decision_approval"
    __table_args__ = (UniqueConstraint("decision_id", "approver_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("panel_decision.id"), index=True)
    approver_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    round: Mapped[int] = mapped_column(default=1)
    outcome: Mapped[ApprovalOutcome] = mapped_column(enum_type(ApprovalOutcome, 20))
    comment: Mapped[str | None] = mapped_column(LongText(NOTE))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    decision: Mapped[PanelDecision] = relationship(back_populates="approvals")
    approver: Mapped[User] = relationship(lazy="joined")

    def __str__(self) -> str:
        return f"{self.approver}: {ApprovalOutcome(self.outcome).label}"
