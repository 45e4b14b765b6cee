"""Case references: `<TYPE>-<YEAR>-<NNN>`, numbered per review type and referral year.

The reference is assigned as the row is inserted, whatever path creates the case (form, CLI, demo),
and never changes afterwards. Each prefix ("CSPR-2026-") has a counter row holding the last number
issued, so a new number is one row's read and write however many cases there are, and a number is
never issued twice, even after its case is disposed of. A prefix's counter starts, when first used,
from the highest reference already stored; a case saved with a reference of its own moves the counter
past it. On PostgreSQL, where several app instances create cases at once, the counter is read under the
lock every writing transaction takes for the audit chain (held until it commits), so the next writer
waits and reads the number just issued: two references never collide, and one lock order means no
deadlock. (SQLite has one writer at a time.)
"""

from __future__ import annotations

from sqlalchemy import func, insert, select, text, update

from backoffice.domain.audit import LOCK_KEY as WRITERS_LOCK
from backoffice.vocabulary import ReviewType
from backoffice.models.base import utcnow
from backoffice.models.case import Case, ReferenceCounter


def reference_prefix(case: Case) -> str:
    """`CSPR-2026-` for a CSPR referred in 2026."""
    year = case.referral_date.year if case.referral_date else utcnow().year
    # A form sets the type as its plain string value ("CSPR"); the factories and CLI set the enum.
    return f"{ReviewType(case.review_type).value}-{year}-"


def format_reference(prefix: str, number: int) -> str:
    return f"{prefix}{number:03d}"


def _highest_stored(connection, prefix: str) -> int:
    """The highest number among stored references with `prefix` (read once, to start its counter)."""
    table = Case.__table__
    # Longest first, so that 1000 sorts after 999.
    highest = connection.execute(
        select(table.c.reference)
        .where(table.c.reference.like(prefix + "%"))
        .order_by(func.length(table.c.reference).desc(), table.c.reference.desc())
        .limit(1)
    ).scalar()
    return _number(highest) or 0


def _number(reference: str | None) -> int | None:
    """The number of a reference in the usual form, else None."""
    tail = (reference or "").rsplit("-", 1)[-1]
    return int(tail) if reference and tail.isdigit() else None


def _counter(connection, prefix: str) -> int:
    """The last number issued under `prefix`, under the writers' lock; started from the stored ones."""
    if connection.dialect.name == "postgresql":  # held until this transaction ends
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITERS_LOCK})
    counters = ReferenceCounter.__table__
    last = connection.execute(select(counters.c.last_number).where(counters.c.prefix == prefix)).scalar()
    if last is None:
        last = _highest_stored(connection, prefix)
        connection.execute(insert(counters).values(prefix=prefix, last_number=last))
    return last


def _issued(connection, prefix: str, number: int) -> None:
    counters = ReferenceCounter.__table__
    connection.execute(update(counters).where(counters.c.prefix == prefix).values(last_number=number))


def _taken(connection, reference: str) -> bool:
    """Whether a case already holds `reference` (one written around the counter: a restore, an import)."""
    table = Case.__table__
    return connection.execute(select(table.c.id).where(table.c.reference == reference)).first() is not None


def assign_reference(mapper, connection, case: Case) -> None:
    """Give a new case the next number under its prefix; or, given its own, move the counter past it."""
    if case.reference:
        prefix, number = case.reference.rsplit("-", 1)[0] + "-", _number(case.reference)
        if number is not None and number > _counter(connection, prefix):
            _issued(connection, prefix, number)
        return
    prefix = reference_prefix(case)
    number = _counter(connection, prefix) + 1
    while _taken(connection, format_reference(prefix, number)):
        number += 1
    _issued(connection, prefix, number)
    case.reference = format_reference(prefix, number)
