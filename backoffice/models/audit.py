"""The append-only audit trail: every change, every read of case data, every sign-in."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.models.base import Base, enum_type, utcnow


class AuditAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    ARCHIVE = "archive"
    TRANSITION = "transition"
    APPROVE = "approve"
    DELETE = "delete"
    VIEW = "view"
    EXPORT = "export"
    DOWNLOAD = "download"
    LOGIN = "login"
    LOGOUT = "logout"
    FAILED_LOGIN = "failed_login"
    ACCESS_DENIED = "access_denied"
    MAINTENANCE = "maintenance"  # the trail itself was re-sealed or redacted, by a migration
    DISPOSE = "dispose"  # records disposed of under the retention schedule; attests the rows redacted

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class AuditEvent(Base):
    """One audited event. Rows are only ever added: each carries a keyed hash (HMAC with AUDIT_KEY)
    over its content and the hash of the one before it, so an edited, deleted or reordered row breaks
    the chain (`flask audit verify`), and nobody without the key can forge a new one."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_object", "object_type", "object_id"),
        Index("ix_audit_event_at", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(index=True)  # no foreign key: the trail outlives accounts
    actor: Mapped[str | None] = mapped_column(String(254), index=True)  # the audit log filters on it
    actor_roles: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[AuditAction] = mapped_column(enum_type(AuditAction, 20), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None]
    object_ref: Mapped[str | None] = mapped_column(String(40), index=True)  # the case reference
    # The review streams the event is about, sorted and comma-joined: the case's one stream, or for an
    # export the streams it could include. None for accounts, agencies, reference data and sign-ins.
    streams: Mapped[str | None] = mapped_column(String(40))
    changes: Mapped[str | None] = mapped_column(Text)  # JSON {field: [before, after]}
    restricted_changes: Mapped[str | None] = mapped_column(Text)  # shown only to roles that may see them
    reason: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(36))
    ip: Mapped[str | None] = mapped_column(String(45))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Set when disposal redacted this row's values: the DISPOSE event attesting its content since
    # (outside the hash, which still chains the row as it was written).
    redacted_by: Mapped[int | None]

    def __str__(self) -> str:
        return f"{AuditAction(self.action).label} {self.object_type or ''} {self.object_ref or self.object_id or ''}".strip()
