"""The admin menu lists the pages the user's roles may read, and marks the one open; it is drawn once
for each roles and page and kept, so what one person's menu showed must never reach another's."""

from __future__ import annotations

import re


def menu(page) -> set[str]:
    """The link texts of the page's main menu."""
    nav = page.get_data(as_text=True).split('<ul class="nav navbar-nav mr-auto">', 1)[1].split("navbar-right", 1)[0]
    return {re.sub(r"\s+", " ", text).strip() for text in re.findall(r"<a[^>]*>([^<]+)</a>", nav)}


def test_each_role_sees_its_own_menu_on_the_same_page(session, login_as):
    admin = menu(login_as("admin").get("/admin/agency/"))
    business_support = menu(login_as("business_support").get("/admin/agency/"))
    again = menu(login_as("admin").get("/admin/agency/"))
    assert "Users" in admin and "Audit log" in admin
    assert "Users" not in business_support and "Cases" in business_support
    assert again == admin


def test_the_open_page_is_marked_in_the_menu(session, login_as):
    signed_in = login_as("business_support")
    for path in ("/admin/case/", "/admin/document/"):
        current = re.findall(r'class="nav-link[^"]*" href="([^"]+)" aria-current="page"',
                             signed_in.get(path).get_data(as_text=True))
        assert path in current, (path, current)
