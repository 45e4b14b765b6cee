"""Guessing passwords does not pay: attempts are throttled per address and per account, an account
locks after repeated failures, and nothing tells an outsider which accounts exist."""

from __future__ import annotations

import os
import re
import uuid
from datetime import timedelta

import pytest

from backoffice import create_app
from sqlalchemy import select

from backoffice.models import AuditAction, AuditEvent, User, utcnow
from config import TestConfig
from tests import factories
from tests.conftest import PASSWORD, csrf_token, current_code, sign_in
from tests.helpers import reload

WRONG = "not the right passphrase 42"


def attempt(client, email: str, password: str = WRONG, address: str = "127.0.0.1"):
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(client)},
        environ_base={"REMOTE_ADDR": address},
    )


def comparable(response) -> str:
    """The page with what legitimately differs between two requests (tokens, nonces) removed."""
    page = response.get_data(as_text=True)
    page = re.sub(r'value="[^"]*"', 'value=""', page)
    return re.sub(r'nonce="[^"]*"', 'nonce=""', page)


def test_an_unknown_email_and_a_wrong_password_get_the_same_answer(app, session):
    user = factories.UserFactory(roles=["panel"])
    unknown = attempt(app.test_client(), "nobody@example.org")
    wrong = attempt(app.test_client(), user.email)
    assert unknown.status_code == wrong.status_code == 200
    assert comparable(unknown).replace("nobody@example.org", user.email) == comparable(wrong)


def test_an_account_locks_after_repeated_failures_even_for_the_right_password(app, session):
    user = factories.UserFactory(roles=["panel"])
    client = app.test_client()
    for _ in range(app.config["LOGIN_LOCKOUT_ATTEMPTS"]):
        assert attempt(client, user.email).status_code == 200
    assert reload(session, user).locked_until is not None

    response = attempt(client, user.email, PASSWORD)

    assert response.status_code == 200  # refused, with the same answer a wrong password gets
    assert "After repeated failures an account is locked" in response.get_data(as_text=True)


def test_the_lock_ends_after_the_cool_down(app, session):
    user = factories.UserFactory(roles=["panel"], failed_logins=5, locked_until=utcnow() - timedelta(minutes=1))
    assert sign_in(app.test_client(), user.email).status_code == 302
    assert reload(session, user).failed_logins == 0


def test_an_admin_unlocks_an_account(app, session, login_as):
    user = factories.UserFactory(roles=["panel"], failed_logins=5, locked_until=utcnow() + timedelta(minutes=15))
    assert attempt(app.test_client(), user.email, PASSWORD).status_code == 200  # locked
    admin = login_as("admin")
    admin.post("/admin/user/action/", data={"action": "unlock", "rowid": str(user.id)})
    assert reload(session, user).locked_until is None
    assert sign_in(app.test_client(), user.email).status_code == 302


def test_only_an_admin_may_unlock(app, session, login_as):
    user = factories.UserFactory(roles=["panel"], failed_logins=5, locked_until=utcnow() + timedelta(minutes=15))
    login_as("auditor").post("/admin/user/action/", data={"action": "unlock", "rowid": str(user.id)})
    assert reload(session, user).locked_until is not None


def throttled_app(app, **settings):
    """The same database, with sign-in throttling switched on and low limits."""
    config = TestConfig()
    return create_app(config, overrides={
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "RATELIMIT_ENABLED": True,
        "LOGIN_RATE_LIMIT_PER_ADDRESS": "3 per minute",
        "LOGIN_RATE_LIMIT_PER_ACCOUNT": "4 per minute",
        "LOGIN_LOCKOUT_ATTEMPTS": 100,
        **settings,
    })


def test_sign_in_attempts_are_throttled_per_address_with_a_clear_message(app, session):
    user = factories.UserFactory(roles=["panel"])
    client = throttled_app(app).test_client()
    for _ in range(3):
        assert attempt(client, user.email).status_code == 200
    response = attempt(client, user.email)
    assert response.status_code == 429
    assert "Too many requests" in response.get_data(as_text=True)
    assert attempt(client, user.email, address="10.0.0.8").status_code == 200  # another address is not held back


def test_sign_in_attempts_are_throttled_per_account_across_addresses(app, session):
    user = factories.UserFactory(roles=["panel"])
    client = throttled_app(app).test_client()
    for n in range(4):
        assert attempt(client, user.email, address=f"10.0.1.{n}").status_code == 200
    assert attempt(client, user.email, address="10.0.1.99").status_code == 429


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must test throttling on Redis: set TEST_REDIS_URL.")
        pytest.skip("TEST_REDIS_URL is not set")
    return url


def test_with_redis_the_limits_hold_across_app_instances(app, session, redis_url):
    user = factories.UserFactory(roles=["panel"])
    settings = {"RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    first, second = throttled_app(app, **settings).test_client(), throttled_app(app, **settings).test_client()
    for _ in range(3):
        attempt(first, user.email)
    assert attempt(second, user.email).status_code == 429


def test_disabled_accounts_cannot_sign_in(app, session):
    user = factories.UserFactory(roles=["panel"], active=False)
    assert attempt(app.test_client(), user.email, PASSWORD).status_code == 200
    assert session.get(User, user.id).active is False


# --- the second factor: throttled, counted towards the lockout, audited, and each code used once ----


def password_step(client, email: str, address: str = "127.0.0.1") -> str:
    """Pass the password step; returns the address of the code step."""
    response = attempt(client, email, PASSWORD, address)
    assert "/tf-validate" in response.headers.get("Location", ""), response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def code_attempt(client, code: str, step: str = "/tf-validate", address: str = "127.0.0.1", token: str | None = None):
    return client.post(step, data={"code": code, "csrf_token": token or csrf_token(client, step)},
                       environ_base={"REMOTE_ADDR": address})


def wrong_code(app, user) -> str:
    return "000000" if current_code(app, user.email) != "000000" else "111111"


def signed_in(client) -> bool:
    return client.get("/admin/case/").status_code == 200


def test_wrong_authenticator_codes_are_throttled_per_address(app, session):
    user = factories.UserFactory(roles=["panel"])
    throttled = throttled_app(app)
    client = throttled.test_client()
    step = password_step(client, user.email)
    for _ in range(3):
        assert code_attempt(client, wrong_code(app, user), step).status_code == 200

    response = code_attempt(client, current_code(app, user.email), step)

    assert response.status_code == 429 and not signed_in(client)


def test_wrong_authenticator_codes_are_throttled_per_account_across_addresses(app, session):
    user = factories.UserFactory(roles=["panel"])
    client = throttled_app(app).test_client()
    step = password_step(client, user.email)
    for n in range(4):
        assert code_attempt(client, wrong_code(app, user), step, address=f"10.0.2.{n}").status_code == 200
    assert code_attempt(client, wrong_code(app, user), step, address="10.0.2.99").status_code == 429


def test_wrong_codes_lock_the_account_and_then_the_right_code_is_refused(app, session):
    user = factories.UserFactory(roles=["panel"])
    client = app.test_client()
    step = password_step(client, user.email)
    token = csrf_token(client, step)
    for _ in range(app.config["LOGIN_LOCKOUT_ATTEMPTS"]):
        code_attempt(client, wrong_code(app, user), step, token=token)
    assert reload(session, user).locked_until is not None
    session.commit()

    response = code_attempt(client, current_code(app, user.email), step, token=token)

    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not signed_in(client)
    assert "This account is locked" in client.get("/login").get_data(as_text=True)


def test_wrong_recovery_codes_count_towards_the_lockout(app, session):
    user = factories.UserFactory(roles=["panel"])
    client = app.test_client()
    password_step(client, user.email)
    for _ in range(app.config["LOGIN_LOCKOUT_ATTEMPTS"]):
        assert code_attempt(client, "aaaa-bbbb-cccc", "/mf-recovery").status_code == 200
    assert reload(session, user).locked_until is not None


def test_each_wrong_code_is_audited_as_a_failed_sign_in(app, session):
    user = factories.UserFactory(roles=["panel"])
    client = app.test_client()
    step = password_step(client, user.email)
    code_attempt(client, wrong_code(app, user), step)
    code_attempt(client, "aaaa-bbbb-cccc", "/mf-recovery")

    session.expire_all()
    failures = session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.FAILED_LOGIN)).all()
    assert [(e.object_id, e.reason) for e in failures] == [
        (user.id, "Wrong authenticator code at sign-in"),
        (user.id, "Wrong recovery code at sign-in"),
    ]
    assert reload(session, user).failed_logins == 2


def test_a_code_just_used_cannot_sign_in_a_second_session(app, session):
    user = factories.UserFactory(roles=["panel"])
    first, second = app.test_client(), app.test_client()
    code = current_code(app, user.email)
    assert code_attempt(first, code, password_step(first, user.email)).status_code == 302
    assert signed_in(first)

    response = code_attempt(second, code, password_step(second, user.email))

    assert response.status_code == 200 and not signed_in(second)
    assert code_attempt(second, current_code(app, user.email)).status_code == 302  # the next code works


# --- no "remember me" -------------------------------------------------------------------------------


def test_there_is_no_remember_me_and_asking_for_it_sets_no_lasting_cookie(app, session):
    user = factories.UserFactory(roles=["panel"])
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "remember" not in page.lower()

    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y",
                                           "csrf_token": csrf_token(client)})
    code_attempt(client, current_code(app, user.email), response.headers["Location"])

    assert signed_in(client)
    assert client.get_cookie("remember_token") is None
