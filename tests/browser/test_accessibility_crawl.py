"""A crawl, as each role: the home page, every menu page, and from each list the first row's pages
(details, edit, history, archive, approve...), the create page, a create page sent back with its
errors and a case's next step; then the pages anyone meets (sign-in, errors, the public page, the
accessibility statement). Each is checked with axe-core (WCAG 2.0-2.2 A and AA: no serious or
critical finding), and must log no console error, CSP violation or failed request, and hold no
link a click would take to a javascript: address, nor any inline handler."""

from __future__ import annotations

import pytest

from backoffice import clock
from backoffice.models import Notification, RecommendationSet
from backoffice.policy import RoleName, roles_allowed
from tests import factories
from tests.browser.conftest import serious_accessibility_findings
from tests.browser.test_roles_in_the_browser import sign_in_as
from tests.generated_documents import report_pdf
from tests.test_access_matrix import admin_views

ROW_LINKS = "tbody tr:first-child td.list-buttons-column a"
INLINE_HANDLERS = """Array.from(document.querySelectorAll("*"))
  .filter(element => Array.from(element.attributes).some(attribute => attribute.name.startsWith("on")))
  .map(element => element.outerHTML.slice(0, 120))"""
# Pages a role may open from a list row that only change something when their form is sent.
FOLLOWED = ("/details/", "/edit/", "/history/", "/archive/", "/approve/", "/waive/")


@pytest.fixture
def records(session) -> dict:
    """Something on every list, and a record of each kind to open."""
    recorder = factories.UserFactory(roles=["panel"])
    decision = factories.DecisionFactory(recorded_by_id=recorder.id)
    member = factories.FamilyFactory(case=decision.case)
    factories.FamilyEventFactory(member=member)
    factories.DocumentFactory(case=decision.case, content=report_pdf("What was learned."))
    factories.HoldFactory(case=decision.case)
    session.add(Notification(case=decision.case, recipient="dfe", purpose="other", reference="N-1"))
    factories.AgencyFactory(name="West Marches Police")
    factories.ContributionFactory(case=decision.case, contribution_type="record_check")
    factories.AppointmentFactory(case=decision.case)
    meeting = factories.quorate(factories.AgendaItemFactory(case=decision.case).meeting)
    factories.AttendeeFactory(meeting=meeting, member_role="board")
    factories.ConflictFactory(meeting=meeting, case=decision.case)
    decision.meeting, decision.meeting_date = meeting, meeting.held_on
    finding = factories.FindingFactory(case=decision.case)
    action = factories.ActionFactory(recommendation=factories.RecommendationFactory(finding=finding),
                                     status="completed", completed_date=clock.today(), evidence_outcome="Done.")
    session.add(RecommendationSet(case=decision.case, status="pending", round=1, sent_at=clock.now()))
    referral = factories.IncomingReferralFactory()
    session.commit()
    return {"case": decision.case, "meeting": meeting, "action": action, "referral": referral}


def menu_lists(app, role: str) -> list[str]:
    """Every list in the role's menu."""
    return [f"/admin/{endpoint}/" for endpoint, view in sorted(admin_views(app).items())
            if role in roles_allowed(getattr(view, "resource", ""), "read")]


def problems_on(page, path: str) -> list[str]:
    """What is wrong on the page now: axe findings, console errors, failed requests, javascript: links."""
    found = serious_accessibility_findings(page) + page.problems
    found += [f"a javascript: link: {href}" for href in page.eval_on_selector_all(
        "a[href^='javascript:']", "links => links.map(link => link.outerHTML.slice(0, 120))")]
    found += [f"an inline handler, which the CSP refuses: {html}" for html in page.evaluate(INLINE_HANDLERS)]
    page.problems.clear()
    return [f"{path}: {problem}" for problem in found]


def visit(page, path: str) -> list[str]:
    page.goto(path)
    page.wait_for_load_state()
    return problems_on(page, path)


def row_pages(page) -> list[str]:
    """The pages the list's first row leads to (details, edit, history...), and its create page."""
    links = page.eval_on_selector_all(ROW_LINKS, "links => links.map(link => link.getAttribute('href'))")
    create = page.eval_on_selector_all("ul.nav-tabs a[href*='/new/']", "links => links.map(l => l.getAttribute('href'))")
    return [link for link in links if any(part in link for part in FOLLOWED)] + create[:1]


def sent_back_with_errors(page, path: str) -> list[str]:
    """The create form, sent empty: the page with its error summary."""
    page.click("input[type=submit][value=Save]")
    page.wait_for_load_state()
    return problems_on(page, f"{path} (sent empty)")


@pytest.mark.parametrize("role", [r.value for r in RoleName])
def test_every_page_of_every_role_meets_wcag_aa_with_no_console_error(app, page, records, role):
    sign_in_as(page, role)
    findings = visit(page, "/admin/") + visit(page, "/admin/reminders/")
    seen: set[str] = set()
    for listed in menu_lists(app, role):
        findings += visit(page, listed)
        for path in row_pages(page):
            if path in seen:
                continue
            seen.add(path)
            findings += visit(page, path)
            if "/new/" in path and "/user/" not in path:  # a user's form asks for the password again first
                findings += sent_back_with_errors(page, path)
    if role in roles_allowed("action", "accept_evidence"):
        findings += visit(page, f"/admin/action/evidence/?id={records['action'].id}")
        findings += visit(page, f"/admin/recommendation/approve/?case_id={records['case'].id}")
    if role in roles_allowed("report", "read"):
        for path in ("/admin/reports/", "/admin/reports/sab/", "/admin/reports/scrt/", "/admin/reports/yearly/?type=DHR",
                     "/admin/reports/library/?type=SAR", "/admin/reports/completeness/"):
            findings += visit(page, path)
    if role in roles_allowed("intake", "triage"):
        for step in ("reject", "duplicate"):
            findings += visit(page, f"/admin/intake/{step}/?id={records['referral'].id}")
        findings += visit(page, f"/admin/case/new/?referral={records['referral'].id}")
    if role in roles_allowed("meeting", "papers"):
        findings += visit(page, f"/admin/meeting/papers/?id={records['meeting'].id}")
    if role in roles_allowed("case", "read"):
        findings += visit(page, f"/admin/case/details/?id={records['case'].id}")
        step = page.locator("[data-testid=next-steps] a").first
        if step.count():
            step.click()
            page.wait_for_load_state()
            findings += problems_on(page, "a case's next step")
    assert not findings, "\n".join(findings)


def test_the_pages_anyone_meets_meet_wcag_aa_with_no_console_error(page, session):
    findings = []
    for path in ("/reviews/", "/accessibility", "/login", "/admin/no-such-page/"):
        findings += visit(page, path)
    for path in ("/refer/", "/refer/cspr/the-child", "/refer/dhr/the-victim"):
        findings += visit(page, path)
        if path != "/refer/":
            page.click("button.govuk-button")  # sent empty: the error summary and each field's error
            page.wait_for_load_state()
            findings += problems_on(page, f"{path} (sent empty)")
    page.goto("/login")
    page.fill("input[name=email]", "nobody@example.org")
    page.fill("input[name=password]", "not the password")
    page.click("input[type=submit]")
    page.wait_for_load_state()
    page.problems[:] = [p for p in page.problems if "/login" not in p]  # the refusal itself is a 400/401
    findings += problems_on(page, "/login (refused)")
    expected_404 = ("/admin/no-such-page/: 404 GET", "/admin/no-such-page/: Failed to load resource: the server responded with a status of 404")
    assert [f for f in findings if not f.startswith(expected_404)] == []
