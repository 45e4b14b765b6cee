"""The audit writer: one place that records every change, read and sign-in, hash-chained.

Changes are captured from the SQLAlchemy session at flush, from attribute history, and written in
the same transaction, so every path is covered (forms, inline edits, actions, lifecycle steps, the
CLI, the demo loader) and a change whose audit row cannot be written is rolled back with it. Bulk
UPDATE/DELETE statements on audited tables are refused, because they bypass attribute history.

Each row stores the hash of the row before it and its own HMAC (keyed with AUDIT_KEY, which the
database never holds) over its content, so editing, deleting or reordering rows breaks the chain and
nobody with database access alone can recompute it; `verify()` names the first broken row.
Checkpoints of the chain's head, kept outside the database (`flask audit checkpoint`), catch a
deleted tail or a truncated trail, which a chain alone cannot show.

Secrets (password hashes, authenticator secrets, recovery codes, session identifiers) never enter a
row: each model names its secret columns (`SECRET`), and they are recorded as "(changed)" only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from itertools import combinations
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import event, func, insert, inspect, select, text
from sqlalchemy.orm import Session

from backoffice.models import (
    ContributionEmail,
    IncomingReferral,
    Reminder,
    ActionUpdate,
    Finding,
    Recommendation,
    RecommendationApproval,
    RecommendationSet,
    ReviewAction,
    Theme,
    AgendaItem,
    Attendee,
    ConflictDeclaration,
    Meeting,
    MeetingType,
    AbuseCategory,
    Agency,
    AgencyContribution,
    Appointment,
    AuditAction,
    AuditEvent,
    Case,
    CaseAgency,
    CriterionAssessment,
    Deadline,
    DeadlineRule,
    DecisionApproval,
    DisposalDecision,
    DocumentVersion,
    FamilyEvent,
    FamilyInvolvement,
    Hold,
    LegalHold,
    Notification,
    PanelDecision,
    PublicText,
    PublishedDocument,
    RetentionRule,
    Role,
    Tombstone,
    TurnaroundRule,
    TransitionLog,
    User,
    UserStream,
)
from backoffice import context
from backoffice.models.base import keeping_loaded, utcnow
from backoffice.policy import CASE_RESOURCES

GENESIS = "0" * 64
# The sign-in forms whose failures are audited (and count towards the account's lockout).
SIGN_IN_FORMS = {
    "security.login": "Failed sign-in",
    "security.two_factor_token_validation": "Wrong authenticator code at sign-in",
    "security.mf_recovery": "Wrong recovery code at sign-in",
}
REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,35}")
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
    AgencyContribution: ("contribution", "contribution"),
    ContributionEmail: ("contribution_email", "contribution"),
    Appointment: ("appointment", "appointment"),
    Meeting: ("meeting", "meeting"),
    AgendaItem: ("agenda_item", "meeting"),
    Attendee: ("attendee", "meeting"),
    ConflictDeclaration: ("conflict_declaration", "meeting_conflict"),
    MeetingType: ("meeting_type", "reference_data"),
    Theme: ("theme", "reference_data"),
    Reminder: ("reminder", "user"),
    IncomingReferral: ("incoming_referral", "intake"),
    Finding: ("finding", "finding"),
    Recommendation: ("recommendation", "recommendation"),
    RecommendationSet: ("recommendation_set", "recommendation"),
    RecommendationApproval: ("recommendation_approval", "recommendation"),
    ReviewAction: ("action", "action"),
    ActionUpdate: ("action_update", "action"),
    TurnaroundRule: ("turnaround_rule", "reference_data"),
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
    RetentionRule: ("retention_rule", "retention_rule"),
    LegalHold: ("legal_hold", "legal_hold"),
    DisposalDecision: ("disposal", "disposal"),
    Tombstone: ("tombstone", "tombstone"),
}
# Object types whose events are case content: shown only to readers of the case's stream.
CASE_CONTENT_TYPES = frozenset(t for t, resource in AUDITED.values() if resource in CASE_RESOURCES)
# Fields whose values are restricted: recorded apart, shown only to roles that may see them.
RESTRICTED: dict[type, tuple[str, ...]] = {Case: Case.RESTRICTED, FamilyInvolvement: FamilyInvolvement.RESTRICTED,
                                           IncomingReferral: IncomingReferral.RESTRICTED}
# Secrets are never recorded, only that they changed.
SECRETS: dict[type, tuple[str, ...]] = {model: getattr(model, "SECRET", ()) for model in AUDITED}
SECRET = "(changed)"
# Collections recorded by the names of their members.
COLLECTIONS = {Case: ("abuse_categories", "themes"), User: ("roles",)}


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
    streams: str | None = None


# --- context ---------------------------------------------------------------------------------------


def _actor(session: Session | None) -> tuple[int | None, str | None, str | None]:
    """(id, email, roles) of who acts: the person of the request (anonymous if nobody is signed in),
    or the actor a command named on the session."""
    person = context.person()
    if person is not None:
        return person
    actor_id = session.info.get("actor_id") if session is not None else None
    return actor_id, (f"user #{actor_id} (command line)" if actor_id else "system (command line)"), None


def _request_facts() -> tuple[str | None, str | None]:
    return context.request_facts()


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
    secret = SECRETS.get(type(obj), ())
    ignored = getattr(type(obj), "NOT_AUDITED", ())
    changes: dict = {}
    hidden: dict = {}
    for column in state.mapper.column_attrs:
        if column.key in ignored:
            continue
        history = state.attrs[column.key].history
        if not created and not history.has_changes():
            continue
        before = _plain(history.deleted[0]) if history.deleted else None
        after = _plain(history.added[0]) if history.added else _plain(getattr(obj, column.key))
        if created and after is None:
            continue
        if before == after and not created:
            continue
        if column.key in secret:
            changes[column.key] = [SECRET if before else None, SECRET if after else None]
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


def case_of(obj) -> Case | None:
    """The case a record belongs to (itself for a case), if any."""
    if isinstance(obj, Case):
        return obj
    if isinstance(obj, (CriterionAssessment, DecisionApproval)):
        return obj.decision.case if obj.decision is not None else None
    return getattr(obj, "case", None)


def stream_key(streams: Iterable) -> str | None:
    """Streams as the `streams` column holds them: sorted, comma-joined."""
    names = sorted({str(getattr(s, "value", s)) for s in streams})
    return ",".join(names) or None


def stream_keys_within(streams: Iterable) -> list[str]:
    """Every `streams` value whose streams all lie within `streams` (what a reader of them may see)."""
    names = sorted({str(getattr(s, "value", s)) for s in streams})
    return [",".join(group) for size in range(1, len(names) + 1) for group in combinations(names, size)]


def facts_of(obj) -> tuple[str | None, str | None]:
    """(reference, streams) of the record an event is about: its case's, or for a record of no one case
    (a meeting, its attendees) the streams it names."""
    own = getattr(obj, "audit_streams", None)
    return (None, own) if own else case_facts(case_of(obj))


def case_facts(case: Case | None) -> tuple[str | None, str | None]:
    """(reference, streams) of the case an event is about."""
    if case is None or case.review_type is None:
        return None, None
    from backoffice.vocabulary import ReviewType

    return case.reference, stream_key([ReviewType(case.review_type).stream])


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
        reference, streams = facts_of(obj)
        entries.append(
            Entry(
                action=_action_for(obj, created, changes),
                object_type=object_type,
                object_id=getattr(obj, "id", None),
                object_ref=reference,
                changes=changes or None,
                restricted_changes=hidden or None,
                reason=getattr(obj, "archive_reason", None) if "archived_at" in changes else None,
                streams=streams,
            )
        )
    for obj in session.deleted:
        if type(obj) in AUDITED:
            reference, streams = facts_of(obj)
            entries.append(Entry(AuditAction.DELETE, AUDITED[type(obj)][0], getattr(obj, "id", None), reference,
                                 streams=streams))
    return entries


# --- the chain -------------------------------------------------------------------------------------


HASHED_FIELDS = (
    "at", "actor_id", "actor", "actor_roles", "action", "object_type", "object_id", "object_ref",
    "streams", "changes", "restricted_changes", "reason", "request_id", "ip", "prev_hash",
)


def audit_key(session: Session | None = None) -> bytes:
    """The key of the chain's HMAC, from the configuration (never from the database); a session
    outside the app (a script's) carries it in its `info`."""
    key = session.info.get("audit_key") if session is not None else None
    key = key or context.setting("AUDIT_KEY")
    if not key:
        raise AuditError("AUDIT_KEY is not set: the audit trail cannot be written or verified.")
    return key.encode()


def row_hash(row: dict, key: bytes | None = None) -> str:
    """The keyed hash of a row's content, chained to the previous row's hash."""
    canonical = json.dumps({f: _plain(row.get(f)) for f in HASHED_FIELDS}, sort_keys=True, separators=(",", ":"))
    return hmac.new(key or audit_key(), canonical.encode(), hashlib.sha256).hexdigest()


def _last_hash(connection) -> str:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    last = connection.execute(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar()
    return last or GENESIS


def write(connection, entries: Iterable[Entry], session: Session | None = None) -> list[str]:
    """Append `entries` to the chain on `connection` (inside the caller's transaction); their hashes."""
    entries = list(entries)
    if not entries:
        return []
    actor_id, actor, roles = _actor(session)
    request_id, ip = _request_facts()
    key = audit_key(session)
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
            "streams": entry.streams,
            "changes": json.dumps(entry.changes, sort_keys=True, default=str) if entry.changes else None,
            "restricted_changes": (
                json.dumps(entry.restricted_changes, sort_keys=True, default=str) if entry.restricted_changes else None
            ),
            "reason": entry.reason,
            "request_id": request_id,
            "ip": ip,
            "prev_hash": previous,
        }
        row["hash"] = previous = row_hash(row, key)
        rows.append(row)
    connection.execute(insert(AuditEvent.__table__), rows)
    return [row["hash"] for row in rows]


def record(session: Session, action: AuditAction, object_type: str | None = None, object_id: int | None = None,
           case: Case | None = None, reason: str | None = None, changes: dict | None = None,
           streams: str | None = None) -> None:
    """Record a read, an export, a download or a sign-in event in the session's transaction; an event
    about a case's record names the case, so the audit log shows it only to readers of its stream."""
    reference, case_streams = case_facts(case)
    entry = Entry(action, object_type, object_id, reference, changes, None, reason, streams or case_streams)
    write(session.connection(), [entry], session)


def verify(connection, key: bytes | None = None) -> int | None:
    """The id of the first row whose content or place in the chain was tampered with, or None.

    A row redacted by a disposal keeps its place (its stored hash still chains it) and its content
    must be what the later DISPOSE event, itself in the chain, attested."""
    key = key or audit_key()
    attested = _attestations(connection)
    previous = GENESIS
    result = connection.execute(select(AuditEvent.__table__).order_by(AuditEvent.id)).mappings()
    for row in result.yield_per(1000):
        row = dict(row)
        expected = row["hash"] if row["redacted_by"] is None else attested.get((row["id"], row["redacted_by"]), "")
        if row["prev_hash"] != previous or not hmac.compare_digest(row_hash(row, key), expected):
            return row["id"]
        previous = row["hash"]
    return None


# --- redaction: disposal under the retention schedule -------------------------------------------

DISPOSED = "(disposed)"


def _attestations(connection) -> dict[tuple[int, int], str]:
    """(row id, DISPOSE event id) -> the hash of the row's content as that disposal left it."""
    found = {}
    events = connection.execute(select(AuditEvent.id, AuditEvent.changes)
                                .where(AuditEvent.action == AuditAction.DISPOSE.value))
    for event_id, changes in events:
        try:
            redacted = json.loads(changes or "{}").get("redacted", {})
        except ValueError:
            continue
        found.update({(int(row_id), event_id): digest for row_id, digest in redacted.items()})
    return found


def _blank(values: str | None, fields: Iterable[str] | None) -> str | None:
    """A row's JSON {field: [before, after]} with the values of `fields` (all if None) disposed of."""
    if not values:
        return values
    changes = json.loads(values)
    for name, pair in changes.items():
        if fields is None or name in fields:
            changes[name] = [None if value is None else DISPOSED for value in pair]
    return json.dumps(changes, sort_keys=True, default=str)


def redact(session: Session, reference: str, fields: dict[str, tuple[str, ...]] | None, reason: str) -> int:
    """Dispose of the personal values the trail holds about case `reference`: every value (fields None)
    or those `fields` names per object type. A DISPOSE event attests each redacted row's new content,
    so the chain still verifies. How many rows were redacted."""
    connection = session.connection()
    key = audit_key(session)
    rows = connection.execute(select(AuditEvent.__table__).where(AuditEvent.object_ref == reference)
                              .order_by(AuditEvent.id)).mappings().all()
    redacted = {}
    for row in map(dict, rows):
        wanted = None if fields is None else fields.get(row["object_type"])
        if fields is not None and wanted is None:
            continue
        new = {**row, "changes": _blank(row["changes"], wanted), "restricted_changes": _blank(row["restricted_changes"], wanted)}
        if (new["changes"], new["restricted_changes"]) != (row["changes"], row["restricted_changes"]):
            redacted[row["id"]] = new
    if not redacted:
        return 0
    streams = next((row["streams"] for row in rows if row["streams"]), None)
    entry = Entry(AuditAction.DISPOSE, "case", None, reference, reason=reason, streams=streams,
                  changes={"redacted": {str(row_id): row_hash(new, key) for row_id, new in redacted.items()}})
    [attesting] = write(connection, [entry], session)
    event_id = connection.execute(select(AuditEvent.id).where(AuditEvent.hash == attesting)).scalar_one()
    table = AuditEvent.__table__
    for row_id, new in redacted.items():
        connection.execute(table.update().where(table.c.id == row_id).values(
            changes=new["changes"], restricted_changes=new["restricted_changes"], redacted_by=event_id))
    return len(redacted)


# --- checkpoints: the chain's head, kept where the app's database login cannot rewrite it --------


@dataclass(frozen=True)
class Checkpoint:
    at: str
    rows: int
    last_id: int | None
    hash: str

    def payload(self) -> dict:
        return {"at": self.at, "rows": self.rows, "last_id": self.last_id, "hash": self.hash}

    def mac(self, key: bytes) -> str:
        canonical = json.dumps(self.payload(), sort_keys=True, separators=(",", ":"))
        return hmac.new(key, b"checkpoint:" + canonical.encode(), hashlib.sha256).hexdigest()


def head(connection) -> Checkpoint:
    """The chain's head now: how many rows, the last row's id and its hash."""
    rows = connection.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    last = connection.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    return Checkpoint(utcnow().isoformat(), rows, last.id if last else None, last.hash if last else GENESIS)


def append_checkpoint(path: Path, checkpoint: Checkpoint, key: bytes | None = None) -> str:
    """Append the checkpoint, signed, as one JSON line; returns the line."""
    line = json.dumps({**checkpoint.payload(), "mac": checkpoint.mac(key or audit_key())}, sort_keys=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
    return line


def read_checkpoints(path: Path, key: bytes | None = None) -> list[Checkpoint]:
    """The checkpoints recorded so far, oldest first; raises AuditError on a forged or damaged line."""
    key = key or audit_key()
    if not path.exists():
        return []
    checkpoints = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            checkpoint = Checkpoint(data["at"], int(data["rows"]), data["last_id"], data["hash"])
            mac = data["mac"]
        except (ValueError, KeyError, TypeError):
            raise AuditError(f"Checkpoint line {number} of {path} cannot be read.") from None
        if not hmac.compare_digest(checkpoint.mac(key), str(mac)):
            raise AuditError(f"Checkpoint line {number} of {path} was not written with this AUDIT_KEY.")
        checkpoints.append(checkpoint)
    return checkpoints


def checkpoint_problems(connection, checkpoints: list[Checkpoint]) -> list[str]:
    """How the trail falls short of the checkpoints: rows gone from the end or the whole trail emptied.
    (Rows changed, moved or removed in the middle are the chain's to find.)"""
    problems = []
    for checkpoint in checkpoints:
        if checkpoint.last_id is None:
            continue
        stored = connection.execute(select(AuditEvent.hash).where(AuditEvent.id == checkpoint.last_id)).scalar()
        rows = connection.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.id <= checkpoint.last_id)
        ).scalar_one()
        if stored != checkpoint.hash or rows != checkpoint.rows:
            problems.append(
                f"the checkpoint of {checkpoint.at} recorded {checkpoint.rows} rows ending at row "
                f"{checkpoint.last_id}; the trail now has {rows} rows up to there"
                + ("" if stored == checkpoint.hash else f" and row {checkpoint.last_id} is missing or different")
            )
    return problems


# --- hooks -----------------------------------------------------------------------------------------


def _keep_old_values(model: type) -> None:
    """Load a column's old value before it is overwritten, even on an expired instance, so the
    trail never records an unknown "before"."""
    for column in inspect(model).column_attrs:
        event.listen(getattr(model, column.key), "set", lambda target, value, old, initiator: value,
                     active_history=True, retval=True)


for _model in AUDITED:
    _keep_old_values(_model)


def audit_flush(session: Session, flush_context) -> None:
    """Write the audit rows for everything this flush changed, in the same transaction."""
    write(session.connection(), _entries_for_flush(session), session)


def refuse_bulk_statements(state) -> None:
    if (state.is_update or state.is_delete) and any(m.class_ in AUDITED for m in state.all_mappers):
        raise AuditError("Bulk UPDATE/DELETE of audited records is refused: change records one by one.")


def record_now(action: AuditAction, **fields) -> None:
    """Record an event for the current request and commit it at once (reads, sign-ins, refusals).

    What the request has loaded stays loaded: a read changes nothing it shows, and expiring it would
    load the page's records (and the signed-in user) a second time."""
    from backoffice.extensions import db

    with keeping_loaded(db.session) as session:
        try:
            record(session, action, **fields)
            session.commit()
        except Exception:
            session.rollback()
            raise
