"""Panel decisions on a case, and the board's approval of them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Archivable, Base, Tracked, enum_type
from backoffice.models.case import Case
from backoffice.models.user import User


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
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class PanelDecision(Tracked, Archivable, Base):
    """What the panel decided on a case and why; the board approves or rejects it."""

    __tablename__ = "panel_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    meeting_date: Mapped[date]
    outcome: Mapped[DecisionOutcome] = mapped_column(enum_type(DecisionOutcome))
    legal_mandate: Mapped[LegalMandate | None] = mapped_column(enum_type(LegalMandate, 10))
    rationale: Mapped[str] = mapped_column(Text)
    conflicts_declared: Mapped[str | None] = mapped_column(Text)
    delay_reasons: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approval_status: Mapped[ApprovalStatus] = mapped_column(
        enum_type(ApprovalStatus, 10), default=ApprovalStatus.PENDING
    )
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None]
    approval_comment: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(lazy="joined")
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id], lazy="joined")
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id], lazy="joined")

    def __str__(self) -> str:
        return f"{self.case.reference if self.case else ''} {DecisionOutcome(self.outcome).label}".strip()
