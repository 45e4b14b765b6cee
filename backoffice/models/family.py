"""Family members and friends invited to contribute to a review."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Archivable, Base, Tracked, enum_type
from backoffice.models.case import Case


class EngagementStatus(StrEnum):
    NOT_YET_INVITED = "not_yet_invited"
    INVITED = "invited"
    ENGAGED = "engaged"
    DECLINED = "declined"
    NOT_CONTACTABLE = "not_contactable"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class FamilyInvolvement(Tracked, Archivable, Base):
    """One family member's or friend's involvement in a review."""

    __tablename__ = "family_involvement"
    RESTRICTED = ("name", "contact_details")

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    relationship_to_subject: Mapped[str] = mapped_column(String(100))
    name: Mapped[str | None] = mapped_column(String(200))
    contact_details: Mapped[str | None] = mapped_column(Text)
    invited_date: Mapped[date | None]
    advocacy_offered: Mapped[bool] = mapped_column(default=False)
    advocacy_provider: Mapped[str | None] = mapped_column(String(200))
    engagement_status: Mapped[EngagementStatus] = mapped_column(
        enum_type(EngagementStatus, 20), default=EngagementStatus.NOT_YET_INVITED
    )
    do_not_contact: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(lazy="joined")

    def __str__(self) -> str:
        return f"{self.relationship_to_subject} ({self.case.reference if self.case else 'new'})"
