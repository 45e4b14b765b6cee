"""Reading the audit trail back: a record's history, and what changed since a version was loaded."""

from __future__ import annotations

import json

from sqlalchemy import select

from backoffice.extensions import db
from backoffice.models.audit import AuditEvent

HIDDEN = "(restricted: changed)"


def history(object_type: str, object_id: int) -> list[AuditEvent]:
    """Every audit event about one record, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
            .order_by(AuditEvent.id)
        )
    )


def _pair(value) -> tuple[object, object]:
    """[before, after] as stored for a change."""
    before, after = value
    return before, after


def event_changes(event: AuditEvent, show_restricted: bool) -> list[tuple[str, object, object]]:
    """(field, before, after) for an event; restricted values only for roles that may see them."""
    rows = [(field, *_pair(value)) for field, value in json.loads(event.changes or "{}").items()]
    for field, (before, after) in json.loads(event.restricted_changes or "{}").items():
        rows.append((field, before, after) if show_restricted else (field, HIDDEN, HIDDEN))
    return sorted(rows, key=lambda row: row[0])


def conflict_message(object_type: str, object_id: int, loaded_version: int) -> str:
    """Why a save was refused: who changed which fields since the user loaded the record."""
    changes = []
    for event in history(object_type, object_id):
        fields = json.loads(event.changes or "{}")
        version = fields.get("version", [None, None])[1]
        if version is not None and version > loaded_version:
            names = sorted({*fields, *json.loads(event.restricted_changes or "{}")} - {"version", "updated_at", "updated_by_id"})
            changes.append(f"{event.actor or 'someone'} at {event.at:%H:%M} changed {', '.join(names) or 'it'}")
    detail = "; ".join(changes) or "someone else saved it"
    return (
        f"Nothing was saved: this record changed after you opened it ({detail}). "
        "Reload it to see the current version, then make your change again."
    )
