"""Every count on the home page links to exactly the records it counts: following a link lists as many
rows as the number said."""

from __future__ import annotations

import re
from html import unescape

from tests import factories
from tests.html_pages import list_records


def links_with_counts(page: str) -> list[tuple[int, str]]:
    """(the number shown, the address) of each counting link on the home page."""
    found = []
    for href, label in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>\s*([^<]+?)\s*</a>', page):
        number = re.match(r"(\d+)\b", label)
        if number and "/admin/" in href and "flt" in href:
            found.append((int(number.group(1)), unescape(href)))
    return found


def test_each_count_on_the_home_page_opens_a_list_of_exactly_that_many(session, login_as):
    board = login_as("board")
    panel = factories.UserFactory(roles=["panel"])
    for review_type in ("CSPR", "SAR", "DHR"):  # the same state name in every type
        factories.CaseFactory(review_type=review_type, state="ACTION_PLAN_MONITORING")
    factories.CaseFactory(review_type="CSPR", state="ACTION_PLAN_MONITORING")
    waiting = [factories.DecisionFactory(recorded_by_id=panel.id) for _ in range(2)]
    answered = factories.DecisionFactory(recorded_by_id=panel.id)
    factories.DecisionApprovalFactory(decision=answered, approver_id=board.user.id, round=answered.approval_round)
    assert len(waiting) == 2

    links = links_with_counts(board.get("/admin/").get_data(as_text=True))

    assert (2, "/admin/decision/?flt0_awaiting_my_approval_is=yes") in links
    assert any(count == 2 and "type_equals=CSPR" in href for count, href in links)
    for count, href in links:
        rows = list_records(board.get(href + "&page_size=100"))
        assert len(rows) == count, f"{href} lists {len(rows)}, the home page said {count}"


def test_a_count_past_what_a_list_counts_says_more_than(session, login_as, monkeypatch):
    """The home page counts as far as a list does: past that it says so, and does not read every case."""
    from backoffice.views import admin_parts

    support = login_as("business_support")
    with factories.in_one_commit():
        factories.CaseFactory.create_batch(3)  # aware a year ago: their notifications are overdue
    exact = support.get("/admin/").get_data(as_text=True)
    overdue = int(re.search(r'data-testid="overdue-count"[^>]*>(\d+) overdue', exact).group(1))
    assert overdue >= 3

    monkeypatch.setattr(admin_parts, "COUNT_AT_LEAST", 2)
    capped = support.get("/admin/").get_data(as_text=True)
    assert re.search(r'data-testid="overdue-count"[^>]*>more than 2 overdue<', capped)
