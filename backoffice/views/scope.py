"""Which cases, and so which case records, the current user may see.

A user sees cases of the review streams they work in; archived cases only if the policy lets them
read archived records; and no export ever includes a restricted case. Every path that loads case
data goes through these functions, the audit log included.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from backoffice.domain.audit import AUDITED, CASE_CONTENT_TYPES, stream_keys_within
from backoffice.vocabulary import types_in_streams
from backoffice.models.audit import AuditEvent
from backoffice.models.case import Case
from backoffice.policy import may, user_streams


def visible_cases(query, resource: str = "case", exporting: bool = False):
    """Restrict a query over Case to the cases the current user may see (or export)."""
    query = query.filter(Case.review_type.in_(types_in_streams(user_streams())))
    if not may(resource, "read_archived"):
        query = query.filter(Case.archived_at.is_(None))
    if exporting:
        query = query.filter(Case.is_restricted.is_(False))
    return query


def visible_case_records(query, model, resource: str, exporting: bool = False):
    """Restrict a query over a record that belongs to a case (decision, family, document)."""
    visible_ids = visible_cases(select(Case.id), resource, exporting)
    return query.filter(model.case_id.in_(visible_ids))


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
