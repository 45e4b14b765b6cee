"""User accounts, in one place: creating one, setting its password, enrolling its authenticator and
unlocking it. The command line, the demo loader and the Users screen all come here, so an account is
made the same way, with the same checks, whoever makes it."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from flask_security import hash_password
from sqlalchemy import func, select

from backoffice.extensions import db
from backoffice.models import Role, User
from backoffice.refusals import Refused
from backoffice.security import OneUseTotp, password_problems


class AccountRefused(Refused):
    """The account cannot be made or changed as asked; the message says why."""


def authenticator() -> OneUseTotp:
    """The app's authenticator codes, with the secrets and issuer Flask-Security is configured with."""
    return OneUseTotp(current_app.config["SECURITY_TOTP_SECRETS"], current_app.config["SECURITY_TOTP_ISSUER"])


def enrol_authenticator(user: User) -> str:
    """Give the user an authenticator (TOTP) secret; returns the key to type into the app, shown once."""
    codes = authenticator()
    user.tf_primary_method = "authenticator"
    user.tf_totp_secret = codes.generate_totp_secret()
    return codes.get_totp_b32_key(user.tf_totp_secret)


def set_password(user: User, password: str) -> list[str]:
    """Set the user's password; or, if it is refused (too short, too weak, too common), leave it and
    return the reasons."""
    problems = password_problems(password)
    if not problems:
        user.password = hash_password(password)
    return problems


def email_taken(email: str, by_other_than: int | None = None) -> bool:
    """Whether another account already has this address (in any letter case)."""
    query = select(User.id).where(func.lower(User.email) == email.strip().lower())
    if by_other_than is not None:
        query = query.where(User.id != by_other_than)
    return db.session.execute(query.limit(1)).first() is not None


def create_user(email: str, password: str, roles: Iterable, streams: Iterable, full_name: str | None = None) -> User:
    """An active account with these roles and streams (the caller commits)."""
    email = email.strip().lower()
    if email_taken(email):
        raise AccountRefused(f"A user with email {email} already exists.")
    user = User(email=email, full_name=full_name, active=True)
    problems = set_password(user, password)
    if problems:
        raise AccountRefused("The password is refused: " + " ".join(problems))
    user.roles = list(db.session.scalars(select(Role).where(Role.name.in_([str(r) for r in roles]))))
    user.streams = list(streams)
    db.session.add(user)
    return user


def unlock(users: Iterable[User]) -> int:
    """Clear the lock repeated failed sign-ins put on each account; how many were unlocked."""
    count = 0
    for user in users:
        user.unlock()
        count += 1
    return count
