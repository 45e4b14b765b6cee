"""The rules of meetings: quorum by the type's rule (enough members attending, one from each named
agency type; apologies do not count), what an agenda may hold, and who may read the papers."""

from __future__ import annotations

from backoffice.domain import meetings
from backoffice.models import AgencyType
from backoffice.policy import RoleName, Stream
from tests import factories


def member(meeting, kind: AgencyType, attendance: str = "attended", role: str = "panel"):
    return factories.AttendeeFactory(meeting=meeting, agency=factories.AgencyFactory(agency_type=kind),
                                     attendance=attendance, member_role=role)


def test_a_rapid_review_panel_with_the_three_safeguarding_partners_is_quorate(session):
    meeting = factories.quorate(factories.MeetingFactory())

    found = meetings.quorum(meeting)

    assert found.met and found.present == 3
    assert found.summary == "Quorate: 3 members present (at least 3 needed)."


def test_a_partner_who_sent_apologies_leaves_the_panel_without_quorum_and_says_who_was_missing(session):
    meeting = factories.MeetingFactory()
    member(meeting, AgencyType.CHILDRENS_SOCIAL_CARE)
    member(meeting, AgencyType.ICB)
    member(meeting, AgencyType.POLICE, attendance="apologies")
    member(meeting, AgencyType.EDUCATION)

    found = meetings.quorum(meeting)

    assert not found.met
    assert found.missing == ("nobody from police",)


def test_too_few_members_is_not_quorate_even_with_no_agency_named(session):
    meeting = factories.MeetingFactory(meeting_type=factories.meeting_type("Board or partnership meeting"))
    member(meeting, AgencyType.POLICE)

    assert meetings.quorum(meeting).missing == ("1 of the 3 members needed attended",)


def test_a_practitioner_event_needs_only_one_member(session):
    meeting = factories.MeetingFactory(meeting_type=factories.meeting_type("Practitioner event"))
    member(meeting, AgencyType.VOLUNTARY)

    assert meetings.quorum(meeting).met


def test_a_case_outside_the_meetings_streams_cannot_be_on_its_agenda(session):
    meeting = factories.MeetingFactory(streams="children")
    factories.AgendaItemFactory(meeting=meeting, case=factories.CaseFactory(review_type="SAR"))
    session.refresh(meeting)

    assert "not in the meeting's streams" in meetings.meeting_errors(meeting)["agenda"]


def test_the_papers_are_for_the_roles_the_members_attend_in_and_business_support(session):
    meeting = factories.MeetingFactory(streams="children")
    member(meeting, AgencyType.POLICE, role="panel")
    session.refresh(meeting)

    assert meetings.papers_readable_by(meeting) == {RoleName.PANEL, RoleName.BUSINESS_SUPPORT}
    assert meetings.may_read_papers(meeting, frozenset({RoleName.PANEL}), frozenset({Stream.CHILDREN}))
    assert not meetings.may_read_papers(meeting, frozenset({RoleName.BOARD}), frozenset({Stream.CHILDREN}))
    assert not meetings.may_read_papers(meeting, frozenset({RoleName.PANEL}), frozenset({Stream.ADULTS}))
