"""Chasing agencies in Chromium: business support asks four agencies for their IMRs on a DHR from the case
page by keyboard, records two returns and an extension by mouse, sees the fourth flagged overdue on the
dashboard, and the DHR waits at "IMRs received" until the last one is in; and appoints a review's lead
reviewer from the case page by keyboard."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from backoffice import clock
from backoffice.models import AgencyContribution, CaseAgency
from backoffice.vocabulary import ReviewType
from tests import factories
from tests.browser.conftest import serious_accessibility_findings
from tests.browser.test_journeys import choose_by_keyboard, tab_to
from tests.browser.test_roles_in_the_browser import sign_in_as

AGENCIES = ("Westmarch Police", "Westmarch Health", "Westmarch Housing", "Westmarch Probation")


def uk(day) -> str:
    return day.strftime("%d/%m/%Y")


def record_on_its_form(page, contribution: AgencyContribution, fields: dict[str, str]) -> None:
    """Open the contribution from the case page's panel, type `fields`, and save, by mouse."""
    page.goto(f"/admin/case/details/?id={contribution.case_id}")
    page.click(f"[data-testid=contributions] a:has-text('{contribution.agency.name}')")
    page.wait_for_url(re.compile(r"/admin/contribution/details/"))
    page.click("a[href*='/admin/contribution/edit/']")
    page.wait_for_url(re.compile(r"/admin/contribution/edit/"))
    for field, typed in fields.items():
        page.fill(f"#{field}", typed)
    assert serious_accessibility_findings(page) == []
    page.click("input[type=submit][value=Save]")
    page.wait_for_selector("text=Record was successfully saved")


def test_business_support_chases_four_imrs_and_the_dhr_waits_for_the_last(page, session):
    dhr = factories.CaseFactory(review_type=ReviewType.DHR, state="IMRS_REQUESTED", subject_pseudonym="Adult D")
    dhr.agency_links = [CaseAgency(agency=factories.AgencyFactory(name=name), role="contributing") for name in AGENCIES]
    session.commit()
    asked_on = clock.today() - timedelta(days=45)
    sign_in_as(page, "business_support")

    page.goto(f"/admin/case/details/?id={dhr.id}")
    tab_to(page, "a[href*='/admin/contribution/request/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/contribution/request/"))
    assert page.input_value("#contribution_type") == "imr"  # what a DHR's agencies are usually asked for
    tab_to(page, "#contribution_type")
    page.keyboard.press("ArrowUp")  # the choice moves by keyboard, and back
    assert page.input_value("#contribution_type") == "agency_information"
    page.keyboard.press("ArrowDown")
    assert page.input_value("#contribution_type") == "imr"
    for n in range(len(AGENCIES)):
        tab_to(page, f"#agencies-{n}")
        page.keyboard.press("Space")
    tab_to(page, "#requested_date")
    page.keyboard.press("Control+a")
    page.keyboard.type(uk(asked_on))
    assert serious_accessibility_findings(page) == []
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/case/details/\?id=\d+$"))
    assert "Requested Individual management review (IMR) from 4 agencies" in page.inner_text("main")

    asked = {c.agency.name: c for c in session.scalars(select(AgencyContribution)
                                                       .where(AgencyContribution.case_id == dhr.id))}
    assert sorted(asked) == sorted(AGENCIES)
    received = uk(clock.today() - timedelta(days=3))
    for name in AGENCIES[:2]:
        record_on_its_form(page, asked[name], {"received_date": received, "author": f"Lead, {name}"})
    extended = clock.today() + timedelta(days=30)
    record_on_its_form(page, asked[AGENCIES[2]], {"extended_to": uk(extended),
                                                  "extension_reason": "Records are held off site."})

    page.goto("/admin/")
    chase = page.locator("[data-testid=contributions-due]")
    assert chase.locator("tr:has-text('Westmarch Probation')").inner_text().count("Overdue") == 1
    assert chase.locator("tr:has-text('Westmarch Housing')").count() == 0  # extended beyond the next 5 days
    assert serious_accessibility_findings(page) == []

    page.goto(f"/admin/case/details/?id={dhr.id}")
    step = page.locator("[data-testid=next-steps] li:has-text('IMRs received')")
    assert step.locator("[aria-disabled=true]").count() == 1
    assert "Westmarch Housing, Westmarch Probation" in step.inner_text()
    rows = page.locator("[data-testid=contributions] tbody tr")
    assert rows.count() == 4
    assert page.problems == []


def test_business_support_appoints_a_lead_reviewer_from_the_case_page_by_keyboard(page, session):
    sar = factories.CaseFactory(review_type=ReviewType.SAR, state="IN_PROGRESS", subject_pseudonym="Adult K")
    sign_in_as(page, "business_support")
    page.goto(f"/admin/case/details/?id={sar.id}")

    tab_to(page, "a[href*='/admin/appointment/new/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/appointment/new/"))
    tab_to(page, "#person_name")
    page.keyboard.type("Saoirse Kellow")
    choose_by_keyboard(page, "role", "Lead")
    for field, typed in (("organisation", "Kellow Safeguarding"), ("appointed_date", uk(clock.today())),
                         ("conflict_declaration", "None declared.")):
        tab_to(page, f"#{field}")
        page.keyboard.type(typed)
    assert serious_accessibility_findings(page) == []
    tab_to(page, "input[type=submit][value=Save]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/appointment/details/\?id=\d+"))

    page.goto(f"/admin/case/details/?id={sar.id}")
    assert page.inner_text("[data-testid=led-by]") == "Review led by Saoirse Kellow (lead reviewer, Kellow Safeguarding)."
    assert page.problems == []
