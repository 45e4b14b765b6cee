"""On PostgreSQL the app runs as a login with least privilege (as in production): it reads and writes
rows, owns nothing, and may only add to and read the audit trail. So the app's own database login,
if stolen, cannot rewrite the tamper evidence: no UPDATE, DELETE or TRUNCATE of the trail, no
switching its trigger off, no replication-role trick, no dropping it."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from backoffice.database_roles import APP, OWNER, create_roles
from tests import factories
from tests.conftest import one_worker_at_a_time, postgres_admin_url

ATTACKS = {
    "update": "UPDATE audit_event SET reason = 'nothing happened'",
    "delete": "DELETE FROM audit_event",
    "truncate": "TRUNCATE audit_event",
    "disable the trigger": "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only",
    "replication role": "SET session_replication_role = replica",
    "drop": "DROP TABLE audit_event",
    "take ownership": f'ALTER TABLE audit_event OWNER TO "{APP}"',
}


@pytest.fixture
def app_login(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("database logins and privileges are PostgreSQL's; SQLite has neither")
    return engine


def test_the_app_connects_as_its_own_login_that_is_no_superuser_and_owns_nothing(app_login):
    with app_login.connect() as conn:
        assert conn.execute(text("SELECT current_user")).scalar() == APP
        assert conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar() is False
        owned = conn.execute(text("SELECT count(*) FROM pg_tables WHERE tableowner = current_user")).scalar()
        assert owned == 0
        assert conn.execute(text("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_event'")).scalar() == OWNER


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_the_app_login_cannot_rewrite_or_silence_the_audit_trail(app_login, session, attack):
    factories.AgencyFactory(name="West Marches Police")  # the trail has rows to attack
    with app_login.connect() as conn:
        before = conn.execute(text("SELECT count(*), max(hash) FROM audit_event")).one()
        with pytest.raises(DBAPIError, match="permission denied|must be owner|must be superuser"):
            conn.execute(text(attack))
        conn.rollback()
        assert conn.execute(text("SELECT count(*), max(hash) FROM audit_event")).one() == before


def test_the_app_login_may_add_to_and_read_the_trail_and_work_with_every_other_table(app_login, session):
    with app_login.connect() as conn:
        rights = set(conn.execute(text(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE table_name = 'audit_event' AND grantee = current_user"
        )).scalars())
        assert rights == {"INSERT", "SELECT"}
        case_rights = set(conn.execute(text(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE table_name = 'case' AND grantee = current_user"
        )).scalars())
        assert case_rights == {"SELECT", "INSERT", "UPDATE", "DELETE"}


def test_setting_the_roles_up_again_changes_nothing(app_login, session):
    with one_worker_at_a_time():  # the logins are the server's, shared with the other workers
        create_roles(postgres_admin_url())  # what `flask db-roles` does; idempotent

    with app_login.connect() as conn:
        with pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text(ATTACKS["update"]))
