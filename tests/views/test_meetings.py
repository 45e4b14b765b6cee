"""Meetings in the interface: business support sets one up with its agenda and members; its page shows
whether it was quorate; the panel records a decision from it (case and date filled in) and the
conflicts declared; the board sees the quorum when approving; the papers are for the members' roles."""

from __future__ import annotations

import re

from sqlalchemy import select

from backoffice import clock
from backoffice.models import AgencyType, ConflictDeclaration, Meeting, PanelDecision
from tests import factories
from tests.helpers import count, decision_form, reload, shows, text, today


def meeting_form(case, police, **overrides) -> dict:
    """A rapid review panel today, with one case and the police's member attending."""
    data = {"meeting_type": str(factories.meeting_type().id), "held_on": today().isoformat(),
            "streams": ["children"], "location": "Civic Centre", "note": "",
            "agenda-0-case": str(case.id), "agenda-0-position": "1", "agenda-0-purpose": "Decision on a review",
            "attendees-0-person_name": "DI Okafor", "attendees-0-agency": str(police.id),
            "attendees-0-member_role": "panel", "attendees-0-attendance": "attended"}
    data.update(overrides)
    return data


def test_business_support_sets_up_a_meeting_with_its_agenda_and_members(session, login_as):
    case = factories.CaseFactory()
    police = factories.AgencyFactory(agency_type=AgencyType.POLICE, name="Northshire Police")

    response = login_as("business_support").post("/admin/meeting/new/", data=meeting_form(case, police))

    assert response.status_code == 302
    meeting = session.scalars(select(Meeting)).one()
    assert [item.case for item in meeting.agenda] == [case]
    assert [(a.person_name, a.agency) for a in meeting.attendees] == [("DI Okafor", police)]
    page = login_as("panel").get(f"/admin/meeting/details/?id={meeting.id}")
    assert shows(page, "Not quorate: 1 of the 3 members needed attended; nobody from children")
    assert shows(page, case.reference)


def test_a_meeting_with_no_stream_is_refused_and_nothing_is_saved(session, login_as):
    case = factories.CaseFactory()
    police = factories.AgencyFactory(agency_type=AgencyType.POLICE)

    response = login_as("business_support").post("/admin/meeting/new/", data=meeting_form(case, police, streams=[]))

    assert response.status_code == 200
    assert shows(response, "Select the review streams")
    assert count(session, Meeting) == 0


def test_a_case_of_another_stream_is_refused_on_the_agenda(session, login_as):
    sar = factories.CaseFactory(review_type="SAR")
    police = factories.AgencyFactory(agency_type=AgencyType.POLICE)

    response = login_as("business_support").post("/admin/meeting/new/", data=meeting_form(sar, police))

    assert shows(response, f"{sar.reference} is not in the meeting's streams")
    assert count(session, Meeting) == 0


def test_the_panel_records_a_decision_from_the_meeting_page_with_its_case_and_date_filled_in(session, login_as):
    item = factories.AgendaItemFactory()
    meeting = factories.quorate(item.meeting)
    panel = login_as("panel")

    page = panel.get(f"/admin/meeting/details/?id={meeting.id}")
    link = f"/admin/decision/new/?case_id={item.case_id}&amp;meeting_id={meeting.id}"
    assert link in page.get_data(as_text=True)
    form = panel.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert f'value="{meeting.held_on.isoformat()}"' in form or meeting.held_on.strftime("%d/%m/%Y") in form
    assert f'<option selected value="{meeting.id}">' in form

    response = panel.post(link.replace("&amp;", "&"), data=decision_form(
        item.case, meeting=str(meeting.id), meeting_date=meeting.held_on.isoformat()))

    assert response.status_code == 302
    decision = session.scalars(select(PanelDecision)).one()
    assert decision.meeting == meeting and decision.meeting_date == meeting.held_on
    assert shows(panel.get(f"/admin/meeting/details/?id={meeting.id}"), item.case.reference + ": Criteria not met")


def test_a_decision_at_a_meeting_is_refused_off_its_agenda_or_on_another_date(session, login_as):
    meeting = factories.AgendaItemFactory().meeting
    elsewhere = factories.CaseFactory()

    response = login_as("panel").post("/admin/decision/new/", data=decision_form(
        elsewhere, meeting=str(meeting.id), meeting_date=today().isoformat()))

    assert shows(response, f"{elsewhere.reference} was not on that meeting's agenda")
    assert shows(response, f"The meeting was held on {meeting.held_on:%d %B %Y}: give that date.")
    assert count(session, PanelDecision) == 0


def test_the_board_sees_that_a_decision_was_made_at_a_meeting_without_quorum(session, login_as):
    item = factories.AgendaItemFactory()
    factories.AttendeeFactory(meeting=item.meeting, attendance="apologies")
    decision = factories.DecisionFactory(case=item.case, meeting=item.meeting, meeting_date=item.meeting.held_on)

    page = login_as("board").get(f"/admin/decision/approve/?id={decision.id}")

    assert shows(page, "Not quorate")
    assert shows(page, "0 of the 3 members needed attended")


def test_the_board_sees_a_quorate_meeting_as_quorate(session, login_as):
    item = factories.AgendaItemFactory()
    factories.quorate(item.meeting)
    decision = factories.DecisionFactory(case=item.case, meeting=item.meeting, meeting_date=item.meeting.held_on)

    page = login_as("board").get(f"/admin/decision/details/?id={decision.id}")

    assert shows(page, "Quorate: 3 members present")


def test_the_papers_list_each_cases_current_documents_for_the_members_roles_only(session, login_as):
    item = factories.AgendaItemFactory()
    factories.quorate(item.meeting)  # panel members only
    current = factories.DocumentFactory(case=item.case, title="Rapid review report")
    factories.DocumentFactory(case=item.case, title="Superseded draft", archived_at=clock.now())

    papers = login_as("panel").get(f"/admin/meeting/papers/?id={item.meeting_id}")

    assert papers.status_code == 200
    assert shows(papers, current.title) and not shows(papers, "Superseded draft")
    assert login_as("business_support").get(f"/admin/meeting/papers/?id={item.meeting_id}").status_code == 200
    assert login_as("board").get(f"/admin/meeting/papers/?id={item.meeting_id}").status_code == 403


def test_meetings_of_other_streams_are_not_seen(session, login_as):
    meeting = factories.MeetingFactory(streams="adults", meeting_type=factories.meeting_type("SAR review panel"))
    children = login_as("business_support", streams=["children"])

    assert children.get(f"/admin/meeting/details/?id={meeting.id}").status_code == 302  # "Record does not exist"
    assert not shows(children.get("/admin/meeting/"), "SAR review panel")


def test_the_panel_records_a_conflict_declared_on_a_case_on_the_agenda(session, login_as):
    item = factories.AgendaItemFactory()
    panel = login_as("panel")
    form = {"meeting": str(item.meeting_id), "case": str(item.case_id), "person_name": "Dr Anand",
            "interest": "GP to the family until 2024.", "handling": "Took no part in the decision."}

    response = panel.post(f"/admin/meeting_conflict/new/?case_id={item.case_id}&meeting_id={item.meeting_id}",
                          data=form)

    assert response.status_code == 302
    assert session.scalars(select(ConflictDeclaration.person_name)).all() == ["Dr Anand"]
    assert shows(panel.get(f"/admin/meeting/details/?id={item.meeting_id}"), "GP to the family until 2024.")
    assert login_as("business_support").post("/admin/meeting_conflict/new/", data=form).status_code == 403


def test_a_conflict_on_a_case_not_on_the_agenda_is_refused(session, login_as):
    meeting = factories.MeetingFactory()
    other = factories.CaseFactory()

    response = login_as("panel").post("/admin/meeting_conflict/new/", data={
        "meeting": str(meeting.id), "case": str(other.id), "person_name": "Dr Anand",
        "interest": "GP to the family.", "handling": "Left the room."})

    assert shows(response, f"{other.reference} was not on that meeting's agenda.")
    assert count(session, ConflictDeclaration) == 0


def test_admins_keep_the_meeting_types_and_their_quorum_rules(session, login_as):
    kind = factories.meeting_type("SAR review subgroup")
    admin = login_as("admin")

    response = admin.post(f"/admin/meeting_type/edit/?id={kind.id}", data={
        "name": kind.name, "quorum_minimum": "4", "quorum_agency_types": ["adult_social_care", "police"],
        "quorum_rule": "Four members, adult social care and the police among them.", "source": "Local practice.",
        "active": "y", "loaded_version": str(kind.version)})

    assert response.status_code == 302
    kind = reload(session, kind)
    assert (kind.quorum_minimum, kind.quorum_agency_types) == (4, "adult_social_care,police")
    assert login_as("business_support").get("/admin/meeting_type/").status_code == 403


def test_setting_up_a_meeting_is_audited_under_its_stream_for_readers_of_that_stream_only(session, login_as):
    from backoffice.models import AuditEvent

    case = factories.CaseFactory()
    police = factories.AgencyFactory(agency_type=AgencyType.POLICE)
    login_as("business_support").post("/admin/meeting/new/", data=meeting_form(case, police))

    events = {(e.object_type, e.streams) for e in session.scalars(select(AuditEvent).where(
        AuditEvent.object_type.in_(["meeting", "agenda_item", "attendee"])))}
    assert events == {("meeting", "children"), ("agenda_item", "children"), ("attendee", "children")}
    def types_listed(response) -> list[str]:
        return [t.strip() for t in re.findall(r'<td class="col-object_type">([^<]*)', text(response))]

    assert "Attendee" in types_listed(login_as("auditor", streams=["children"]).get("/admin/audit/"))
    assert "Attendee" not in types_listed(login_as("auditor", streams=["adults"]).get("/admin/audit/"))
