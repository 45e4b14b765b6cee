"""How a family member's involvement follows from their engagement events, in date order."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from backoffice.domain.family import still_to_tell, summarise
from backoffice.models import ContactOutcome, EngagementStatus, EventType, FamilyEvent, FamilyInvolvement

E, S = EventType, EngagementStatus
DAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


def member_after(*steps, **member_fields) -> FamilyInvolvement:
    """A member whose events are `steps`: (days after DAY, event type[, fields]) in any order."""
    member = FamilyInvolvement(relationship_to_subject="Sister", do_not_contact=False, **member_fields)
    events = []
    for number, (days, kind, *fields) in enumerate(steps, start=1):
        events.append(FamilyEvent(id=number, event_type=kind, event_date=DAY + timedelta(days=days), **(fields[0] if fields else {})))
    summarise(member, events)
    return member


@pytest.mark.parametrize(
    ("steps", "status"),
    [
        ((), S.NOT_YET_INVITED),
        (((0, E.INVITATION),), S.INVITED),
        (((0, E.INVITATION), (9, E.MEETING_ATTENDED)), S.ENGAGED),
        (((9, E.MEETING_ATTENDED), (0, E.INVITATION)), S.ENGAGED),  # logged late, still in date order
        (((0, E.INVITATION), (5, E.DECLINED)), S.DECLINED),
        (((0, E.INVITATION), (5, E.DECLINED), (40, E.COMMENTS_RECEIVED)), S.ENGAGED),  # changed their mind
        (((0, E.INVITATION), (5, E.CONSENT_GIVEN), (60, E.WITHDRAWN)), S.WITHDRAWN),
        (((0, E.INVITATION), (9, E.MEETING_NOT_ATTENDED)), S.INVITED),  # not attending is not declining
    ],
)
def test_the_status_follows_the_latest_answer(steps, status):
    assert member_after(*steps).engagement_status == status


def test_two_failed_contact_attempts_in_a_row_make_someone_not_contactable_until_one_reaches_them():
    failed = {"outcome": ContactOutcome.NO_ANSWER}
    reached = {"outcome": ContactOutcome.REACHED}

    once = member_after((0, E.INVITATION), (5, E.CONTACT_ATTEMPT, failed))
    twice = member_after((0, E.INVITATION), (5, E.CONTACT_ATTEMPT, failed), (9, E.CONTACT_ATTEMPT, failed))
    then_reached = member_after(
        (0, E.INVITATION), (5, E.CONTACT_ATTEMPT, failed), (9, E.CONTACT_ATTEMPT, failed), (12, E.CONTACT_ATTEMPT, reached)
    )

    assert once.engagement_status == S.INVITED
    assert twice.engagement_status == S.NOT_CONTACTABLE
    assert then_reached.engagement_status == S.INVITED


def test_invitation_advocacy_and_told_dates_are_summarised():
    member = member_after(
        (3, E.INVITATION), (20, E.INVITATION), (10, E.ADVOCACY_OFFERED, {"advocate_organisation": "AAFDA"}),
        (90, E.TOLD_PUBLICATION_DATE),
    )

    assert member.invited_date == DAY + timedelta(days=3)  # the first invitation
    assert (member.advocacy_offered, member.advocacy_provider) == (True, "AAFDA")
    assert member.told_publication_date == DAY + timedelta(days=90)


def test_an_archived_event_no_longer_counts():
    member = FamilyInvolvement(relationship_to_subject="Son")
    declined = FamilyEvent(id=2, event_type=E.DECLINED, event_date=DAY, archived_at=NOW, reason="Wrong person")
    summarise(member, [FamilyEvent(id=1, event_type=E.INVITATION, event_date=DAY), declined])

    assert member.engagement_status == S.INVITED


def test_those_still_to_be_told_the_publication_date_are_everyone_taking_part_who_may_be_contacted():
    told = member_after((0, E.INVITATION), (30, E.TOLD_PUBLICATION_DATE))
    waiting = member_after((0, E.INVITATION), (5, E.CONSENT_GIVEN))
    declined = member_after((0, E.INVITATION), (5, E.DECLINED, {"reason": "Too painful"}))
    never_invited = member_after()
    barred = member_after((0, E.INVITATION))
    barred.do_not_contact = True

    assert still_to_tell([told, waiting, declined, never_invited, barred]) == [waiting]
