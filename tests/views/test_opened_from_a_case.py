"""Pickers that cannot mix people or cases up. A form opened from a case's page (or a family member's)
is for that case: the case is chosen, its lookup finds only that case's records, and a post naming
another case is refused. Everywhere, a lookup shows each record's case reference."""

from __future__ import annotations

import pytest

from backoffice.models import FamilyEvent, PanelDecision
from tests import factories
from tests.helpers import count, decision_form, page_text, text
from tests.html_pages import form_fields


@pytest.fixture
def two_cases(session):
    """Two CSPRs, each with a mother recorded."""
    first, second = factories.CaseFactory(subject_pseudonym="Child A"), factories.CaseFactory(subject_pseudonym="Child B")
    mothers = [factories.FamilyFactory(case=case, relationship_to_subject="Mother") for case in (first, second)]
    return first, second, mothers


def lookup(signed_in, address: str) -> list[str]:
    response = signed_in.get(address)
    assert response.status_code == 200, text(response)[:500]
    return [label for _id, label in response.get_json()]


def test_the_case_page_offers_what_the_role_may_add_to_the_case(session, login_as, two_cases):
    first, _, _ = two_cases

    panel_page = page_text(login_as("panel").get(f"/admin/case/details/?id={first.id}"))
    support_page = page_text(login_as("business_support").get(f"/admin/case/details/?id={first.id}"))

    assert "Record a panel decision" in panel_page and "Add a family member or friend" not in panel_page
    assert "Add a family member or friend" in support_page and "Add a document" in support_page
    assert f"/admin/family/new/?case_id={first.id}" in support_page


def test_a_decision_form_opened_from_a_case_is_for_that_case_and_its_lookup_finds_only_it(
    session, login_as, two_cases
):
    first, second, _ = two_cases
    panel = login_as("panel")

    form = form_fields(panel.get(f"/admin/decision/new/?case_id={first.id}"))

    assert form["case"] == str(first.id)
    assert lookup(panel, f"/admin/decision/ajax/lookup/?name=case&query=CSPR&case_id={first.id}") == [str(first)]
    assert len(lookup(panel, "/admin/decision/ajax/lookup/?name=case&query=CSPR")) == 2  # from the list: any


def test_a_decision_posted_for_another_case_than_the_one_opened_from_is_refused(session, login_as, two_cases):
    first, second, _ = two_cases
    panel = login_as("panel")

    response = panel.post(f"/admin/decision/new/?case_id={first.id}", decision_form(second))

    assert response.status_code == 200
    assert f"Choose {first.reference}: this form was opened from that case" in page_text(response)
    assert count(session, PanelDecision) == 0


def test_an_event_opened_from_a_family_member_offers_only_the_people_of_that_case(session, login_as, two_cases):
    first, second, (first_mother, second_mother) = two_cases
    support = login_as("business_support")

    page = support.get(f"/admin/family_event/new/?family_id={first_mother.id}")
    address = f"/admin/family_event/ajax/lookup/?name=member&query=Mother&case_id={first.id}"

    assert form_fields(page)["member"] == str(first_mother.id)
    assert f"case_id={first.id}" in text(page)  # the lookup the page uses is limited to the case
    assert lookup(support, address) == [f"Mother ({first.reference})"]
    assert sorted(lookup(support, "/admin/family_event/ajax/lookup/?name=member&query=Mother")) == sorted(
        [f"Mother ({first.reference})", f"Mother ({second.reference})"])  # each with its case reference


def test_an_event_for_someone_on_another_case_is_refused_when_opened_from_a_member(session, login_as, two_cases):
    first, second, (first_mother, second_mother) = two_cases
    support = login_as("business_support")
    address = f"/admin/family_event/new/?family_id={first_mother.id}"
    form = {**form_fields(support.get(address)), "member": str(second_mother.id), "event_type": "invitation",
            "event_date": "2025-12-01", "channel": "letter"}

    response = support.post(address, form)

    assert response.status_code == 200
    assert f"Choose someone on {first.reference}: this form was opened from that case" in page_text(response)
    assert count(session, FamilyEvent) == 0
