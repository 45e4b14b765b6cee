"""Backups proven by a restore: `flask backup create` on the live database, `flask backup restore`
into an empty one, which then passes `audit verify` and `files verify` and holds the same cases."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from backoffice import create_app
from backoffice.database_roles import APP, OWNER, create_roles, login_url
from backoffice.extensions import db
from backoffice.models import Case
from config import TestConfig
from tests import factories
from tests.conftest import postgres_admin_url


@pytest.fixture
def empty_database(engine):
    """A new, empty database beside the test's, with the owner and app logins, dropped afterwards."""
    if engine.dialect.name != "postgresql":
        pytest.skip("backups are of PostgreSQL databases (SQLite's is a file to copy)")
    admin = make_url(postgres_admin_url())
    url = admin.set(database=f"{admin.database}_restore")
    server = create_engine(admin, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    fresh = create_engine(url, isolation_level="AUTOCOMMIT")
    with fresh.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text(f'CREATE SCHEMA public AUTHORIZATION "{OWNER}"'))
    fresh.dispose()
    create_roles(url)
    yield url
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    server.dispose()


def test_a_backup_restored_into_an_empty_database_verifies_and_holds_the_same_cases(app, session, empty_database,
                                                                                     tmp_path):
    cases = [factories.CaseFactory(subject_pseudonym=f"Child {n}") for n in range(3)]
    factories.DocumentFactory(case=cases[0])
    references = sorted(c.reference for c in cases)
    folder = tmp_path / "backups"

    created = app.test_cli_runner().invoke(args=["backup", "create", str(folder)])
    assert created.exit_code == 0, created.output

    as_string = lambda url: url.render_as_string(hide_password=False)  # noqa: E731
    restored = create_app(TestConfig(), overrides={
        "SQLALCHEMY_DATABASE_URI": as_string(login_url(empty_database, APP)),
        "MIGRATION_DATABASE_URI": as_string(login_url(empty_database, OWNER)),
        "UPLOAD_DIR": tmp_path / "no-files-here", "AUDIT_CHECKPOINT_FILE": tmp_path / "checkpoints.jsonl",
    })
    runner = restored.test_cli_runner()
    restore = runner.invoke(args=["backup", "restore", str(folder)])
    audit = runner.invoke(args=["audit", "verify"])
    files = runner.invoke(args=["files", "verify"])
    again = runner.invoke(args=["backup", "restore", str(folder)])

    assert restore.exit_code == 0, restore.output
    assert audit.exit_code == 0 and "intact" in audit.output, audit.output
    assert files.exit_code == 0 and "All 1 document files" in files.output, files.output
    assert again.exit_code != 0 and "not empty" in again.output  # never over a live database
    with restored.app_context():
        assert sorted(db.session.scalars(select(Case.reference))) == references
        db.session.remove()
        db.engine.dispose()


def test_a_backup_cut_short_is_refused(app, session, empty_database, tmp_path):
    folder = tmp_path / "backups"
    assert app.test_cli_runner().invoke(args=["backup", "create", str(folder)]).exit_code == 0
    dump = next(folder.glob("*.dump"))
    dump.write_bytes(dump.read_bytes()[:-100])
    restored = create_app(TestConfig(), overrides={
        "SQLALCHEMY_DATABASE_URI": login_url(empty_database, APP).render_as_string(hide_password=False),
        "MIGRATION_DATABASE_URI": login_url(empty_database, OWNER).render_as_string(hide_password=False)})

    result = restored.test_cli_runner().invoke(args=["backup", "restore", str(folder)])

    assert result.exit_code != 0 and "changed or cut short" in result.output
    with restored.app_context():
        db.engine.dispose()
