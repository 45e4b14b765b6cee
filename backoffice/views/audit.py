"""The audit log for auditors and admins: read-only, filtered, exportable, fast on millions of rows."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from flask import g
from flask_admin.contrib.sqla.filters import DateBetweenFilter, FilterEqual, FilterLike

from backoffice.domain.history import MODELS, described_changes, linked_names, type_label
from backoffice.models import AuditAction, AuditEvent
from backoffice.scope import visible_audit_events
from backoffice.views.admin_parts import label_formatter
from backoffice.views.base import SecureModelView, role_names


class UtcDayRangeFilter(DateBetweenFilter):
    """Events from the start of the first day to the end of the last, in UTC (both days included)."""

    def apply(self, query, value, alias=None):
        start, end = value
        since = datetime.combine(start, time.min, tzinfo=timezone.utc)
        until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=timezone.utc)
        column = self.get_column(alias)
        return query.filter(column >= since, column < until)


def _changes(view: AuditLogView, context, model: AuditEvent, name) -> str:
    """What changed, in the words of the record's own screen: "Referrer agency: (blank) → West Marches
    Police". Restricted values are never shown here (the record's History shows them to its readers)."""
    names = g.get("audit_names")
    if names is None:
        names = linked_names([model])
    labels = view.field_labels().get(MODELS.get(model.object_type), {})
    return "; ".join(f"{field}: {before} → {after}"
                     for field, before, after in described_changes(model, False, labels, names))


def _record_type(view, context, model: AuditEvent, name) -> str:
    return type_label(model.object_type)


def _roles(view, context, model: AuditEvent, name) -> str:
    return role_names(model.actor_roles)


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
    column_formatters = {"action": label_formatter, "changes": _changes, "object_type": _record_type,
                         "actor_roles": _roles}
    column_formatters_export = {"changes": _changes, "object_type": _record_type, "actor_roles": _roles,
                                "action": label_formatter}
    column_filters = [
        FilterEqual(AuditEvent.actor, "Actor (email)"),
        FilterEqual(AuditEvent.object_type, "Record type", options=sorted(((t, type_label(t)) for t in MODELS),
                                                                          key=lambda option: option[1])),
        FilterEqual(AuditEvent.action, "Action", options=[(a.value, a.label) for a in AuditAction]),
        UtcDayRangeFilter(AuditEvent.at, "When"),
        FilterLike(AuditEvent.object_ref, "Case reference"),
    ]
    can_set_page_size = True

    def scope(self, query):
        """Only events about records the user may read: the list, details, search and export alike."""
        return visible_audit_events(super().scope(query))

    def field_labels(self) -> dict:
        """Each audited model's field labels, as its own screen shows them (worked out once: the views
        are fixed when the app is built, and an export asks for every row)."""
        if "_field_labels" not in self.__dict__:
            labels: dict = {}
            for view in self.admin._views:  # a model's first view is its own screen (cases before publication)
                if hasattr(view, "model"):
                    labels.setdefault(view.model, view.column_labels or {})
            self.__dict__["_field_labels"] = labels
        return self.__dict__["_field_labels"]

    def export_batch_loaded(self, events: list) -> None:
        """An export names the records each batch links to with one query per kind, not one per row."""
        g.audit_names = linked_names(events)

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
