"""Flask-Admin's controls work under the strict Content-Security-Policy, by mouse and by keyboard:
"With selected" list actions, "Add ..." sub-forms and typed UK dates. Each test also fails on any
console error, CSP violation or failed request the page meets."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from backoffice.models import Case, CriterionAssessment, DocumentStatus
from tests import factories
from tests.browser.conftest import serious_accessibility_findings
from tests.browser.test_roles_in_the_browser import sign_in_as
from tests.generated_documents import report_pdf
from tests.helpers import reload


def test_the_board_approves_a_document_with_selected_approve_by_mouse(page, session):
    document = factories.DocumentFactory(content=report_pdf("What the agencies learned."), title="Overview report")
    sign_in_as(page, "board")
    page.goto("/admin/document/")
    page.on("dialog", lambda dialog: dialog.accept())  # "Approve the selected documents?"

    page.check(f"input.action-checkbox[value='{document.id}']")
    page.click("text=With selected")
    page.click("[data-model-action=approve]")
    page.wait_for_selector("text=Approve: Overview report")

    assert reload(session, document).status == DocumentStatus.APPROVED
    assert page.problems == []


def test_the_board_approves_a_document_with_selected_approve_by_keyboard(page, session):
    document = factories.DocumentFactory(content=report_pdf("What the agencies learned."), title="Overview report")
    sign_in_as(page, "board")
    page.goto("/admin/document/")
    page.on("dialog", lambda dialog: dialog.accept())

    page.focus(f"input.action-checkbox[value='{document.id}']")
    page.keyboard.press("Space")
    page.focus("text=With selected")
    page.keyboard.press("Enter")
    page.focus("[data-model-action=approve]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Approve: Overview report")

    assert reload(session, document).status == DocumentStatus.APPROVED
    assert page.problems == []


def test_the_panel_adds_a_statutory_criterion_by_keyboard(page, session):
    recorder = sign_in_as(page, "panel")
    decision = factories.DecisionFactory(recorded_by_id=recorder.id)
    page.goto(f"/admin/decision/edit/?id={decision.id}")

    page.focus("[data-inline-add]")
    page.keyboard.press("Enter")  # the new sub-form's first field now has the focus
    page.wait_for_selector(".inline-field.fresh")
    sub_form = page.locator(".inline-field.fresh")
    sub_form.locator("select[name$=criterion]").select_option(index=1, force=True)
    sub_form.locator("select[name$=value]").select_option("met", force=True)
    sub_form.locator("textarea[name$=evidence]").fill("The agencies knew of the risk.")
    page.click("input[type=submit][value=Save]")
    page.wait_for_load_state()

    session.expire_all()
    (criterion,) = session.scalars(select(CriterionAssessment).where(CriterionAssessment.decision_id == decision.id))
    assert criterion.evidence == "The agencies knew of the risk."
    assert page.problems == []


def test_business_support_types_uk_dates_by_keyboard_and_they_are_kept(page, session):
    sign_in_as(page, "business_support")
    page.goto("/admin/case/new/")
    page.select_option("select[name=review_type]", "CSPR", force=True)
    page.fill("input[name=subject_pseudonym]", "Child Q")
    for name, typed in (("incident_date", "15/12/2025"), ("aware_date", "16/12/2025"), ("referral_date", "2025-12-17")):
        page.focus(f"input[name={name}]")
        page.keyboard.type(typed)  # each key stays as typed: no picker rewrites it
        assert page.input_value(f"input[name={name}]") == typed
    assert "for example 20/11/2026" in page.content()
    page.click("input[type=submit][value=Save]")
    page.wait_for_url(re.compile(r"/admin/case/details/\?id=\d+"))  # saved: the new page itself matched "/admin/case/"

    case = session.scalars(select(Case).where(Case.subject_pseudonym == "Child Q")).one()
    assert (case.incident_date, case.aware_date, case.referral_date) == (
        date(2025, 12, 15), date(2025, 12, 16), date(2025, 12, 17))
    assert page.problems == []


def test_business_support_switches_an_agency_off_in_the_list_by_keyboard(page, session):
    agency = factories.AgencyFactory(name="West Marches Police", active=True)
    sign_in_as(page, "business_support")
    page.goto("/admin/agency/")
    assert page.get_attribute("#active", "aria-label") == "Active: Yes. Select to change."

    page.focus("#active")
    page.keyboard.press("Enter")
    page.wait_for_selector("#active[aria-checked=false]")

    assert page.get_attribute("#active", "aria-label") == "Active: No. Select to change."
    assert reload(session, agency).active is False
    page.click("#active")  # and back on, by mouse
    page.wait_for_selector("#active[aria-checked=true]")
    assert reload(session, agency).active is True
    assert page.problems == []


def test_the_board_approves_a_document_from_its_own_page_by_keyboard(page, session):
    document = factories.DocumentFactory(content=report_pdf("What the agencies learned."), title="Overview report")
    sign_in_as(page, "board")
    page.goto(f"/admin/document/details/?id={document.id}")

    page.focus("button[value=approve]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Approve: Overview report")

    assert reload(session, document).status == DocumentStatus.APPROVED
    assert "/admin/document/details/" in page.url  # back on the document's page
    assert page.problems == []


def test_a_form_sent_back_focuses_its_error_summary_whose_links_move_to_each_field(page, session):
    sign_in_as(page, "business_support")
    page.goto("/admin/case/new/")
    page.fill("input[name=incident_date]", "15/12/2025")
    page.click("input[type=submit][value=Save]")
    page.wait_for_selector("[data-testid=error-summary]")

    page.wait_for_function("() => document.activeElement.dataset.testid === 'error-summary'")  # read out first
    assert page.input_value("input[name=incident_date]") == "15/12/2025"  # what was typed is kept
    fields = page.eval_on_selector_all("[data-testid=error-summary] a", "links => links.map(l => l.dataset.field)")
    assert "subject_pseudonym" in fields and "aware_date" in fields
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the first problem's link, by keyboard
    assert page.evaluate("document.activeElement.id") == fields[0]
    page.click("[data-testid=error-summary] a[data-field=aware_date]")  # another, by mouse
    assert page.evaluate("document.activeElement.id") == "aware_date"
    assert serious_accessibility_findings(page) == []
    assert [p for p in page.problems if "admin/case/new" not in p] == []


def test_long_text_counts_down_and_says_when_it_is_over_the_limit_without_cutting_it(page, session):
    sign_in_as(page, "business_support")
    page.goto("/admin/case/new/")
    concerns = page.locator("textarea[name=concerns]")

    concerns.fill("x" * 19_999)
    assert page.inner_text("#concerns-count") == "You have 1 characters remaining"
    concerns.type("yz")
    assert page.inner_text("#concerns-count") == "You have 1 characters too many"
    assert len(concerns.input_value()) == 20_001  # nothing cut
    assert page.problems == []


def test_twenty_thousand_unbroken_characters_wrap_inside_the_page(page, session):
    case = factories.CaseFactory(concerns="x" * 20_000)
    sign_in_as(page, "business_support")
    page.goto(f"/admin/case/details/?id={case.id}")

    page_width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert page_width <= viewport


def test_business_support_searches_sorts_and_opens_a_case_by_keyboard(page, session):
    """The list's own links (sort headings) keep the search, and a row's link returns to the searched list."""
    with factories.in_one_commit():
        for name in ("Child Q", "Child P", "Child S"):
            factories.CaseFactory(subject_pseudonym=name)
        factories.CaseFactory(subject_pseudonym="Adult R")
    sign_in_as(page, "business_support")
    page.goto("/admin/case/")

    page.focus("input[name=search]")
    page.keyboard.type("Child")
    page.keyboard.press("Enter")
    page.wait_for_url("**search=Child**")
    assert page.locator("td.col-subject_pseudonym").count() == 3
    page.focus("th a:has-text('Reference')")
    page.keyboard.press("Enter")
    page.wait_for_url("**sort=**")
    assert "search=Child" in page.url
    references = page.locator("td.col-reference").all_inner_texts()
    assert len(references) == 3 and references == sorted(references)

    view = page.locator("a.icon[href*='/details/']").first
    assert "search%3DChild" in view.get_attribute("href")  # back to this searched, sorted list
    view.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/case/details/**")
    assert serious_accessibility_findings(page) == []
    assert page.problems == []
