"""Building a benchmark tier on PostgreSQL: the demo through the project's own write path, then copies of
its cases (with every record that belongs to them) and a long audit trail in set-based SQL.

The write path is the demo loader (`backoffice.demo.loader.load_demo`): cases created and taken through
their lifecycle steps, decisions approved by the board, family, documents, notifications and deadlines,
each audited, exactly as the application records them. Its rate is reported. The rest of the tier is
made of copies of those records, so every copy is as realistic as the sample, at thousands of rows a
second: each copy shifts ids by a whole table's worth and gives unique columns a new value.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from sqlalchemy import Engine, text

from backoffice.demo.loader import load_demo
from backoffice.extensions import db
from backoffice.models import Case

# The tables of a case's records, parents first (a copy's foreign keys point at copies made before).
CASE_TABLES = (
    "case", "case_abuse_category", "case_agency", "deadline", "hold", "panel_decision", "criterion_assessment",
    "decision_approval", "notification", "family_involvement", "family_event", "published_document",
    "document_version", "transition_log",
)
# Unique columns, and what a copy (its number `copy_n`) stores there instead.
UNIQUE_COPIES = {
    ("case", "reference"): "split_part(reference, '-', 1) || '-' || split_part(reference, '-', 2) || '-' "
                           "|| (split_part(reference, '-', 3)::int + copy_n * 1000)",
    # Another notification's number in the same scheme ("CINS-2026-" and the copy's own id, 6 digits).
    ("case", "external_reference"): "regexp_replace(external_reference, '[0-9]+$', '') "
                                    "|| lpad((id + copy_n * {shift})::text, 6, '0')",
    ("case", "subject_pseudonym"): "subject_pseudonym || ' ' || copy_n",
    ("published_document", "stored_name"): "left(stored_name, 50) || '-' || copy_n",
    ("document_version", "stored_name"): "left(stored_name, 50) || '-' || copy_n",
}


HISTORY_HASH = hashlib.md5(b"h1").hexdigest() * 2  # the first event of the case with a long History


@dataclass(frozen=True)
class Tier:
    name: str
    cases: int
    audit_rows: int
    published_reviews: int = 600
    history_events: int = 1_000


TIERS = {
    "S": Tier("S", cases=3_000, audit_rows=300_000),
    "M": Tier("M", cases=30_000, audit_rows=10_000_000),
}


@dataclass
class Built:
    demo_users: dict[str, tuple[str, str, str]]
    write_path: str
    rows: dict[str, int]
    history_case_id: int


def built(admin: Engine) -> Built:
    """What an earlier run built (`--reuse`): its write path is not measured again."""
    with admin.begin() as conn:
        history_case = conn.execute(text("SELECT object_id FROM audit_event WHERE hash = :h"),
                                    {"h": HISTORY_HASH}).scalar_one()
        rows = _rows(conn)
    return Built({}, "reused the tier an earlier run built", rows, history_case)


def _rows(conn) -> dict[str, int]:
    return {table: conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()
            for table in ("case", "panel_decision", "family_involvement", "published_document", "audit_event")}


def build(tier: Tier, admin: Engine) -> Built:
    """Fill the (freshly migrated) database with `tier`; `admin` is a superuser's engine for the bulk SQL."""
    started = time.perf_counter()
    users = load_demo()
    elapsed = time.perf_counter() - started
    sample = db.session.query(Case).count()
    events = db.session.execute(text("SELECT count(*) FROM audit_event")).scalar()
    write_path = (f"{sample} cases with their records ({events:,} audit events) through the write path in "
                  f"{elapsed:.1f} s: {sample / elapsed:.1f} cases/s")
    db.session.remove()
    with admin.begin() as conn:
        copies = math.ceil(tier.cases / sample) - 1
        _copy_cases(conn, copies)
        _keep_published(conn, tier.published_reviews)
        history_case = conn.execute(text("SELECT max(id) FROM \"case\"")).scalar()
        _audit_trail(conn, tier.audit_rows, history_case, tier.history_events)
        rows = _rows(conn)
    # As autovacuum would in time: statistics for the planner, the visibility map for index-only scans,
    # and the trigram indexes' pending entries merged (a bulk load leaves them to be scanned in full).
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in (*CASE_TABLES, "audit_event"):
            conn.execute(text(f'VACUUM ANALYZE "{table}"'))
    return Built(users, write_path, rows, history_case)


def _copy_cases(conn, copies: int) -> None:
    """`copies` copies of every case and its records, each copy's ids shifted past the originals."""
    tables = {t.name: t for t in db.metadata.sorted_tables}
    shift = {name: conn.execute(text(f'SELECT coalesce(max(id), 0) FROM "{name}"')).scalar()
             for name in CASE_TABLES if "id" in tables[name].c}
    for name in CASE_TABLES:
        table = tables[name]
        columns, values = [], []
        for column in table.columns:
            columns.append(f'"{column.name}"')
            targets = {fk.column.table.name for fk in column.foreign_keys} & set(shift)
            if (name, column.name) in UNIQUE_COPIES:
                values.append(UNIQUE_COPIES[name, column.name].format(shift=shift.get(name)))
            elif column.name == "id" and name in shift:
                values.append(f"id + copy_n * {shift[name]}")
            elif targets:
                values.append(f'"{column.name}" + copy_n * {shift[targets.pop()]}')
            else:
                values.append(f'"{column.name}"')
        originals = f"id <= {shift[name]}" if name in shift else f"case_id <= {shift['case']}"
        conn.execute(text(f'INSERT INTO "{name}" ({", ".join(columns)}) SELECT {", ".join(values)} '
                          f'FROM "{name}" CROSS JOIN generate_series(1, {copies}) AS copy_n WHERE {originals}'))
        if name in shift:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                              f'(SELECT max(id) FROM "{name}"))'))


def _keep_published(conn, reviews: int) -> None:
    """Keep `reviews` published reviews (a large partnership's), as the newest copies; the rest are drafts."""
    conn.execute(text("""
        UPDATE published_document SET status = 'draft' WHERE status = 'published' AND case_id NOT IN (
            SELECT case_id FROM published_document WHERE status = 'published'
            GROUP BY case_id ORDER BY case_id LIMIT :reviews)
    """), {"reviews": reviews})


def _audit_trail(conn, rows: int, history_case: int, history_events: int) -> None:
    """`rows` audit events spread over every case, and `history_events` more about one case (its History)."""
    conn.execute(text("""
        INSERT INTO audit_event (at, actor_id, actor, actor_roles, action, object_type, object_id, object_ref,
                                 streams, changes, prev_hash, hash)
        SELECT timestamp '2010-01-01' + (n || ' minutes')::interval, 1 + n % 6, 'user' || (n % 200) || '@example.org',
               'business_support', (ARRAY['create','update','view','export','transition'])[1 + n % 5], 'case',
               1 + n % (SELECT max(id) FROM "case"), 'CSPR-' || (2010 + n % 16) || '-' || lpad((n % 999)::text, 3, '0'),
               'children', '{"concerns": ["Before", "After"]}', md5((n - 1)::text) || md5((n - 1)::text),
               md5(n::text) || md5(n::text)
        FROM generate_series(1, :rows) AS n
    """), {"rows": rows})
    conn.execute(text("""
        INSERT INTO audit_event (at, actor_id, actor, actor_roles, action, object_type, object_id, object_ref,
                                 streams, changes, prev_hash, hash)
        SELECT now() - ((:events - n) || ' hours')::interval, 1, 'business.support@demo.example.org',
               'business_support', 'update', 'case', c.id, c.reference,
               CASE c.review_type WHEN 'CSPR' THEN 'children' WHEN 'SAR' THEN 'adults' ELSE 'domestic_abuse' END,
               '{"concerns": ["Before ' || n || '", "After ' || n || '"], "referrer_agency_id": [1, 2]}',
               md5('h' || (n - 1)) || md5('h' || (n - 1)), md5('h' || n) || md5('h' || n)
        FROM generate_series(1, :events) AS n, "case" c WHERE c.id = :case
    """), {"events": history_events, "case": history_case})
