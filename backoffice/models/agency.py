"""Agencies that take part in reviews (police, social care, health, ...)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Base, LongText, NOTE, Tracked, enum_type


class AgencyType(StrEnum):
    POLICE = "police"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    ADULT_SOCIAL_CARE = "adult_social_care"
    ICB = "icb"
    NHS_TRUST = "nhs_trust"
    GP = "gp"
    AMBULANCE = "ambulance"
    EDUCATION = "education"
    PROBATION = "probation"
    HOUSING = "housing"
    SUBSTANCE_MISUSE = "substance_misuse"
    DOMESTIC_ABUSE_SERVICE = "domestic_abuse_service"
    VOLUNTARY = "voluntary"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "icb": "Integrated Care Board",
            "nhs_trust": "NHS trust",
            "gp": "GP practice",
            "childrens_social_care": "Children's social care",
        }.get(self.value, self.value.replace("_", " ").capitalize())


class Agency(Tracked, Base):
    """An organisation; deactivated rather than deleted, because old cases still name it."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    agency_type: Mapped[AgencyType] = mapped_column(enum_type(AgencyType))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    is_statutory_partner: Mapped[bool] = mapped_column(default=False)
    safeguarding_lead: Mapped[str | None] = mapped_column(String(200))
    safeguarding_lead_contact: Mapped[str | None] = mapped_column(LongText(NOTE))
    # Where requests for information, reminders and chases about contributions are emailed.
    safeguarding_lead_email: Mapped[str | None] = mapped_column(String(254))
    active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Agency | None] = relationship(remote_side=[id], lazy="joined", join_depth=1)

    def __str__(self) -> str:
        return self.name
