"""The learning loop: what a review found, what it recommends and to whom, the board's approval of a
review's recommendations as a set, the actions taken on each, their progress and the evidence that
practice changed; and the themes reviews are coded by."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.agency import Agency
from backoffice.models.base import Archivable, Base, LongText, NARRATIVE, NOTE, REASON, Tracked, enum_type
from backoffice.models.case import Case
from backoffice.models.decision import ApprovalOutcome, ApprovalStatus
from backoffice.models.document import PublishedDocument
from backoffice.models.user import User


def _label(value: str) -> str:
    return value.replace("_", " ").capitalize()


class ThemeGroup(StrEnum):
    VULNERABILITY = "vulnerability"
    ABUSE_TYPE = "abuse_type"
    LEARNING_AREA = "learning_area"

    @property
    def label(self) -> str:
        return {"vulnerability": "Vulnerability theme", "abuse_type": "Type of abuse",
                "learning_area": "Learning area"}[self.value]


class Theme(Tracked, Base):
    """A term of the controlled vocabulary reviews and findings are coded by, with its source."""

    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    group: Mapped[ThemeGroup] = mapped_column(enum_type(ThemeGroup, 20))
    source: Mapped[str] = mapped_column(LongText(NOTE))
    active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.name


finding_theme = Table(
    "finding_theme", Base.metadata,
    Column("finding_id", ForeignKey("finding.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id"), primary_key=True),
)


class Finding(Tracked, Archivable, Base):
    """What a review learned, coded by the themes it touches."""

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(LongText(NARRATIVE))

    case: Mapped[Case] = relationship(lazy="joined")
    themes: Mapped[list[Theme]] = relationship(secondary=finding_theme, lazy="selectin", order_by=Theme.name)
    recommendations: Mapped[list[Recommendation]] = relationship(back_populates="finding",
                                                                 order_by="Recommendation.id")

    def __str__(self) -> str:
        return self.title or "Finding"


class Level(StrEnum):
    SINGLE_AGENCY = "single_agency"
    MULTI_AGENCY = "multi_agency"
    BOARD = "board"
    NATIONAL = "national"

    @property
    def label(self) -> str:
        return _label(self.value)


class NationalBody(StrEnum):
    """The national bodies a recommendation may be addressed to: each owns its issues (a national
    recommendation goes to the body that owns it, not to the Home Office by default)."""

    DFE = "dfe"
    HOME_OFFICE = "home_office"
    DHSC = "dhsc"
    MOJ = "moj"
    MHCLG = "mhclg"
    NHS_ENGLAND = "nhs_england"
    CQC = "cqc"
    OFSTED = "ofsted"
    NATIONAL_PANEL = "national_panel"

    @property
    def label(self) -> str:
        return {"dfe": "Department for Education", "home_office": "Home Office",
                "dhsc": "Department of Health and Social Care", "moj": "Ministry of Justice",
                "mhclg": "Ministry of Housing, Communities and Local Government", "nhs_england": "NHS England",
                "cqc": "Care Quality Commission", "ofsted": "Ofsted",
                "national_panel": "Child Safeguarding Practice Review Panel"}[self.value]


class Recommendation(Tracked, Archivable, Base):
    """What a review recommends on one finding, to whom, the change expected and how it is measured."""

    __tablename__ = "recommendation"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("finding.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)  # the finding's (for scoping)
    text: Mapped[str] = mapped_column(LongText(NOTE))
    level: Mapped[Level] = mapped_column(enum_type(Level, 20))
    addressee_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    national_body: Mapped[NationalBody | None] = mapped_column(enum_type(NationalBody, 20))
    expected_change: Mapped[str | None] = mapped_column(LongText(NOTE))
    measure: Mapped[str | None] = mapped_column(LongText(NOTE))
    owner: Mapped[str | None] = mapped_column(String(200))
    target_date: Mapped[date | None]
    check_override: Mapped[str | None] = mapped_column(LongText(REASON))

    finding: Mapped[Finding] = relationship(lazy="joined", back_populates="recommendations")
    case: Mapped[Case] = relationship(lazy="joined")
    addressee_agency: Mapped[Agency | None] = relationship(lazy="joined")
    actions: Mapped[list[ReviewAction]] = relationship(back_populates="recommendation", order_by="ReviewAction.id")

    @property
    def addressee(self) -> str:
        if self.level == Level.NATIONAL:
            return NationalBody(self.national_body).label if self.national_body else "No national body named"
        if self.level == Level.BOARD:
            return "The partnership board"
        return str(self.addressee_agency) if self.addressee_agency else "No agency named"

    def __str__(self) -> str:
        text = self.text or "Recommendation"
        return text if len(text) <= 80 else text[:77] + "..."


class RecommendationSet(Base):
    """Where a review's recommendations stand with the board, as a set: sent, approved, rejected, or
    back for more information (amending them then starts a new round)."""

    __tablename__ = "recommendation_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    status: Mapped[ApprovalStatus] = mapped_column(enum_type(ApprovalStatus, 20), default=ApprovalStatus.PENDING)
    round: Mapped[int] = mapped_column(default=1)
    sent_at: Mapped[datetime]
    approved_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship()
    approvals: Mapped[list[RecommendationApproval]] = relationship(order_by="RecommendationApproval.at",
                                                                   lazy="selectin")

    def current_approvals(self) -> list[RecommendationApproval]:
        return [a for a in self.approvals if a.round == self.round]


class RecommendationApproval(Base):
    """One board member's answer on a review's recommendations, in one round."""

    __tablename__ = "recommendation_approval"
    __table_args__ = (UniqueConstraint("set_id", "round", "approver_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("recommendation_set.id"), index=True)
    approver_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    round: Mapped[int]
    outcome: Mapped[ApprovalOutcome] = mapped_column(enum_type(ApprovalOutcome, 20))
    comment: Mapped[str | None] = mapped_column(LongText(NOTE))
    at: Mapped[datetime]

    approval_set: Mapped[RecommendationSet] = relationship(back_populates="approvals")
    approver: Mapped[User] = relationship(lazy="joined")

    @property
    def case(self) -> Case | None:
        return self.approval_set.case if self.approval_set is not None else None


class ActionStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    NOT_IMPLEMENTED = "not_implemented"

    @property
    def label(self) -> str:
        return _label(self.value)


class EvidenceDecision(StrEnum):
    ACCEPTED = "accepted"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return {"accepted": "Evidence accepted", "returned": "Returned for more evidence"}[self.value]


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    DONE = "done"

    @property
    def label(self) -> str:
        return {"done": "Closed"}.get(self.value, self.value.capitalize())


class ReviewAction(Tracked, Archivable, Base):
    """An action on a recommendation: who owns it, by when, the impact measure agreed, its status, and
    the evidence of change the board accepted or returned."""

    __tablename__ = "review_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)  # the recommendation's
    description: Mapped[str] = mapped_column(LongText(NOTE))
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    lead: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(index=True)
    impact_measure: Mapped[str] = mapped_column(LongText(NOTE))
    status: Mapped[ActionStatus] = mapped_column(enum_type(ActionStatus, 20), default=ActionStatus.NOT_STARTED)
    completed_date: Mapped[date | None]
    not_implemented_reason: Mapped[str | None] = mapped_column(LongText(REASON))
    evidence_document_id: Mapped[int | None] = mapped_column(ForeignKey("published_document.id"))
    evidence_outcome: Mapped[str | None] = mapped_column(LongText(NOTE))
    evidence_decision: Mapped[EvidenceDecision | None] = mapped_column(enum_type(EvidenceDecision, 20))
    evidence_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    evidence_decided_at: Mapped[datetime | None]
    evidence_comment: Mapped[str | None] = mapped_column(LongText(NOTE))
    impact_check_date: Mapped[date | None]
    impact_outcome: Mapped[str | None] = mapped_column(LongText(NOTE))

    recommendation: Mapped[Recommendation] = relationship(lazy="joined", back_populates="actions")
    case: Mapped[Case] = relationship(lazy="joined")
    owner_agency: Mapped[Agency] = relationship(lazy="joined")
    evidence_document: Mapped[PublishedDocument | None] = relationship()
    evidence_decided_by: Mapped[User | None] = relationship(foreign_keys=[evidence_decided_by_id])
    updates: Mapped[list[ActionUpdate]] = relationship(back_populates="action", order_by="ActionUpdate.on",
                                                       lazy="selectin")

    def __str__(self) -> str:
        text = self.description or "Action"
        return text if len(text) <= 80 else text[:77] + "..."


class ActionUpdate(Base):
    """A dated note of progress on an action (its timeline)."""

    __tablename__ = "action_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("review_action.id", ondelete="CASCADE"), index=True)
    on: Mapped[date]
    note: Mapped[str] = mapped_column(LongText(NOTE))

    action: Mapped[ReviewAction] = relationship(back_populates="updates")

    @property
    def case(self) -> Case | None:
        return self.action.case if self.action is not None else None
