"""The statutory clock in the interface: deadlines, the rules behind them, notifications and holds."""

from __future__ import annotations

import hashlib

from flask import abort, current_app, flash, redirect, request
from flask_admin import expose
from flask_admin.babel import lazy_gettext
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_admin.helpers import get_redirect_target
from flask_admin.model.template import EndpointLinkRowAction
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from backoffice.domain import rule_versions
from backoffice.domain.deadlines import EVENTS, DeadlineStatus, status, status_condition
from backoffice.vocabulary import ReviewType
from backoffice.extensions import db
from backoffice.models import Deadline, DeadlineRule, DeadlineUnit, HoldReason, Purpose, Reach, Recipient, Standing
from backoffice.policy import RoleName, may, user_roles
from backoffice.views.fields import UKDateField
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


class VersionForm(PlainForm):
    """The next version of a deadline rule: its timescale, from when, and which cases it reaches."""

    offset = IntegerField("Offset", validators=[InputRequired("Enter the offset, a whole number.")],
                          description="Negative to count back, e.g. -7 working days before publication.")
    unit = SelectField("Unit", choices=[(u.value, u.label) for u in DeadlineUnit])
    extendable_by_hold = BooleanField("A hold may extend it")
    effective_from = UKDateField("Effective from", validators=[InputRequired("Enter the date the new version takes effect.")])
    reach = RadioField("Which cases it applies to", choices=[(r.value, r.label) for r in Reach],
                       default=Reach.FROM_EFFECTIVE_DATE.value,
                       validators=[DataRequired("Choose which cases the new version applies to.")])
    change_reason = TextAreaField("Reason for the change", validators=[Length(max=2000)],
                                  description="Required to recompute open cases; recorded in the audit trail.")


class VersionedRuleView(SecureModelView):
    """A timescale kept as data and changed only by a new version (its `new_version_view`): the edit
    form leaves out `versioned` (the timing and identity), and each row links to the new version."""

    versioned: tuple[str, ...] = ()
    new_version_title = "Change the timescale"

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        for name in self.versioned:
            if name in form:
                del form[name]
        return form

    def get_list_row_actions(self):
        actions = super().get_list_row_actions()
        if may(self.resource, "edit"):
            actions.append(EndpointLinkRowAction("fa fa-code-fork", ".new_version_view", title=self.new_version_title))
        return actions


class DeadlineRuleView(VersionedRuleView):
    """Admins keep the timescales as data. A timescale changes only by a new version with an effective
    date, after a preview of the open cases it would move; the edit form changes only the wording."""

    resource = "deadline_rule"
    name = "Deadline rules"
    versioned = (*rule_versions.FIXED, "effective_to")  # editing changes the wording, standing, role and source
    extra_endpoint_actions = {"new_version_view": ("edit",)}
    edit_template = "admin/deadline_rule_edit.html"
    column_list = ["review_type", "label", "anchor", "offset", "unit", "met_by", "standing",
                   "effective_from", "effective_to"]
    column_details_list = [*column_list, "milestone", "extendable_by_hold", "responsible_role", "source",
                           "reach", "change_reason", "created_at", "updated_at"]
    column_filters = ["review_type", "standing", "effective_from"]
    column_default_sort = [("review_type", False), ("milestone", False), ("effective_from", False)]
    column_formatters = {
        "unit": label_formatter,
        "standing": label_formatter,
        "reach": label_formatter,
        "anchor": lambda v, c, m, n: EVENTS.get(m.anchor, m.anchor),
        "met_by": lambda v, c, m, n: EVENTS.get(m.met_by, m.met_by),
    }
    column_labels = {"label": "Milestone", "milestone": "Milestone code", "anchor": "Counted from", "met_by": "Met when",
                     "extendable_by_hold": "A hold may extend it", "responsible_role": "Who must act",
                     "reach": "Applies to", "change_reason": "Reason for the change"}
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

    @expose("/version/", methods=("GET", "POST"))
    def new_version_view(self):
        """Propose a new version, see which open cases it would move, then confirm it."""
        rule = self.get_one(request.args.get("id"))
        if rule is None:
            abort(404)
        return_url = get_redirect_target() or self.get_url(".index_view")
        newest = rule_versions.versions_of(db.session, rule)[-1]
        if newest is not rule:
            flash("That version has been replaced: change the newest one.", "info")
            return redirect(self.get_url(".new_version_view", id=newest.id, url=return_url))
        form = VersionForm(obj=None if request.method == "POST" else rule)
        if request.method == "GET":
            form.effective_from.data, form.reach.data, form.change_reason.data = today(), Reach.FROM_EFFECTIVE_DATE, ""
        proposed = preview = None
        if form.validate_on_submit():
            try:
                proposed = rule_versions.propose(
                    db.session, rule, offset=form.offset.data, unit=form.unit.data,
                    extendable_by_hold=form.extendable_by_hold.data, effective_from=form.effective_from.data,
                    reach=form.reach.data, reason=form.change_reason.data)
            except rule_versions.VersionRefused as refused:
                getattr(form, refused.field).errors = [str(refused)]
            else:
                preview = rule_versions.preview(db.session, rule, proposed, today())
                # Confirming makes only the version the admin saw previewed: changed values are previewed again.
                if "confirm" in request.form and request.form.get("previewed") == _fingerprint(form):
                    if saved(lambda: rule_versions.adopt(db.session, rule, proposed),
                             lambda: _adopted(rule, proposed, preview)):
                        return redirect(return_url)
                elif "confirm" in request.form:
                    flash("The change is not what was previewed: check what would change, then confirm.", "info")
        return self.render("admin/deadline_rule_version.html", rule=rule, form=form, preview=preview,
                           fingerprint=_fingerprint(form), events=EVENTS, return_url=return_url)


def _fingerprint(form: VersionForm) -> str:
    """The values a preview was made for."""
    values = (form.offset.data, form.unit.data, bool(form.extendable_by_hold.data), form.effective_from.data,
              form.reach.data, (form.change_reason.data or "").strip())
    return hashlib.sha256(repr(values).encode()).hexdigest()[:16]


def _adopted(rule: DeadlineRule, proposed: DeadlineRule, preview) -> str:
    """What the admin is told once a new version is made."""
    moved = len(preview.shifts)
    return (f"{rule.label}: {proposed.offset} {DeadlineUnit(proposed.unit).label} from "
            f"{proposed.effective_from:%d %b %Y}; {moved} open case{'' if moved == 1 else 's'} "
            f"{'has' if moved == 1 else 'have'} a new due date.")


class NotificationView(CaseRecordView):
    """Notifications to external bodies: due (from the rules), sent, with the reference given."""

    resource = "notification"
    column_list = ["case", "recipient", "purpose", "due_date", "sent_date", "reference"]
    column_details_list = [*column_list, "decision", "note", "created_at", "updated_at", "archived_at",
                           "archive_reason"]
    column_export_list = column_list
    column_sortable_list = [("case", "case.reference"), "recipient", "due_date", "sent_date"]
    column_default_sort = "due_date"
    column_filters = ["recipient", "purpose", "due_date", "sent_date"]
    column_formatters = {"recipient": label_formatter, "purpose": lambda v, c, m, n: m.purpose_label,
                         "decision": lambda v, c, m, n: decision_told(m)}
    column_labels = {"due_date": "Due", "sent_date": "Sent", "decision": "Decision told, and the reasons sent"}
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


def decision_told(notification) -> Markup | str:
    """The decision a Home Office notification told, with the reasons recorded for it."""
    decision = notification.decision
    if decision is None:
        return ""
    return Markup("{}, {:%d %b %Y}: <q>{}</q>").format(decision.outcome.label, decision.meeting_date,
                                                        decision.rationale)


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

