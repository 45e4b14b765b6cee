"""Panel decisions: recorded by the panel, approved or rejected by the board."""

from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_admin.helpers import get_redirect_target
from flask_admin.model.template import EndpointLinkRowAction
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from backoffice.extensions import db
from backoffice.domain.approval import ApprovalRefused, record_approval
from backoffice.domain.rules import decision_errors
from backoffice.models import ApprovalStatus, DecisionOutcome, LegalMandate, PanelDecision
from backoffice.policy import may
from backoffice.views.base import label_formatter, today
from backoffice.views.cases import CaseRecordView


class ApprovalForm(FlaskForm):
    outcome = RadioField(
        "Your decision",
        choices=[(ApprovalStatus.APPROVED.value, "Approve"), (ApprovalStatus.REJECTED.value, "Reject")],
        validators=[DataRequired("Choose approve or reject.")],
    )
    comment = TextAreaField("Comment", validators=[Length(max=4000)], description="Required when rejecting.")


class DecisionView(CaseRecordView):
    resource = "decision"
    extra_endpoint_actions = {"approve_view": ("approve",)}

    column_list = ["case", "meeting_date", "outcome", "legal_mandate", "approval_status", "recorded_by"]
    column_details_list = [
        "case",
        "meeting_date",
        "outcome",
        "legal_mandate",
        "rationale",
        "conflicts_declared",
        "delay_reasons",
        "recorded_by",
        "approval_status",
        "approved_by",
        "approved_at",
        "approval_comment",
        "created_at",
        "archived_at",
        "archive_reason",
    ]
    column_export_list = [
        "case",
        "meeting_date",
        "outcome",
        "legal_mandate",
        "rationale",
        "approval_status",
        "approved_at",
    ]
    column_sortable_list = [("case", "case.reference"), "meeting_date", "outcome", "approval_status"]
    column_default_sort = ("meeting_date", True)
    column_filters = ["outcome", "legal_mandate", "approval_status", "meeting_date"]
    column_labels = {
        "legal_mandate": "Legal mandate (SAR)",
        "conflicts_declared": "Conflicts of interest declared",
        "delay_reasons": "Reasons for any delay",
        "approval_status": "Board approval",
        "approved_by": "Approved / rejected by",
        "approved_at": "Approved / rejected at",
    }
    column_formatters = {
        "outcome": label_formatter,
        "legal_mandate": label_formatter,
        "approval_status": label_formatter,
    }
    form_columns = [
        "case",
        "meeting_date",
        "outcome",
        "legal_mandate",
        "rationale",
        "conflicts_declared",
        "delay_reasons",
    ]
    form_choices = {
        "outcome": [(o.value, o.label) for o in DecisionOutcome],
        "legal_mandate": [(m.value, m.label) for m in LegalMandate],
    }
    form_args = {
        "rationale": {"validators": [DataRequired("Record the rationale for the decision.")]},
        "legal_mandate": {"description": "Safeguarding Adult Reviews only."},
    }

    def get_list_row_actions(self):
        actions = super().get_list_row_actions()
        if may(self.resource, "approve"):
            actions.append(EndpointLinkRowAction("fa fa-check", ".approve_view", title="Approve or reject"))
        return actions

    def check_editable(self, model: PanelDecision) -> None:
        super().check_editable(model)
        if model.approval_status != ApprovalStatus.PENDING:
            raise ValidationError(
                "The board has already decided on this decision, so it cannot be changed. "
                "Record a new decision instead."
            )

    def domain_errors(self, model: PanelDecision, is_created: bool) -> dict[str, str]:
        case = model.case
        return decision_errors(
            review_type=case.review_type if case else None,
            outcome=model.outcome,
            legal_mandate=model.legal_mandate or None,
            rationale=model.rationale,
            meeting_date=model.meeting_date,
            referral_date=case.referral_date if case else None,
            today=today(),
        )

    def on_model_change(self, form, model: PanelDecision, is_created: bool) -> None:
        if not model.legal_mandate:
            model.legal_mandate = None  # an empty choice means "not applicable"
        if is_created:
            model.recorded_by_id = current_user.id
            model.approval_status = ApprovalStatus.PENDING
        super().on_model_change(form, model, is_created)

    @expose("/approve/", methods=("GET", "POST"))
    def approve_view(self):
        """The board approves or rejects a pending decision, with a comment."""
        return_url = get_redirect_target() or self.get_url(".index_view")
        decision = self.get_one(request.args.get("id"))
        if decision is None:
            abort(404)
        form = ApprovalForm()
        if form.validate_on_submit():
            try:
                record_approval(decision, current_user.id, form.outcome.data, form.comment.data)
                db.session.commit()
            except ApprovalRefused as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                flash(f"Decision {ApprovalStatus(decision.approval_status).label.lower()}.", "success")
                return redirect(return_url)
        return self.render("admin/approve.html", model=decision, form=form, return_url=return_url)
