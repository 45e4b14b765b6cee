"""Incoming referrals: the triage queue of online referrals, for business support in their streams.

Accept opens the new-case form filled in from the referral (the officer corrects it, and saving it
links the two: views/cases.py); Reject records why and whether and when the referrer was told; Mark
duplicate links the referral to the case it repeats. Auditors read the queue; nobody edits a referral.
"""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_admin import expose
from flask_admin.helpers import get_redirect_target
from flask_login import current_user
from markupsafe import Markup
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from backoffice.domain import intake
from backoffice.extensions import db
from backoffice.models import Case, IncomingReferral, IntakeStatus
from backoffice.models.base import REASON
from backoffice.policy import may
from backoffice.refusals import Refused
from backoffice.scope import visible_cases, within_streams
from backoffice.views.admin_parts import label_formatter
from backoffice.views.base import SecureModelView, saved, today
from backoffice.views.fields import UKDateField
from backoffice.views.forms import PlainForm
from backoffice.views.refer import summary_rows
from backoffice.views.refer_forms import FORMS


class RejectForm(PlainForm):
    reason = TextAreaField("Why it is rejected", [DataRequired(), Length(max=REASON)],
                           description="For example: not within the criteria for a review, and why.")
    told_date = UKDateField("Date the referrer was told", description="Leave blank if they have not been told yet.")


class DuplicateForm(PlainForm):
    case_reference = StringField("Reference of the case it duplicates", [DataRequired(), Length(max=20)],
                                 description="For example SAR-2026-0042.")


def _case_link(view, context, model, name) -> Markup | str:
    if model.case is None:
        return ""
    return Markup('<a href="{}">{}</a>').format(url_for("case.details_view", id=model.case_id), model.case.reference)


class IncomingReferralView(SecureModelView):
    """The triage queue: waiting referrals first, oldest first; each one's answers and its triage."""

    resource = "intake"
    can_create = can_edit = False
    details_template = "admin/referral_details.html"
    extra_endpoint_actions = {"reject_view": ("triage",), "duplicate_view": ("triage",)}
    restricted_columns = IncomingReferral.RESTRICTED
    column_list = ["reference", "review_type", "status", "received_date", "case", "triaged_at"]
    column_details_list = ["reference", "review_type", "status", "received_date", "submitted_at", "acknowledged_at",
                           "case", "triaged_at", "reject_reason", "referrer_told_date", "referrer_email"]
    column_labels = {"received_date": "Received", "triaged_at": "Triaged", "acknowledged_at": "Acknowledgement emailed",
                     "reject_reason": "Why rejected", "referrer_told_date": "Referrer told", "case": "Case"}
    column_formatters = {"review_type": label_formatter, "status": label_formatter, "case": _case_link}
    column_filters = ["status", "review_type", "received_date"]
    column_searchable_list = ["reference"]
    column_sortable_list = ["reference", "received_date", "status"]
    column_default_sort = ("submitted_at", True)

    def scope(self, query):
        """Referrals of the user's streams, once sent (a draft is its visitor's alone)."""
        query = within_streams(super().scope(query), self.model)
        return query.filter(IncomingReferral.status != IntakeStatus.DRAFT)

    def answered(self, referral: IncomingReferral) -> list[tuple[str, list[tuple[str, str]]]]:
        """What the referrer answered, page by page, as the form asked it (for the details page)."""
        form = next(f for f in FORMS.values() if f.review_type == referral.review_type)
        return [(page.title, [(label, shown) for label, shown, _ in rows]) for page, rows in summary_rows(form, referral)]

    def triage_links(self, referral: IncomingReferral) -> dict | None:
        """The triage steps open to the user on a waiting referral."""
        if referral.status != IntakeStatus.NEW or not may("intake", "triage"):
            return None
        back = self.get_url(".details_view", id=referral.id)
        return {"accept": url_for("case.create_view", referral=referral.id, url=back),
                "reject": self.get_url(".reject_view", id=referral.id, url=back),
                "duplicate": self.get_url(".duplicate_view", id=referral.id, url=back)}

    def _waiting_referral(self) -> IncomingReferral:
        return self.get_one(request.args.get("id")) or abort(404)

    @expose("/reject/", methods=("GET", "POST"))
    def reject_view(self):
        """Reject a referral, saying why, and whether and when the referrer was told."""
        referral = self._waiting_referral()
        return_url = get_redirect_target() or self.get_url(".details_view", id=referral.id)
        form = RejectForm()
        if form.validate_on_submit():
            def reject():
                intake.reject(referral, form.reason.data, form.told_date.data, today(), current_user.id)

            if _triaged(form, reject, f"Referral {referral.reference} rejected."):
                return redirect(return_url)
        return self.render("admin/referral_triage.html", model=referral, form=form, return_url=return_url,
                           heading=f"Reject referral {referral.reference}", submit="Reject the referral")

    @expose("/duplicate/", methods=("GET", "POST"))
    def duplicate_view(self):
        """Mark a referral as a duplicate of a case the user can see."""
        referral = self._waiting_referral()
        return_url = get_redirect_target() or self.get_url(".details_view", id=referral.id)
        form = DuplicateForm()
        if form.validate_on_submit():
            reference = form.case_reference.data.strip().upper()
            case = visible_cases(db.session.query(Case)).filter(Case.reference == reference).one_or_none()

            def duplicate():
                intake.mark_duplicate(referral, case, current_user.id)

            if _triaged(form, duplicate, f"Referral {referral.reference} marked as a duplicate of {reference}."):
                return redirect(return_url)
        return self.render("admin/referral_triage.html", model=referral, form=form, return_url=return_url,
                           heading=f"Mark referral {referral.reference} as a duplicate", submit="Mark as a duplicate")


def _triaged(form, change, done: str) -> bool:
    """Make a triage change; a refusal's messages go beside the fields they are about."""
    def checked():
        try:
            change()
        except Refused as exc:
            for name, message in exc.errors.items():
                if name in form:
                    form[name].errors = [*form[name].errors, message]
            raise

    return saved(checked, lambda: done)
