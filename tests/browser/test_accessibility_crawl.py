"""A crawl, as each role: the home page, every list the role may read and the details, edit and create
pages of each kind of case record, checked with axe-core (WCAG
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
def records(session) -> dict:
    """Something on every list, and a record of each kind to open."""
    recorder = factories.UserFactory(roles=["panel"])
    decision = factories.DecisionFactory(recorded_by_id=recorder.id)
    member = factories.FamilyFactory(case=decision.case)
    factories.FamilyEventFactory(member=member)
    document = factories.DocumentFactory(case=decision.case, content=report_pdf("What was learned."))
    factories.AgencyFactory(name="West Marches Police")
    return {"case": decision.case, "decision": decision, "member": member, "document": document}


RECORD_PAGES = {"case": "case", "decision": "decision", "family": "member", "document": "document"}


def pages_for(app, role: str, records: dict) -> list[str]:
    """The home page, every list the role reads, and the details, edit and create pages of each kind of
    case record the role may open."""
    pages = ["/admin/"]
    for endpoint, view in sorted(admin_views(app).items()):
        resource = getattr(view, "resource", "")
        if role not in roles_allowed(resource, "read"):
            continue
        pages.append(f"/admin/{endpoint}/")
        if endpoint in RECORD_PAGES:
            record_id = records[RECORD_PAGES[endpoint]].id
            pages.append(f"/admin/{endpoint}/details/?id={record_id}")
            if role in roles_allowed(resource, "edit"):
                pages.append(f"/admin/{endpoint}/edit/?id={record_id}")
            if role in roles_allowed(resource, "create"):
                pages.append(f"/admin/{endpoint}/new/")
    return pages


@pytest.mark.parametrize("role", [r.value for r in RoleName])
def test_every_page_of_every_role_meets_wcag_aa_with_no_console_error(app, page, records, role):
    sign_in_as(page, role)
    findings = []
    for path in pages_for(app, role, records):
        page.goto(path)
        page.wait_for_load_state()
        findings += [f"{path}: {problem}" for problem in serious_accessibility_findings(page) + page.problems]
        page.problems.clear()
    assert not findings, "\n".join(findings)
