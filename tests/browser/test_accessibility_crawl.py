"""A crawl, as each role: the home page and every list the role may read, checked with axe-core (WCAG
2.0-2.2 A and AA: no serious or critical finding), and with no console error, CSP violation or failed
request."""

from __future__ import annotations

import pytest

from backoffice.policy import RoleName, roles_allowed
from tests import factories
from tests.browser.conftest import serious_accessibility_findings
from tests.browser.test_roles_in_the_browser import sign_in_as
from tests.generated_documents import report_pdf
from tests.test_access_matrix import admin_views


@pytest.fixture
def records(session):
    """Something on every list."""
    recorder = factories.UserFactory(roles=["panel"])
    decision = factories.DecisionFactory(recorded_by_id=recorder.id)
    member = factories.FamilyFactory(case=decision.case)
    factories.FamilyEventFactory(member=member)
    factories.DocumentFactory(case=decision.case, content=report_pdf("What was learned."))
    factories.AgencyFactory(name="West Marches Police")
    return decision


def pages_for(app, role: str) -> list[str]:
    pages = ["/admin/"]
    for endpoint, view in sorted(admin_views(app).items()):
        if role in roles_allowed(getattr(view, "resource", ""), "read"):
            pages.append(f"/admin/{endpoint}/" if endpoint != "publication" else "/admin/publication/")
    return pages


@pytest.mark.parametrize("role", [r.value for r in RoleName])
def test_every_page_of_every_role_meets_wcag_aa_with_no_console_error(app, page, records, role):
    sign_in_as(page, role)
    findings = []
    for path in pages_for(app, role):
        page.goto(path)
        page.wait_for_load_state()
        findings += [f"{path}: {problem}" for problem in serious_accessibility_findings(page) + page.problems]
        page.problems.clear()
    assert not findings, "\n".join(findings)
