"""A list's links to itself (sort headings, pages, page sizes, clearing a search) are written without
a route build each, and say exactly what Flask-Admin's own url_for would: same address, same
arguments, same order, same escaping, whatever a visitor searched or filtered for."""

from __future__ import annotations

import pytest
from flask_admin.contrib.sqla import ModelView
from flask_login import login_user
from flask_admin.model.base import ViewArgs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_access_matrix import admin_views

TEXT = st.one_of(st.none(), st.sampled_from(["CSPR-2026-001", "Child Q", "a&b=c", "50% + ?#/", "é ü", "'\""]),
                 st.text(max_size=20))


@pytest.mark.parametrize("endpoint", ["case", "decision", "audit"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_list_link_is_what_flask_admin_would_write(app, endpoint, data):
    view = admin_views(app)[endpoint]
    filters = data.draw(st.lists(st.tuples(st.integers(0, len(view._filters or [None]) - 1), st.just("x"),
                                           st.text(max_size=12)), max_size=2)) if view._filters else None
    args = ViewArgs(page=data.draw(st.one_of(st.none(), st.integers(0, 40))),
                    page_size=data.draw(st.sampled_from([None, 0, 7, *view.page_size_options])),
                    sort=data.draw(st.one_of(st.none(), st.integers(0, 5))), sort_desc=data.draw(st.booleans()),
                    search=data.draw(TEXT), filters=filters,
                    extra_args=data.draw(st.dictionaries(st.sampled_from(["case_id", "url"]), TEXT, max_size=2)))
    mounted = data.draw(st.sampled_from(["", "/council"]))
    with app.test_request_context(f"/admin/{endpoint}/", base_url=f"http://localhost{mounted}/"):
        assert view._get_list_url(args) == ModelView._get_list_url(view, args)


def test_the_list_page_links_to_its_sorts_and_pages(login_as):
    page = login_as("business_support").client.get("/admin/case/?search=Child+Q&sort=1").get_data(as_text=True)
    assert 'href="/admin/case/?sort=1&amp;desc=1&amp;search=Child+Q' in page  # the heading sorted the other way


@pytest.mark.parametrize("role, endpoint", [("business_support", "case"), ("auditor", "case"), ("panel", "decision")])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(return_url=st.one_of(TEXT.filter(bool), st.just("/admin/case/?search=a%26b&flt0_3=x y")), row_id=st.integers(1, 10**9))
def test_a_row_link_returns_to_the_page_it_was_on(app, login_as, role, endpoint, return_url, row_id):
    """Built once for the list and roles, a row's links are still the ones Flask-Admin would write for
    this page: its id, and the address of the page to come back to."""
    user = login_as(role).user
    view = admin_views(app)[endpoint]
    with app.test_request_context(f"/admin/{endpoint}/"):
        login_user(user)
        expected = "".join(f"{before}{row_id}{after}" for before, after in view._row_link_halves(return_url))
        assert view.row_action_links(str(row_id), return_url) == expected
