"""Sensitive actions need a recent sign-in: changing accounts and roles, and exporting."""

from __future__ import annotations

import time

from tests import factories
from tests.conftest import PASSWORD
from tests.helpers import reload


def make_stale(signed_in) -> None:
    """Pretend the user signed in a day ago (Flask-Security keeps that time in the session)."""
    with signed_in.client.session_transaction() as session_data:
        session_data["fs_paa"] = time.time() - 24 * 3600
        session_data.pop("fs_gexp", None)


def test_changing_a_users_roles_asks_for_the_password_again_and_changes_nothing_until_then(session, login_as):
    target = factories.UserFactory(roles=["panel"])
    admin = login_as("admin")
    make_stale(admin)
    form = {"email": target.email, "full_name": "Renamed", "roles": [], "streams": ["children"], "active": "y"}

    response = admin.post(f"/admin/user/edit/?id={target.id}", form)

    assert response.status_code == 302 and "/verify" in response.headers["Location"]
    assert reload(session, target).role_names == ["panel"]

    verified = admin.post("/verify", {"password": PASSWORD})
    assert verified.status_code == 302
    assert admin.post(f"/admin/user/edit/?id={target.id}", form).status_code == 302
    assert reload(session, target).role_names == []


def test_exporting_asks_for_the_password_again_after_a_while(session, login_as):
    factories.CaseFactory()
    signed_in = login_as("business_support")
    assert signed_in.get("/admin/case/export/csv/").status_code == 200  # signed in just now
    make_stale(signed_in)
    response = signed_in.get("/admin/case/export/csv/")
    assert response.status_code == 302 and "/verify" in response.headers["Location"]


def test_a_wrong_password_at_the_check_keeps_the_action_closed(session, login_as):
    admin = login_as("admin")
    make_stale(admin)
    assert admin.post("/verify", {"password": "not my password at all"}).status_code == 200
    response = admin.post("/admin/user/new/", {"email": "x@example.org", "new_password": PASSWORD})
    assert response.status_code == 302 and "/verify" in response.headers["Location"]
