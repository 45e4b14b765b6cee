"""The rules of meetings: whether one was quorate, what may be on its agenda, who may read its papers,
and how a decision links to the meeting where it was made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from backoffice.models import Agency, AgencyType, DocumentStatus, PanelDecision, PublishedDocument
from backoffice.models.meeting import Attendance, Meeting, MeetingType
from backoffice.policy import RoleName, Stream
from backoffice.vocabulary import ReviewType


@dataclass(frozen=True)
class Quorum:
    """Whether a meeting was quorate, and if not, what it lacked (in words for the page)."""

    met: bool
    present: int
    needed: int
    missing: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        if self.met:
            return f"Quorate: {self.present} members present (at least {self.needed} needed)."
        return "Not quorate: " + "; ".join(self.missing) + "."


def required_agency_types(meeting_type: MeetingType) -> list[AgencyType]:
    """The agency types a meeting of this type needs present, in the order the rule names them."""
    return [AgencyType(t) for t in (meeting_type.quorum_agency_types or "").split(",") if t]


def quorum(meeting: Meeting) -> Quorum:
    """The quorum of `meeting` by its type's rule: enough members attended, one from each named agency type.
    Apologies do not count."""
    rule = meeting.meeting_type
    present = [a for a in meeting.attendees if Attendance(a.attendance) is Attendance.ATTENDED]
    types_present = {_type_of(a.agency) for a in present if a.agency is not None}
    missing = []
    if len(present) < rule.quorum_minimum:
        missing.append(f"{len(present)} of the {rule.quorum_minimum} members needed attended")
    missing += [f"nobody from {t.label.lower() if t is not AgencyType.ICB else t.label}"
                for t in required_agency_types(rule) if t not in types_present]
    return Quorum(not missing, len(present), rule.quorum_minimum, tuple(missing))


def _type_of(agency: Agency) -> AgencyType:
    return AgencyType(agency.agency_type)


def stream_key(streams) -> str:
    """Streams as a meeting holds them: sorted, comma-joined (the audit trail's form)."""
    return ",".join(sorted({str(getattr(s, "value", s)) for s in streams}))


def meeting_errors(meeting: Meeting) -> dict[str, str]:
    """What is wrong with a meeting as entered, by field."""
    errors: dict[str, str] = {}
    if not meeting.stream_set:
        errors["streams"] = "Choose the review stream or streams the meeting is for."
    cases = [item.case for item in meeting.agenda if item.case is not None]
    outside = [c.reference for c in cases if ReviewType(c.review_type).stream not in meeting.stream_set]
    if outside and "streams" not in errors:
        errors["agenda"] = f"{', '.join(outside)} is not in the meeting's streams: add the stream or take it off."
    if len({c.id for c in cases}) < len(cases):
        errors["agenda"] = "A case is on the agenda twice: list each case once."
    unnamed = [a for a in meeting.attendees if not (a.person_name or "").strip()]
    if unnamed:
        errors["attendees"] = "Give each attendee's name."
    return errors


def papers_readable_by(meeting: Meeting) -> frozenset[RoleName]:
    """The roles that may read a meeting's papers: those its members attend in, and business support,
    who produce them."""
    return frozenset({RoleName.BUSINESS_SUPPORT, *(RoleName(a.member_role) for a in meeting.attendees)})


def may_read_papers(meeting: Meeting, roles: frozenset[RoleName], streams: frozenset[Stream]) -> bool:
    """Whether someone with `roles` in `streams` may read the meeting's papers."""
    return bool(roles & papers_readable_by(meeting)) and bool(streams & meeting.stream_set)


def pack_list(session: Session, case_ids: list[int]) -> dict[int, list[PublishedDocument]]:
    """Each case's current documents for the members' pack (not archived, not withdrawn), by case."""
    if not case_ids:
        return {}
    documents = session.query(PublishedDocument).filter(
        PublishedDocument.case_id.in_(case_ids), PublishedDocument.archived_at.is_(None),
        PublishedDocument.status != DocumentStatus.WITHDRAWN,
    ).order_by(PublishedDocument.case_id, PublishedDocument.document_type, PublishedDocument.title).all()
    packs: dict[int, list[PublishedDocument]] = {case_id: [] for case_id in case_ids}
    for document in documents:
        packs[document.case_id].append(document)
    return packs


def decision_meeting_errors(decision: PanelDecision) -> dict[str, str]:
    """A decision made at a meeting: its case was on the agenda, and its date is the meeting's."""
    meeting = decision.meeting
    if meeting is None:
        return {}
    errors = {}
    if decision.case is not None and decision.case not in [item.case for item in meeting.agenda]:
        errors["meeting"] = f"{decision.case.reference} was not on that meeting's agenda: add it there first."
    if decision.meeting_date is not None and decision.meeting_date != meeting.held_on:
        errors["meeting_date"] = f"The meeting was held on {meeting.held_on:%d %B %Y}: give that date."
    return errors


def held_by(meeting: Meeting, today: date) -> bool:
    """Whether the meeting has taken place (so its attendance and quorum are settled)."""
    return meeting.held_on <= today
