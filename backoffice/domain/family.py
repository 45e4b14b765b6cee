"""Family involvement as the guidance expects (domain-reference 2.6): what each engagement event
must record, which events are contact (never logged for someone marked do-not-contact), and how a
family member's status follows from their events.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from backoffice.domain.states import Guard, Move, blocked, open_from
from backoffice.models.family import ContactOutcome, EngagementStatus, EventType, FamilyEvent, FamilyInvolvement

E = EventType

# Events in which the partnership reaches out to the person: refused for anyone marked do-not-contact.
CONTACT = frozenset({
    E.INVITATION, E.CONTACT_ATTEMPT, E.ADVOCACY_OFFERED, E.MEETING_ATTENDED, E.MEETING_NOT_ATTENDED,
    E.TERMS_OF_REFERENCE_SHARED, E.DRAFT_REPORT_SHARED, E.TOLD_PUBLICATION_DATE,
})

# What each event must record besides its date: field -> the message when it is missing.
REQUIRED: dict[EventType, dict[str, str]] = {
    E.CONTACT_ATTEMPT: {
        "channel": "Say how contact was attempted.",
        "outcome": "Record the outcome of the attempt.",
    },
    E.INVITATION: {"channel": "Say how the invitation was sent."},
    E.ADVOCACY_OFFERED: {"advocate_organisation": "Say who offered advocacy (for a DHR family, e.g. AAFDA)."},
    E.ADVOCATE_ASSIGNED: {"advocate_organisation": "Name the advocate's organisation."},
    # Rethinking "did not attend": why, and what support was offered, not just that they were absent.
    E.MEETING_NOT_ATTENDED: {
        "reason": "Record why the meeting was not attended (or what was done to find out).",
        "support_offered": "Record what support was offered to make attending possible.",
    },
    E.DECLINED: {"reason": "Record the reason given for declining, or that none was given."},
}

REACHED = frozenset({ContactOutcome.REACHED, ContactOutcome.REFUSED})  # refused: reached, and said no
UNREACHABLE_AFTER = 2  # failed attempts in a row after which someone counts as not contactable

# Events that show the person is taking part in the review.
ENGAGING = frozenset({
    E.CONSENT_GIVEN, E.MEETING_ATTENDED, E.COMMENTS_RECEIVED, E.PSEUDONYM_AGREED, E.TRIBUTE_RECEIVED,
})


def event_errors(member: FamilyInvolvement | None, event: FamilyEvent, today: date) -> dict[str, str]:
    """What is wrong with an engagement event about to be recorded for `member`."""
    errors: dict[str, str] = {}
    kind = event.event_type
    when = event.event_date
    if when is not None and when > today:
        errors["event_date"] = "The date of the event cannot be in the future."
    if kind is None:
        return errors
    kind = EventType(kind)
    if member is not None and member.do_not_contact and kind in CONTACT:
        errors["event_type"] = (
            f"This person is marked do not contact: '{kind.label}' cannot be recorded. "
            "Remove the flag first if it no longer applies, with the reason in the notes."
        )
    for field, message in REQUIRED.get(kind, {}).items():
        value = getattr(event, field)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[field] = message
    return errors


S = EngagementStatus


def _unreachable(failed_in_a_row: int) -> str | None:
    return None if failed_in_a_row >= UNREACHABLE_AFTER else "still trying"


def _reached(failed_in_a_row: int) -> str | None:
    return None if failed_in_a_row == 0 else "not reached"


# How each kind of event moves a member's engagement status (from the states it lists; from any other
# it leaves the status as it is). Guards are asked of the number of failed contact attempts in a row.
ENGAGEMENT_MOVES: dict[EventType, tuple[Move, ...]] = {
    E.INVITATION: (Move("invited", "Invited", (S.NOT_YET_INVITED,), S.INVITED),),
    E.CONTACT_ATTEMPT: (
        Move("unreachable", "Not contactable", (S.NOT_YET_INVITED, S.INVITED), S.NOT_CONTACTABLE,
             (Guard(("failed_attempts", UNREACHABLE_AFTER), _unreachable),)),
        Move("reached", "Reached again", (S.NOT_CONTACTABLE,), S.INVITED, (Guard(("reached",), _reached),)),
    ),
    **{kind: (Move("engaged", "Engaged", tuple(S), S.ENGAGED),) for kind in ENGAGING},
    E.DECLINED: (Move("declined", "Declined", tuple(S), S.DECLINED),),
    E.WITHDRAWN: (Move("withdrew", "Withdrawn", tuple(S), S.WITHDRAWN),),
}


def status_after(status: EngagementStatus, kind: EventType, failed_in_a_row: int) -> EngagementStatus:
    """The engagement status after an event of this kind: the first of its moves that leaves `status`
    and whose guard holds, or `status` unchanged."""
    moves = open_from(ENGAGEMENT_MOVES.get(kind, ()), status)
    return next((move.target for move in moves if blocked(move, failed_in_a_row) is None), status)


def summarise(member: FamilyInvolvement, events: list[FamilyEvent]) -> None:
    """Bring the member's invitation date, advocacy, status and told-the-date summary in line with
    their (unarchived) events, taken in date order."""
    live = sorted((e for e in events if e.archived_at is None), key=lambda e: (e.event_date, e.id or 0))
    status = S.NOT_YET_INVITED
    invited = told = offered_by = None
    offered = False
    failed = 0  # contact attempts in a row that did not reach the person
    for e in live:
        kind = EventType(e.event_type)
        if kind is E.CONTACT_ATTEMPT:
            failed = 0 if e.outcome is None or ContactOutcome(e.outcome) in REACHED else failed + 1
        status = status_after(status, kind, failed)
        if kind is E.INVITATION:
            invited = invited or e.event_date
        elif kind in (E.ADVOCACY_OFFERED, E.ADVOCATE_ASSIGNED):
            offered = True
            offered_by = e.advocate_organisation or offered_by
        elif kind is E.TOLD_PUBLICATION_DATE:
            told = e.event_date
    member.invited_date = invited
    member.advocacy_offered = offered
    member.advocacy_provider = offered_by
    member.engagement_status = status
    member.told_publication_date = told


TAKING_PART = frozenset({EngagementStatus.INVITED, EngagementStatus.ENGAGED})


def still_to_tell(members: list[FamilyInvolvement]) -> list[FamilyInvolvement]:
    """Family members taking part who have not been told the publication date: everyone invited or
    engaged, who has not declined or withdrawn and may be contacted."""
    return [
        m for m in members
        if m.archived_at is None and not m.do_not_contact
        and EngagementStatus(m.engagement_status) in TAKING_PART and m.told_publication_date is None
    ]


def summary(members: list[FamilyInvolvement], dhr: bool = False) -> dict:
    """What the case page says about the family: how many were invited, are engaged, and (of those
    taking part) have been told the publication date; for a DHR, who has not been offered advocacy
    (the chair offers specialist advocacy, such as AAFDA, at the first meeting)."""
    current = [m for m in members if m.archived_at is None]
    taking_part = [m for m in current if EngagementStatus(m.engagement_status) in TAKING_PART]
    return {
        "advocacy_due": [m for m in taking_part if dhr and not m.advocacy_offered],
        "members": current,
        "invited": sum(m.invited_date is not None for m in current),
        "engaged": sum(EngagementStatus(m.engagement_status) is EngagementStatus.ENGAGED for m in current),
        "told": sum(m.told_publication_date is not None for m in taking_part),
        "taking_part": len(taking_part),
    }


def summarise_changed_members(session: Session) -> None:
    """Whatever path records an event (a form, the demo, a script), the member's summary follows."""
    changed = {id(o.member): o.member for o in (*session.new, *session.dirty)
               if isinstance(o, FamilyEvent) and o.member is not None}
    with session.no_autoflush:
        for member in changed.values():
            pending = [o for o in session.new if isinstance(o, FamilyEvent) and o.member is member]
            summarise(member, list({id(e): e for e in [*member.events, *pending]}.values()))
