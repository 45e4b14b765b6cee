"""Behind a council's reverse proxy each person keeps their own address (for the sign-in allowance and
the audit trail), but only for as many proxies as TRUSTED_PROXIES says; and a request id a client
sends is kept only if it is short and plain."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from backoffice import create_app
from backoffice.models import AuditAction, AuditEvent
from config import TestConfig
from tests import factories
from tests.conftest import PASSWORD, csrf_token

PROXY = "10.0.0.1"


def app_behind(app, proxies: int, **settings):
    return create_app(TestConfig(), overrides={
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "TRUSTED_PROXIES": proxies, **settings})


def failed_sign_in(client, email: str, forwarded_for: str | None = None, request_id: str | None = None):
    headers = {k: v for k, v in (("X-Forwarded-For", forwarded_for), ("X-Request-ID", request_id)) if v}
    return client.post("/login", data={"email": email, "password": "not " + PASSWORD, "csrf_token": csrf_token(client)},
                       headers=headers, environ_base={"REMOTE_ADDR": PROXY})


def newest_failure(session) -> AuditEvent:
    session.expire_all()
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.FAILED_LOGIN)
                            .order_by(AuditEvent.id.desc())).first()
    session.commit()
    return event


def test_behind_one_trusted_proxy_the_trail_records_the_persons_address(app, session):
    user = factories.UserFactory(roles=["panel"])
    failed_sign_in(app_behind(app, 1).test_client(), user.email, forwarded_for="203.0.113.9")
    assert newest_failure(session).ip == "203.0.113.9"


def test_with_no_trusted_proxy_a_forwarded_address_is_ignored(app, session):
    user = factories.UserFactory(roles=["panel"])
    failed_sign_in(app_behind(app, 0).test_client(), user.email, forwarded_for="203.0.113.9")
    assert newest_failure(session).ip == PROXY


def test_a_client_cannot_pick_its_address_past_the_trusted_proxy(app, session):
    user = factories.UserFactory(roles=["panel"])
    # The client sent "198.51.100.1" itself; the one proxy appended the address it really came from.
    failed_sign_in(app_behind(app, 1).test_client(), user.email, forwarded_for="198.51.100.1, 203.0.113.9")
    assert newest_failure(session).ip == "203.0.113.9"


def test_people_behind_the_same_proxy_each_keep_their_own_sign_in_allowance(app, session):
    user = factories.UserFactory(roles=["panel"])
    behind = app_behind(app, 1, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT_PER_ADDRESS="2 per minute",
                        LOGIN_RATE_LIMIT_PER_ACCOUNT="100 per minute", LOGIN_LOCKOUT_ATTEMPTS=100)
    client = behind.test_client()
    for _ in range(2):
        assert failed_sign_in(client, user.email, forwarded_for="203.0.113.9").status_code == 200
    assert failed_sign_in(client, user.email, forwarded_for="203.0.113.9").status_code == 429
    assert failed_sign_in(client, user.email, forwarded_for="203.0.113.77").status_code == 200


@pytest.mark.parametrize("offered", ["req-2026-12-01-abcdef", "2b8a8e43-8981-4111-8234-f2e95d7ca920"])
def test_a_short_plain_request_id_is_kept_and_echoed(app, session, offered):
    user = factories.UserFactory(roles=["panel"])
    response = failed_sign_in(app.test_client(), user.email, request_id=offered)
    assert response.headers["X-Request-ID"] == offered
    assert newest_failure(session).request_id == offered


@pytest.mark.parametrize("offered", ["x" * 37, "<script>alert(1)</script>", "abc def ghi", "short", "a\u202eb12345678",
                                     "id;DROP TABLE audit_event"])
def test_any_other_request_id_is_replaced_by_a_generated_one(app, session, offered):
    user = factories.UserFactory(roles=["panel"])
    response = failed_sign_in(app.test_client(), user.email, request_id=offered)
    stored = newest_failure(session).request_id
    assert stored != offered and re.fullmatch(r"[0-9a-f-]{36}", stored)
    assert response.headers["X-Request-ID"] == stored
