"""Family engagement as a timeline: business support log each invitation, contact attempt, meeting,
report shared and answer; the member's status follows; do-not-contact blocks any contact being logged;
the case page says who has been invited, who is engaged and who has been told the publication date.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from backoffice.domain.family import CONTACT
from backoffice.models import EngagementStatus, EventType, FamilyEvent
from tests import factories
from tests.helpers import count, page_text, reload, text, tomorrow
from tests.html_pages import list_items

CREATE = "/admin/family_event/new/"
DAY = date(2026, 2, 2)


def log_event(signed_in, member, event_type: EventType, on: date = DAY, **fields):
    data = {"member": str(member.id), "event_type": event_type.value, "event_date": on.isoformat(), **fields}
    return signed_in.post(CREATE, data=data)


def timeline(signed_in, member) -> list[str]:
    return list_items(signed_in.get(f"/admin/family/details/?id={member.id}"), "family-timeline")


@pytest.fixture
def member(session):
    return factories.FamilyFactory(
        relationship_to_subject="Aunt", engagement_status=EngagementStatus.NOT_YET_INVITED, invited_date=None
    )


def test_an_invitation_is_logged_and_the_member_counts_as_invited(app, session, login_as, member):
    signed_in = login_as("business_support")

    response = log_event(signed_in, member, EventType.INVITATION, channel="letter", note="First letter and leaflet.")

    assert response.status_code == 302, page_text(response)[:2000]
    member = reload(session, member)
    assert member.engagement_status == EngagementStatus.INVITED
    assert member.invited_date == DAY
    assert timeline(signed_in, member) == ["02 Feb 2026 · Letter Invited to contribute First letter and leaflet."]
    event = session.scalars(select(FamilyEvent)).one()
    assert event.created_by_id == signed_in.user.id


def test_the_timeline_runs_in_date_order_whatever_order_events_were_logged(app, session, login_as, member):
    signed_in = login_as("business_support")
    log_event(signed_in, member, EventType.MEETING_ATTENDED, DAY + timedelta(days=20), channel="in_person")
    log_event(signed_in, member, EventType.INVITATION, DAY, channel="letter")
    log_event(signed_in, member, EventType.ADVOCACY_OFFERED, DAY + timedelta(days=20), advocate_organisation="AAFDA")
    log_event(signed_in, member, EventType.CONTACT_ATTEMPT, DAY + timedelta(days=5), channel="phone", outcome="no_answer")

    assert timeline(signed_in, member) == [
        "02 Feb 2026 · Letter Invited to contribute",
        "07 Feb 2026 · Phone Contact attempt: no answer",
        "22 Feb 2026 · In person Meeting attended",  # logged before the advocacy offer of the same day
        "22 Feb 2026 Advocacy offered (AAFDA)",
    ]
    assert reload(session, member).engagement_status == EngagementStatus.ENGAGED


@pytest.mark.parametrize("kind", sorted(CONTACT, key=lambda k: k.value), ids=lambda k: k.value)
def test_no_contact_is_logged_for_someone_marked_do_not_contact(app, session, login_as, kind):
    member = factories.FamilyFactory(do_not_contact=True, relationship_to_subject="Stepfather")
    signed_in = login_as("business_support")

    response = log_event(
        signed_in, member, kind, channel="letter", outcome="reached", advocate_organisation="AAFDA",
        reason="Unwell", support_offered="Another date",
    )

    assert response.status_code == 200
    assert f"This person is marked do not contact: '{kind.label}' cannot be recorded." in page_text(response)
    assert count(session, FamilyEvent) == 0


def test_what_they_send_us_is_still_logged_for_someone_marked_do_not_contact(app, session, login_as):
    member = factories.FamilyFactory(do_not_contact=True)
    signed_in = login_as("business_support")

    response = log_event(signed_in, member, EventType.COMMENTS_RECEIVED, note="Wrote through their solicitor.")

    assert response.status_code == 302
    assert count(session, FamilyEvent) == 1


@pytest.mark.parametrize(
    ("kind", "missing", "message"),
    [
        (EventType.MEETING_NOT_ATTENDED, "reason", "Record why the meeting was not attended"),
        (EventType.MEETING_NOT_ATTENDED, "support_offered", "Record what support was offered"),
        (EventType.CONTACT_ATTEMPT, "channel", "Say how contact was attempted."),
        (EventType.CONTACT_ATTEMPT, "outcome", "Record the outcome of the attempt."),
        (EventType.ADVOCACY_OFFERED, "advocate_organisation", "Say who offered advocacy"),
        (EventType.DECLINED, "reason", "Record the reason given for declining"),
    ],
)
def test_an_event_without_what_it_must_record_is_refused(app, session, login_as, member, kind, missing, message):
    complete = {"channel": "phone", "outcome": "no_answer", "advocate_organisation": "AAFDA",
                "reason": "Childcare fell through.", "support_offered": "Offered a home visit instead."}
    signed_in = login_as("business_support")

    response = log_event(signed_in, member, kind, **{**complete, missing: ""})

    assert response.status_code == 200
    assert message in page_text(response)
    assert count(session, FamilyEvent) == 0


def test_a_meeting_not_attended_records_why_and_the_support_offered(app, session, login_as, member):
    signed_in = login_as("business_support")

    log_event(signed_in, member, EventType.MEETING_NOT_ATTENDED, reason="No bus on Sundays.",
              support_offered="Taxi booked for the next meeting.")

    (item,) = timeline(signed_in, member)
    assert "Meeting not attended" in item
    assert "Reason: No bus on Sundays." in item
    assert "Support offered: Taxi booked for the next meeting." in item


def test_an_event_in_the_future_is_refused(app, session, login_as, member):
    signed_in = login_as("business_support")

    response = log_event(signed_in, member, EventType.INVITATION, tomorrow(), channel="letter")

    assert "The date of the event cannot be in the future." in page_text(response)
    assert count(session, FamilyEvent) == 0


@pytest.mark.parametrize("role", ["panel", "board", "auditor", "admin"])
def test_only_business_support_logs_events(app, session, login_as, member, role):
    signed_in = login_as(role)

    response = log_event(signed_in, member, EventType.INVITATION, channel="letter")

    assert response.status_code == 403
    assert count(session, FamilyEvent) == 0


def test_events_of_a_case_outside_the_users_streams_are_not_listed(app, session, login_as):
    factories.FamilyEventFactory(note="Children's case event")
    adults_only = login_as("business_support", streams=["adults"])
    children = login_as("business_support", streams=["children"])

    assert "Children&#39;s case event" not in text(adults_only.get("/admin/family_event/?page_size=100"))
    assert adults_only.get(f"/admin/family_event/details/?id={session.scalars(select(FamilyEvent.id)).one()}").status_code in (302, 404)
    assert children.get("/admin/family_event/").status_code == 200


@pytest.mark.parametrize("role", ["panel", "auditor"])
def test_contact_details_of_someone_marked_do_not_contact_are_shown_to_business_support_alone(
    app, session, login_as, role
):
    member = factories.FamilyFactory(do_not_contact=True, contact_details="12 Hidden Lane, 07700 900999",
                                     safety_notes="The perpetrator lives at this address.")
    business_support = login_as("business_support")
    other = login_as(role)

    theirs = page_text(other.get(f"/admin/family/details/?id={member.id}"))
    ours = business_support.get(f"/admin/family/details/?id={member.id}")

    assert "Do not contact." in theirs
    assert "Hidden Lane" not in theirs and "900999" not in theirs
    assert "Hidden Lane" not in page_text(other.get(f"/admin/family/history/?id={member.id}"))
    assert "12 Hidden Lane" in page_text(ours)
    assert list_items(ours, "family-timeline") == []


def test_the_case_page_says_who_was_invited_engaged_and_told_the_publication_date(app, session, login_as):
    case = factories.CaseFactory()
    engaged = factories.FamilyFactory(case=case, relationship_to_subject="Mother", invited_date=None,
                                      engagement_status=EngagementStatus.NOT_YET_INVITED)
    invited = factories.FamilyFactory(case=case, relationship_to_subject="Father", invited_date=None,
                                      engagement_status=EngagementStatus.NOT_YET_INVITED)
    factories.FamilyFactory(case=case, relationship_to_subject="Stepfather", do_not_contact=True, invited_date=None,
                            engagement_status=EngagementStatus.NOT_YET_INVITED)
    for member, kinds in ((engaged, [EventType.INVITATION, EventType.CONSENT_GIVEN, EventType.TOLD_PUBLICATION_DATE]),
                          (invited, [EventType.INVITATION])):
        for offset, kind in enumerate(kinds):
            factories.FamilyEventFactory(member=member, event_type=kind, event_date=DAY + timedelta(days=offset))
    session.commit()

    page = page_text(login_as("panel").get(f"/admin/case/details/?id={case.id}"))

    assert "Invited: 2 of 3 · Engaged: 1 · Told the publication date: 1 of 2 taking part" in " ".join(page.split())
    assert "told the publication date 04 Feb 2026" in page
    assert "Do not contact" in page


def test_the_board_does_not_see_the_family_section(app, session, login_as):
    case = factories.CaseFactory()
    factories.FamilyFactory(case=case, relationship_to_subject="Grandmother")

    response = login_as("board").get(f"/admin/case/details/?id={case.id}")

    assert response.status_code == 200
    assert "Grandmother" not in page_text(response)
    assert 'data-testid="family-summary"' not in text(response)


def test_a_dhr_case_page_names_family_members_not_yet_offered_advocacy(app, session, login_as):
    case = factories.CaseFactory(review_type="DHR")
    offered = factories.FamilyFactory(case=case, relationship_to_subject="Mother", side="victim")
    factories.FamilyFactory(case=case, relationship_to_subject="Brother", side="victim")
    factories.FamilyEventFactory(member=offered, event_type=EventType.INVITATION)
    factories.FamilyEventFactory(member=offered, event_type=EventType.ADVOCACY_OFFERED, advocate_organisation="AAFDA")
    session.commit()
    assert reload(session, offered).engagement_status == EngagementStatus.INVITED

    page = page_text(login_as("business_support", streams=["domestic_abuse"]).get(f"/admin/case/details/?id={case.id}"))

    assert "Specialist advocacy (e.g. AAFDA) not yet offered to: Brother." in " ".join(page.split())
