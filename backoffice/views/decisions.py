"""Panel decisions: recorded by the panel, approved or rejected by the board."""

from __future__ import annotations

from flask import abort, current_app, redirect, request
from flask_admin import expose
from flask_admin.babel import lazy_gettext
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_admin.helpers import get_redirect_target
from flask_admin.model.template import EndpointLinkRowAction
from flask_login import current_user
from markupsafe import Markup
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from backoffice.domain.approval import (
    ApprovalRefused, amend, approvals_required, awaiting_answer_from, record_approval, why_not_answerable)
from backoffice.vocabulary import ALL_CRITERIA, criterion_label
from backoffice.domain import meetings
from backoffice.domain.rules import decision_errors
from backoffice.models import (
    ApprovalOutcome,
    ApprovalStatus,
    CriterionAssessment,
    CriterionValue,
    DecisionOutcome,
    LegalMandate,
    PanelDecision,
)
from backoffice.policy import may
from backoffice.views.forms import PlainForm
from backoffice.views.admin_parts import label_formatter
from backoffice.views.base import saved, today
from backoffice.views.cases import CaseRecordView
from backoffice.views.meetings import opened_from_meeting, visible_meeting_choices


class ApprovalForm(PlainForm):
    outcome = RadioField(
        "Your answer",
        choices=[(o.value, o.label) for o in ApprovalOutcome],
        validators=[DataRequired("Choose approve, reject or ask for more information.")],
    )
    comment = TextAreaField(
        "Comment",
        validators=[Length(max=4000)],
        description="Required when rejecting or asking for more information.",
    )


def _approvals(view, context, model: PanelDecision, name) -> Markup:
    """Each board member's answer, round by round, with their comment."""
    items = [
        Markup("<li>Round {}: {}: {} ({:%d %b %Y %H:%M} UTC){}</li>").format(
            a.round,
            a.approver,
            ApprovalOutcome(a.outcome).label,
            a.at,
            Markup(": <q>{}</q>").format(a.comment) if a.comment else "",
        )
        for a in model.approvals
    ]
    return Markup("<ul class='mb-0'>{}</ul>").format(Markup("").join(items)) if items else Markup("")


class AwaitingMyAnswerFilter(BaseSQLAFilter):
    """Decisions waiting for the signed-in board member's answer (as the home page counts them)."""

    def __init__(self, column, name: str) -> None:
        super().__init__(column, name, options=[("yes", "Yes")])

    def apply(self, query, value, alias=None):
        return query.filter(awaiting_answer_from(current_user.id)) if value == "yes" else query

    def operation(self):
        return lazy_gettext("is")


def _made_at(view, context, model: PanelDecision, name) -> Markup | str:
    """The meeting a decision was made at, and whether it was quorate (the board sees it when approving)."""
    if model.meeting is None:
        return "Not recorded"
    found = meetings.quorum(model.meeting)
    badge = Markup('<span class="badge badge-success" data-testid="decision-quorum">Quorate</span>') if found.met else \
        Markup('<span class="badge badge-danger" data-testid="decision-quorum">Not quorate</span>')
    return Markup('<a href="{}">{}</a> {} <small class="d-block text-muted">{}</small>').format(
        view.get_url("meeting.details_view", id=model.meeting_id), model.meeting, badge, found.summary)


def _criteria(view, context, model: PanelDecision, name) -> Markup:
    items = [
        Markup("<li>{}: <strong>{}</strong>{}</li>").format(
            criterion_label(c.criterion),
            CriterionValue(c.value).label,
            Markup(" ({})").format(c.evidence) if c.evidence else "",
        )
        for c in model.criteria
    ]
    return Markup("<ul class='mb-0'>{}</ul>").format(Markup("").join(items)) if items else Markup("")


class DecisionView(CaseRecordView):
    resource = "decision"
    extra_endpoint_actions = {"approve_view": ("approve",)}

    column_list = ["case", "meeting_date", "outcome", "legal_mandate", "approval_status", "recorded_by"]
    column_details_list = [
        "case",
        "meeting",
        "meeting_date",
        "outcome",
        "legal_mandate",
        "rationale",
        "conflicts_declared",
        "delay_reasons",
        "criteria",
        "recorded_by",
        "approval_status",
        "approvals",
        "approved_at",
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
    column_filters = [
        "outcome", "legal_mandate", "approval_status", "meeting_date",
        AwaitingMyAnswerFilter(PanelDecision.id, "Awaiting my approval"),
    ]
    column_labels = {
        "legal_mandate": "Legal mandate (SAR)",
        "conflicts_declared": "Conflicts of interest declared",
        "delay_reasons": "Reasons for any delay",
        "approval_status": "Board approval",
        "approvals": "Board members' answers",
        "approved_at": "Approved at",
        "criteria": "Statutory criteria",
        "meeting": "Made at",
    }
    column_formatters = {
        "outcome": label_formatter,
        "legal_mandate": label_formatter,
        "approval_status": label_formatter,
        "approvals": _approvals,
        "criteria": _criteria,
        "meeting": _made_at,
    }
    form_columns = [
        "case",
        "meeting",
        "meeting_date",
        "criteria",
        "outcome",
        "legal_mandate",
        "rationale",
        "conflicts_declared",
        "delay_reasons",
    ]
    inline_models = [
        (
            CriterionAssessment,
            {
                "form_columns": ["id", "criterion", "value", "evidence"],
                "form_choices": {
                    "criterion": list(ALL_CRITERIA.items()),
                    "value": [(v.value, v.label) for v in CriterionValue],
                },
                "form_label": "Statutory criterion",
            },
        )
    ]
    form_choices = {
        "outcome": [(o.value, o.label) for o in DecisionOutcome],
        "legal_mandate": [(m.value, m.label) for m in LegalMandate],
    }
    form_args = {
        "rationale": {"validators": [DataRequired("Record the rationale for the decision.")]},
        "legal_mandate": {"description": "Safeguarding Adult Reviews only."},
        "meeting": {"query_factory": visible_meeting_choices,
                    "description": "The meeting where it was decided: its date is the decision's."},
    }

    def get_list_row_actions(self):
        actions = super().get_list_row_actions()
        if may(self.resource, "approve"):
            actions.append(EndpointLinkRowAction("fa fa-check", ".approve_view", title="Approve or reject"))
        return actions

    def check_editable(self, model: PanelDecision) -> None:
        super().check_editable(model)
        try:
            amend(model)  # answers given to the old version no longer count
        except ApprovalRefused as exc:
            raise ValidationError(str(exc)) from None

    def create_form(self, obj=None):
        """Opened from a meeting's agenda (`?meeting_id=`), the decision is that meeting's, on its date."""
        form = super().create_form(obj)
        meeting = opened_from_meeting()
        if meeting is not None and request.method == "GET":
            form.meeting.data = meeting
            form.meeting_date.data = meeting.held_on
        return form

    def domain_errors(self, model: PanelDecision, is_created: bool) -> dict[str, str]:
        return {**self._decision_errors(model), **meetings.decision_meeting_errors(model)}

    def _decision_errors(self, model: PanelDecision) -> dict[str, str]:
        case = model.case
        return decision_errors(
            review_type=case.review_type if case else None,
            outcome=model.outcome,
            legal_mandate=model.legal_mandate or None,
            rationale=model.rationale,
            meeting_date=model.meeting_date,
            referral_date=case.referral_date if case else None,
            today=today(),
            criteria={c.criterion: str(c.value) for c in model.criteria},
            criteria_count=len(model.criteria),
        )

    def on_model_change(self, form, model: PanelDecision, is_created: bool) -> None:
        if not model.legal_mandate:
            model.legal_mandate = None  # an empty choice means "not applicable"
        if is_created:
            model.recorded_by_id = current_user.id
            model.approval_status = ApprovalStatus.PENDING
        super().on_model_change(form, model, is_created)

    details_template = "admin/decision_details.html"

    def may_answer(self, decision: PanelDecision) -> bool:
        """Whether the signed-in board member can answer this decision now (shown on its page)."""
        return may("decision", "approve") and why_not_answerable(decision, current_user.id) is None

    @expose("/approve/", methods=("GET", "POST"))
    def approve_view(self):
        """The board approves or rejects a pending decision, with a comment."""
        return_url = get_redirect_target() or self.get_url(".index_view")
        decision = self.get_one(request.args.get("id"))
        if decision is None:
            abort(404)
        form = ApprovalForm()
        required = approvals_required(current_app.config, decision.case.review_type)
        if form.validate_on_submit() and saved(
            lambda: record_approval(decision, current_user.id, form.outcome.data, form.comment.data, required),
            lambda: f"Your answer is recorded. The decision is {ApprovalStatus(decision.approval_status).label.lower()}.",
        ):
            return redirect(return_url)
        return self.render("admin/approve.html", model=decision, form=form, return_url=return_url, required=required)
