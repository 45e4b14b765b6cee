"""Demo-style users sign in and do their role's work through the real pages, JavaScript included."""

from __future__ import annotations

from sqlalchemy import select

from backoffice.models import ApprovalStatus, Case, PanelDecision
from tests import factories
from tests.conftest import PASSWORD


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_business_support_logs_a_cspr_notification_in_the_browser(page, session):
    user = factories.UserFactory(roles=["business_support"])
    sign_in(page, user.email)
    page.goto("/admin/case/new/")
    page.select_option("select[name=review_type]", "CSPR", force=True)  # select2 hides the native select
    page.fill("input[name=subject_pseudonym]", "Child Q")
    page.fill("input[name=incident_date]", "2025-12-15")
    page.fill("input[name=aware_date]", "2025-12-16")
    page.fill("input[name=referral_date]", "2025-12-17")
    page.fill("input[name=referrer_name]", "Sam Jones")
    page.click("input[type=submit][value=Save]")
    page.wait_for_url("**/admin/case/**")
    assert "Record was successfully created" in page.content()
    case = session.scalars(select(Case).where(Case.subject_pseudonym == "Child Q")).one()
    assert case.reference == "CSPR-2025-001"
    assert case.state == "INCIDENT_REPORTED"
    assert "CSPR-2025-001" in page.content()


def test_a_future_incident_date_is_explained_and_nothing_is_saved(page, session):
    user = factories.UserFactory(roles=["business_support"])
    sign_in(page, user.email)
    page.goto("/admin/case/new/")
    page.select_option("select[name=review_type]", "SAR", force=True)  # select2 hides the native select
    page.fill("input[name=subject_pseudonym]", "Adult B")
    page.fill("input[name=incident_date]", "2099-01-01")
    page.fill("input[name=aware_date]", "2099-01-02")
    page.fill("input[name=referral_date]", "2099-01-03")
    page.click("input[type=submit][value=Save]")
    assert "cannot be in the future" in page.content()
    assert session.scalars(select(Case)).all() == []


def test_a_board_member_approves_a_decision_from_the_list(page, session):
    recorder = factories.UserFactory(roles=["panel"])
    decision = factories.DecisionFactory(recorded_by_id=recorder.id)
    board = factories.UserFactory(roles=["board"])
    sign_in(page, board.email)
    page.click("text=1 decision awaiting approval")
    page.click("a[title='Approve or reject']")
    page.check("input[value=approved]")
    page.fill("textarea[name=comment]", "Agreed by the partners.")
    page.click("button:has-text('Record decision')")
    assert "Decision approved" in page.content()
    session.expire_all()
    assert session.get(PanelDecision, decision.id).approval_status == ApprovalStatus.APPROVED
