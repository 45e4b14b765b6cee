"""The audit writer: one place that records every change, read and sign-in, hash-chained.

Changes are captured from the SQLAlchemy session at flush, from attribute history, and written in
the same transaction, so every path is covered (forms, inline edits, actions, lifecycle steps, the
CLI, the demo loader) and a change whose audit row cannot be written is rolled back with it. Bulk
UPDATE/DELETE statements on audited tables are refused, because they bypass attribute history.

Each row stores the hash of the row before it and its own hash over its content, so editing,
deleting or reordering rows breaks the chain; `verify()` names the first broken row.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Iterable

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import event, func, insert, inspect, select, text
from sqlalchemy.orm import Session

from backoffice.models import (
    AbuseCategory,
    Agency,
    AuditAction,
    AuditEvent,
    Case,
    CaseAgency,
    CriterionAssessment,
    Deadline,
    DeadlineRule,
    DecisionApproval,
    DocumentVersion,
    FamilyEvent,
    FamilyInvolvement,
    Hold,
    Notification,
    PanelDecision,
    PublicText,
    PublishedDocument,
    Role,
    TransitionLog,
    User,
    UserStream,
)
from backoffice.models.base import utcnow

GENESIS = "0" * 64
LOCK_KEY = 724_117  # PostgreSQL advisory lock serialising writers of the chain

# Audited model -> (object type, policy resource deciding who may see its restricted values).
AUDITED: dict[type, tuple[str, str]] = {
    Case: ("case", "case"),
    PanelDecision: ("decision", "decision"),
    CriterionAssessment: ("criterion_assessment", "decision"),
    DecisionApproval: ("decision_approval", "decision"),
    FamilyInvolvement: ("family", "family"),
    FamilyEvent: ("family_event", "family"),
    PublishedDocument: ("document", "document"),
    DocumentVersion: ("document_version", "document"),
    Notification: ("notification", "notification"),
    Hold: ("hold", "hold"),
    Deadline: ("deadline", "deadline"),
    DeadlineRule: ("deadline_rule", "deadline_rule"),
    TransitionLog: ("transition_log", "case"),
    CaseAgency: ("case_agency", "case"),
    Agency: ("agency", "agency"),
    AbuseCategory: ("abuse_category", "reference_data"),
    PublicText: ("public_text", "public_text"),
    User: ("user", "user"),
    UserStream: ("user_stream", "user"),
    Role: ("role", "user"),
}
# Fields whose values are restricted: recorded apart, shown only to roles that may see them.
RESTRICTED: dict[type, tuple[str, ...]] = {Case: Case.RESTRICTED, FamilyInvolvement: FamilyInvolvement.RESTRICTED}
# Secrets are never recorded, only that they changed.
SECRET_FIELDS = {"password", "fs_uniquifier"}
SECRET = "(changed)"
# Collections recorded by the names of their members.
COLLECTIONS = {Case: ("abuse_categories",), User: ("roles",)}


class AuditError(RuntimeError):
    """The audit trail refused an operation (a bulk statement, a tampered chain)."""


@dataclass
class Entry:
    action: AuditAction
    object_type: str | None = None
    object_id: int | None = None
    object_ref: str | None = None
    changes: dict | None = None
    restricted_changes: dict | None = None
    reason: str | None = None


# --- context ---------------------------------------------------------------------------------------


def _actor(session: Session | None) -> tuple[int | None, str | None, str | None]:
    if has_request_context():
        if getattr(current_user, "is_authenticated", False):
            return current_user.id, current_user.email, ",".join(sorted(r.name for r in current_user.roles))
        return None, "anonymous", None
    actor_id = session.info.get("actor_id") if session is not None else None
    return actor_id, (f"user #{actor_id} (command line)" if actor_id else "system (command line)"), None


def _request_facts() -> tuple[str | None, str | None]:
    if not has_request_context():
        return None, None
    return getattr(g, "request_id", None), request.remote_addr


# --- values ----------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a column value."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return sorted(str(v) for v in value)
    return value


def _diff(obj, created: bool) -> tuple[dict, dict]:
    """{field: [before, after]} for what changed (all set fields when created), split by restriction."""
    state = inspect(obj)
    restricted = RESTRICTED.get(type(obj), ())
    changes: dict = {}
    hidden: dict = {}
    for column in state.mapper.column_attrs:
        history = state.attrs[column.key].history
        if not created and not history.has_changes():
            continue
        before = _plain(history.deleted[0]) if history.deleted else None
        after = _plain(history.added[0]) if history.added else _plain(getattr(obj, column.key))
        if created and after is None:
            continue
        if before == after and not created:
            continue
        if column.key in SECRET_FIELDS:
            changes[column.key] = [SECRET if before else None, SECRET]
        elif column.key in restricted:
            hidden[column.key] = [before, after]
        else:
            changes[column.key] = [before, after]
    if "version" in state.mapper.columns and (changes or hidden):
        # SQLAlchemy bumps the version during the flush itself, outside attribute history.
        version = getattr(obj, "version", None)
        changes["version"] = [None if created else (version - 1 if version else None), version]
    for name in COLLECTIONS.get(type(obj), ()):
        history = state.attrs[name].history
        if history.has_changes():
            current = [str(v) for v in getattr(obj, name)]
            previous = sorted(set(current) - {str(v) for v in history.added} | {str(v) for v in history.deleted})
            changes[name] = [previous, sorted(current)]
    return changes, hidden


def _reference(obj) -> str | None:
    case = obj if isinstance(obj, Case) else getattr(obj, "case", None)
    if case is None and isinstance(obj, (CriterionAssessment, DecisionApproval)) and obj.decision is not None:
        case = obj.decision.case
    return getattr(case, "reference", None)


def _action_for(obj, created: bool, changes: dict) -> AuditAction:
    if created:
        if isinstance(obj, DecisionApproval):
            return AuditAction.APPROVE
        if isinstance(obj, TransitionLog):
            return AuditAction.TRANSITION
        return AuditAction.CREATE
    if "archived_at" in changes and changes["archived_at"][1]:
        return AuditAction.ARCHIVE
    if isinstance(obj, Case) and "state" in changes:
        return AuditAction.TRANSITION
    return AuditAction.UPDATE


def _entries_for_flush(session: Session) -> list[Entry]:
    entries: list[Entry] = []
    for obj, created in [*((o, True) for o in session.new), *((o, False) for o in session.dirty)]:
        if type(obj) not in AUDITED:
            continue
        changes, hidden = _diff(obj, created)
        if not created and not changes and not hidden:
            continue
        object_type, _ = AUDITED[type(obj)]
        entries.append(
            Entry(
                action=_action_for(obj, created, changes),
                object_type=object_type,
                object_id=getattr(obj, "id", None),
                object_ref=_reference(obj),
                changes=changes or None,
                restricted_changes=hidden or None,
                reason=getattr(obj, "archive_reason", None) if "archived_at" in changes else None,
            )
        )
    for obj in session.deleted:
        if type(obj) in AUDITED:
            entries.append(Entry(AuditAction.DELETE, AUDITED[type(obj)][0], getattr(obj, "id", None), _reference(obj)))
    return entries


# --- the chain -------------------------------------------------------------------------------------


def row_hash(row: dict) -> str:
    """The hash of a row's content, chained to the previous row's hash."""
    fields = (
        "at", "actor_id", "actor", "actor_roles", "action", "object_type", "object_id", "object_ref",
        "changes", "restricted_changes", "reason", "request_id", "ip", "prev_hash",
    )
    canonical = json.dumps({f: _plain(row.get(f)) for f in fields}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _last_hash(connection) -> str:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    last = connection.execute(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar()
    return last or GENESIS


def write(connection, entries: Iterable[Entry], session: Session | None = None) -> None:
    """Append `entries` to the chain on `connection` (inside the caller's transaction)."""
    entries = list(entries)
    if not entries:
        return
    actor_id, actor, roles = _actor(session)
    request_id, ip = _request_facts()
    previous = _last_hash(connection)
    rows = []
    for entry in entries:
        row = {
            "at": utcnow(),
            "actor_id": actor_id,
            "actor": actor,
            "actor_roles": roles,
            "action": AuditAction(entry.action).value,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "object_ref": entry.object_ref,
            "changes": json.dumps(entry.changes, sort_keys=True, default=str) if entry.changes else None,
            "restricted_changes": (
                json.dumps(entry.restricted_changes, sort_keys=True, default=str) if entry.restricted_changes else None
            ),
            "reason": entry.reason,
            "request_id": request_id,
            "ip": ip,
            "prev_hash": previous,
        }
        row["hash"] = previous = row_hash(row)
        rows.append(row)
    connection.execute(insert(AuditEvent.__table__), rows)


def record(session: Session, action: AuditAction, object_type: str | None = None, object_id: int | None = None,
           object_ref: str | None = None, reason: str | None = None, changes: dict | None = None) -> None:
    """Record a read, an export, a download or a sign-in event in the session's transaction."""
    write(session.connection(), [Entry(action, object_type, object_id, object_ref, changes, None, reason)], session)


def verify(connection) -> int | None:
    """The id of the first row whose content or place in the chain was tampered with, or None."""
    previous = GENESIS
    result = connection.execute(select(AuditEvent.__table__).order_by(AuditEvent.id)).mappings()
    for row in result.yield_per(1000):
        row = dict(row)
        if row["prev_hash"] != previous or row_hash(row) != row["hash"]:
            return row["id"]
        previous = row["hash"]
    return None


# --- hooks -----------------------------------------------------------------------------------------


def _keep_old_values(model: type) -> None:
    """Load a column's old value before it is overwritten, even on an expired instance, so the
    trail never records an unknown "before"."""
    for column in inspect(model).column_attrs:
        event.listen(getattr(model, column.key), "set", lambda target, value, old, initiator: value,
                     active_history=True, retval=True)


for _model in AUDITED:
    _keep_old_values(_model)


@event.listens_for(Session, "after_flush")
def _audit_flush(session: Session, flush_context) -> None:
    """Write the audit rows for everything this flush changed, in the same transaction."""
    write(session.connection(), _entries_for_flush(session), session)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_statements(state) -> None:
    if (state.is_update or state.is_delete) and any(m.class_ in AUDITED for m in state.all_mappers):
        raise AuditError("Bulk UPDATE/DELETE of audited records is refused: change records one by one.")


def record_now(action: AuditAction, **fields) -> None:
    """Record an event for the current request and commit it at once (reads, sign-ins, refusals)."""
    from backoffice.extensions import db

    try:
        record(db.session, action, **fields)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def install(app) -> None:
    """Give every request an id, and audit sign-ins, failed sign-ins and sign-outs."""
    import uuid

    from flask_login import user_logged_out
    from flask_security.signals import user_authenticated

    @app.before_request
    def _request_id() -> None:
        g.request_id = request.headers.get("X-Request-ID", "")[:36] or str(uuid.uuid4())

    @app.after_request
    def _echo_request_id(response):
        if getattr(g, "request_id", None):
            response.headers["X-Request-ID"] = g.request_id
        return response

    @app.after_request
    def _failed_sign_in(response):
        """A sign-in form sent back (wrong password, unknown or locked account, throttled) is a failure.
        Committing it also keeps the account's failed-attempt count."""
        if (
            request.endpoint == "security.login"
            and request.method == "POST"
            and response.status_code in (200, 400, 429)
            and not getattr(current_user, "is_authenticated", False)
        ):
            attempted = (request.form.get("email") or "")[:254]
            from backoffice.extensions import db

            known = db.session.scalar(select(User.id).where(func.lower(User.email) == attempted.strip().lower()))
            record_now(AuditAction.FAILED_LOGIN, object_type="user", object_id=known,
                       reason=f"Failed sign-in for {attempted!r}" + (" (throttled)" if response.status_code == 429 else ""))
        return response

    def _login(sender, user, **extra) -> None:
        user.unlock()  # a successful sign-in clears the failed-attempt count
        record_now(AuditAction.LOGIN, object_type="user", object_id=user.id)

    def _logout(sender, user, **extra) -> None:
        if user is not None and getattr(user, "id", None):
            record_now(AuditAction.LOGOUT, object_type="user", object_id=user.id)

    user_authenticated.connect(_login, app, weak=False)
    user_logged_out.connect(_logout, app, weak=False)
