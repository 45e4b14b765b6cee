"""The main tasks, end to end, as people do them in Chromium: business support logs a notification by
keyboard alone, and records a DARDR's copies to the Secretary of State and the Commissioner; the panel records its decision with the statutory criteria; the board approves the
decision, the overview report and the publication, and publishes; the public page lists the review;
an auditor finds who changed a field, in plain English; an admin unlocks a locked account.

The review's middle (rapid review, the local review, the report, the notices), which the HTTP tests
drive step by step, is set up directly here, so each journey is about what a person does on a page."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from backoffice import clock
from backoffice.models import ApprovalStatus, Case, CaseAgency, DocumentStatus, PanelDecision, User
from backoffice.vocabulary import ReviewType
from backoffice.models.base import utcnow
from tests import factories
from tests.browser.conftest import serious_accessibility_findings
from tests.browser.test_roles_in_the_browser import sign_in_as
from tests.helpers import reload

MAX_TABS = 80


def tab_to(page, selector: str) -> None:
    """Press Tab until the focus reaches `selector`: proof a keyboard user can get there."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def choose_by_keyboard(page, field_id: str, typed: str) -> None:
    """A select2 choice by keyboard: Tab to it (unless the focus is there), open it, type, Enter on the
    match."""
    box = f"#s2id_{field_id} .select2-focusser"
    if not page.evaluate("s => document.activeElement.matches(s)", box):
        tab_to(page, box)
    page.keyboard.press("Enter")
    page.keyboard.type(typed)
    page.wait_for_selector(".select2-drop-active .select2-result-selectable.select2-highlighted")
    page.keyboard.press("Enter")


def publish_from_the_case_page(page, case: Case) -> None:
    """The board's last step: the case page's "Publish the report", dated today."""
    page.goto(f"/admin/case/details/?id={case.id}")
    page.click("[data-testid=next-steps] a:has-text('Publish the report')")
    page.wait_for_load_state()
    page.fill("#publication_date", clock.today().strftime("%d/%m/%Y"))
    page.click("main button:has-text('Publish the report')")
    page.wait_for_url(re.compile(r"/admin/case/details/\?id=\d+"))


def sign_out(page) -> None:
    page.click("button:has-text('Sign out')")
    page.wait_for_url("**/login**")


def test_business_support_logs_a_cspr_with_two_agencies_by_keyboard_alone(page, session):
    for name in ("West Marches Police", "West Marches Children's Services"):
        factories.AgencyFactory(name=name)
    sign_in_as(page, "business_support")

    tab_to(page, "a.nav-link[href='/admin/case/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/case/")
    tab_to(page, "a[href*='/admin/case/new/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/case/new/**")

    choose_by_keyboard(page, "review_type", "Child")
    for field, typed in (("subject_pseudonym", "Child Q"), ("incident_date", "15/12/2025"),
                         ("aware_date", "16/12/2025"), ("referral_date", "17/12/2025")):
        tab_to(page, f"#{field}")
        page.keyboard.type(typed)
    for n, agency in enumerate(("Police", "Children")):
        tab_to(page, "[data-inline-add]")
        page.keyboard.press("Enter")  # the new sub-form's first field has the focus
        choose_by_keyboard(page, f"agency_links-{n}-agency", agency)
    assert serious_accessibility_findings(page) == []  # the two new sub-forms' fields are labelled too
    tab_to(page, "input[type=submit][value=Save]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/case/details/\?id=\d+"))

    case = session.scalars(select(Case).where(Case.subject_pseudonym == "Child Q")).one()
    assert (case.incident_date, case.aware_date, case.referral_date) == (
        date(2025, 12, 15), date(2025, 12, 16), date(2025, 12, 17))
    agencies = session.scalars(select(CaseAgency).where(CaseAgency.case_id == case.id)).all()
    assert sorted(a.agency.name for a in agencies) == ["West Marches Children's Services", "West Marches Police"]
    assert page.locator("[data-testid=case-state]").inner_text() == "Incident reported"
    assert page.problems == []


def test_the_panel_decides_the_board_approves_and_publishes_and_the_public_reads_it(page, session):
    case = factories.CaseFactory(subject_pseudonym="Child R", state="PANEL_RESPONSE_RECEIVED")

    # The panel records its decision, with the statutory criteria, from the case's page.
    sign_in_as(page, "panel")
    page.goto(f"/admin/case/details/?id={case.id}")
    page.click("text=Record a panel decision")
    page.wait_for_url("**/admin/decision/new/**")
    page.wait_for_load_state()  # the page's scripts, which add the sub-forms, have run
    page.fill("#meeting_date", "01/12/2025")
    page.select_option("#outcome", "review_commissioned", force=True)
    page.fill("#rationale", "The criteria for a local review are met.")
    page.click("[data-inline-add]")
    criterion = page.locator(".inline-field.fresh").last
    criterion.locator("select[name$=criterion]").select_option(index=1, force=True)
    criterion.locator("select[name$=value]").select_option("met", force=True)
    criterion.locator("textarea[name$=evidence]").fill("Agencies missed the signs of neglect.")
    page.click("input[type=submit][value=Save]")
    page.wait_for_url(re.compile(r"/admin/decision/details/\?id=\d+"))
    decision = session.scalars(select(PanelDecision).where(PanelDecision.case_id == case.id)).one()
    assert [c.evidence for c in decision.criteria] == ["Agencies missed the signs of neglect."]
    sign_out(page)

    # The board approves the decision from its page.
    sign_in_as(page, "board")
    page.goto(f"/admin/decision/details/?id={decision.id}")
    page.click("[data-testid=answer-decision]")
    page.check("input[value=approve]")
    page.click("button:has-text('Record my answer')")
    page.wait_for_selector("text=The decision is approved")
    assert reload(session, decision).approval_status == ApprovalStatus.APPROVED

    # The review is written and the notices sent (driven step by step by the HTTP tests).
    report = reach_the_eve_of_publication(session, case)

    # The board approves the overview report, then the publication, then publishes.
    page.goto(f"/admin/document/details/?id={report.id}")
    page.click("button[value=approve]")
    page.wait_for_selector("text=Approve: Overview report")
    assert reload(session, report).status == DocumentStatus.APPROVED
    page.goto(f"/admin/publication/details/?id={case.id}")
    page.click("button:has-text('Approve the publication')")
    page.wait_for_selector(f"text=Publication of {case.reference} approved.")
    publish_from_the_case_page(page, case)
    assert reload(session, case).state == "PUBLISHED"
    assert page.problems == []
    sign_out(page)

    # Anyone reads it on the public page.
    page.goto("/reviews/")
    assert page.locator("article.review h4", has_text="Review of Child R").count() == 1
    page.click("text=Download Overview report")


def reach_the_eve_of_publication(session, case: Case):
    """The local review done: the report written, its publication record kept, the notices sent
    long enough ago; the overview report uploaded as a draft for the board."""
    report = factories.ready_to_publish(case, "full")
    report.status, report.title = DocumentStatus.DRAFT, "Overview report"
    case.state, case.publication_approved_at = "PRE_PUBLICATION_NOTIFIED", None
    case.anonymised_title = "Review of Child R"
    session.commit()
    return report


def test_an_auditor_finds_who_changed_a_field_in_plain_english(page, session):
    case = factories.CaseFactory(referrer_name="Sam Jones")
    editor = sign_in_as(page, "business_support")
    page.goto(f"/admin/case/edit/?id={case.id}")
    page.fill("#referrer_name", "Sam Patel")
    page.click("input[type=submit][value=Save]")
    page.wait_for_url(re.compile(r"/admin/case/(\?.*)?$"))  # back on the list: the edit page matched too soon
    sign_out(page)

    sign_in_as(page, "auditor")
    page.click("a.nav-link[href='/admin/case/']")
    page.click(f"a[href*='/admin/case/history/?id={case.id}']")
    page.wait_for_url("**/admin/case/history/**")  # all_inner_texts, below, does not wait for the page
    change = page.locator("[data-testid=history] tr", has_text="Referrer name").last
    change.wait_for()

    assert change.locator("td").all_inner_texts()[-3:] == ["Referrer name", "Sam Jones", "Sam Patel"]
    row = page.locator("[data-testid=history] tr", has=page.locator("td", has_text=editor.email)).last
    assert "Business support" in row.inner_text()
    assert "referrer_name" not in page.content()
    assert page.problems == []


def test_an_admin_unlocks_a_locked_account(page, session):
    locked = factories.UserFactory(email="locked.out@example.org", roles=["panel"])
    locked.failed_logins, locked.locked_until = 5, utcnow() + timedelta(minutes=30)
    session.commit()
    sign_in_as(page, "admin")
    page.goto("/admin/user/?search=locked.out")
    page.on("dialog", lambda dialog: dialog.accept())  # "Unlock the selected accounts?"

    page.check(f"input.action-checkbox[value='{locked.id}']")
    page.click("text=With selected")
    page.click("[data-model-action=unlock]")
    page.wait_for_selector("text=Unlocked 1 account.")

    unlocked = session.scalars(select(User).where(User.email == "locked.out@example.org")).one()
    session.refresh(unlocked)
    assert unlocked.locked_until is None and unlocked.failed_logins == 0
    assert page.problems == []


def test_business_support_records_a_dardrs_two_copies_by_keyboard_and_the_board_publishes(app, page, session):
    from tests.views.test_publication import ready_case

    case = ready_case(ReviewType.DHR)
    app.config["DARDR_FROM"] = "2025-01-01"
    try:
        sign_in_as(page, "business_support")
        for recipient in ("Secretary of State", "Domestic Abuse Commissioner"):
            page.goto(f"/admin/case/details/?id={case.id}")
            tab_to(page, "a[href*='/admin/notification/new/']")
            page.keyboard.press("Enter")
            page.wait_for_url("**/admin/notification/new/**")
            choose_by_keyboard(page, "recipient", recipient)
            choose_by_keyboard(page, "purpose", "DARDR")
            tab_to(page, "#sent_date")
            page.keyboard.type((clock.today() - timedelta(days=2)).strftime("%d/%m/%Y"))
            assert serious_accessibility_findings(page) == []
            tab_to(page, "input[type=submit][value=Save]")
            page.keyboard.press("Enter")
            page.wait_for_selector("text=Record was successfully created")
        sent = {(str(n.recipient), str(n.purpose)) for n in reload(session, case).notifications if n.sent_date}
        assert sent >= {("secretary_of_state", "dardr_report"), ("domestic_abuse_commissioner", "dardr_report")}

        sign_in_as(page, "board")
        publish_from_the_case_page(page, case)
    finally:
        app.config["DARDR_FROM"] = None
    assert reload(session, case).state == "PUBLISHED"
    assert page.problems == []


def test_an_admin_previews_and_makes_a_new_version_of_a_deadline_rule_by_keyboard(page, session):
    """The admin changes a timescale: sees which open cases would move first, chooses to recompute
    them with a reason, and confirms; nothing moves before the confirmation."""
    from tests.views.test_clock_views import deadline_of, sin_rule, two_csprs

    first, second = two_csprs(session)
    rule = sin_rule(session)
    sign_in_as(page, "admin")
    page.goto("/admin/deadline_rule/")

    tab_to(page, f"a[href$='/admin/deadline_rule/version/?id={rule.id}']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/deadline_rule/version/**")
    tab_to(page, "#offset")
    page.keyboard.press("Control+A")
    page.keyboard.type("10")
    tab_to(page, "#effective_from")
    page.keyboard.press("Control+A")
    page.keyboard.type("01/12/2025")
    tab_to(page, "#reach-0")
    page.keyboard.press("ArrowDown")  # the second choice: every open deadline
    tab_to(page, "#change_reason")
    page.keyboard.type("The Panel asked for 10 working days")
    tab_to(page, "button[name=preview]")
    page.keyboard.press("Enter")
    page.wait_for_selector("table#version-preview")

    shown = page.inner_text("table#version-preview")
    assert first.reference in shown and second.reference in shown
    assert deadline_of(session, first, "SIN_TO_PANEL").due_date == date(2025, 5, 12)  # not yet
    assert serious_accessibility_findings(page) == []
    tab_to(page, "button[name=confirm]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=2 open cases have a new due date.")

    assert deadline_of(session, first, "SIN_TO_PANEL").due_date == date(2025, 5, 19)
    assert page.problems == []


def test_the_board_destroys_a_record_past_retention_from_the_queue_by_keyboard(page, session):
    """The disposal queue, the decision page (what each choice removes), a reason, and the tombstone."""
    from backoffice.models import Tombstone
    from tests.domain.test_retention import closed_case

    case = closed_case(7)
    reference = case.reference
    sign_in_as(page, "board")
    page.goto("/admin/disposal/")
    assert serious_accessibility_findings(page) == []

    tab_to(page, f"a[href*='/admin/disposal/decide/'][href*='item={case.id}'][href*='not_progressed']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/disposal/decide/**")
    assert "everything recorded in it" in page.inner_text("[data-testid=what-goes]")
    assert serious_accessibility_findings(page) == []
    tab_to(page, "input[name=action]:checked")
    assert page.evaluate("() => document.activeElement.value") == "destroy"  # the schedule's proposal
    tab_to(page, "#reason")
    page.keyboard.type("Six years after closure; nothing outstanding")
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=destroyed. A tombstone records that it existed")

    assert session.scalars(select(Case).where(Case.reference == reference)).first() is None
    assert session.scalars(select(Tombstone).where(Tombstone.reference == reference)).one().reason.startswith("Six years")
    assert page.problems == []


def test_business_support_records_a_looked_after_childs_death_and_the_dashboard_shows_the_notices(page, session):
    """The serious incident notification's facts on the case form, by keyboard; the duties they bring
    (the Secretary of State and Ofsted told) reach business support's dashboard."""
    aware = clock.today() - timedelta(days=2)
    case = factories.CaseFactory(subject_pseudonym="Child L", incident_date=aware - timedelta(days=1), aware_date=aware,
                                 referral_date=aware)
    sign_in_as(page, "business_support")
    page.goto(f"/admin/case/edit/?id={case.id}")

    choose_by_keyboard(page, "child_care_status", "Looked")
    choose_by_keyboard(page, "incident_nature", "Death")
    for field, typed in (("la_of_residence", "Northshire"), ("la_of_incident", "Westmarch")):
        tab_to(page, f"#{field}")
        page.keyboard.type(typed)
    assert serious_accessibility_findings(page) == []
    tab_to(page, "input[type=submit][value=Save]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Record was successfully saved")

    saved = reload(session, case)
    assert (str(saved.child_care_status), str(saved.incident_nature), saved.la_of_incident) == (
        "looked_after", "death", "Westmarch")
    page.goto("/admin/")
    work = page.inner_text("main")
    assert "Death of a looked-after child: Secretary of State told" in work
    assert "Death of a looked-after child: Ofsted told" in work
    assert page.problems == []
