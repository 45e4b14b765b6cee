"""The audit log for auditors and admins: read-only, filtered, exportable, fast on millions of rows."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from flask_admin.contrib.sqla.filters import DateBetweenFilter, FilterEqual, FilterLike

from backoffice.domain.history import event_changes
from backoffice.models import AuditAction, AuditEvent
from backoffice.views.base import SecureModelView, label_formatter
from backoffice.views.scope import visible_audit_events


class UtcDayRangeFilter(DateBetweenFilter):
    """Events from the start of the first day to the end of the last, in UTC (both days included)."""

    def apply(self, query, value, alias=None):
        start, end = value
        since = datetime.combine(start, time.min, tzinfo=timezone.utc)
        until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=timezone.utc)
        column = self.get_column(alias)
        return query.filter(column >= since, column < until)


def _changes(view, context, model: AuditEvent, name) -> str:
    return "; ".join(f"{field}: {before} → {after}" for field, before, after in event_changes(model, False))


class AuditLogView(SecureModelView):
    """Every audited event. No total count (the table grows to millions of rows); every filter indexed."""

    resource = "audit"
    name = "Audit log"
    simple_list_pager = True  # no COUNT(*) over the whole trail
    column_list = ["at", "actor", "action", "object_type", "object_id", "object_ref", "reason"]
    column_details_list = [*column_list, "actor_roles", "changes", "request_id", "ip", "prev_hash", "hash"]
    column_export_list = [*column_list, "actor_roles", "changes", "request_id", "ip"]
    column_default_sort = ("id", True)
    column_sortable_list = ["at"]
    column_searchable_list = ["object_ref"]  # the case reference
    column_labels = {"at": "When (UTC)", "object_ref": "Case", "object_type": "Record type", "object_id": "Record id"}
    column_formatters = {"action": label_formatter, "changes": _changes}
    column_formatters_export = {"changes": _changes}
    column_filters = [
        FilterEqual(AuditEvent.actor, "Actor (email)"),
        FilterEqual(AuditEvent.object_type, "Record type"),
        FilterEqual(AuditEvent.action, "Action", options=[(a.value, a.label) for a in AuditAction]),
        UtcDayRangeFilter(AuditEvent.at, "When"),
        FilterLike(AuditEvent.object_ref, "Case reference"),
    ]
    can_set_page_size = True

    def scope(self, query):
        """Only events about records the user may read: the list, details, search and export alike."""
        return visible_audit_events(super().scope(query))

    def search_placeholder(self) -> str:
        return "Case reference, e.g. CSPR-2026-001"

    def _apply_search(self, query, count_query, joins, count_joins, search: str):
        """A case reference is matched exactly (an index lookup), never by a scan of the whole trail."""
        reference = search.strip().upper()
        query = query.filter(AuditEvent.object_ref == reference)
        if count_query is not None:
            count_query = count_query.filter(AuditEvent.object_ref == reference)
        return query, count_query, joins, count_joins

    def get_list_row_actions(self):
        return [a for a in super().get_list_row_actions() if getattr(a, "endpoint", "") != ".history_view"]
