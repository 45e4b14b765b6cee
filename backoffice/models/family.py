"""Family members and friends invited to contribute to a review, and each contact with them."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Archivable, Base, LongText, NARRATIVE, NOTE, REASON, Tracked, enum_type
from backoffice.models.case import Case


def _sentence(value: str) -> str:
    return value.replace("_", " ").capitalize()


class EngagementStatus(StrEnum):
    """Where a family member's involvement stands; derived from their engagement events."""

    NOT_YET_INVITED = "not_yet_invited"
    INVITED = "invited"
    ENGAGED = "engaged"
    DECLINED = "declined"
    NOT_CONTACTABLE = "not_contactable"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return _sentence(self.value)


class FamilySide(StrEnum):
    """For a DHR: whose family or friends they are."""

    VICTIM = "victim"
    PERPETRATOR = "perpetrator"

    @property
    def label(self) -> str:
        return {"victim": "Victim's family or friends", "perpetrator": "Perpetrator's family or friends"}[self.value]


class EventType(StrEnum):
    """What happened in a family member's involvement (domain-reference 2.6)."""

    INVITATION = "invitation"
    CONTACT_ATTEMPT = "contact_attempt"
    ADVOCACY_OFFERED = "advocacy_offered"
    ADVOCATE_ASSIGNED = "advocate_assigned"
    CONSENT_GIVEN = "consent_given"
    MEETING_ATTENDED = "meeting_attended"
    MEETING_NOT_ATTENDED = "meeting_not_attended"
    TERMS_OF_REFERENCE_SHARED = "terms_of_reference_shared"
    DRAFT_REPORT_SHARED = "draft_report_shared"
    COMMENTS_RECEIVED = "comments_received"
    PSEUDONYM_AGREED = "pseudonym_agreed"
    TRIBUTE_RECEIVED = "tribute_received"
    TOLD_PUBLICATION_DATE = "told_publication_date"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            "invitation": "Invited to contribute",
            "contact_attempt": "Contact attempt",
            "advocacy_offered": "Advocacy offered",
            "advocate_assigned": "Advocate assigned",
            "consent_given": "Agreed to take part",
            "meeting_attended": "Meeting attended",
            "meeting_not_attended": "Meeting not attended",
            "terms_of_reference_shared": "Terms of reference shared",
            "draft_report_shared": "Draft report shared",
            "comments_received": "Comments received",
            "pseudonym_agreed": "Pseudonym agreed",
            "tribute_received": "Tribute received",
            "told_publication_date": "Told the publication date",
            "declined": "Declined to take part",
            "withdrawn": "Withdrew from the review",
        }[self.value]


class ContactChannel(StrEnum):
    LETTER = "letter"
    EMAIL = "email"
    PHONE = "phone"
    TEXT_MESSAGE = "text_message"
    IN_PERSON = "in_person"
    VIDEO_CALL = "video_call"
    VIA_ADVOCATE = "via_advocate"
    VIA_FAMILY_LIAISON_OFFICER = "via_family_liaison_officer"

    @property
    def label(self) -> str:
        return _sentence(self.value)


class ContactOutcome(StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    MESSAGE_LEFT = "message_left"
    UNDELIVERED = "undelivered"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return _sentence(self.value)


class FamilyInvolvement(Tracked, Archivable, Base):
    """One family member's or friend's involvement in a review. The invitation date, advocacy and
    status are summaries of their engagement events (domain/family.py keeps them in step)."""

    __tablename__ = "family_involvement"
    RESTRICTED = ("name", "contact_details")

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    relationship_to_subject: Mapped[str] = mapped_column(String(100))
    side: Mapped[FamilySide | None] = mapped_column(enum_type(FamilySide, 20))
    name: Mapped[str | None] = mapped_column(String(200))
    contact_details: Mapped[str | None] = mapped_column(LongText(NOTE))
    preferred_language: Mapped[str | None] = mapped_column(String(100))
    interpreter_needed: Mapped[bool] = mapped_column(default=False)
    accessibility_needs: Mapped[str | None] = mapped_column(LongText(NOTE))
    safety_notes: Mapped[str | None] = mapped_column(LongText(NOTE))
    do_not_contact: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(LongText(NARRATIVE))
    invited_date: Mapped[date | None]
    advocacy_offered: Mapped[bool] = mapped_column(default=False)
    advocacy_provider: Mapped[str | None] = mapped_column(String(200))
    engagement_status: Mapped[EngagementStatus] = mapped_column(
        enum_type(EngagementStatus, 20), default=EngagementStatus.NOT_YET_INVITED
    )
    told_publication_date: Mapped[date | None]

    case: Mapped[Case] = relationship(lazy="joined", back_populates="family")
    events: Mapped[list[FamilyEvent]] = relationship(
        back_populates="member", order_by="(FamilyEvent.event_date, FamilyEvent.id)", lazy="select"
    )

    def __str__(self) -> str:
        return f"{self.relationship_to_subject} ({self.case.reference if self.case else 'new'})"


class FamilyEvent(Tracked, Archivable, Base):
    """One step of a family member's involvement: an invitation, a contact attempt, a meeting..."""

    __tablename__ = "family_event"
    __table_args__ = (
        Index("ix_family_event_member_date", "family_id", "event_date"),
        Index("ix_family_event_event_date", "event_date", "id"),  # the list's default sort
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family_involvement.id"))
    event_type: Mapped[EventType] = mapped_column(enum_type(EventType, 30))
    event_date: Mapped[date]
    channel: Mapped[ContactChannel | None] = mapped_column(enum_type(ContactChannel, 30))
    outcome: Mapped[ContactOutcome | None] = mapped_column(enum_type(ContactOutcome, 20))
    advocate_organisation: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(LongText(REASON))
    support_offered: Mapped[str | None] = mapped_column(LongText(NOTE))
    note: Mapped[str | None] = mapped_column(LongText(NOTE))

    member: Mapped[FamilyInvolvement] = relationship(back_populates="events", lazy="joined")

    @property
    def case(self) -> Case | None:
        return self.member.case if self.member else None

    def __str__(self) -> str:
        return f"{EventType(self.event_type).label} ({self.event_date:%d %b %Y})" if self.event_date else "Event"
