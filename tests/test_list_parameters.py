"""No list parameter ever gives a server error: whatever page, page size, sort, search or filter a
visitor types into the address bar, every list and its export answer with a page, never a 500.

Property-based: Hypothesis tries hostile values (negative and huge numbers, NUL and other control
characters, SQL and LIKE metacharacters, overlong text) on every list, as a reader of it.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backoffice.errors import MESSAGES
from tests import factories
from tests.test_access_matrix import admin_views

# Every list, and a role that reads it (and, where it may, exports it).
LISTS = {
    "case": "auditor", "decision": "auditor", "family": "auditor", "family_event": "auditor",
    "document": "auditor", "publication": "auditor", "deadline": "auditor", "notification": "auditor",
    "hold": "auditor", "agency": "business_support", "abuse_category": "admin", "deadline_rule": "admin",
    "public_text": "admin", "user": "admin", "audit": "auditor", "retention_rule": "admin", "legal_hold": "auditor",
    "disposal": "auditor", "tombstone": "auditor", "contribution": "auditor", "turnaround_rule": "admin",
    "appointment": "auditor", "meeting": "auditor", "meeting_conflict": "auditor", "meeting_type": "admin",
    "finding": "auditor", "recommendation": "auditor", "action": "auditor", "theme": "admin",
    "intake": "auditor",
}
HOSTILE = st.sampled_from(["-1", "0", "99999999999999999999", "1e999", "NaN", "%00", "\x00", "'", "\\", "%", "_",
                           "' OR 1=1 --", "\u202e", "\x1b[31m", "2026-13-45", "x" * 5000])
VALUES = st.one_of(HOSTILE, st.integers(min_value=-(2**70), max_value=2**70).map(str), st.text(max_size=40))


@pytest.fixture
def reader(request, login_as, session):
    """A signed-in reader with something to list."""
    factories.DecisionFactory()
    factories.AgencyFactory(name="West Marches Police")
    return login_as(request.param)


def test_every_list_is_walked(app):
    lists = {endpoint for endpoint, view in admin_views(app).items() if hasattr(view, "resource")}
    assert lists == set(LISTS)


@pytest.mark.parametrize("endpoint, reader", LISTS.items(), ids=LISTS.keys(), indirect=["reader"])
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_list_parameter_ever_gives_a_server_error(app, endpoint, reader, data):
    filters = [f"flt{n}_{key}" for n, key in enumerate(admin_views(app)[endpoint]._filter_args or {})]
    names = st.sampled_from(["page", "page_size", "sort", "desc", "search", *filters])
    query = urlencode(data.draw(st.dictionaries(names, VALUES, max_size=4), label="query"))

    for path in (f"/admin/{endpoint}/", f"/admin/{endpoint}/export/csv/"):
        response = reader.get(f"{path}?{query}")
        assert response.status_code < 500, f"{path}?{query}: {response.status_code}"
        if path.endswith("/") and response.status_code == 200:
            # The error page's heading, as an element: a search for the same words is echoed (escaped)
            # in the search box, and Hypothesis tries the strings it finds in this file.
            assert f">{MESSAGES[500][0]}<" not in response.get_data(as_text=True)
