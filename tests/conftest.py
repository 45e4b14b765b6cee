"""Shared fixtures: the app on each database, a plain session for factories, signed-in clients.

Every test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL too. In CI the
PostgreSQL run is required: a missing TEST_DATABASE_URL stops the run instead of skipping.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from backoffice import create_app
from backoffice.database_roles import APP, OWNER, create_roles, login_url
from backoffice.extensions import db as flask_db
from backoffice.models import Base
from config import TestConfig
from tests import factories
from tests.smtp import smtp  # noqa: F401  (a fixture: a real SMTP server on loopback)

PASSWORD = "correct horse battery staple"
ALL_STREAMS = ("children", "adults", "domestic_abuse")
KEPT_TABLES = {"role", "alembic_version"}  # seeded by the migrations and never changed by tests
SEEDED_TABLES = ("abuse_category", "deadline_rule", "meeting_type", "public_text", "retention_rule", "theme",
                 "turnaround_rule")  # seeded by the migrations; tests may change them


@event.listens_for(Engine, "connect")
def _sqlite_without_waiting_for_the_disk(dbapi_connection, connection_record) -> None:
    """A test's SQLite file does not wait for the disk at each commit (PRAGMA synchronous=OFF): it
    lives for one run, and durability through a power cut is not what a test asks. Commits cost a
    tenth as much; what is committed, and when, is unchanged."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


def _backends() -> list[str]:
    backends = ["sqlite"]
    if os.environ.get("TEST_DATABASE_URL"):
        backends.append("postgresql")
    elif os.environ.get("CI"):
        raise pytest.UsageError("CI must run the suite on PostgreSQL too: set TEST_DATABASE_URL.")
    return backends


def postgres_admin_url() -> str:
    """The superuser URL CI gives (TEST_DATABASE_URL): a DBA's access, used only to set the database up
    and, in the tampering tests, to play someone with full access to the database. Each pytest-xdist
    worker has a database of its own beside it (test_gw0, test_gw1...), so workers never share rows."""
    url = make_url("postgresql+psycopg://" + os.environ["TEST_DATABASE_URL"].split("://", 1)[1])
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        url = url.set(database=f"{url.database}_{worker}")
    return url.render_as_string(hide_password=False)


def _create_database(admin_url: str) -> None:
    """Create the worker's own database, from the one TEST_DATABASE_URL names, if it is not there."""
    from sqlalchemy import create_engine

    url = make_url(admin_url)
    base = make_url("postgresql+psycopg://" + os.environ["TEST_DATABASE_URL"].split("://", 1)[1])
    if url.database == base.database:
        return
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}):
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    engine.dispose()


@contextmanager
def one_worker_at_a_time() -> Iterator[None]:
    """The logins are the whole server's, so workers setting up their databases at once would update
    the same rows ("tuple concurrently updated"): they take turns, by an advisory lock held on the
    database TEST_DATABASE_URL names, which every worker shares."""
    from sqlalchemy import create_engine

    engine = create_engine("postgresql+psycopg://" + os.environ["TEST_DATABASE_URL"].split("://", 1)[1],
                           isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(20261201)"))
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(20261201)"))
    engine.dispose()


def _reset_postgres(admin_url: str) -> tuple[str, str]:
    """An empty schema owned by the owner login; returns the (app, owner) URLs the tests run as."""
    from sqlalchemy import create_engine

    with one_worker_at_a_time():
        _create_database(admin_url)
        create_roles(admin_url)
        engine = create_engine(admin_url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text(f'CREATE SCHEMA public AUTHORIZATION "{OWNER}"'))
        engine.dispose()
        create_roles(admin_url)
    as_string = lambda url: url.render_as_string(hide_password=False)  # noqa: E731
    return as_string(login_url(admin_url, APP)), as_string(login_url(admin_url, OWNER))


@pytest.fixture(scope="session", params=_backends())
def app(request, tmp_path_factory) -> Iterator[Flask]:
    """The application on one database, migrated from empty by the real migrations."""
    workdir = tmp_path_factory.mktemp(request.param)
    if request.param == "postgresql":
        # The app runs as the least-privilege login, and migrations as the tables' owner, as in production.
        url, owner_url = _reset_postgres(postgres_admin_url())
    else:
        url = owner_url = f"sqlite:///{workdir / 'test.sqlite3'}"
    app = create_app(TestConfig(), overrides={
        "SQLALCHEMY_DATABASE_URI": url,
        "MIGRATION_DATABASE_URI": owner_url,
        "UPLOAD_DIR": workdir / "uploads",
        "AUDIT_CHECKPOINT_FILE": workdir / "audit_checkpoints.jsonl",
    })
    with app.app_context():
        upgrade()
        with flask_db.engine.connect() as conn:
            seeded = SeededRows({
                name: [dict(row._mapping) for row in conn.execute(Base.metadata.tables[name].select())]
                for name in SEEDED_TABLES
            })
            postgres = flask_db.engine.dialect.name == "postgresql"
            seeded.fingerprints = {name: _fingerprint(conn, name) if postgres else None for name in SEEDED_TABLES}
            app.extensions["seeded_rows"] = seeded
        flask_db.session.remove()
    yield app
    with app.app_context():
        flask_db.engine.dispose()


@pytest.fixture
def engine(app) -> Engine:
    with app.app_context():
        return flask_db.engine


@pytest.fixture(scope="session")
def owner_engine(app) -> Iterator[Engine]:
    """The tables' owner (migrations' login): only it may empty the tables between tests."""
    from sqlalchemy import create_engine

    owner = create_engine(app.config["MIGRATION_DATABASE_URI"])
    yield owner
    owner.dispose()


@pytest.fixture
def session(app, engine, owner_engine) -> Iterator[Session]:
    """A session of the test's own (requests use theirs), emptied of data after the test."""
    with Session(engine, expire_on_commit=True) as sess:
        factories.bind(sess, app)
        yield sess
        sess.rollback()
    _empty_tables(owner_engine, app.extensions["seeded_rows"])
    app.config["AUDIT_CHECKPOINT_FILE"].unlink(missing_ok=True)


def _empty_tables(engine: Engine, seeded_rows: dict, attempts: int = 5) -> None:
    """Remove every test's data; put the migrations' reference data back as it was. A browser test's
    server may still be answering the page's last request; PostgreSQL then reports a deadlock with the
    TRUNCATE, and trying again once that request has finished succeeds."""
    from sqlalchemy.exc import OperationalError

    for attempt in range(attempts):
        try:
            return _empty_tables_once(engine, seeded_rows)
        except OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)


class SeededRows(dict):
    """The migrations' reference rows by table, and each table's fingerprint as the migrations left it."""

    fingerprints: dict[str, str | None]


def _fingerprint(conn, name: str) -> str | None:
    """A digest of a whole table's rows (PostgreSQL), to tell whether a test changed reference data."""
    return conn.scalar(text(f'SELECT md5(coalesce(string_agg(t::text, \'|\' ORDER BY t.id), \'\')) FROM "{name}" t'))


def _empty_tables_once(engine: Engine, seeded_rows: dict) -> None:
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in KEPT_TABLES]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # Empty only the tables the test wrote to (one query finds them; reference data only if it
            # changed), and start every id sequence again (one more query).
            written = " UNION ALL ".join(
                f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables if t.name not in seeded_rows)
            changed = [name for name in seeded_rows if _fingerprint(conn, name) != seeded_rows.fingerprints[name]]
            used = {*conn.scalars(text(written)), *changed}
            # DELETE, not TRUNCATE, for the few rows a test leaves: TRUNCATE swaps each table's files and
            # costs far more. The audit trail refuses DELETE (its trigger), so it alone is truncated.
            if "audit_event" in used:
                conn.execute(text('TRUNCATE "audit_event"'))
            for table in tables:  # dependants first
                if table.name in used and table.name != "audit_event":
                    conn.execute(table.delete())
            conn.execute(text("SELECT " + ", ".join(
                f"setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), 1, false)"
                for t in tables if "id" in t.c and t.name not in seeded_rows)))
            for name in changed:
                conn.execute(Base.metadata.tables[name].insert(), seeded_rows[name])
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"))
            return
        else:
            for table in tables:
                conn.execute(table.delete())
        for name, rows in seeded_rows.items():
            conn.execute(Base.metadata.tables[name].insert(), rows)
            if engine.dialect.name == "postgresql":
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"))


@pytest.fixture
def client(app, session) -> FlaskClient:
    return app.test_client()


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """A valid CSRF token for the client's session, read from a real page."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', page) or re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', page
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def current_code(app: Flask, email: str) -> str:
    """The code the user's authenticator app shows now; or, when this time step's code was already
    used (codes work once), the next step's, which the app shows a moment later."""
    from sqlalchemy import select

    from backoffice.models import User

    import pyotp

    from backoffice.accounts import authenticator

    with app.app_context():
        secret, last = flask_db.session.execute(
            select(User.tf_totp_secret, User.tf_totp_last_counter).where(User.email == email)
        ).one()
        flask_db.session.remove()
        app_key = pyotp.TOTP(authenticator().get_totp_b32_key(secret))  # what the person typed into their app
    step = int(time.time()) // app_key.interval
    return app_key.at((last + 1 if last is not None and step <= last else step) * app_key.interval)


def enrol_and_sign_in(client: FlaskClient, email: str, password: str = PASSWORD):
    """A first sign-in: the password, then setting up an authenticator app with the key the page
    shows (pyotp plays the app), then its code. Returns the last response."""
    import html

    import pyotp

    response = client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)})
    assert "/tf-setup" in response.headers.get("Location", ""), response.headers
    setup = response.headers["Location"]
    page = client.post(setup, data={"setup": "authenticator", "csrf_token": csrf_token(client, setup)})
    text = html.unescape(page.get_data(as_text=True))
    key = re.sub(r"[\s-]", "", re.search(r"<div>\s*([A-Za-z2-7][A-Za-z2-7 -]{15,})\s*</div>", text).group(1))
    action = re.search(r'name="two_factor_verify_code_form"', text) and re.search(
        r'<form action="([^"]+)" method="post" name="two_factor_verify_code_form"', text
    ).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text).group(1)
    return client.post(action, data={"code": pyotp.TOTP(key).now(), "csrf_token": token})


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD):
    """Sign in through the real forms: the password, then the authenticator code when asked for it."""
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)})
    if response.status_code == 302 and "/tf-validate" in response.headers.get("Location", ""):
        token = csrf_token(client, response.headers["Location"])
        response = client.post(
            response.headers["Location"], data={"code": current_code(client.application, email), "csrf_token": token}
        )
    return response


@dataclass
class SignedIn:
    client: FlaskClient
    user: object

    def csrf(self) -> str:
        return csrf_token(self.client, "/admin/")

    def post(self, path: str, data: dict | None = None, **kwargs):
        """POST with a valid CSRF token, as a browser form would."""
        return self.client.post(path, data={"csrf_token": self.csrf(), **(data or {})}, **kwargs)

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)


@pytest.fixture
def login_as(app, session) -> Callable[..., SignedIn]:
    """login_as("panel") or login_as("panel", "board", streams=["children"]): a signed-in client."""

    def _login(*roles: str, streams=ALL_STREAMS, **user_fields) -> SignedIn:
        user = factories.UserFactory(roles=roles, streams=streams, **user_fields)
        client = app.test_client()
        signed_in_directly(client, user.email)
        return SignedIn(client, user)

    return _login


def signed_in_cookies(app: Flask, email: str, environ_base: dict):
    """The cookies of a session signed in as Flask-Security signs one in after a right password and
    code (login_user, with its signals: the session's start, the audit of the sign-in), for a client
    with this address and browser: without the four requests of the real forms. For tests that are not
    about signing in, which is tested through the forms elsewhere."""
    from http.cookies import SimpleCookie

    from flask import session as http_session
    from flask_security import login_user
    from sqlalchemy import select

    from backoffice.models import User

    with app.test_request_context("/admin/", environ_base=environ_base):
        app.preprocess_request()  # the request's own set-up (its id, which the sign-in's audit row carries)
        user = flask_db.session.scalars(select(User).where(User.email == email)).one()
        login_user(user, authn_via=["password", "authenticator"])
        flask_db.session.commit()
        response = app.response_class()
        app.session_interface.save_session(app, http_session, response)
        flask_db.session.remove()
    cookies = SimpleCookie()
    for header in response.headers.getlist("Set-Cookie"):
        cookies.load(header)
    return cookies


def signed_in_directly(client: FlaskClient, email: str) -> None:
    """Sign the test client in without the forms (see signed_in_cookies)."""
    for name, morsel in signed_in_cookies(client.application, email, client.environ_base).items():
        client.set_cookie(name, morsel.value, path=morsel["path"] or "/", httponly=bool(morsel["httponly"]),
                          secure=bool(morsel["secure"]), samesite=morsel["samesite"] or None)


@pytest.fixture
def count_queries(engine) -> Callable:
    """with count_queries() as counter: ...; counter.count is the SQL statements run."""

    @contextmanager
    def _count():
        counter = type("Counter", (), {"count": 0, "statements": []})()

        def before(conn, cursor, statement, parameters, context, executemany):
            counter.count += 1
            counter.statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return _count
