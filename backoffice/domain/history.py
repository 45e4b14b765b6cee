"""Reading the audit trail back: a record's history in plain English, and what changed since a
version was loaded."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timezone

from sqlalchemy import Boolean, Date, Enum, select

from backoffice.domain.audit import AUDITED, SECRET
from backoffice.vocabulary import ALL_STATES
from backoffice.extensions import db
from backoffice.models.audit import AuditEvent
from backoffice.models.base import UTCDateTime

HIDDEN = "(restricted: changed)"
BLANK = "(blank)"
# What a read that showed restricted fields records: the names of the fields it showed.
SHOWN_FIELDS = "restricted fields shown"
MODELS = {object_type: model for model, (object_type, _resource) in AUDITED.items()}
# Abbreviations in column names, as people say them.
WORDS = {"dob": "date of birth", "ho": "Home Office", "qa": "quality assurance", "rr": "rapid review",
         "tf": "two-factor", "mf": "multi-factor", "fs": "sign-in", "totp": "authenticator", "dhr": "DHR",
         "sha256": "fingerprint (SHA-256)"}
STATE_FIELDS = ("state", "from_state", "to_state")
# How a linked record is named: the first of these columns it has (a case by its reference only).
NAME_COLUMNS = ("reference", "name", "full_name", "label", "title", "heading", "email", "relationship_to_subject")


HISTORY_PAGE = 50


def history(object_type: str, object_id: int, page: int = 0, size: int = HISTORY_PAGE) -> tuple[list[AuditEvent], bool]:
    """One page of the audit events about one record, oldest first, and whether later ones follow:
    one query (on the record's index), however many events the record has."""
    events = list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
            .order_by(AuditEvent.id)
            .offset(page * size)
            .limit(size + 1)
        )
    )
    return events[:size], len(events) > size


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
    newest = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
        .order_by(AuditEvent.id.desc()).limit(HISTORY_PAGE)
    ).all()
    for event in reversed(newest):  # the saves since it was loaded are among the newest
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


# --- plain English ---------------------------------------------------------------------------------


def humanise(field: str) -> str:
    """A column's name as words: `referrer_agency_id` -> "Referrer agency", `ho_qa_outcome` ->
    "Home Office quality assurance outcome"."""
    words = [WORDS.get(word, word) for word in field.removesuffix("_id").split("_") if word]
    text = " ".join(words) or field
    return text[:1].upper() + text[1:]


def type_label(object_type: str | None) -> str:
    """A kind of record as words ("Case agency", "Family event")."""
    return humanise(object_type or "") if object_type else ""


def _target(model, field: str):
    """The model a foreign-key column of `model` points at, if it is one."""
    column = model.__table__.columns.get(field) if model is not None else None
    if column is None or not column.foreign_keys:
        return None
    table = next(iter(column.foreign_keys)).column.table
    return next((m.class_ for m in db.Model.registry.mappers if m.local_table is table), None)


def linked_names(events: Iterable[AuditEvent]) -> dict[tuple[type, int], str]:
    """The names of every record the events' changes link to: one query per kind of linked record,
    however many events there are."""
    wanted: dict[type, set[int]] = defaultdict(set)
    for event in events:
        model = MODELS.get(event.object_type)
        for field, values in json.loads(event.changes or "{}").items():
            target = _target(model, field)
            if target is not None:
                wanted[target].update(v for v in values if isinstance(v, int))
    names: dict[tuple[type, int], str] = {}
    for target, ids in wanted.items():
        columns = [getattr(target, c) for c in NAME_COLUMNS if c in target.__table__.columns]
        for row in db.session.execute(select(target.id, *columns).where(target.id.in_(ids))):
            names[(target, row[0])] = next((str(v) for v in row[1:] if v), f"#{row[0]}")
    return names


def shown_value(model, field: str, value, names: Mapping[tuple[type, int], str]) -> str:
    """A stored value as people read it: labels for codes, names for linked records, dates in words."""
    if value is None or value == "" or value == []:
        return BLANK
    if value in (SECRET, HIDDEN):
        return value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if field in STATE_FIELDS:
        return ALL_STATES.get(value, value)
    target = _target(model, field)
    if target is not None:
        return names.get((target, value), f"#{value} (no longer on record)")
    column = model.__table__.columns.get(field) if model is not None else None
    kind = column.type if column is not None else None
    if isinstance(kind, Enum) and kind.enum_class is not None:
        try:
            member = kind.enum_class(value)
        except ValueError:
            return str(value)
        return getattr(member, "label", str(value))
    if isinstance(kind, Boolean):
        return "Yes" if value else "No"
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat(value).astimezone(timezone.utc).strftime("%d %b %Y %H:%M UTC")
    if isinstance(kind, Date):
        return date.fromisoformat(value).strftime("%d %b %Y")
    return str(value)


def described_changes(event: AuditEvent, show_restricted: bool, labels: Mapping[str, str],
                      names: Mapping[tuple[type, int], str]) -> list[tuple[str, str, str]]:
    """(field label, before, after) for an event, in plain English; restricted values only for roles
    that may see them. `labels` are the screen's own labels for the record's fields."""
    model = MODELS.get(event.object_type)

    def label(field: str) -> str:
        return labels.get(field) or labels.get(field.removesuffix("_id")) or humanise(field)

    def value(field: str, stored) -> str:
        if field == SHOWN_FIELDS and isinstance(stored, list):
            return ", ".join(label(name) for name in stored)
        return stored if stored == HIDDEN else shown_value(model, field, stored, names)

    return [(label(field), value(field, before), value(field, after))
            for field, before, after in event_changes(event, show_restricted)]
