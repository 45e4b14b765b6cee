"""Declarative base, column types and the mixins every record shares."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from enum import Enum as PyEnum

from sqlalchemy import DateTime, Enum, ForeignKey, Index, MetaData, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column, registry, scoped_session

from backoffice import clock, context
from backoffice.refusals import Refused

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


@contextmanager
def keeping_loaded(session):
    """Commits inside keep what the session has loaded, instead of expiring it all: what a request
    goes on to read after its commit (the saved record's address, the page being drawn, the signed-in
    user) is what it wrote or read, and expiring it would load each again."""
    session = session() if isinstance(session, scoped_session) else session
    keep, session.expire_on_commit = session.expire_on_commit, False
    try:
        yield session
    finally:
        session.expire_on_commit = keep


def utcnow() -> datetime:
    """Now, timezone-aware, in UTC (the one clock's)."""
    return clock.now()


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store timezone-aware UTC times only")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


# How much free text a field holds at most: a case narrative or rationale, a note, a reason.
NARRATIVE = 20_000
NOTE = 5_000
REASON = 2_000


class LongText(String):
    """Free text of at most `length` characters: VARCHAR(length) in the database, which refuses more,
    a multi-line box with the same limit in forms, and the same check at every flush (SQLite does not
    enforce a VARCHAR's length, and nothing may be silently truncated or stored oversized)."""

    cache_ok = True


class TextTooLong(ValueError):
    """A text value is longer than its column allows; the message names the field and the limit."""


def enum_type(enum_cls: type[PyEnum], length: int = 40) -> Enum:
    """A portable enum column (VARCHAR holding the member's value), the same on SQLite and PostgreSQL."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations name constraints predictably."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime(), str: String(255)},
    )


class Tracked:
    """Who created and last changed the record, and when (UTC); and its version, so that saving over
    someone else's newer change is refused instead of silently overwriting it."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("user.id"), nullable=True)

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("user.id"), nullable=True)


class Archivable:
    """Records are archived with a reason, never hard-deleted."""

    archived_at: Mapped[datetime | None]
    archive_reason: Mapped[str | None] = mapped_column(LongText(REASON))

    @declared_attr
    def archived_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("user.id"), nullable=True)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def archive(self, reason: str, actor_id: int | None) -> None:
        """Take the record out of the lists, keeping it and the reason for auditors."""
        reason = (reason or "").strip()
        if not reason:
            raise Refused("Give a reason for archiving.")
        if self.is_archived:
            raise Refused("This record is already archived.")
        self.archived_at = utcnow()
        self.archived_by_id = actor_id
        self.archive_reason = reason


def current_actor_id(session: Session | None = None) -> int | None:
    """The signed-in user's id during a request; otherwise the actor a CLI command set on the session."""
    return context.actor_id(session)


def overlong_text(obj) -> list[str]:
    """What is too long in `obj`: each text column whose value exceeds the column's length."""
    from sqlalchemy import inspect

    problems = []
    for column in inspect(obj).mapper.columns:
        limit = getattr(column.type, "length", None)
        value = getattr(obj, column.key, None) if column.key in obj.__dict__ else None
        if isinstance(limit, int) and isinstance(value, str) and len(value) > limit:
            label = column.key.replace("_", " ").capitalize()
            problems.append(f"{label} is {len(value):,} characters long; at most {limit:,} can be kept.")
    return problems


def refuse_overlong_text(session: Session) -> None:
    """Refuse text longer than its column, on every path, so nothing is stored oversized or cut."""
    problems = [p for obj in [*session.new, *session.dirty] for p in overlong_text(obj)]
    if problems:
        raise TextTooLong("Nothing was saved: " + " ".join(problems))


def stamp_actor(session: Session) -> None:
    """Fill created_by / updated_by on every tracked record, whatever path wrote it."""
    actor = current_actor_id(session)
    for obj in session.new:
        if isinstance(obj, Tracked) and obj.created_by_id is None:
            obj.created_by_id = actor
            obj.updated_by_id = actor
    for obj in session.dirty:
        if isinstance(obj, Tracked) and session.is_modified(obj, include_collections=False):
            obj.updated_by_id = actor


def trigram_indexes(table: str, *columns: str) -> list[Index]:
    """PostgreSQL trigram (pg_trgm) indexes, so a search for part of the text (ILIKE '%...%') reads the
    index rather than every row. SQLite has none: its tables are small."""
    return [Index(f"ix_{table}_{column}_trgm", column, postgresql_using="gin",
                  postgresql_ops={column: "gin_trgm_ops"}).ddl_if(dialect="postgresql") for column in columns]


def built_on(dialect: str):
    """An Alembic `include_object` that leaves out what this database never has (the trigram indexes on
    SQLite), so comparing the models with it finds only real differences."""

    def include(obj, name, type_, reflected, compare_to) -> bool:
        only = getattr(obj, "_ddl_if", None)
        return reflected or only is None or only.dialect in (None, dialect)

    return include
