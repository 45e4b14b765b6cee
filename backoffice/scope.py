"""Row scoping, beside the policy it applies: which cases, case records and audit events the current
user may see.

A user sees cases of the review streams they work in; archived records only if the policy lets them
read archived records; and no export ever includes a restricted case. Every path that loads case
data goes through these functions: the views, their lookups, downloads and the audit log.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from backoffice.domain.audit import AUDITED, CASE_CONTENT_TYPES, stream_keys_within
from backoffice.vocabulary import types_in_streams
from backoffice.models.audit import AuditEvent
from backoffice.models.base import Archivable
from backoffice.models.case import Case
from backoffice.models.meeting import Meeting
from backoffice.policy import may, user_streams


def unarchived_unless_allowed(query, model, resource: str):
    """Archived records of `model` only for roles the policy lets read archives of `resource`."""
    if issubclass(model, Archivable) and not may(resource, "read_archived"):
        query = query.filter(model.archived_at.is_(None))
    return query


def visible_cases(query, resource: str = "case", exporting: bool = False):
    """Restrict a query over Case to the cases the current user may see (or export)."""
    query = query.filter(Case.review_type.in_(types_in_streams(user_streams())))
    if not may(resource, "read_archived"):
        query = query.filter(Case.archived_at.is_(None))
    if exporting:
        query = query.filter(Case.is_restricted.is_(False))
    return query


def within_streams(query, model):
    """Restrict a query over a record that names its review type (a tombstone, a disposal decision,
    kept after the case is gone) to the user's streams."""
    return query.filter(model.review_type.in_(types_in_streams(user_streams())))


def visible_meetings(query):
    """Restrict a query over meetings to those of at least one of the user's streams (their agendas are
    narrowed to the cases the user may see where they are shown)."""
    streams = sorted(s.value for s in user_streams())
    query = query.filter(or_(*(Meeting.streams.contains(s) for s in streams)) if streams else False)
    return unarchived_unless_allowed(query, Meeting, "meeting")


def visible_case_records(query, model, resource: str, exporting: bool = False):
    """Restrict a query over a record that belongs to a case (decision, family, document): its case
    must be visible, and the record itself unarchived unless the role reads archives."""
    visible_ids = visible_cases(select(Case.id), resource, exporting)
    return unarchived_unless_allowed(query.filter(model.case_id.in_(visible_ids)), model, resource)


def visible_audit_events(query):
    """Restrict a query over the audit trail to events about records the current user may read: case
    content only within their streams (so never for admins), other records by the policy, and
    sign-in and refusal events (no record) for everyone who may read the trail at all."""
    readable = {object_type for object_type, resource in AUDITED.values() if may(resource, "read")}
    case_types = sorted(readable & CASE_CONTENT_TYPES)
    other_types = sorted(readable - CASE_CONTENT_TYPES)
    conditions = [AuditEvent.object_type.is_(None), AuditEvent.object_type.in_(other_types)]
    streams = stream_keys_within(user_streams())
    if case_types and streams:
        conditions.append(and_(AuditEvent.object_type.in_(case_types), AuditEvent.streams.in_(streams)))
    return query.filter(or_(*conditions))
