"""A list page issues the same number of SQL statements whatever the page size.

Speed itself is measured by benchmarks; this guards the shape that keeps pages fast as data grows:
no per-row queries (lazy loads) on any list.
"""

from __future__ import annotations

import pytest
from flask_admin.model.base import ViewArgs

from tests import factories
from tests.test_access_matrix import admin_views

ROWS = 101


def _cases():
    agency = factories.AgencyFactory()
    return [factories.CaseFactory(referrer_agency=agency) for _ in range(ROWS)]


def _for_each_case(factory, **kwargs):
    return lambda: [factory(case=case, **kwargs) for case in _cases()]


def _decisions():
    recorder = factories.UserFactory(roles=["panel"])
    return _for_each_case(factories.DecisionFactory, recorded_by_id=recorder.id)()


MAKERS = {
    "case": _cases,
    "decision": _decisions,
    "family": _for_each_case(factories.FamilyFactory),
    "document": _for_each_case(factories.DocumentFactory),
    "agency": lambda: factories.AgencyFactory.create_batch(ROWS),
    "user": lambda: factories.UserFactory.create_batch(ROWS, roles=["panel"]),
    "deadline": _cases,  # each new CSPR is due to notify the National Panel and Ofsted
    "notification": _cases,
    "hold": _for_each_case(factories.HoldFactory),
    "deadline_rule": lambda: factories.DeadlineRuleFactory.create_batch(ROWS),
    "family_event": lambda: [factories.FamilyEventFactory(member=factories.FamilyFactory(case=c)) for c in _cases()],
    "publication": _cases,
    "contribution": _for_each_case(factories.ContributionFactory, contribution_type="record_check"),
    "appointment": _for_each_case(factories.AppointmentFactory),
    "meeting": lambda: [factories.quorate(factories.AgendaItemFactory(case=c).meeting) for c in _cases()],
    "meeting_conflict": lambda: [factories.ConflictFactory(case=c) for c in _cases()],
    "finding": lambda: [factories.FindingFactory(case=c) for c in _cases()],
    "recommendation": lambda: [factories.RecommendationFactory(finding=factories.FindingFactory(case=c)) for c in _cases()],
    "action": lambda: [factories.ActionFactory(recommendation=factories.RecommendationFactory(
        finding=factories.FindingFactory(case=c))) for c in _cases()],
    "intake": lambda: [factories.IncomingReferralFactory(case=c) for c in _cases()],
}


LIST_PAGES = {
    "business_support": [
        "case", "family", "family_event", "document", "publication", "agency", "deadline", "notification", "hold",
        "contribution", "appointment", "meeting", "finding", "action", "intake",
    ],
    "panel": ["decision", "meeting_conflict", "recommendation"],
    "admin": ["user", "deadline_rule"],
}


@pytest.mark.parametrize(
    "role, view", [(role, view) for role, views in LIST_PAGES.items() for view in views]
)
def test_list_page_queries_do_not_grow_with_page_size(session, login_as, count_queries, role, view):
    with factories.in_one_commit():
        MAKERS[view]()
    signed_in = login_as(role)
    counts = {}
    for size in (10, 100):
        with count_queries() as counter:
            response = signed_in.get(f"/admin/{view}/?page_size={size}")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('<td class="list-buttons-column">') == size, view
        counts[size] = counter.count
    assert counts[10] == counts[100], counts


def _statements(signed_in, count_queries, method: str, url: str, data=None) -> int:
    with count_queries() as counter:
        response = signed_in.post(url, data) if method == "POST" else signed_in.get(url)
    assert response.status_code == 200, response.status_code
    return counter.count


def test_the_disposal_queue_issues_the_same_statements_for_2_or_20_records_due(session, login_as, count_queries):
    from tests.domain.test_retention import closed_case

    signed_in = login_as("board")
    counts = []
    for added in (2, 18):  # 2 cases due, then 20
        for _ in range(added):
            closed_case(7)
        counts.append(_statements(signed_in, count_queries, "GET", "/admin/disposal/"))
    assert counts[0] == counts[1], counts


def test_a_rule_versions_preview_issues_the_same_statements_for_2_or_20_open_cases(session, login_as, count_queries):
    from tests.views.test_clock_views import sin_rule
    from tests.views.test_deadline_rule_versions import proposal

    rule_id = sin_rule(session).id
    signed_in = login_as("admin")
    counts = []
    for added in (2, 18):  # 2 open cases, then 20
        with factories.in_one_commit():
            factories.CaseFactory.create_batch(added)
        counts.append(_statements(signed_in, count_queries, "POST", f"/admin/deadline_rule/version/?id={rule_id}",
                                  proposal(reach="open_cases", change_reason="Recompute")))
    assert counts[0] == counts[1], counts


def test_a_records_history_issues_the_same_statements_for_3_or_120_events(session, login_as, count_queries):
    """History is paged (50 events a page): one query for the page, whatever the record's past."""
    agency = factories.AgencyFactory(name="West Marches Police")
    signed_in = login_as("business_support")
    counts = []
    for edits in (2, 117):
        for n in range(edits):
            agency.safeguarding_lead = f"Lead {len(counts)}-{n}"
            session.commit()
        counts.append(_statements(signed_in, count_queries, "GET", f"/admin/agency/history/?id={agency.id}"))
    assert counts[0] == counts[1], counts
    last = signed_in.get(f"/admin/agency/history/?id={agency.id}&page=2").get_data(as_text=True)
    assert "Earlier events" in last and "Later events" not in last and "Lead 1-116" in last


# --- a page's statements do not grow with the data behind it ----------------------------------------

@pytest.mark.parametrize(
    "role, view", [(role, view) for role, views in LIST_PAGES.items() for view in views]
)
def test_list_page_queries_do_not_grow_with_the_rows_behind_them(session, login_as, count_queries, role, view):
    """The same full page over 101 rows and then 202: counting and sorting take no statement more."""
    signed_in = login_as(role)
    counts = []
    for _ in range(2):
        with factories.in_one_commit():
            MAKERS[view]()
        counts.append(_statements(signed_in, count_queries, "GET", f"/admin/{view}/?page_size=10"))
    assert counts[0] == counts[1], counts


def _linked_case(links: int) -> int:
    from backoffice.models import CaseAgency

    with factories.in_one_commit():
        case = factories.CaseFactory()
        case.agency_links = [CaseAgency(agency=factories.AgencyFactory(), role="contributing") for _ in range(links)]
    return case.id


@pytest.mark.parametrize("page", ["details", "edit", "history"])
def test_a_case_page_issues_the_same_statements_for_1_or_6_agencies_involved(session, login_as, count_queries, page):
    signed_in = login_as("business_support")
    counts = [_statements(signed_in, count_queries, "GET", f"/admin/case/{page}/?id={_linked_case(links)}")
              for links in (1, 6)]
    assert counts[0] == counts[1], counts


def test_the_home_page_issues_the_same_statements_for_2_or_40_cases_with_deadlines(session, login_as, count_queries):
    signed_in = login_as("business_support")
    counts = []
    for added in (2, 38):
        with factories.in_one_commit():
            factories.CaseFactory.create_batch(added)
        counts.append(_statements(signed_in, count_queries, "GET", "/admin/"))
    assert counts[0] == counts[1], counts


def test_the_public_page_issues_the_same_statements_for_2_or_12_published_reviews(session, client, count_queries):
    from tests.views.test_public_reviews import published

    counts = []
    for added in (2, 10):
        for n in range(added):
            published(f"Review {len(counts)}-{n}")
        counts.append(_statements(client, count_queries, "GET", "/reviews/"))
    assert counts[0] == counts[1], counts
    assert client.get("/reviews/").get_data(as_text=True).count("Download ") == 12


def test_a_list_is_counted_from_its_rows_when_a_short_page_ends_it(session, login_as, count_queries):
    """No COUNT when the page's rows tell the count: a list that fits on its first page, or its last page."""
    signed_in = login_as("business_support")

    def shown(url: str) -> tuple[str, bool]:
        with count_queries() as counter:
            page = signed_in.get(url).get_data(as_text=True)
        return page, any("count(" in s.lower() for s in counter.statements)

    with factories.in_one_commit():
        factories.CaseFactory.create_batch(3)
    page, counted = shown("/admin/case/")
    assert "List (3)" in page and not counted
    with factories.in_one_commit():
        factories.CaseFactory.create_batch(30)
    page, counted = shown("/admin/case/")
    assert "List (33)" in page and counted
    page, counted = shown("/admin/case/?page=1")
    assert "List (33)" in page and not counted and page.count('<td class="list-buttons-column">') == 8


def test_a_long_list_counts_only_as_far_as_its_pager_reaches(session, login_as, monkeypatch):
    from backoffice.views import admin_parts

    monkeypatch.setattr(admin_parts, "COUNT_AT_LEAST", 20)
    monkeypatch.setattr(admin_parts, "PAGES_AHEAD", 1)
    with factories.in_one_commit():
        factories.CaseFactory.create_batch(45)
    signed_in = login_as("business_support")
    first = signed_in.get("/admin/case/?page_size=10").get_data(as_text=True)
    assert "List (more than 20)" in first and "page=1&" in first.replace("&amp;", "&")
    further = signed_in.get("/admin/case/?page_size=10&page=2").get_data(as_text=True)
    assert "List (more than 40)" in further and "page=3&" in further.replace("&amp;", "&")
    last = signed_in.get("/admin/case/?page_size=10&page=4").get_data(as_text=True)
    assert "List (45)" in last


def test_a_list_counts_only_what_its_search_and_filters_match(app, session, login_as):
    """The count is built after the page's rows, and only if they do not tell it: it must keep the
    search, the filters and the joins a related column's filter needs."""
    with factories.in_one_commit():
        factories.CaseFactory.create_batch(12, subject_pseudonym="Child Q")
        factories.CaseFactory.create_batch(4, subject_pseudonym="Adult R")
        factories.MeetingFactory.create_batch(12)
        factories.MeetingFactory.create_batch(3, meeting_type=factories.meeting_type("Family meeting"))
    signed_in = login_as("business_support")
    assert "List (12)" in signed_in.get("/admin/case/?page_size=10&search=Child").get_data(as_text=True)
    meetings = admin_views(app)["meeting"]
    by_type = next(i for i, f in enumerate(meetings._filters)
                   if f.column.key == "name" and f.operation() == "equals")
    with app.test_request_context("/admin/meeting/"):
        address = meetings._get_list_url(ViewArgs(page_size=10, filters=[(by_type, "", "Rapid review panel")]))
    assert "List (12)" in signed_in.get(address).get_data(as_text=True)


@pytest.mark.parametrize("view, make", [("case", lambda: _linked_case(2)), ("agency", lambda: factories.AgencyFactory().id)])
def test_a_records_page_loads_the_record_once(session, login_as, count_queries, view, make):
    """Flask-Admin loads the record for its details page, and the audit of the read asks for it too."""
    record_id = make()
    signed_in = login_as("business_support")
    with count_queries() as counter:
        assert signed_in.get(f"/admin/{view}/details/?id={record_id}").status_code == 200
    table = f'"{view}"' if view == "case" else view
    loads = [s for s in counter.statements if s.startswith(f"SELECT {table}.id AS {view}_id") and f"{table}.id = " in s]
    assert len(loads) == 1, loads
