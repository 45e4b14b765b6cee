"""The publication record of each review: what will be published, when, and what still stands in
the way. Business support keep it; the board approves it, then publishes from the case page."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request
from flask_admin import expose
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import inspect
from wtforms.validators import ValidationError

from backoffice.domain import publication
from backoffice.vocabulary import ReviewType
from backoffice.models import Case, PublicationDecision, utcnow
from backoffice.policy import may
from backoffice.views.admin_parts import label_formatter
from backoffice.views.base import SecureModelView, saved, today
from backoffice.scope import visible_cases

RECORD = [
    "publication_decision",
    "publication_reason",
    "anonymised_title",
    "planned_publication_date",
    "embargo_until",
    "embargo_reason",
    "online_until",
    "library_submitted_date",
    "library_reference",
]
# Once published, what was published stays as it was; dates after publication may still be kept.
FIXED_ONCE_PUBLISHED = ("publication_decision", "publication_reason", "anonymised_title", "planned_publication_date")


class PublicationView(SecureModelView):
    """A second view over cases, showing only their publication record."""

    resource = "publication"
    details_template = "admin/publication_details.html"
    extra_endpoint_actions = {"approve_view": ("approve",)}

    column_list = [
        "reference",
        "review_type",
        "anonymised_title",
        "publication_decision",
        "planned_publication_date",
        "publication_date",
        "online_until",
        "publication_approved_at",
    ]
    column_details_list = ["reference", "review_type", "state", *RECORD, "publication_date", "publication_approved_at"]
    column_sortable_list = ["reference", "planned_publication_date", "publication_date", "online_until"]
    column_default_sort = ("planned_publication_date", True)
    column_searchable_list = ["reference", "anonymised_title"]
    column_filters = ["review_type", "publication_decision", "planned_publication_date", "publication_date", "online_until"]
    column_labels = {
        "review_type": "Type",
        "publication_decision": "Decision",
        "publication_reason": "Reason for the decision",
        "anonymised_title": "Anonymised title",
        "planned_publication_date": "Planned publication",
        "publication_date": "Published",
        "embargo_until": "Embargoed until",
        "embargo_reason": "Reason for the embargo",
        "online_until": "Online until",
        "library_submitted_date": "Submitted to the national library",
        "library_reference": "National library reference",
        "publication_approved_at": "Board approved",
    }
    column_formatters = {
        "review_type": label_formatter,
        "publication_decision": label_formatter,
        "state": lambda v, c, m, n: m.state_label,
    }
    column_descriptions = {
        "anonymised_title": "As it will appear on the public page, e.g. 'Child Q' or 'SAR Colin'.",
        "online_until": f"At least {publication.MIN_ONLINE_MONTHS} months after publication (set when published).",
        "embargo_reason": "While there is a reason and the end date (if any) has not come, nothing is published.",
    }
    form_columns = RECORD
    form_choices = {"publication_decision": [(d.value, d.label) for d in PublicationDecision]}
    form_args = {
        "anonymised_title": {"description": column_descriptions["anonymised_title"]},
        "online_until": {"description": column_descriptions["online_until"]},
    }

    @property
    def can_archive(self) -> bool:  # archiving is the case's, on the case page
        return False

    def scope(self, query):
        return visible_cases(super().scope(query), resource="case", exporting=self.exporting)

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        form.library_reference.description = self._library_hint(obj)
        return form

    @staticmethod
    def _library_hint(case: Case | None) -> str:
        if case is None:
            return ""
        return f"The {publication.NATIONAL_LIBRARY[ReviewType(case.review_type)]}."

    def check_editable(self, model: Case) -> None:
        super().check_editable(model)
        changed = _changed(model)
        if model.publication_date and changed & set(FIXED_ONCE_PUBLISHED):
            raise ValidationError(
                "This review is published: its decision, reason, title and planned date stay as published."
            )

    def domain_errors(self, model: Case, is_created: bool) -> dict[str, str]:
        return publication.record_errors(model)

    def on_model_change(self, form, model: Case, is_created: bool) -> None:
        super().on_model_change(form, model, is_created)
        if publication.approval_void(model, _changed(model)):
            flash("The publication record changed, so the board needs to approve it again.", "warning")

    def publication_panel(self, case: Case) -> dict:
        """The gates, each closed or open with what still has to happen, and the documents going out."""
        config = current_app.config
        return {
            "gates": publication.gates(case, today(), config["UPLOAD_DIR"], config.get("DARDR_FROM")),
            "documents": [
                (d, publication.check_problem(case, d, config["UPLOAD_DIR"])) for d in publication.going_out(case)
            ],
            "library": publication.NATIONAL_LIBRARY[ReviewType(case.review_type)],
            "dardr": case.is_dardr(config.get("DARDR_FROM")),
            "may_approve": may("publication", "approve") and case.publication_approved_at is None,
        }

    @expose("/approve/", methods=("POST",))
    def approve_view(self):
        """The board approves the publication record and the documents that will go out."""
        case = self.get_one(request.args.get("id"))
        if case is None:
            abort(404)
        details_url = self.get_url(".details_view", id=case.id)
        if not FlaskForm().validate_on_submit():
            flash("The form had expired. Please try again.", "error")
            return redirect(details_url)
        saved(lambda: publication.approve(case, current_user.id, utcnow(), current_app.config["UPLOAD_DIR"]),
              lambda: f"Publication of {case.reference} approved.")
        return redirect(details_url)


def _changed(model: Case) -> set[str]:
    """The record's fields this request changed."""
    state = inspect(model)
    return {name for name in RECORD if state.attrs[name].history.has_changes()}

