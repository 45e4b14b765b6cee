"""The migrations build the schema the models describe, on each database, and can be rolled back."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from backoffice import clock
from backoffice.models import AuditEvent, Base, Role, User
from backoffice.models.base import built_on
from backoffice.policy import RoleName
from tests import factories


def test_models_and_migrations_agree(app, engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": built_on(conn.dialect.name)})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_migrations_roll_back_to_empty_and_up_again(app, engine, session):
    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade()
    assert {t.name for t in Base.metadata.sorted_tables} <= set(inspect(engine).get_table_names())


def test_the_searched_case_columns_keep_a_finer_histogram_on_postgresql(engine):
    """So the planner tells a rare search term from a common one (migration 0025)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")
    with engine.connect() as conn:
        targets = dict(conn.execute(text(
            "SELECT attname, attstattarget FROM pg_attribute WHERE attrelid = '\"case\"'::regclass "
            "AND attname IN ('reference', 'subject_pseudonym', 'external_reference', 'concerns')")).all())
    assert targets == {"reference": 300, "subject_pseudonym": 300, "external_reference": 300, "concerns": -1}


def test_the_first_migration_seeds_exactly_the_five_roles(session):
    assert set(session.scalars(select(Role.name))) == {r.value for r in RoleName}


# --- mending a trail written by earlier versions (0007) -------------------------------------------

LEGACY_CODES = ["abcd-efgh-ijkl", "mnop-qrst-uvwx", "2345-6789-abcd"]


def migration(name: str):
    """A migration module, to use its own description of what earlier versions wrote."""
    import importlib.util
    from pathlib import Path

    path = next((Path(__file__).parent.parent / "migrations" / "versions").glob(f"{name}_*.py"))
    spec = importlib.util.spec_from_file_location(f"migration_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def as_owner_with_the_trail_unlocked(owner_engine):
    with owner_engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
        yield conn
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only"))


def write_what_version_0006_wrote(conn, user_id: int) -> None:
    """Recovery codes in clear on the account, and copied verbatim into an unkeyed audit row."""
    legacy = migration("0007")
    table = sa.Table("audit_event", sa.MetaData(), autoload_with=conn)
    conn.execute(text('UPDATE "user" SET mf_recovery_codes = :codes WHERE id = :id'),
                 {"codes": json.dumps(LEGACY_CODES), "id": user_id})
    last = conn.execute(sa.select(table.c.hash).order_by(table.c.id.desc()).limit(1)).scalar() or "0" * 64
    row = {
        "at": clock.now(), "actor": "colleague@example.org", "action": "update", "object_type": "user",
        "object_id": user_id, "prev_hash": last,
        "changes": json.dumps({"mf_recovery_codes": [None, LEGACY_CODES], "tf_totp_secret": [None, '{"enckey": "x"}']}),
    }
    row["hash"] = legacy._legacy_hash(row)
    conn.execute(table.insert().values(**row))


def test_upgrading_a_trail_with_secrets_removes_them_reseals_it_and_encrypts_recovery_codes(app, session, owner_engine):
    user_id = factories.UserFactory(roles=["panel"]).id
    factories.CaseFactory(subject_pseudonym="Child A")
    session.close()
    with app.app_context():
        downgrade(revision="0006")
    with as_owner_with_the_trail_unlocked(owner_engine) as conn:
        write_what_version_0006_wrote(conn, user_id)

    with app.app_context():
        upgrade()

    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    trail = " ".join(str(e.changes) for e in events)
    assert not any(code in trail for code in LEGACY_CODES) and "enckey" not in trail
    assert events[-1].action == "maintenance" and "Secret values removed from 1 rows" in events[-1].reason
    assert {e.streams for e in events if e.object_type == "case"} == {"children"}
    stored = session.get(User, user_id).mf_recovery_codes
    session.commit()
    assert not set(stored) & set(LEGACY_CODES)
    with app.app_context():
        util = app.extensions["security"].mf_recovery_codes_util
        assert [util.cryptor.decrypt(c.encode()).decode() for c in stored] == LEGACY_CODES


def test_upgrading_refuses_to_reseal_a_trail_that_was_already_tampered_with(app, session, owner_engine):
    factories.CaseFactory(subject_pseudonym="Child A")
    session.close()
    with app.app_context():
        downgrade(revision="0006")
    with as_owner_with_the_trail_unlocked(owner_engine) as conn:
        conn.execute(text("UPDATE audit_event SET actor = 'someone.else@example.org' WHERE id = 1"))

    with app.app_context(), pytest.raises(RuntimeError, match=r"broken at row 1 \(before this migration\)"):
        from alembic import command

        command.upgrade(app.extensions["migrate"].migrate.get_config(), "head")  # as `flask db upgrade` does

    with as_owner_with_the_trail_unlocked(owner_engine) as conn:  # put the database back for later tests
        conn.execute(text("DELETE FROM audit_event"))
    with app.app_context():
        upgrade()
