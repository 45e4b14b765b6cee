"""A list page issues the same number of SQL statements whatever the page size.

Speed itself is measured by benchmarks; this guards the shape that keeps pages fast as data grows:
no per-row queries (lazy loads) on any list.
"""

from __future__ import annotations

import pytest

from tests import factories

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
}


LIST_PAGES = {
    "business_support": [
        "case", "family", "family_event", "document", "publication", "agency", "deadline", "notification", "hold"
    ],
    "panel": ["decision"],
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
