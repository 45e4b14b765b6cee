"""Demo-style users sign in and do their role's work through the real pages, JavaScript included."""

from __future__ import annotations

import re

from sqlalchemy import select

from backoffice.models import ApprovalStatus, Case
from tests import factories
from tests.conftest import PASSWORD, current_code, signed_in_cookies
from tests.helpers import reload


def sign_in_as(page, *roles: str):
    """Create a user with `roles` and sign them in; returns the user. The session is made as a right
    password and code make it (tests/conftest.py: signed_in_cookies), for this browser: signing in through
    the pages, by keyboard too, is what tests/browser/test_sign_in_in_the_browser.py proves."""
    user = factories.UserFactory(roles=list(roles))
    browser = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": page.evaluate("navigator.userAgent")}
    page.context.add_cookies([
        {"name": name, "value": morsel.value, "url": page.base_url, "httpOnly": True, "sameSite": "Lax"}
        for name, morsel in signed_in_cookies(page.app, user.email, browser).items()
    ])
    page.goto("/admin/")
    return user


def sign_in_through_the_pages(page, *roles: str):
    """Create a user with `roles` and sign them in through the real sign-in pages; returns the user."""
    user = factories.UserFactory(roles=list(roles))
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/tf-validate**")
    page.fill("input[name=code]", current_code(page.app, user.email))  # what their authenticator app shows
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return user


def fill_new_case_form(page, review_type: str, **fields: str) -> None:
    """Open the new-case form, choose the review type and type each field, in the order given."""
    page.goto("/admin/case/new/")
    page.select_option("select[name=review_type]", review_type, force=True)  # select2 hides the native select
    for name, value in fields.items():
        page.fill(f"input[name={name}]", value)


def test_business_support_logs_a_cspr_notification_in_the_browser(page, session):
    sign_in_through_the_pages(page, "business_support")
    fill_new_case_form(
        page,
        "CSPR",
        subject_pseudonym="Child Q",
        incident_date="2025-12-15",
        aware_date="2025-12-16",
        referral_date="2025-12-17",
        referrer_name="Sam Jones",
    )
    page.click("input[type=submit][value=Save]")
    page.wait_for_url(re.compile(r"/admin/case/details/\?id=\d+"))  # the new page itself matches "/admin/case/"
    assert "Record was successfully created" in page.content()
    case = session.scalars(select(Case).where(Case.subject_pseudonym == "Child Q")).one()
    assert case.reference == "CSPR-2025-001"
    assert case.state == "INCIDENT_REPORTED"
    assert "CSPR-2025-001" in page.content()


def test_a_future_incident_date_is_explained_and_nothing_is_saved(page, session):
    sign_in_as(page, "business_support")
    fill_new_case_form(
        page,
        "SAR",
        subject_pseudonym="Adult B",
        incident_date="2099-01-01",
        aware_date="2099-01-02",
        referral_date="2099-01-03",
    )
    page.click("input[type=submit][value=Save]")
    page.wait_for_selector("text=cannot be in the future")  # a click waits for the answer to start, not to end
    assert session.scalars(select(Case)).all() == []


def test_a_board_member_approves_a_decision_from_the_list(page, session):
    recorder = factories.UserFactory(roles=["panel"])
    decision = factories.DecisionFactory(recorded_by_id=recorder.id)
    sign_in_as(page, "board")
    page.click("text=1 decision awaiting approval")
    page.wait_for_url("**/admin/decision/**")
    # By its address: Bootstrap's tooltips rewrite the link's title once the page's scripts run.
    page.locator("a[href*='/admin/decision/approve/']").first.click()
    page.wait_for_url("**/admin/decision/approve/**")
    page.check("input[value=approve]")
    page.fill("textarea[name=comment]", "Agreed by the partners.")
    page.click("button:has-text('Record my answer')")
    page.wait_for_selector("text=The decision is approved")
    assert reload(session, decision).approval_status == ApprovalStatus.APPROVED
