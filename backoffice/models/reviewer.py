"""The independent people a review is run by: its chair, lead reviewer and author."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Archivable, Base, LongText, NOTE, Tracked, enum_type
from backoffice.models.case import Case


class AppointmentRole(StrEnum):
    INDEPENDENT_CHAIR = "independent_chair"
    LEAD_REVIEWER = "lead_reviewer"
    AUTHOR = "author"
    PANEL_MEMBER = "panel_member"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# Who leads a review, first match first (the case page names them).
LEADS = (AppointmentRole.LEAD_REVIEWER, AppointmentRole.INDEPENDENT_CHAIR)


class Appointment(Tracked, Archivable, Base):
    """Someone appointed to a review (no account needed): their role, organisation and accreditation,
    the term of their contract, and the conflicts of interest they declared."""

    __tablename__ = "appointment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    person_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[AppointmentRole] = mapped_column(enum_type(AppointmentRole, 30))
    organisation: Mapped[str | None] = mapped_column(String(200))
    accreditation: Mapped[str | None] = mapped_column(String(200))
    appointed_date: Mapped[date]
    contract_end: Mapped[date | None]
    conflict_declaration: Mapped[str] = mapped_column(LongText(NOTE))
    note: Mapped[str | None] = mapped_column(LongText(NOTE))

    case: Mapped[Case] = relationship(lazy="joined", back_populates="appointments")

    def __str__(self) -> str:
        role = AppointmentRole(self.role).label if self.role else "Appointed"
        return f"{self.person_name} ({role.lower()}{', ' + self.organisation if self.organisation else ''})"
