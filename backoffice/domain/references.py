"""Case references: `<TYPE>-<YEAR>-<NNN>`, numbered per review type and referral year.

The reference is assigned as the row is inserted, whatever path creates the case (form, CLI, demo),
and never changes afterwards. On PostgreSQL, where several app instances create cases at once, the
number is read under the lock every writing transaction takes for the audit chain (held until it
commits), so the next one waits and reads the number just issued: two references never collide, and
one lock order means no deadlock. (SQLite has one writer at a time.)
"""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import object_session

from backoffice.domain.audit import LOCK_KEY as WRITERS_LOCK
from backoffice.vocabulary import ReviewType
from backoffice.models.base import utcnow
from backoffice.models.case import Case


def reference_prefix(case: Case) -> str:
    """`CSPR-2026-` for a CSPR referred in 2026."""
    year = case.referral_date.year if case.referral_date else utcnow().year
    # A form sets the type as its plain string value ("CSPR"); the factories and CLI set the enum.
    return f"{ReviewType(case.review_type).value}-{year}-"


def format_reference(prefix: str, number: int) -> str:
    return f"{prefix}{number:03d}"


_ISSUED = "case_references_issued_this_flush"


def _highest_stored(connection, prefix: str) -> int:
    if connection.dialect.name == "postgresql":  # held until this transaction ends
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITERS_LOCK})
    table = Case.__table__
    # Longest first, so that 1000 sorts after 999.
    highest = connection.execute(
        select(table.c.reference)
        .where(table.c.reference.like(prefix + "%"))
        .order_by(func.length(table.c.reference).desc(), table.c.reference.desc())
        .limit(1)
    ).scalar()
    return int(highest.rsplit("-", 1)[1]) if highest else 0


def assign_reference(mapper, connection, case: Case) -> None:
    if case.reference:
        return
    prefix = reference_prefix(case)
    # SQLAlchemy runs this hook for every new case of a flush before inserting any of them, so the
    # numbers issued in this flush are remembered until it ends.
    issued = object_session(case).info.setdefault(_ISSUED, {})
    number = max(_highest_stored(connection, prefix), issued.get(prefix, 0)) + 1
    issued[prefix] = number
    case.reference = format_reference(prefix, number)


def forget_issued_references(session, flush_context) -> None:
    session.info.pop(_ISSUED, None)
