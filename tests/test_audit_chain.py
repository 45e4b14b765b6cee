"""The audit trail is tamper-evident: `flask audit verify` names the first row that was edited,
deleted or moved, and with checkpoints it also notices a deleted tail or an emptied trail.

Each row carries the hash of the row before it and an HMAC over its own content, keyed with
AUDIT_KEY, which the database never holds. On PostgreSQL the app's own login cannot change the
table at all (tests/test_database_roles.py), so the tampering below is done as a superuser would: by
switching the trigger off inside the tampering transaction and on again afterwards. On SQLite
there is no trigger; the chain and the checkpoints alone must give the game away.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Connection

from backoffice.domain.audit import HASHED_FIELDS, row_hash
from backoffice.models import AuditEvent
from tests import factories
from tests.conftest import postgres_admin_url, sign_in

EVENTS = AuditEvent.__table__
CONTENT = [c.name for c in EVENTS.columns if c.name != "id"]


# --- helpers -----------------------------------------------------------------------------------


def verify(app):
    """Run `flask audit verify` as an operator would."""
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def checkpoint(app):
    """Run `flask audit checkpoint`, as the partnership's scheduled job does."""
    result = app.test_cli_runner().invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    return result


def key(app) -> bytes:
    return app.config["AUDIT_KEY"].encode()


def unkeyed_hash(row: dict) -> str:
    """What someone with database access but not the key can compute: the same content, plain SHA-256."""
    canonical = json.dumps({f: (v.isoformat() if hasattr(v, "isoformat") else v) for f, v in
                            ((f, row.get(f)) for f in HASHED_FIELDS)}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def rehash_from(conn: Connection, first_id: int, hasher) -> None:
    """Recompute the hash of every row from `first_id` on with `hasher`, chaining as the app does."""
    rows = [dict(r) for r in conn.execute(EVENTS.select().order_by(EVENTS.c.id)).mappings()]
    previous = "0" * 64
    for current in rows:
        if current["id"] >= first_id:
            current["prev_hash"] = previous
            current["hash"] = hasher(current)
            conn.execute(EVENTS.update().where(EVENTS.c.id == current["id"]).values(
                prev_hash=current["prev_hash"], hash=current["hash"]))
        previous = current["hash"]


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
    """tampering() as conn: a connection of its own, as a superuser with direct database access.

    On PostgreSQL it first shows that the trigger refuses UPDATE and DELETE, then switches the
    trigger off for the tampering transaction only.
    """
    own_engine = create_engine(postgres_admin_url() if engine.dialect.name == "postgresql" else engine.url)

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
        assert row_hash(current, key(app)) == current["hash"]
        assert unkeyed_hash(current) != current["hash"]


# --- on PostgreSQL the database itself refuses -------------------------------------------------


def test_postgresql_refuses_to_update_or_delete_an_audit_row(app, engine, session, trail):
    if engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    own_engine = create_engine(postgres_admin_url())
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


def test_an_edited_row_given_a_fresh_hash_with_the_right_key_still_breaks_the_chain_at_the_next_row(app, trail, tampering):
    target = trail[len(trail) // 2]
    with tampering(target) as conn:
        forged = {**row(conn, target), "changes": '{"subject_pseudonym": [null, "Someone Else"]}'}
        conn.execute(
            EVENTS.update().where(EVENTS.c.id == target).values(changes=forged["changes"], hash=row_hash(forged, key(app)))
        )

    result = verify(app)

    assert result.exit_code != 0
    assert broken_row(result) == trail[trail.index(target) + 1], result.output


@pytest.mark.parametrize("hasher", [unkeyed_hash, lambda r: row_hash(r, b"a guessed key")], ids=["unkeyed", "wrong key"])
def test_a_row_rewritten_and_every_later_hash_recomputed_without_the_key_is_caught(app, trail, tampering, hasher):
    target = trail[len(trail) // 2]
    with tampering(target) as conn:
        conn.execute(EVENTS.update().where(EVENTS.c.id == target).values(actor="someone.else@example.org"))
        rehash_from(conn, target, hasher)

    result = verify(app)

    assert result.exit_code != 0
    assert broken_row(result) == target, result.output


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



# --- checkpoints catch what a chain cannot: rows gone from the end ------------------------------


def test_a_checkpoint_records_the_head_and_verify_checks_the_trail_against_it(app, trail):
    line = json.loads(checkpoint(app).output.strip().splitlines()[-1])

    assert line["rows"] == len(trail) and line["last_id"] == trail[-1]
    assert app.config["AUDIT_CHECKPOINT_FILE"].read_text().strip().splitlines()[-1] == json.dumps(line, sort_keys=True)
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "holds every row of its 1 checkpoints" in result.output


def test_without_a_checkpoint_verify_says_a_deleted_tail_would_go_unnoticed(app, trail):
    result = verify(app)

    assert result.exit_code == 0
    assert "No checkpoint yet" in result.output


def test_deleting_the_newest_rows_after_a_checkpoint_is_caught(app, trail, tampering):
    checkpoint(app)
    with tampering(trail[-1]) as conn:
        conn.execute(EVENTS.delete().where(EVENTS.c.id.in_(trail[-2:])))

    result = verify(app)

    assert result.exit_code != 0
    assert "lost rows" in result.output and f"ending at row {trail[-1]}" in result.output, result.output


def test_emptying_the_trail_after_a_checkpoint_is_caught(app, engine, trail, tampering):
    checkpoint(app)
    with tampering(trail[0]) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE audit_event"))
        else:
            conn.execute(EVENTS.delete())

    result = verify(app)

    assert result.exit_code != 0
    assert "lost rows" in result.output and "intact" not in result.output, result.output


def test_new_rows_after_a_checkpoint_are_fine(app, session, trail):
    checkpoint(app)
    factories.AgencyFactory(name="East Marches Police")

    result = verify(app)

    assert result.exit_code == 0, result.output


def test_a_forged_checkpoint_is_refused(app, trail):
    checkpoint(app)
    path = app.config["AUDIT_CHECKPOINT_FILE"]
    line = json.loads(path.read_text().splitlines()[-1])
    path.write_text(json.dumps({**line, "rows": 1, "last_id": trail[0]}) + "\n")

    result = verify(app)

    assert result.exit_code != 0
    assert "checkpoints cannot be trusted" in result.output


def test_a_broken_trail_is_not_checkpointed(app, trail, tampering):
    with tampering(trail[2]) as conn:
        conn.execute(EVENTS.update().where(EVENTS.c.id == trail[2]).values(reason="nothing happened"))

    result = app.test_cli_runner().invoke(args=["audit", "checkpoint"])

    assert result.exit_code != 0 and "broken at row" in result.output
    assert not app.config["AUDIT_CHECKPOINT_FILE"].exists()
