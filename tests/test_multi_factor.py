"""Every sign-in needs the authenticator code as well as the password; recovery codes stand in once."""

from __future__ import annotations

import re

from tests import factories
from tests.conftest import PASSWORD, csrf_token, current_code


def password_step(client, email: str):
    return client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(client)})


def test_the_password_alone_does_not_sign_in(app, session):
    user = factories.UserFactory(roles=["panel"])
    client = app.test_client()
    response = password_step(client, user.email)
    assert "/tf-validate" in response.headers["Location"]
    assert client.get("/admin/case/").status_code == 302  # still not signed in


def test_a_wrong_code_is_refused(app, session):
    user = factories.UserFactory(roles=["panel"])
    client = app.test_client()
    second = password_step(client, user.email).headers["Location"]
    wrong = "000000" if current_code(app, user.email) != "000000" else "111111"
    response = client.post(second, data={"code": wrong, "csrf_token": csrf_token(client, second)})
    assert response.status_code == 200
    assert client.get("/admin/case/").status_code == 302


def test_a_recovery_code_signs_in_once_instead_of_the_app(app, session, login_as):
    signed_in = login_as("panel")
    page = signed_in.client.post(
        "/mf-recovery-codes", data={"generate_new_codes": "y", "csrf_token": signed_in.csrf()}, follow_redirects=True
    )
    codes = re.findall(r'<li class="fs-div">([^<]+)</li>', page.get_data(as_text=True))
    if not codes:  # Flask-Security shows new codes on the page it returns, or after "show codes"
        codes = re.findall(r'<li class="fs-div">([^<]+)</li>',
                           signed_in.get("/mf-recovery-codes?show_codes=Show+Recovery+Codes").get_data(as_text=True))
    assert len(codes) >= 3

    for attempt, expected in ((codes[0], 302), (codes[0], 200)):  # the second use of the same code fails
        client = app.test_client()
        password_step(client, signed_in.user.email)
        response = client.post("/mf-recovery", data={"code": attempt, "csrf_token": csrf_token(client, "/mf-recovery")})
        assert response.status_code == expected, response.get_data(as_text=True)[:1500]
