"""Signing in, as a person does it in Chromium: by keyboard alone, with no "remember me", and a
second factor that locks the account after repeated wrong codes, with a message that says so."""

from __future__ import annotations

from tests import factories
from tests.browser.conftest import serious_accessibility_findings
from tests.conftest import PASSWORD, current_code


def type_password_step(page, email: str) -> None:
    """Email, Tab, password, Enter: the keyboard alone."""
    page.goto("/login")
    page.focus("input[name=email]")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/tf-validate**")


def type_code(page, code: str) -> None:
    page.focus("input[name=code]")
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def test_a_person_signs_in_by_keyboard_alone_and_is_never_offered_remember_me(page, session):
    user = factories.UserFactory(roles=["panel"])
    page.goto("/login")
    assert page.locator("input[name=remember]").count() == 0
    assert serious_accessibility_findings(page) == []

    type_password_step(page, user.email)
    assert serious_accessibility_findings(page) == []
    type_code(page, current_code(page.app, user.email))

    page.wait_for_url("**/admin/")
    assert page.problems == []


def test_wrong_codes_lock_the_account_and_the_page_says_so(page, session, app):
    user = factories.UserFactory(roles=["panel"])
    type_password_step(page, user.email)
    wrong = "000000" if current_code(page.app, user.email) != "000000" else "111111"
    for _ in range(app.config["LOGIN_LOCKOUT_ATTEMPTS"]):
        type_code(page, wrong)
        page.wait_for_selector("text=Invalid")  # each wrong code is refused on the same page

    type_code(page, current_code(page.app, user.email))  # the right code, too late

    page.wait_for_url("**/login**")
    page.wait_for_selector("text=This account is locked after repeated failed sign-ins")
    assert serious_accessibility_findings(page) == []
    assert [p for p in page.problems if "429" not in p] == []


def test_the_code_and_recovery_pages_and_their_errors_meet_wcag_aa(page, session):
    user = factories.UserFactory(roles=["panel"])
    type_password_step(page, user.email)
    wrong = "000000" if current_code(page.app, user.email) != "000000" else "111111"
    findings = [f"code page: {f}" for f in serious_accessibility_findings(page)]

    with page.expect_navigation():
        type_code(page, wrong)
    findings += [f"code page, wrong code: {f}" for f in serious_accessibility_findings(page)]
    with page.expect_navigation():
        page.click("text=Sign in with one of your recovery codes")
    findings += [f"recovery page: {f}" for f in serious_accessibility_findings(page)]
    page.fill("input[name=code]", "not-a-recovery-code")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    findings += [f"recovery page, wrong code: {f}" for f in serious_accessibility_findings(page)]

    assert findings == []
    assert [p for p in page.problems if not p.startswith(("400 ", "401 ", "Failed to load resource"))] == []
