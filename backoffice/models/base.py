"""Declarative base, column types and the mixins every record shares."""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum as PyEnum
from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import DateTime, Enum, ForeignKey, MetaData, String, Text, TypeDecorator, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Now, timezone-aware, in UTC."""
    return datetime.now(timezone.utc)


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
    archive_reason: Mapped[str | None] = mapped_column(Text)

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
            raise ValueError("Give a reason for archiving.")
        if self.is_archived:
            raise ValueError("This record is already archived.")
        self.archived_at = utcnow()
        self.archived_by_id = actor_id
        self.archive_reason = reason


def current_actor_id(session: Session | None = None) -> int | None:
    """The signed-in user's id during a request; otherwise the actor a CLI command set on the session."""
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user.id
    return session.info.get("actor_id") if session is not None else None


@event.listens_for(Session, "before_flush")
def _stamp_actor(session: Session, flush_context: Any, instances: Any) -> None:
    """Fill created_by / updated_by on every tracked record, whatever path wrote it."""
    actor = current_actor_id(session)
    for obj in session.new:
        if isinstance(obj, Tracked) and obj.created_by_id is None:
            obj.created_by_id = actor
            obj.updated_by_id = actor
    for obj in session.dirty:
        if isinstance(obj, Tracked) and session.is_modified(obj, include_collections=False):
            obj.updated_by_id = actor
