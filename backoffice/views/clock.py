"""The statutory clock in the interface: deadlines, the rules behind them, notifications and holds."""

from __future__ import annotations

from flask import abort, current_app, redirect, request
from flask_admin import expose
from flask_admin.babel import lazy_gettext
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_admin.helpers import get_redirect_target
from flask_admin.model.template import EndpointLinkRowAction
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from backoffice.domain.deadlines import EVENTS, DeadlineStatus, status, status_condition
from backoffice.vocabulary import ReviewType
from backoffice.models import Deadline, DeadlineRule, DeadlineUnit, HoldReason, Purpose, Recipient, Standing
from backoffice.policy import RoleName, may, user_roles
from backoffice.views.forms import PlainForm
from backoffice.views.admin_parts import due_on, label_formatter
from backoffice.views.base import SecureModelView, saved, today
from backoffice.views.cases import CaseRecordView, opened_from_case

def status_badge(view, context, model, name) -> Markup:
    """The deadline's status today, as a coloured badge."""
    current = status(model, today(), current_app.config["DUE_SOON_WORKING_DAYS"])
    colour = {
        DeadlineStatus.OVERDUE: "danger",
        DeadlineStatus.DUE_SOON: "warning",
        DeadlineStatus.MET: "success",
        DeadlineStatus.MET_LATE: "secondary",
        DeadlineStatus.WAIVED: "light",
    }.get(current, "info")
    return Markup('<span class="badge badge-{}">{}</span>').format(colour, current.label)


def due_with_revision(view, context, model, name) -> Markup:
    """The due date; where a hold extended it, the original date stays visible beside it."""
    due = Markup("{}").format(due_on(model.due_date))
    if not model.is_revised:
        return due
    return Markup('{} <small class="text-muted">(originally {}: {})</small>').format(
        due, due_on(model.original_due), model.revision_reason or "extended"
    )


class StatusFilter(BaseSQLAFilter):
    """Filter deadlines by their status today."""

    def __init__(self, column, name: str) -> None:
        super().__init__(column, name, options=[(s.value, s.label) for s in DeadlineStatus])

    def apply(self, query, value, alias=None):
        try:
            wanted = DeadlineStatus(value)
        except ValueError:
            return query.filter(False)
        return query.filter(status_condition(wanted, today(), current_app.config["DUE_SOON_WORKING_DAYS"]))

    def operation(self):
        return lazy_gettext("is")


class ForMyRolesFilter(BaseSQLAFilter):
    """Only the milestones the signed-in user's roles must act on (as the home page counts them)."""

    def __init__(self, column, name: str) -> None:
        super().__init__(column, name, options=[("yes", "Yes")])

    def apply(self, query, value, alias=None):
        if value != "yes":
            return query
        mine = select(DeadlineRule.id).where(DeadlineRule.responsible_role.in_(user_roles()))
        return query.filter(Deadline.rule_id.in_(mine))

    def operation(self):
        return lazy_gettext("is")


class WaiveForm(PlainForm):
    reason = TextAreaField(
        "Reason for waiving this deadline",
        validators=[DataRequired("Give a reason for waiving this deadline."), Length(max=2000)],
    )


class DeadlineView(CaseRecordView):
    """Every case's deadlines; read-only, except that the board may waive one with a reason."""

    resource = "deadline"
    extra_endpoint_actions = {"waive_view": ("waive",)}
    column_list = ["case", "rule", "due_date", "met_date", "status"]
    column_details_list = ["case", "rule", "original_due", "due_date", "revision_reason", "met_date",
                           "waived_at", "waived_reason", "status"]
    column_export_list = ["case", "rule", "original_due", "due_date", "met_date", "waived_reason"]
    column_sortable_list = [("case", "case.reference"), "due_date", "met_date"]
    column_default_sort = "due_date"
    column_labels = {"rule": "Milestone", "due_date": "Due", "met_date": "Met on", "original_due": "Originally due"}
    column_formatters = {"status": status_badge, "due_date": due_with_revision}
    column_formatters_export = {"status": lambda v, c, m, n: status(m, today()).label}

    def __init__(self, *args, **kwargs) -> None:
        self.column_filters = [
            StatusFilter(Deadline.due_date, "Status"),
            ForMyRolesFilter(Deadline.rule_id, "For my roles"),
            "milestone",
            "due_date",
        ]
        super().__init__(*args, **kwargs)

    def get_list_row_actions(self):
        actions = super().get_list_row_actions()
        if may(self.resource, "waive"):
            actions.append(EndpointLinkRowAction("fa fa-ban", ".waive_view", title="Waive with a reason"))
        return actions

    @expose("/waive/", methods=("GET", "POST"))
    def waive_view(self):
        """The board sets a deadline aside, with the reason; the deadline and the reason stay on record."""
        return_url = get_redirect_target() or self.get_url(".index_view")
        deadline = self.get_one(request.args.get("id"))
        if deadline is None:
            abort(404)
        form = WaiveForm()
        if form.validate_on_submit() and saved(lambda: deadline.waive(form.reason.data, current_user.id),
                                               lambda: f"Waived: {deadline}."):
            return redirect(return_url)
        return self.render("admin/archive.html", model=deadline, form=form, return_url=return_url,
                           title="Waive deadline", button="Waive")


class DeadlineRuleView(SecureModelView):
    """Admins keep the timescales as data; a case uses the version in force on its anchor date."""

    resource = "deadline_rule"
    name = "Deadline rules"
    column_list = ["review_type", "label", "anchor", "offset", "unit", "met_by", "standing",
                   "effective_from", "effective_to"]
    column_details_list = [*column_list, "milestone", "extendable_by_hold", "responsible_role", "source",
                           "created_at", "updated_at"]
    column_filters = ["review_type", "standing", "effective_from"]
    column_default_sort = [("review_type", False), ("milestone", False), ("effective_from", False)]
    column_formatters = {
        "unit": label_formatter,
        "standing": label_formatter,
        "anchor": lambda v, c, m, n: EVENTS.get(m.anchor, m.anchor),
        "met_by": lambda v, c, m, n: EVENTS.get(m.met_by, m.met_by),
    }
    column_labels = {"label": "Milestone", "milestone": "Milestone code", "anchor": "Counted from", "met_by": "Met when",
                     "extendable_by_hold": "A hold may extend it", "responsible_role": "Who must act"}
    form_columns = ["review_type", "stage", "milestone", "label", "anchor", "offset", "unit", "met_by", "standing",
                    "extendable_by_hold", "responsible_role", "source", "effective_from", "effective_to"]
    form_choices = {
        "review_type": [(t.value, t.label) for t in ReviewType],
        "standing": [(s.value, s.label) for s in Standing],
        "stage": [
            ("rapid_review", "CSPR: the rapid review"),
            ("local_referral", "CSPR: a local referral (not notifiable)"),
            ("local_review", "CSPR: a local review converted from a rapid review"),
            ("referral", "SAR / DHR: before a review is commissioned"),
            ("review", "SAR / DHR: once a review is commissioned"),
        ],
        "anchor": list(EVENTS.items()),
        "met_by": list(EVENTS.items()),
        "unit": [(u.value, u.label) for u in DeadlineUnit],
        "responsible_role": [(r.value, r.value.replace("_", " ")) for r in RoleName],
    }
    form_args = {
        "milestone": {"description": "A code that stays the same across versions of the rule, e.g. SIN_TO_PANEL."},
        "offset": {"description": "Negative to count back, e.g. -7 working days before publication."},
        "source": {"description": "The guidance or local procedure the timescale comes from."},
    }

    def domain_errors(self, model, is_created: bool) -> dict[str, str]:
        if model.effective_to and model.effective_from and model.effective_to < model.effective_from:
            return {"effective_to": "A rule cannot stop before it starts."}
        return {}


class NotificationView(CaseRecordView):
    """Notifications to external bodies: due (from the rules), sent, with the reference given."""

    resource = "notification"
    column_list = ["case", "recipient", "purpose", "due_date", "sent_date", "reference"]
    column_details_list = [*column_list, "note", "created_at", "updated_at", "archived_at", "archive_reason"]
    column_export_list = column_list
    column_sortable_list = [("case", "case.reference"), "recipient", "due_date", "sent_date"]
    column_default_sort = "due_date"
    column_filters = ["recipient", "purpose", "due_date", "sent_date"]
    column_formatters = {"recipient": label_formatter, "purpose": lambda v, c, m, n: m.purpose_label}
    column_labels = {"due_date": "Due", "sent_date": "Sent"}
    form_columns = ["case", "recipient", "purpose", "sent_date", "reference", "note"]
    form_choices = {"recipient": [(r.value, r.label) for r in Recipient], "purpose": [(p.value, p.label) for p in Purpose]}

    def create_form(self, obj=None):
        """Opened from a case, the form offers only the purposes of that case's type of review."""
        form = super().create_form(obj)
        case = opened_from_case()
        if case is not None:
            form.purpose.choices = [(p.value, p.label) for p in Purpose.for_review(case.review_type)]
        return form

    def domain_errors(self, model, is_created: bool) -> dict[str, str]:
        errors = {}
        if model.sent_date and model.sent_date > today():
            errors["sent_date"] = "The date sent cannot be in the future."
        if model.case is not None and model.purpose and model.purpose not in Purpose.for_review(model.case.review_type):
            offered = ", ".join(f"'{p.label}'" for p in Purpose.for_review(model.case.review_type))
            errors["purpose"] = f"A {ReviewType(model.case.review_type).label} has no such notification: choose {offered}."
        return errors


class HoldView(CaseRecordView):
    """Holds for parallel processes (trials, inquests): they extend review targets, never notifications."""

    resource = "hold"
    column_list = ["case", "reason", "start_date", "end_date"]
    column_details_list = [*column_list, "detail", "created_at", "archived_at", "archive_reason"]
    column_default_sort = ("start_date", True)
    column_filters = ["reason", "start_date", "end_date"]
    column_formatters = {"reason": label_formatter}
    form_columns = ["case", "reason", "detail", "start_date", "end_date"]
    form_choices = {"reason": [(r.value, r.label) for r in HoldReason]}

    def domain_errors(self, model, is_created: bool) -> dict[str, str]:
        errors = {}
        if model.start_date and model.start_date > today():
            errors["start_date"] = "A hold cannot start in the future."
        if model.start_date and model.end_date and model.end_date < model.start_date:
            errors["end_date"] = "A hold cannot end before it starts."
        return errors

