"""Panel and partnership meetings: their type and its quorum rule, the agenda of cases, who attended
or sent apologies, the conflicts of interest declared on each case, and the minutes."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.agency import Agency
from backoffice.models.base import Archivable, Base, LongText, NOTE, Tracked, enum_type
from backoffice.models.case import Case
from backoffice.models.document import PublishedDocument
from backoffice.policy import RoleName, Stream


class Attendance(StrEnum):
    ATTENDED = "attended"
    APOLOGIES = "apologies"

    @property
    def label(self) -> str:
        return {"apologies": "Sent apologies"}[self.value] if self is Attendance.APOLOGIES else "Attended"


# The roles a member attends in: a meeting's papers are readable by these roles of its attendees only.
MEMBER_ROLES = (RoleName.PANEL, RoleName.BOARD, RoleName.BUSINESS_SUPPORT)


class MeetingType(Tracked, Base):
    """A kind of meeting (rapid review panel, SAR review panel, ...) and the quorum it needs: at least
    `quorum_minimum` members attending, among them someone from each agency type it names. Reference
    data, kept by admins; most quorum rules are local practice, so each names its source."""

    __tablename__ = "meeting_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    quorum_minimum: Mapped[int] = mapped_column(default=1)
    # AgencyType values, comma-joined: each must be present (e.g. the three safeguarding partners).
    quorum_agency_types: Mapped[str | None] = mapped_column(String(300))
    quorum_rule: Mapped[str] = mapped_column(LongText(NOTE))
    source: Mapped[str | None] = mapped_column(LongText(NOTE))
    active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.name


class Meeting(Tracked, Archivable, Base):
    """One meeting on one date, for one or more review streams."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_type_id: Mapped[int] = mapped_column(ForeignKey("meeting_type.id"), index=True)
    held_on: Mapped[date] = mapped_column(index=True)
    # Stream values, sorted and comma-joined (as the audit trail's `streams` column holds them).
    streams: Mapped[str] = mapped_column(String(60))
    location: Mapped[str | None] = mapped_column(String(200))
    minutes_id: Mapped[int | None] = mapped_column(ForeignKey("published_document.id"))
    note: Mapped[str | None] = mapped_column(LongText(NOTE))

    meeting_type: Mapped[MeetingType] = relationship(lazy="joined")
    minutes: Mapped[PublishedDocument | None] = relationship()
    agenda: Mapped[list[AgendaItem]] = relationship(back_populates="meeting", order_by="AgendaItem.position",
                                                    cascade="all, delete-orphan")
    attendees: Mapped[list[Attendee]] = relationship(back_populates="meeting", order_by="Attendee.id",
                                                     cascade="all, delete-orphan")

    @property
    def stream_set(self) -> frozenset[Stream]:
        return frozenset(Stream(s) for s in (self.streams or "").split(",") if s)

    @property
    def audit_streams(self) -> str | None:
        """Its events are shown to readers of all its streams (domain/audit.py)."""
        return self.streams or None

    def __str__(self) -> str:
        kind = self.meeting_type.name if self.meeting_type else "Meeting"
        return f"{kind}, {self.held_on:%d %b %Y}" if self.held_on else kind


class AgendaItem(Base):
    """A case on a meeting's agenda, in order."""

    __tablename__ = "agenda_item"
    __table_args__ = (UniqueConstraint("meeting_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    purpose: Mapped[str | None] = mapped_column(String(300))

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")
    case: Mapped[Case] = relationship(lazy="joined")

    def __str__(self) -> str:
        return str(self.case) if self.case else "Agenda item"


class Attendee(Base):
    """A member invited to a meeting (a person and their agency; no account needed), and whether they
    attended or sent apologies."""

    __tablename__ = "attendee"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    person_name: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    member_role: Mapped[RoleName] = mapped_column(enum_type(RoleName, 30), default=RoleName.PANEL)
    attendance: Mapped[Attendance] = mapped_column(enum_type(Attendance, 20), default=Attendance.ATTENDED)

    meeting: Mapped[Meeting] = relationship(back_populates="attendees")
    agency: Mapped[Agency | None] = relationship(lazy="joined")

    @property
    def audit_streams(self) -> str | None:
        return self.meeting.streams if self.meeting is not None else None

    def __str__(self) -> str:
        return f"{self.person_name} ({self.agency})" if self.agency else self.person_name


class ConflictDeclaration(Tracked, Archivable, Base):
    """A conflict of interest declared at a meeting on one case on its agenda, and how it was handled."""

    __tablename__ = "conflict_declaration"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    person_name: Mapped[str] = mapped_column(String(200))
    interest: Mapped[str] = mapped_column(LongText(NOTE))
    handling: Mapped[str] = mapped_column(LongText(NOTE))

    meeting: Mapped[Meeting] = relationship(lazy="joined")
    case: Mapped[Case] = relationship(lazy="joined")

    def __str__(self) -> str:
        return f"{self.person_name}: {self.case}" if self.case else self.person_name
