"""Sessions end when they should: at sign-out (everywhere), after idle time, after an absolute
lifetime, and when an admin changes what the user may do."""

from __future__ import annotations

from datetime import timedelta

from backoffice import clock
from tests import factories
from tests.conftest import csrf_token, sign_in
from tests.helpers import reload


def copied_cookie(client) -> str:
    return client.get_cookie("session").value


def test_after_sign_out_a_copied_session_cookie_no_longer_works(app, login_as):
    signed_in = login_as("business_support")
    stolen = copied_cookie(signed_in.client)
    assert signed_in.post("/logout").status_code == 302

    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/admin/case/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_signing_out_ends_the_users_other_sessions_too(app, session, login_as):
    user = factories.UserFactory(roles=["panel"])
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, user.email)
    sign_in(phone, user.email)
    laptop.post("/logout", data={"csrf_token": csrf_token(laptop, "/admin/")})
    assert phone.get("/admin/case/").status_code == 302


def test_an_idle_session_expires(app, login_as):
    signed_in = login_as("panel")
    assert signed_in.get("/admin/case/").status_code == 200
    original = app.permanent_session_lifetime
    app.permanent_session_lifetime = timedelta(seconds=-1)  # everything issued so far is now too old
    try:
        response = signed_in.get("/admin/case/")
    finally:
        app.permanent_session_lifetime = original
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_session_ends_after_its_absolute_lifetime_however_active(app, login_as):
    signed_in = login_as("panel")
    with signed_in.client.session_transaction() as cookie_session:
        cookie_session["signed_in_at"] = (clock.now() - timedelta(hours=11)).timestamp()
    response = signed_in.get("/admin/case/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_session_cookies_are_httponly_and_samesite(app, session):
    user = factories.UserFactory(roles=["panel"])
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302  # through the real forms: the cookie they set

    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_changing_a_users_roles_or_disabling_them_ends_their_sessions(app, session, login_as):
    victim = login_as("panel")
    admin = login_as("admin")
    response = admin.post(
        f"/admin/user/edit/?id={victim.user.id}",
        data={"email": victim.user.email, "full_name": "Renamed", "roles": [], "streams": ["children"],
              "active": "y"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert reload(session, victim.user).roles == []
    assert victim.get("/admin/case/").status_code == 302


def test_signing_in_starts_a_new_session_so_a_planted_cookie_gains_nothing(app, session):
    user = factories.UserFactory(roles=["panel"])
    client = app.test_client()
    client.get("/login")
    planted = copied_cookie(client)  # what an attacker could have given the victim before sign-in
    sign_in(client, user.email)
    assert copied_cookie(client) != planted
    attacker = app.test_client()
    attacker.set_cookie("session", planted)
    assert attacker.get("/admin/case/").status_code == 302


def edit_user(admin, user, **changes):
    form = {"email": user.email, "full_name": user.full_name, "roles": [r.id for r in user.roles],
            "streams": ["children"], "active": "y", **changes}
    return admin.post(f"/admin/user/edit/?id={user.id}", data={k: v for k, v in form.items() if v is not None})


def test_disabling_a_user_or_changing_their_password_ends_their_sessions(app, session, login_as):
    admin = login_as("admin")
    for changes in ({"active": None}, {"new_password": "a brand new passphrase 2026"}):
        victim = login_as("panel")
        assert victim.get("/admin/case/").status_code == 200
        assert edit_user(admin, victim.user, **changes).status_code == 302
        assert victim.get("/admin/case/").status_code == 302, changes


def test_activity_keeps_a_session_alive_reissuing_its_cookie_at_most_once_a_minute(app, login_as):
    signed_in = login_as("panel")
    with signed_in.client.session_transaction() as cookie_session:
        cookie_session["active_at"] = int((clock.now() - timedelta(minutes=2)).timestamp())

    first = signed_in.get("/admin/case/")
    second = signed_in.get("/admin/case/")

    assert first.status_code == second.status_code == 200
    assert "session=" in first.headers.get("Set-Cookie", "")  # active again after two minutes: re-issued
    assert "session=" not in second.headers.get("Set-Cookie", "")  # a second later: the cookie stands
    with signed_in.client.session_transaction() as cookie_session:
        assert clock.now().timestamp() - cookie_session["active_at"] < 60
