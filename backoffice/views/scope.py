"""Which cases, and so which case records, the current user may see.

A user sees cases of the review streams they work in; archived cases only if the policy lets them
read archived records; and no export ever includes a restricted case. Every path that loads case
data goes through these two functions.
"""

from __future__ import annotations

from sqlalchemy import select

from backoffice.domain.lifecycle import types_in_streams
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
