"""Users, roles and the review streams each user works in."""

from __future__ import annotations

import uuid
from datetime import datetime

from flask_security import RoleMixin, UserMixin
from sqlalchemy import JSON, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.ext.mutable import MutableList
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Base, enum_type, utcnow
from backoffice.policy import RoleName, Stream

user_roles = Table(
    "user_role",
    Base.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("role.id", ondelete="CASCADE"), primary_key=True),
)


class Role(Base, RoleMixin):
    """One of the five fixed roles (seeded by the first migration)."""

    __tablename__ = "role"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    description: Mapped[str | None] = mapped_column(String(255))

    def __str__(self) -> str:
        return RoleName(self.name).replace("_", " ").capitalize()


class UserStream(Base):
    """A review stream (children, adults, domestic abuse) a user works in."""

    __tablename__ = "user_stream"
    __table_args__ = (UniqueConstraint("user_id", "stream"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    stream: Mapped[Stream] = mapped_column(enum_type(Stream, 20))


class User(Base, UserMixin):
    """A person who signs in. Never deleted: deactivated instead."""

    __tablename__ = "user"
    # Never recorded in the audit trail, its exports or a History page: only that they changed.
    SECRET = ("password", "fs_uniquifier", "tf_totp_secret", "mf_recovery_codes")
    # Sign-in bookkeeping the trail leaves out: the sign-in itself is audited.
    NOT_AUDITED = ("tf_totp_last_counter",)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(120))
    password: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    fs_uniquifier: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: uuid.uuid4().hex)
    confirmed_at: Mapped[datetime | None]
    # Failed sign-ins since the last success; the account locks at a threshold until a cool-down
    # passes or an admin unlocks it.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    # Multi-factor sign-in (Flask-Security): the authenticator secret (encrypted) and recovery codes.
    tf_primary_method: Mapped[str | None] = mapped_column(String(64))
    tf_totp_secret: Mapped[str | None] = mapped_column(String(255))
    # Mutable: Flask-Security removes a used code in place, and that must be saved (each code works once).
    # Stored encrypted (SECURITY_MULTI_FACTOR_RECOVERY_CODES_KEYS).
    mf_recovery_codes: Mapped[list[str] | None] = mapped_column(MutableList.as_mutable(JSON))
    # The time step of the last authenticator code accepted, so a code cannot be used twice.
    tf_totp_last_counter: Mapped[int | None]
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # How often their reminder digest comes (models/reminder.Frequency): daily, weekly or off.
    reminder_frequency: Mapped[str] = mapped_column(String(10), default="daily", server_default="daily")

    roles: Mapped[list[Role]] = relationship(secondary=user_roles, lazy="selectin")
    stream_links: Mapped[list[UserStream]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by=UserStream.stream
    )

    @property
    def streams(self) -> list[Stream]:
        return [link.stream for link in self.stream_links]

    @streams.setter
    def streams(self, streams) -> None:
        wanted = {Stream(s) for s in streams}
        self.stream_links = [link for link in self.stream_links if link.stream in wanted]
        have = {link.stream for link in self.stream_links}
        self.stream_links.extend(UserStream(stream=s) for s in sorted(wanted - have))

    def track_failed_authn(self, auth_type: str, tfa: bool = False) -> None:
        """Flask-Security calls this on every failed sign-in of this account."""
        from backoffice import context

        super().track_failed_authn(auth_type, tfa)
        self.failed_logins = (self.failed_logins or 0) + 1
        if self.failed_logins >= context.setting("LOGIN_LOCKOUT_ATTEMPTS"):
            self.locked_until = utcnow() + context.setting("LOGIN_LOCKOUT_PERIOD")

    def is_locked(self, form_error: list[str] | None = None) -> bool:
        """Flask-Security asks this only after the password was right, so it reveals nothing to guessers."""
        if self.locked_until is not None and self.locked_until > utcnow():
            if form_error is not None:
                form_error.append(
                    "This account is locked after repeated failed sign-ins. Try again later or ask an administrator."
                )
            return True
        return False

    def unlock(self) -> None:
        self.failed_logins = 0
        self.locked_until = None

    @property
    def role_names(self) -> list[str]:
        return sorted(r.name for r in self.roles)

    def __str__(self) -> str:
        return self.full_name or self.email
