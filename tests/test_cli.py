"""The command-line tools administrators and provisioning scripts use."""

from __future__ import annotations

import re

import pyotp
from sqlalchemy import select

from backoffice.models import User
from tests.conftest import csrf_token


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_users_create_reads_the_password_from_stdin_and_the_user_can_sign_in(app, session):
    result = run(
        app, "users", "create", "Chair@Example.org", "--role", "board", "--stream", "adults",
        "--name", "Sam Chair", "--password-stdin", "--totp", input="a long enough passphrase\n",
    )
    assert result.exit_code == 0, result.output
    user = session.scalars(select(User).where(User.email == "chair@example.org")).one()
    assert user.role_names == ["board"]
    assert [s.value for s in user.streams] == ["adults"]
    assert user.password != "a long enough passphrase"
    key = re.search(r"Authenticator key \(shown once\): (\w+)", result.output).group(1)
    client = app.test_client()
    response = client.post("/login", data={
        "email": "chair@example.org", "password": "a long enough passphrase", "csrf_token": csrf_token(client),
    })
    second_factor = response.headers["Location"]
    response = client.post(second_factor, data={
        "code": pyotp.TOTP(key).now(), "csrf_token": csrf_token(client, second_factor),  # as their app would
    })
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200  # signed in


def test_users_create_refuses_a_short_password_and_a_duplicate_email(app, session):
    short = run(app, "users", "create", "a@example.org", "--role", "panel", "--password-stdin", input="short\n")
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    assert session.scalars(select(User)).all() == []
    run(app, "users", "create", "a@example.org", "--role", "panel", "--password-stdin", input="twelve chars ok!\n")
    again = run(app, "users", "create", "A@example.org", "--role", "panel", "--password-stdin", input="twelve chars ok!\n")
    assert again.exit_code != 0 and "already exists" in again.output


def test_users_create_refuses_an_unknown_role(app, session):
    result = run(app, "users", "create", "a@example.org", "--role", "superuser", "--password-stdin", input="x" * 12)
    assert result.exit_code != 0
    assert session.scalars(select(User)).all() == []


def test_users_list_shows_roles_streams_and_status(app, session):
    run(app, "users", "create", "b@example.org", "--role", "auditor", "--role", "panel", "--stream", "children",
        "--password-stdin", input="twelve chars ok!\n")
    result = run(app, "users", "list")
    assert result.exit_code == 0
    assert "b@example.org\tauditor,panel\tchildren\tactive" in result.output
