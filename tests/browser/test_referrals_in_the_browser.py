"""Online referral, end to end in Chromium: a partner agency refers a case for a Safeguarding Adults
Review from the public page by keyboard (every page checked with axe-core), business support accepts it
into a case by mouse, the referrer is emailed the decision, and the next morning's reminders email
each user one digest. A real SMTP server on loopback receives exactly the expected messages, none of
them carrying a name, a date of birth or narrative."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from backoffice import clock
from backoffice.models import Case, IncomingReferral, IntakeStatus
from tests import factories
from tests.browser.conftest import serious_accessibility_findings
from tests.browser.test_journeys import tab_to
from tests.browser.test_roles_in_the_browser import sign_in_as
from tests.helpers import reload

RESTRICTED = ("Tamsin", "Velarde", "1950", "Dementia", "did not share", "lived alone")


def checked(page, where: str) -> None:
    """No serious accessibility finding and no console error on the page as it is now."""
    assert serious_accessibility_findings(page) == [], where
    assert page.problems == [], where


def type_into(page, selector: str, typed: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(typed)


def tick(page, selector: str) -> None:
    """A checkbox, by keyboard: Tab to it, then Space."""
    tab_to(page, selector)
    page.keyboard.press("Space")


def choose(page, name: str, value: str) -> None:
    """A radio, by keyboard: Tab reaches the group once; Space picks the first, the arrows move on."""
    values = page.eval_on_selector_all(f"input[name={name}]", "radios => radios.map(r => r.value)")
    tab_to(page, f"input[name={name}]")
    page.keyboard.press("Space")
    for _ in range(values.index(value)):
        page.keyboard.press("ArrowDown")
    assert page.is_checked(f"input[name={name}][value={value}]")


def continue_by_keyboard(page) -> None:
    tab_to(page, "button.govuk-button")
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def refer_a_sar_by_keyboard(page) -> str:
    """From the published reviews page to the reference number, by keyboard alone."""
    page.goto("/reviews/")
    tab_to(page, "a[href='/refer/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/refer/")
    checked(page, "start page")
    tab_to(page, "a[href='/refer/sar/the-adult']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/refer/sar/the-adult")
    checked(page, "the adult")

    continue_by_keyboard(page)  # nothing filled in: the error summary, focused links to each problem
    assert "Enter the adult's full name" in page.locator(".govuk-error-summary").inner_text()
    assert page.title().startswith("Error: ")
    checked(page, "the adult, sent empty")

    type_into(page, "#subject_name", "Tamsin Velarde")
    for part, typed in (("day", "3"), ("month", "4"), ("year", "1950")):
        type_into(page, f"#subject_dob-{part}", typed)
    type_into(page, "#care_needs", "Dementia; lived alone.")
    continue_by_keyboard(page)
    page.wait_for_url("**/refer/sar/what-happened")
    checked(page, "what happened")

    choose(page, "outcome", "died")
    for part, typed in (("day", "1"), ("month", "11"), ("year", "2026")):
        type_into(page, f"#incident_date-{part}", typed)
    choose(page, "in_area", "yes")
    tick(page, "input[name=abuse_types][value='Self-neglect']")
    type_into(page, "#concerns", "Agencies did not share what they knew.")
    choose(page, "family_aware", "not_known")
    continue_by_keyboard(page)
    page.wait_for_url("**/refer/sar/about-you")
    checked(page, "about you")

    for field, typed in (("referrer_name", "Ann Referrer"), ("referrer_role", "Social worker"),
                         ("referrer_agency", "Adult social care"), ("referrer_email", "ann@example.org")):
        type_into(page, f"#{field}", typed)
    choose(page, "lead_authorised", "yes")
    continue_by_keyboard(page)
    page.wait_for_url("**/refer/sar/check")
    checked(page, "check answers")
    answers = page.locator("main").inner_text()
    assert "Tamsin Velarde" in answers and "3 April 1950" in answers and "Self-neglect" in answers

    continue_by_keyboard(page)  # Accept and send
    page.wait_for_url("**/refer/sar/done")
    checked(page, "referral sent")
    return page.locator("[data-testid=reference]").inner_text()


def accept_by_mouse(page, session, referral: IncomingReferral) -> Case:
    """Business support, from the home page: the queue, the referral, Accept, a pseudonym, Save."""
    sign_in_as(page, "business_support")
    page.click("[data-testid=referrals-waiting]")
    page.wait_for_url("**/admin/intake/**")
    checked(page, "the triage queue")
    page.click(f"a[href*='/admin/intake/details/?id={referral.id}']")
    page.wait_for_load_state()
    assert "Tamsin Velarde" in page.locator("[data-testid=referral-answers]").inner_text()
    checked(page, "the referral")
    page.click("a:has-text('Accept into a new case')")
    page.wait_for_url("**/admin/case/new/**")
    assert page.input_value("#subject_legal_name") == "Tamsin Velarde"
    assert page.input_value("#referral_date") == referral.received_date.strftime("%d/%m/%Y")
    checked(page, "the case form, filled in from the referral")
    page.fill("#subject_pseudonym", "Adult T")
    page.click("input[type=submit][value=Save]")
    page.wait_for_url(re.compile(r"/admin/case/details/\?id=\d+"))
    return session.scalars(select(Case).where(Case.subject_pseudonym == "Adult T")).one()


def test_a_partner_refers_business_support_accepts_the_referrer_is_told_and_next_morning_each_user_is_reminded_once(
        app, page, session, smtp, monkeypatch):
    reference = refer_a_sar_by_keyboard(page)
    referral = session.scalars(select(IncomingReferral).where(IncomingReferral.reference == reference)).one()
    assert referral.status == IntakeStatus.NEW and referral.received_date == clock.today()

    case = accept_by_mouse(page, session, referral)
    assert reload(session, referral).status == IntakeStatus.ACCEPTED and case.referral_date == clock.today()
    assert case.referrer_email == "ann@example.org"

    factories.commission(case)  # the panel's decision, approved by the board (their pages: test_journeys.py)
    page.goto(f"/admin/case/details/?id={case.id}")
    page.click("[data-testid=tell-referrer]")
    page.wait_for_url("**/tell-referrer/**")
    checked(page, "the decision email")
    page.click("input[type=submit][value='Send the email']")
    page.wait_for_url(re.compile(r"/admin/case/details/\?id=\d+"))
    assert reload(session, case).referrer_informed_date == clock.today()

    tomorrow_morning = clock.now() + timedelta(days=1)
    monkeypatch.setattr(clock, "now", lambda: tomorrow_morning)
    first = app.test_cli_runner().invoke(args=["reminders", "send"])
    second = app.test_cli_runner().invoke(args=["reminders", "send"])

    assert first.exit_code == 0 and second.exit_code == 0 and "0 sent" in second.output
    subjects = sorted((to[0], re.search(r"^Subject: (.*?)\r?$", body, re.M).group(1)) for to, body in smtp.messages)
    digests = [to for to, subject in subjects if subject.startswith("Learning reviews:")]
    assert [s for s in subjects if not s[1].startswith("Learning reviews:")] == [
        ("ann@example.org", f"Decision on your referral {case.reference}"),
        ("ann@example.org", f"Your referral {reference} has been received")]
    assert digests and len(digests) == len(set(digests))  # each user once
    for to, body in smtp.messages:
        assert not any(detail in body for detail in RESTRICTED), (to, body)


def test_a_user_turns_their_digests_to_weekly_by_keyboard(page, session):
    user = sign_in_as(page, "panel")
    tab_to(page, "[data-testid=reminder-settings]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/reminders/")
    checked(page, "reminder settings")
    choose(page, "frequency", "weekly")
    tab_to(page, "input[type=submit][value=Save]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/")
    assert "reminder emails: weekly" in page.locator("main").inner_text()
    assert str(reload(session, user).reminder_frequency) == "weekly"
