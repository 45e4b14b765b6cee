"""Who is acting and with which settings, for the models and domain rules, which must not reach into
Flask themselves. The app tells this module how to find out (`install`, from create_app); the command
line and the demo loader name their actor on the session (`session.info["actor_id"]`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Person = tuple  # (id, email, roles): who the audit trail says acted

_signed_in: Callable[[], int | None] = lambda: None  # noqa: E731  no app: nobody is signed in
_person: Callable[[], Person | None] = lambda: None  # noqa: E731
_request_facts: Callable[[], tuple[str | None, str | None]] = lambda: (None, None)  # noqa: E731
_settings: Callable[[str], Any] | None = None


def install(signed_in: Callable[[], int | None], person: Callable[[], Person | None],
            request_facts: Callable[[], tuple[str | None, str | None]], settings: Callable[[str], Any]) -> None:
    """How to find the signed-in user's id and (id, email, roles) (None outside a request), the
    request's id and address, and the app's settings."""
    global _signed_in, _person, _request_facts, _settings
    _signed_in, _person, _request_facts, _settings = signed_in, person, request_facts, settings


def person() -> Person | None:
    """(id, email, roles) of the request's person, (None, "anonymous", None) if nobody is signed in;
    None outside a request."""
    return _person()


def request_facts() -> tuple[str | None, str | None]:
    """(request id, client address) of the request being answered; (None, None) outside one."""
    return _request_facts()


def actor_id(session=None) -> int | None:
    """The signed-in user's id during a request; otherwise the actor a command set on the session."""
    signed_in = _signed_in()
    if signed_in is not None:
        return signed_in
    return session.info.get("actor_id") if session is not None else None


def setting(name: str) -> Any:
    """One of the app's settings (e.g. UPLOAD_DIR, DARDR_FROM, AUDIT_KEY); None outside the app."""
    return _settings(name) if _settings is not None else None
