"""The learning loop in Chromium: a board member follows one recommendation from its finding to the
evidence of change, and accepts the evidence by keyboard; the case, its last action settled, may close."""

from __future__ import annotations

import re

from backoffice import clock
from backoffice.models import Theme
from tests import factories
from tests.browser.conftest import serious_accessibility_findings
from tests.browser.test_journeys import tab_to
from tests.browser.test_roles_in_the_browser import sign_in_as
from tests.helpers import reload


def test_the_board_follows_a_recommendation_from_finding_to_accepted_evidence(page, session):
    finding = factories.FindingFactory(title="Self-neglect was read as lifestyle choice",
                                       text="Repeated refusals of care were recorded as choice.")
    finding.themes = session.query(Theme).filter(Theme.name.in_(["Self-neglect", "Mental capacity"])).all()
    recommendation = factories.RecommendationFactory(finding=finding, text="Assess executive capacity in self-neglect")
    action = factories.ActionFactory(recommendation=recommendation, description="Revise the self-neglect procedure",
                                     status="completed", completed_date=clock.today(),
                                     evidence_outcome="Audit: 9 of 10 cases considered executive capacity.")
    session.commit()
    sign_in_as(page, "board")

    page.goto(f"/admin/case/details/?id={finding.case_id}")
    page.click("[data-testid=recommendations] a:has-text('Assess executive capacity')")
    page.wait_for_url(re.compile(r"/admin/recommendation/details/"))
    origin = page.inner_text("[data-testid=from-finding]")
    assert "Self-neglect was read as lifestyle choice" in origin and "Mental capacity, Self-neglect" in origin
    assert serious_accessibility_findings(page) == []
    page.click("[data-testid=recommendation-actions] a:has-text('Revise the self-neglect procedure')")
    page.wait_for_url(re.compile(r"/admin/action/details/"))
    tab_to(page, "[data-testid=decide-evidence]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/action/evidence/"))
    assert "9 of 10 cases" in page.inner_text("[data-testid=evidence]")
    assert serious_accessibility_findings(page) == []
    tab_to(page, "input[value=accepted]")
    page.keyboard.press("Space")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Evidence accepted.")
    assert reload(session, action).evidence_decision == "accepted"
    assert page.inner_text("[data-testid=action-rag]") == "RAG: Closed"

    page.goto(f"/admin/case/details/?id={finding.case_id}")
    assert page.locator("[data-testid=next-steps] a:has-text('Close the case')").count() == 1


def test_business_support_sees_a_lesson_learned_before_as_they_type_a_finding(page, session):
    earlier = factories.FindingFactory(title="Information was not shared before the strategy meeting")
    factories.ActionFactory(recommendation=factories.RecommendationFactory(finding=earlier), status="completed",
                            completed_date=clock.today(), evidence_outcome="Said to be done.")
    case = factories.CaseFactory(review_type="SAR", subject_pseudonym="Adult K")
    sign_in_as(page, "business_support")

    page.goto(f"/admin/finding/new/?case_id={case.id}")
    page.wait_for_load_state()
    tab_to(page, "#title")
    page.keyboard.type("Agencies did not share information")
    repeats = page.locator("[data-repeat-lessons-list]")
    repeats.locator("text=Information was not shared before the strategy meeting").wait_for()
    assert "Completed without accepted evidence" in repeats.inner_text()
    assert serious_accessibility_findings(page) == []
