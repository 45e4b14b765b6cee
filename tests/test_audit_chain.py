"""The audit trail is tamper-evident: `flask audit verify` names the first row that was edited,
deleted or moved.

Each row carries the hash of the row before it and a hash over its own content. On PostgreSQL a
trigger also refuses UPDATE and DELETE outright, so the tampering below is done as a superuser
would: by switching the trigger off inside the tampering transaction and on again afterwards.
On SQLite there is no trigger; the chain alone must give the game away.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Connection

from backoffice.domain.audit import row_hash
from backoffice.models import AuditEvent
from tests import factories
from tests.conftest import sign_in

EVENTS = AuditEvent.__table__
CONTENT = [c.name for c in EVENTS.columns if c.name != "id"]


# --- helpers -----------------------------------------------------------------------------------


def verify(app):
    """Run `flask audit verify` as an operator would."""
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def broken_row(result) -> int | None:
    """The row `flask audit verify` names as broken, if it names one."""
    match = re.search(r"broken at row (\d+)", result.output)
    return int(match.group(1)) if match else None


def event_ids(session) -> list[int]:
    session.expire_all()
    ids = list(session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))
    session.commit()
    return ids


def row(connection: Connection, event_id: int) -> dict:
    return dict(connection.execute(EVENTS.select().where(EVENTS.c.id == event_id)).mappings().one())


@pytest.fixture
def trail(app, session) -> list[int]:
    """An intact trail written by several paths (factories, a sign-in), at least eight rows long."""
    factories.AgencyFactory(name="West Marches Police")
    factories.CaseFactory(subject_pseudonym="Child A")
    user = factories.UserFactory(roles=["panel"])
    assert sign_in(app.test_client(), user.email).status_code == 302
    factories.CaseFactory(subject_pseudonym="Child B")
    factories.AgencyFactory(name="West Marches Council")
    ids = event_ids(session)
    assert len(ids) >= 8
    session.close()  # hold no lock on audit_event while it is tampered with
    return ids


@pytest.fixture
def tampering(app, engine) -> Iterator:
    """tampering() as conn: a connection of its own, as someone with direct database access.

    On PostgreSQL it first shows that the trigger refuses UPDATE and DELETE, then switches the
    trigger off for the tampering transaction only.
    """
    own_engine = create_engine(engine.url)

    @contextmanager
    def _tamper(probe_id: int) -> Iterator[Connection]:
        with own_engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                assert_refused_by_the_trigger(conn, probe_id)
                conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
            yield conn
            if conn.dialect.name == "postgresql":
                conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only"))

    yield _tamper
    own_engine.dispose()


def assert_refused_by_the_trigger(conn: Connection, event_id: int) -> None:
    """PostgreSQL refuses a raw UPDATE and DELETE of an audit row, and the row is left as it was."""
    before = row(conn, event_id)
    for statement in (
        "UPDATE audit_event SET changes = '{\"forged\": [null, 1]}' WHERE id = :id",
        "DELETE FROM audit_event WHERE id = :id",
    ):
        savepoint = conn.begin_nested()
        with pytest.raises(Exception, match="append-only"):
            conn.execute(text(statement), {"id": event_id})
        savepoint.rollback()
    assert row(conn, event_id) == before


def swap_contents(conn: Connection, first: int, second: int) -> None:
    """Give two rows each other's content, keeping their ids: the rows are reordered."""
    a, b = row(conn, first), row(conn, second)
    conn.execute(EVENTS.update().where(EVENTS.c.id == first).values(hash="being swapped"))
    conn.execute(EVENTS.update().where(EVENTS.c.id == second).values({c: a[c] for c in CONTENT}))
    conn.execute(EVENTS.update().where(EVENTS.c.id == first).values({c: b[c] for c in CONTENT}))


# --- an intact trail ---------------------------------------------------------------------------


def test_verify_passes_on_an_intact_trail(app, trail):
    result = verify(app)

    assert result.exit_code == 0, result.output
    assert "intact" in result.output
    assert f"({len(trail)} rows)" in result.output


def test_every_row_links_to_the_one_before_it(app, session, trail):
    session.expire_all()
    rows = [dict(r) for r in session.execute(EVENTS.select().order_by(EVENTS.c.id)).mappings()]
    session.commit()
    assert rows[0]["prev_hash"] == "0" * 64
    for previous, current in zip(rows, rows[1:]):
        assert current["prev_hash"] == previous["hash"]
    for current in rows:
        assert row_hash(current) == current["hash"]


# --- on PostgreSQL the database itself refuses -------------------------------------------------


def test_postgresql_refuses_to_update_or_delete_an_audit_row(app, engine, session, trail):
    if engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    own_engine = create_engine(engine.url)
    try:
        with own_engine.begin() as conn:
            assert_refused_by_the_trigger(conn, trail[3])
    finally:
        own_engine.dispose()
    assert event_ids(session) == trail
    assert verify(app).exit_code == 0


# --- tampering is found ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "column, forged",
    [
        ("changes", '{"subject_pseudonym": [null, "Someone Else"]}'),
        ("actor", "someone.else@example.org"),
        ("object_ref", "CSPR-1999-999"),
    ],
)
def test_verify_names_the_row_whose_content_was_edited(app, trail, tampering, column, forged):
    target = trail[len(trail) // 2]
    with tampering(target) as conn:
        conn.execute(EVENTS.update().where(EVENTS.c.id == target).values({column: forged}))

    result = verify(app)

    assert result.exit_code != 0
    assert broken_row(result) == target, result.output
    assert "intact" not in result.output


def test_an_edited_row_given_a_fresh_hash_still_breaks_the_chain_at_the_next_row(app, trail, tampering):
    target = trail[len(trail) // 2]
    with tampering(target) as conn:
        forged = {**row(conn, target), "changes": '{"subject_pseudonym": [null, "Someone Else"]}'}
        conn.execute(
            EVENTS.update().where(EVENTS.c.id == target).values(changes=forged["changes"], hash=row_hash(forged))
        )

    result = verify(app)

    assert result.exit_code != 0
    assert broken_row(result) == trail[trail.index(target) + 1], result.output


def test_verify_names_the_row_after_one_that_was_deleted(app, trail, tampering):
    middle = trail[len(trail) // 2]
    with tampering(middle) as conn:
        conn.execute(EVENTS.delete().where(EVENTS.c.id == middle))

    result = verify(app)

    assert result.exit_code != 0
    assert broken_row(result) == trail[trail.index(middle) + 1], result.output


def test_verify_names_the_first_of_two_rows_whose_contents_were_swapped(app, trail, tampering):
    first, second = trail[2], trail[5]
    with tampering(first) as conn:
        swap_contents(conn, first, second)
        assert row(conn, first)["hash"] != row(conn, second)["hash"]

    result = verify(app)

    assert result.exit_code != 0
    assert broken_row(result) == first, result.output


def test_verify_names_the_earliest_of_several_tampered_rows(app, trail, tampering):
    earlier, later = trail[2], trail[-2]
    with tampering(later) as conn:
        conn.execute(EVENTS.update().where(EVENTS.c.id == later).values(actor="someone.else@example.org"))
        conn.execute(EVENTS.update().where(EVENTS.c.id == earlier).values(reason="nothing happened"))

    result = verify(app)

    assert broken_row(result) == earlier, result.output

