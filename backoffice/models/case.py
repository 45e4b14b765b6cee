"""A case: one statutory review (or a referral that may become one), and what it involves."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, Index, String, Table, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from backoffice.vocabulary import ReviewType, initial_state, state_label
from backoffice.models.agency import Agency
from backoffice.models.base import (
    Archivable, Base, LongText, NARRATIVE, NOTE, REASON, Tracked, enum_type, trigram_indexes)

if TYPE_CHECKING:
    from backoffice.models.learning import Theme
    from backoffice.models.contribution import AgencyContribution
    from backoffice.models.reviewer import Appointment
    from backoffice.models.decision import PanelDecision
    from backoffice.models.document import PublishedDocument
    from backoffice.models.family import FamilyInvolvement
    from backoffice.models.lifecycle import Deadline, Hold, Notification, TransitionLog

# The themes a review is coded by as a whole (its findings carry their own: models/learning.py).
case_themes = Table(
    "case_theme",
    Base.metadata,
    Column("case_id", ForeignKey("case.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id"), primary_key=True),
)

case_abuse_categories = Table(
    "case_abuse_category",
    Base.metadata,
    Column("case_id", ForeignKey("case.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("abuse_category.id"), primary_key=True),
)


class AbuseCategory(Tracked, Base):
    """Reference data kept by admins: the kinds of abuse or neglect a case concerns."""

    __tablename__ = "abuse_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.name


class AgencyRole(StrEnum):
    LEAD = "lead"
    CONTRIBUTING = "contributing"
    REFERRING = "referring"
    INFORMATION_ONLY = "information_only"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class PanelResponse(StrEnum):
    """The Child Safeguarding Practice Review Panel's answer to a rapid review."""

    AGREES = "agrees"
    DISAGREES = "disagrees"
    NATIONAL_REVIEW = "national_review"

    @property
    def label(self) -> str:
        return {
            "agrees": "Agrees with the local decision",
            "disagrees": "Disagrees with the local decision",
            "national_review": "Will hold a national review",
        }[self.value]


class QaOutcome(StrEnum):
    """The Home Office quality assurance panel's outcome on a DHR overview report."""

    APPROVED = "approved"
    RESUBMIT = "resubmit"

    @property
    def label(self) -> str:
        return {"approved": "Approved for publication", "resubmit": "Resubmission required"}[self.value]


class PublicationDecision(StrEnum):
    """What the partnership decided to publish about a review (domain-reference 2.7)."""

    FULL = "full"
    EXECUTIVE_SUMMARY = "executive_summary"
    IMPROVEMENTS_ONLY = "improvements_only"
    NOT_PUBLISHED = "not_published"

    @property
    def label(self) -> str:
        return {
            "full": "Publish the report in full",
            "executive_summary": "Publish the executive summary only",
            "improvements_only": "Publish a statement of the improvements only",
            "not_published": "Not published",
        }[self.value]


class CareStatus(StrEnum):
    """Whether the child was looked after by a local authority, or had left its care."""

    LOOKED_AFTER = "looked_after"
    CARE_LEAVER = "care_leaver"
    NOT_LOOKED_AFTER = "not_looked_after"

    @property
    def label(self) -> str:
        return {"not_looked_after": "Not looked after", "looked_after": "Looked after",
                "care_leaver": "Care leaver"}[self.value]


class ProtectionStatus(StrEnum):
    NONE = "none"
    CHILD_IN_NEED = "child_in_need"
    CHILD_PROTECTION_PLAN = "child_protection_plan"

    @property
    def label(self) -> str:
        return {"none": "Neither", "child_in_need": "Child in need",
                "child_protection_plan": "Child protection plan"}[self.value]


class IncidentNature(StrEnum):
    DEATH = "death"
    SERIOUS_HARM = "serious_harm"

    @property
    def label(self) -> str:
        return {"death": "Death", "serious_harm": "Serious harm"}[self.value]


class AbuseKnown(StrEnum):
    KNOWN = "known"
    SUSPECTED = "suspected"
    NEITHER = "neither"

    @property
    def label(self) -> str:
        return {"known": "Known", "suspected": "Suspected", "neither": "Neither known nor suspected"}[self.value]


# What the serious incident notification records about a child (Children Act 2004 s16C(1), the
# National Panel's notification): for CSPRs only.
INCIDENT_FIELDS = ("child_care_status", "child_protection_status", "incident_nature", "abuse_known",
                   "child_sex", "child_ethnicity", "la_of_residence", "la_of_incident", "other_children",
                   "media_interest", "partners_told_date")

NOT_NOTIFIABLE = ("NOT_NOTIFIABLE_LOCAL_REFERRAL", "CLOSED_NOT_NOTIFIABLE")


PUBLISHED = "publication_date IS NOT NULL AND archived_at IS NULL"
LIVE = "archived_at IS NULL"


class ReferenceCounter(Base):
    """The last number issued under each reference prefix ("CSPR-2026-"): one sequence per review type
    and referral year, so a new reference is one row's read and write however many cases there are,
    and a number once issued is never issued again (even after its case is disposed of)."""

    __tablename__ = "reference_counter"

    prefix: Mapped[str] = mapped_column(String(20), primary_key=True)
    last_number: Mapped[int]


class Case(Tracked, Archivable, Base):
    """One review. Its reference is generated on creation and never changes."""

    __tablename__ = "case"
    __table_args__ = (
        Index("ix_case_type_state", "review_type", "state"),
        # The home page's counts by type and state, read from the index alone.
        Index("ix_case_live_type_state", "review_type", "state", postgresql_where=text(LIVE), sqlite_where=text(LIVE)),
        UniqueConstraint("review_type", "external_reference"),
        Index("ix_case_referral_date", "referral_date", "id"),  # the cases list's default sort
        # The next reference is found by prefix (CSPR-2026-%): on PostgreSQL that needs pattern ordering.
        Index("ix_case_reference_prefix", "reference", postgresql_ops={"reference": "text_pattern_ops"}),
        Index("ix_case_planned_publication_date", "planned_publication_date", "id"),  # the publication list's sort
        # The public page's reviews: the few cases with a publication date.
        Index("ix_case_published", "publication_date", postgresql_where=text(PUBLISHED), sqlite_where=text(PUBLISHED)),
        *trigram_indexes("case", "reference", "subject_pseudonym", "external_reference"),
    )
    # Shown only to roles the policy allows to see restricted data; never listed or exported.
    # Ethnicity is special category data (UK GDPR art. 9).
    RESTRICTED = ("subject_legal_name", "subject_dob", "child_sex", "child_ethnicity", "referrer_email")

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    review_type: Mapped[ReviewType] = mapped_column(enum_type(ReviewType, 10))
    state: Mapped[str] = mapped_column(String(60))
    external_reference: Mapped[str | None] = mapped_column(String(60))
    subject_pseudonym: Mapped[str] = mapped_column(String(100))
    subject_legal_name: Mapped[str | None] = mapped_column(String(200))
    subject_dob: Mapped[date | None]
    incident_date: Mapped[date]
    aware_date: Mapped[date]
    referral_date: Mapped[date]
    referrer_name: Mapped[str | None] = mapped_column(String(200))
    referrer_role: Mapped[str | None] = mapped_column(String(200))
    referrer_email: Mapped[str | None] = mapped_column(String(254))  # to tell them the decision (s44 duty)
    referrer_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    concerns: Mapped[str | None] = mapped_column(LongText(NARRATIVE))
    is_restricted: Mapped[bool] = mapped_column(default=False)
    # The serious incident notification (CSPR): INCIDENT_FIELDS.
    child_care_status: Mapped[CareStatus | None] = mapped_column(enum_type(CareStatus, 20))
    child_protection_status: Mapped[ProtectionStatus | None] = mapped_column(enum_type(ProtectionStatus, 30))
    incident_nature: Mapped[IncidentNature | None] = mapped_column(enum_type(IncidentNature, 20))
    abuse_known: Mapped[AbuseKnown | None] = mapped_column(enum_type(AbuseKnown, 20))
    child_sex: Mapped[str | None] = mapped_column(String(30))
    child_ethnicity: Mapped[str | None] = mapped_column(String(100))
    la_of_residence: Mapped[str | None] = mapped_column(String(100))  # s16C(1): where the child lives
    la_of_incident: Mapped[str | None] = mapped_column(String(100))  # the LA that must notify
    other_children: Mapped[str | None] = mapped_column(LongText(NOTE))  # siblings, others in the household
    media_interest: Mapped[bool] = mapped_column(default=False)
    partners_told_date: Mapped[date | None]  # reported to the safeguarding partners
    # A rapid review converted into a local review: the local review's parent is the rapid review.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)

    # Dates and outcomes the lifecycle records; the statutory clock counts from them.
    acknowledged_date: Mapped[date | None]
    rr_sent_date: Mapped[date | None]
    panel_response_date: Mapped[date | None]
    panel_response: Mapped[PanelResponse | None] = mapped_column(enum_type(PanelResponse, 20))
    decision_date: Mapped[date | None]
    referrer_informed_date: Mapped[date | None]
    learning_retained: Mapped[str | None] = mapped_column(LongText(NARRATIVE))
    # The period the review looks at (its terms of reference): national SAR analyses find it missing.
    scope_from: Mapped[date | None]
    scope_to: Mapped[date | None]
    report_completed_date: Mapped[date | None]
    ho_qa_submitted_date: Mapped[date | None]
    ho_qa_outcome: Mapped[QaOutcome | None] = mapped_column(enum_type(QaOutcome, 10))
    ho_qa_letter_date: Mapped[date | None]
    planned_publication_date: Mapped[date | None]
    publication_date: Mapped[date | None]

    # The publication record (domain/publication.py decides when a review may be published).
    publication_decision: Mapped[PublicationDecision | None] = mapped_column(enum_type(PublicationDecision, 20))
    publication_reason: Mapped[str | None] = mapped_column(LongText(REASON))
    anonymised_title: Mapped[str | None] = mapped_column(String(200))
    embargo_until: Mapped[date | None]
    embargo_reason: Mapped[str | None] = mapped_column(LongText(REASON))
    online_until: Mapped[date | None]
    library_submitted_date: Mapped[date | None]
    library_reference: Mapped[str | None] = mapped_column(String(200))
    publication_approved_at: Mapped[datetime | None]
    publication_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    referrer_agency: Mapped[Agency | None] = relationship(lazy="joined")
    abuse_categories: Mapped[list[AbuseCategory]] = relationship(
        secondary=case_abuse_categories, lazy="selectin", order_by=AbuseCategory.name
    )
    themes: Mapped[list[Theme]] = relationship("Theme", secondary=case_themes, order_by="Theme.name")
    agency_links: Mapped[list[CaseAgency]] = relationship(
        back_populates="case", cascade="all, delete-orphan", lazy="selectin"
    )
    parent: Mapped[Case | None] = relationship(remote_side=[id], back_populates="children", lazy="select")
    children: Mapped[list[Case]] = relationship(back_populates="parent", lazy="select")
    timeline: Mapped[list["TransitionLog"]] = relationship(
        back_populates="case", order_by="TransitionLog.at", lazy="select"
    )
    notifications: Mapped[list["Notification"]] = relationship(
        back_populates="case", order_by="Notification.id", lazy="select"
    )
    holds: Mapped[list["Hold"]] = relationship(back_populates="case", order_by="Hold.start_date", lazy="select")
    decisions: Mapped[list["PanelDecision"]] = relationship(
        back_populates="case", order_by="PanelDecision.meeting_date", lazy="select"
    )
    documents: Mapped[list["PublishedDocument"]] = relationship(back_populates="case", lazy="select")
    family: Mapped[list["FamilyInvolvement"]] = relationship(
        back_populates="case", order_by="FamilyInvolvement.id", lazy="select"
    )
    appointments: Mapped[list["Appointment"]] = relationship(
        back_populates="case", order_by="Appointment.appointed_date", lazy="select"
    )
    contributions: Mapped[list["AgencyContribution"]] = relationship(
        back_populates="case", order_by="AgencyContribution.due_date", lazy="select"
    )
    deadlines: Mapped[list["Deadline"]] = relationship(
        back_populates="case", order_by="Deadline.due_date", lazy="select", cascade="all, delete-orphan"
    )

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        if self.review_type is not None and self.state is None:
            self.state = initial_state(self.review_type)

    @validates("reference")
    def _reference_is_permanent(self, key: str, value: str) -> str:
        if self.reference is not None and value != self.reference:
            raise ValueError("A case reference never changes.")
        return value

    @property
    def stage(self) -> str:
        """Which deadline rules apply. A CSPR is a rapid review, a local referral (not notifiable) or a
        local review converted from a rapid review; a SAR or DHR is a referral until the board has
        approved a decision to hold a review, and a review from then on."""
        if ReviewType(self.review_type) is ReviewType.CSPR:
            if self.parent_id or self.parent is not None:
                return "local_review"
            if self.state in NOT_NOTIFIABLE or any(entry.to_state in NOT_NOTIFIABLE for entry in self.timeline):
                return "local_referral"
            return "rapid_review"
        commissioned = any(str(d.outcome) == "review_commissioned" for d in self.approved_decisions())
        return "review" if commissioned else "referral"

    @property
    def looked_after_death_aware(self) -> date | None:
        """When the partnership learned of the death of a looked-after child, which the Secretary of State
        and Ofsted are told of whether or not abuse or neglect is known or suspected; else None."""
        died = str(self.incident_nature) == IncidentNature.DEATH and str(self.child_care_status) == CareStatus.LOOKED_AFTER
        return self.aware_date if died and ReviewType(self.review_type) is ReviewType.CSPR else None

    def is_dardr(self, dardr_from: str | None) -> bool:
        """A DHR notified on or after DARDRs came into force (Victims and Prisoners Act 2024 s19,
        commenced on `dardr_from`) is a Domestic Abuse Related Death Review."""
        return (ReviewType(self.review_type) is ReviewType.DHR and bool(dardr_from)
                and self.referral_date >= date.fromisoformat(dardr_from))

    def approved_decisions(self) -> list:
        """The panel decisions the board has approved that are still on record, in the order made."""
        return [d for d in self.decisions if d.archived_at is None and str(d.approval_status) == "approved"]

    def notification(self, key: str):
        """The notification `key` names ("recipient:purpose"), sent or only expected, if there is one."""
        recipient, purpose = notice_key(key)
        return next((n for n in self.notifications if str(n.recipient) == recipient and n.purpose == purpose), None)

    def sent_on(self, key: str) -> date | None:
        """The first date the notification `key` names was sent (archived ones do not count), if it was."""
        recipient, purpose = notice_key(key)
        sent = [n.sent_date for n in self.notifications
                if str(n.recipient) == recipient and n.purpose == purpose and n.sent_date and n.archived_at is None]
        return min(sent) if sent else None

    @property
    def state_label(self) -> str:
        return state_label(self.review_type, self.state)

    def __str__(self) -> str:
        return f"{self.reference} {self.subject_pseudonym}" if self.reference else self.subject_pseudonym

    # What naming a case takes (above), and what a list of its records reads of it; its review type
    # and archive mark say who may see it.
    NAMED_BY = ("reference", "subject_pseudonym", "review_type", "archived_at", "version")


def notice_key(key: str) -> tuple[str, str]:
    """(recipient, purpose) from "recipient:purpose" (or a deadline rule's "notification:recipient:purpose")."""
    recipient, purpose = key.removeprefix("notification:").split(":")
    return recipient, purpose


class CaseAgency(Base):
    """An agency involved in a case, and its role in it."""

    __tablename__ = "case_agency"
    __table_args__ = (UniqueConstraint("case_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    role: Mapped[AgencyRole] = mapped_column(enum_type(AgencyRole, 20), default=AgencyRole.CONTRIBUTING)

    case: Mapped[Case] = relationship(back_populates="agency_links")
    agency: Mapped[Agency] = relationship(lazy="joined")

    def __str__(self) -> str:
        return f"{self.agency} ({AgencyRole(self.role).label.lower()})"
