"""Retention and disposal in the interface: the schedule (admins), legal holds, the disposal queue and
its decisions (business support and the board; only the board destroys), and the tombstones."""

from __future__ import annotations

from flask import current_app, flash, redirect, request
from flask_admin import expose
from flask_admin.helpers import get_redirect_target
from flask_login import current_user
from sqlalchemy import select
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from backoffice.domain import retention
from backoffice.extensions import db
from backoffice.models import Case, DisposalAction, HoldKind, RecordClass, Trigger
from backoffice.policy import may
from backoffice.refusals import Refused
from backoffice.scope import visible_cases, within_streams
from backoffice.views.admin_parts import label_formatter
from backoffice.views.base import SecureModelView, today
from backoffice.views.cases import CaseRecordView
from backoffice.views.fields import UKDateField
from backoffice.views.forms import PlainForm


class RetentionRuleView(SecureModelView):
    """The retention schedule as data: one line per record class, which admins keep."""

    resource = "retention_rule"
    can_create = False  # the record classes are fixed; their periods and actions are not
    column_list = ["record_class", "trigger", "months", "proposed_action", "source"]
    column_details_list = [*column_list, "created_at", "updated_at"]
    column_formatters = {name: label_formatter for name in ("record_class", "trigger", "proposed_action")}
    column_labels = {"record_class": "Records", "months": "Kept for (months)", "proposed_action": "Then, proposed"}
    form_columns = ["trigger", "months", "proposed_action", "source"]
    form_choices = {"trigger": [(t.value, t.label) for t in Trigger],
                    "proposed_action": [(a.value, a.label) for a in DisposalAction]}
    form_args = {"source": {"description": "The policy or guidance the period comes from (and who agreed it)."}}

    def domain_errors(self, model, is_created: bool) -> dict[str, str]:
        if model.months is not None and model.months < 1:
            return {"months": "Keep records for at least a month."}
        return {}


class LegalHoldView(CaseRecordView):
    """A legal hold stops every disposal of the case until it is lifted, with the reason."""

    resource = "legal_hold"
    column_list = ["case", "kind", "placed_on", "lifted_on"]
    column_details_list = [*column_list, "reason", "lift_reason", "created_at", "updated_at"]
    column_formatters = {"kind": label_formatter}
    column_labels = {"kind": "Hold for", "placed_on": "Placed on", "lifted_on": "Lifted on",
                     "lift_reason": "Why it was lifted"}
    column_filters = ["kind", "placed_on", "lifted_on"]
    form_columns = ["case", "kind", "reason", "placed_on", "lifted_on", "lift_reason"]
    form_choices = {"kind": [(k.value, k.label) for k in HoldKind]}

    def domain_errors(self, model, is_created: bool) -> dict[str, str]:
        errors = {}
        if model.placed_on and model.placed_on > today():
            errors["placed_on"] = "A hold cannot be placed in the future."
        if model.lifted_on and model.placed_on and model.lifted_on < model.placed_on:
            errors["lifted_on"] = "A hold cannot be lifted before it was placed."
        if model.lifted_on and not (model.lift_reason or "").strip():
            errors["lift_reason"] = "Say why the hold is lifted."
        return errors


class DecisionForm(PlainForm):
    action = RadioField("Decision", validators=[DataRequired("Choose what to do with the record.")])
    reason = TextAreaField("Reason", validators=[DataRequired("Give the reason for the decision."), Length(max=2000)])
    review_on = UKDateField("Review again on", validators=[Optional()], description="Needed to retain it.")


class DisposalView(SecureModelView):
    """The disposal queue above the decisions made: records past retention, each decided by a person."""

    resource = "disposal"
    list_template = "admin/disposal_list.html"
    can_create = can_edit = False
    extra_endpoint_actions = {"decide_view": ("decide",)}
    column_list = ["case_reference", "record_class", "action", "reason", "review_on", "decided_by", "decided_at"]
    column_default_sort = ("decided_at", True)
    column_formatters = {name: label_formatter for name in ("record_class", "action")}
    column_labels = {"case_reference": "Case", "record_class": "Records", "review_on": "Review again on"}
    column_searchable_list = ["case_reference"]

    def scope(self, query):
        return within_streams(super().scope(query), self.model)

    def can_decide(self) -> bool:
        return may(self.resource, "decide")

    def due_items(self) -> list[retention.Due]:
        """The queue, for the cases the user may see (narrowed in the database)."""
        return retention.review(db.session, today(), visible_cases(select(Case.id)))

    def _item(self, key: str) -> retention.Due | None:
        """The queue's item a decision page is for, if the user may see its case and it is due."""
        parsed = _parsed_item(key)
        return retention.find(db.session, *parsed, today(), visible_cases(select(Case.id))) if parsed else None

    @expose("/decide/", methods=("GET", "POST"))
    def decide_view(self):
        """Decide one record: what each choice would remove, the reason, a review date to retain it."""
        return_url = get_redirect_target() or self.get_url(".index_view")
        item = self._item(request.args.get("item", ""))
        if item is None:
            flash("That record is not waiting for a decision (it may have been decided already).", "info")
            return redirect(return_url)
        form = DecisionForm()
        allowed = [a for a in retention.ALLOWED[RecordClass(item.rule.record_class)]
                   if a is not DisposalAction.DESTROY or may("disposal", "destroy")]
        form.action.choices = [(a.value, a.label) for a in allowed]
        if request.method == "GET":
            proposed = DisposalAction(item.rule.proposed_action)
            form.action.data = proposed.value if proposed in allowed else DisposalAction.RETAIN.value
        if item.hold is None and form.validate_on_submit():
            try:
                retention.decide(db.session, item, form.action.data, form.reason.data, form.review_on.data,
                                 current_user.id, today(), current_app.config["UPLOAD_DIR"])
                db.session.commit()
            except Refused as refused:
                db.session.rollback()
                flash(str(refused), "error")
                for name, message in refused.errors.items():
                    getattr(form, name).errors = [message]
            else:
                flash(_done(item.case.reference, DisposalAction(form.action.data), form.review_on.data), "success")
                return redirect(return_url)
        return self.render("admin/disposal_decide.html", item=item, form=form, allowed=allowed,
                           record_class=RecordClass(item.rule.record_class), return_url=return_url)


def _parsed_item(key: str) -> tuple[int, str] | None:
    """("12", "not_progressed") from the queue's "12:not_progressed"; None for anything else."""
    case_id, _, record_class = key.partition(":")
    return (int(case_id), record_class) if case_id.isdigit() and len(case_id) < 12 else None


def _done(reference: str, action: DisposalAction, review_on) -> str:
    """What the person is told once their decision is carried out."""
    if action is DisposalAction.RETAIN:
        return f"{reference}: retained, to be reviewed again on {review_on:%d %b %Y}."
    if action is DisposalAction.ANONYMISE:
        return f"{reference}: anonymised. The personal details are gone, from the audit trail too."
    return f"{reference}: destroyed. A tombstone records that it existed, who authorised it and why."


class TombstoneView(SecureModelView):
    """What remains of destroyed cases: that each existed, its dates, who authorised it and why."""

    resource = "tombstone"
    can_create = can_edit = False
    column_list = ["reference", "review_type", "record_class", "referral_date", "closed_on", "published_on",
                   "destroyed_at", "authorised_by", "reason", "audit_rows_redacted"]
    column_formatters = {name: label_formatter for name in ("review_type", "record_class")}
    column_labels = {"audit_rows_redacted": "Audit rows redacted", "record_class": "Records"}
    column_searchable_list = ["reference"]
    column_default_sort = ("destroyed_at", True)

    def scope(self, query):
        return within_streams(super().scope(query), self.model)

