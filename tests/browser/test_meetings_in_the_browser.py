"""Meetings in Chromium: business support sets up a rapid review panel with a case on its agenda and a
member who attended, by mouse and keyboard; the panel records a decision from the meeting's agenda (its
case and date filled in) by keyboard; and the board, approving it, sees that the meeting was not quorate."""

from __future__ import annotations

import re

from sqlalchemy import select

from backoffice import clock
from backoffice.models import AgencyType, Meeting, PanelDecision
from tests import factories
from tests.browser.conftest import serious_accessibility_findings
from tests.browser.test_journeys import choose_by_keyboard, sign_out, tab_to
from tests.browser.test_roles_in_the_browser import sign_in_as


def test_a_meeting_is_set_up_a_decision_recorded_from_its_agenda_and_the_board_sees_its_quorum(page, session):
    case = factories.CaseFactory(subject_pseudonym="Child M", state="PANEL_RESPONSE_RECEIVED")
    factories.AgencyFactory(name="Eastmere Police", agency_type=AgencyType.POLICE)
    held = clock.today()

    # Business support sets the meeting up: its agenda and its members are sub-forms.
    sign_in_as(page, "business_support")
    page.goto("/admin/meeting/new/")
    page.wait_for_load_state()
    choose_by_keyboard(page, "meeting_type", "Rapid review")
    page.fill("#held_on", held.strftime("%d/%m/%Y"))
    page.check("#streams-0")  # children (CSPR)
    page.fill("#location", "Eastmere Civic Centre")
    page.click("[data-inline-add=agenda]")
    tab_to(page, "#s2id_agenda-0-case .select2-focusser")
    choose_by_keyboard(page, "agenda-0-case", case.reference)
    page.fill("#agenda-0-purpose", "Decision on a local review")
    page.click("[data-inline-add=attendees]")
    page.fill("#attendees-0-person_name", "DI Okafor")
    page.select_option("#attendees-0-agency", label="Eastmere Police", force=True)
    assert serious_accessibility_findings(page) == []
    page.click("input[type=submit][value=Save]")
    page.wait_for_url(re.compile(r"/admin/meeting/details/\?id=\d+"))
    meeting = session.scalars(select(Meeting)).one()
    assert [i.case_id for i in meeting.agenda] == [case.id] and [a.person_name for a in meeting.attendees] == ["DI Okafor"]
    assert page.inner_text("[data-testid=quorum]") == "Not quorate"
    sign_out(page)

    # The panel records the decision from the agenda, by keyboard: the case and the date are filled in.
    sign_in_as(page, "panel")
    page.goto(f"/admin/meeting/details/?id={meeting.id}")
    assert serious_accessibility_findings(page) == []
    tab_to(page, "[data-testid=record-decision]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/decision/new/"))
    page.wait_for_load_state()
    assert page.input_value("#meeting_date") == held.strftime("%d/%m/%Y")
    assert case.reference in page.inner_text("#s2id_case")
    choose_by_keyboard(page, "outcome", "Criteria not met")
    tab_to(page, "#rationale")
    page.keyboard.type("The criteria for a local review are not met; the learning is kept.")
    tab_to(page, "input[type=submit][value=Save]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/decision/details/\?id=\d+"))
    decision = session.scalars(select(PanelDecision)).one()
    assert (decision.meeting_id, decision.meeting_date, decision.case_id) == (meeting.id, held, case.id)
    sign_out(page)

    # The board, answering, sees where it was decided and that the meeting was not quorate.
    sign_in_as(page, "board")
    page.goto(f"/admin/decision/details/?id={decision.id}")
    page.click("[data-testid=answer-decision]")
    page.wait_for_url(re.compile(r"/admin/decision/approve/"))
    made_at = page.inner_text("[data-testid=made-at]")
    assert "Not quorate" in made_at and "nobody from children" in made_at
    assert serious_accessibility_findings(page) == []
