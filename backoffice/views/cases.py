"""Cases, and the base for records that belong to a case (decisions, family, documents)."""

from __future__ import annotations

from flask import abort, current_app, flash, has_request_context, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla import tools
from sqlalchemy import Unicode, cast, or_, select, union
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_login import current_user
from wtforms import SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length, Optional

from backoffice.domain import contributions, family, intake, lifecycle, reviewers, transitions
from backoffice.domain.deadlines import status as deadline_status
from backoffice.vocabulary import ALL_STATES, ReviewType, initial_state, state_label, types_in_streams
from backoffice.domain.rules import case_errors
from backoffice.extensions import db
from backoffice.mailer import send_mail
from backoffice.models import (
    AbuseCategory, Agency, AgencyRole, Case, CaseAgency, IncomingReferral, IntakeStatus, Theme, TransitionLog,
)
from backoffice.models.case import INCIDENT_FIELDS, AbuseKnown, CareStatus, IncidentNature, ProtectionStatus
from backoffice.policy import may, user_roles, user_streams
from backoffice.refusals import Refused
from backoffice.views.forms import PlainForm
from backoffice.views.admin_parts import (
    ThemeFilter, case_named, label_formatter, name_only, once_per_request,
)
from backoffice.views.base import FormErrors, SecureModelView, escaped_join, today
from backoffice.views.fields import UKDateField
from backoffice.scope import visible_case_records, visible_cases, within_streams


# What can be added to a case from its page: (the view's endpoint, which is also its policy resource; the link).
ADD_TO_CASE = (
    ("decision", "Record a panel decision"),
    ("family", "Add a family member or friend"),
    ("document", "Add a document"),
    ("notification", "Record a notification"),
    ("appointment", "Appoint a reviewer (chair, lead reviewer, author)"),
    ("finding", "Record a finding"),
    ("recommendation", "Draft a recommendation"),
    ("action", "Add an action"),
    ("hold", "Put the case on hold"),
    ("legal_hold", "Place a legal hold (stops disposal)"),
)


def agency_loader(view: SecureModelView, name: str):
    """Look agencies up by name as the user types (active ones only), instead of one huge select."""
    return view.create_scoped_loader(
        name, Agency, lambda q: q.filter(Agency.active.is_(True)), ["name"], placeholder="Start typing an agency"
    )


def agencies_once() -> list[Agency]:
    """The agencies a case's "Agency involved" rows offer, read once a request: every row (and the blank
    one a new row copies) offers the same list, which Flask-Admin would read again for each."""
    return once_per_request("agencies", lambda: db.session.query(Agency).all())


def _active_categories():
    """Categories offered on the case form: the active ones."""
    return db.session.query(AbuseCategory).filter(AbuseCategory.active.is_(True)).order_by(AbuseCategory.name)


def _active_themes():
    """Themes offered on the case form: the active ones."""
    return db.session.query(Theme).filter(Theme.active.is_(True)).order_by(Theme.name)


def _text_limit(name: str) -> int:
    """How long a step's text may be: the length of the column it is kept in (a note: the timeline's)."""
    column = Case.__table__.c.get(name) if name != "note" else None
    return (column if column is not None else TransitionLog.__table__.c.note).type.length


def transition_form(step: lifecycle.Transition) -> PlainForm:
    """A form asking for what the step needs, built from the step's fields."""

    class StepForm(PlainForm):
        pass

    for spec in step.fields:
        checks = [InputRequired()] if spec.required else [Optional()]
        if spec.kind == "date":
            field = UKDateField(spec.label, validators=checks)
        elif spec.kind == "choice":
            field = SelectField(spec.label, choices=[("", "Choose..."), *spec.choices], validators=checks)
        else:
            field = TextAreaField(spec.label, validators=[*checks, Length(max=_text_limit(spec.name))])
        setattr(StepForm, spec.name, field)
    return StepForm()


class CaseView(SecureModelView):
    resource = "case"
    restricted_columns = Case.RESTRICTED
    details_template = "admin/case_details.html"
    extra_endpoint_actions = {"transition_view": ("transition",), "tell_referrer_view": ("tell_referrer",)}

    column_list = [
        "reference",
        "review_type",
        "subject_pseudonym",
        "state",
        "incident_date",
        "referral_date",
        "referrer_agency",
        "is_restricted",
    ]
    column_details_list = [
        "reference",
        "review_type",
        "state",
        "external_reference",
        "subject_pseudonym",
        "subject_legal_name",
        "subject_dob",
        "incident_date",
        "aware_date",
        "referral_date",
        "referrer_name",
        "referrer_role",
        "referrer_email",
        "referrer_agency",
        "concerns",
        *INCIDENT_FIELDS,
        "abuse_categories",
        "themes",
        "scope_from",
        "scope_to",
        "agency_links",
        "is_restricted",
        "created_at",
        "updated_at",
        "archived_at",
        "archive_reason",
    ]
    column_export_list = [
        "reference",
        "review_type",
        "state",
        "subject_pseudonym",
        "incident_date",
        "aware_date",
        "referral_date",
        "referrer_agency",
    ]
    column_sortable_list = ["reference", "review_type", "state", "incident_date", "referral_date"]
    column_default_sort = ("referral_date", True)
    column_searchable_list = ["reference", "subject_pseudonym", "external_reference"]
    column_filters = [
        "review_type",
        FilterEqual(Case.state, "State", options=sorted(ALL_STATES.items(), key=lambda kv: kv[1])),
        "incident_date",
        "referral_date",
        "is_restricted",
        ThemeFilter(Case.id, "Theme"),
    ]
    column_labels = {
        "review_type": "Type",
        "subject_pseudonym": "Subject (pseudonym)",
        "subject_legal_name": "Subject's legal name",
        "subject_dob": "Subject's date of birth",
        "aware_date": "Partnership aware",
        "external_reference": "External reference (SIN / Home Office / StEIS)",
        "is_restricted": "Restricted case",
        "agency_links": "Agencies involved",
        "scope_from": "Scope period from",
        "scope_to": "Scope period to",
        "abuse_categories": "Abuse / neglect categories",
        "child_care_status": "Looked after or a care leaver",
        "child_protection_status": "Child in need or child protection plan",
        "incident_nature": "Death or serious harm",
        "abuse_known": "Abuse or neglect known or suspected",
        "child_sex": "Child's sex",
        "child_ethnicity": "Child's ethnicity",
        "la_of_residence": "Local authority where the child lives",
        "la_of_incident": "Local authority where the incident happened",
        "other_children": "Siblings and other children in the household",
        "media_interest": "Significant media interest",
        "partners_told_date": "Reported to the safeguarding partners",
    }
    column_formatters = {
        "review_type": label_formatter,
        "state": lambda v, c, m, n: m.state_label,
        "agency_links": lambda v, c, m, n: escaped_join(m.agency_links),
        "abuse_categories": lambda v, c, m, n: escaped_join(m.abuse_categories),
        "themes": lambda v, c, m, n: escaped_join(m.themes),
        **{name: label_formatter for name in ("child_care_status", "child_protection_status", "incident_nature",
                                              "abuse_known")},
    }
    column_descriptions = {
        "is_restricted": "Restricted cases are never exported.",
        "subject_pseudonym": "The anonymised name used in reports, e.g. 'Child Q'.",
    }

    form_columns = [
        "review_type",
        "external_reference",
        "subject_pseudonym",
        "subject_legal_name",
        "subject_dob",
        "incident_date",
        "aware_date",
        "referral_date",
        "referrer_name",
        "referrer_role",
        "referrer_email",
        "referrer_agency",
        "concerns",
        *INCIDENT_FIELDS,
        "abuse_categories",
        "themes",
        "scope_from",
        "scope_to",
        "is_restricted",
        "agency_links",
    ]
    form_choices = {
        "review_type": [(t.value, t.label) for t in ReviewType],
        **{name: [(v.value, v.label) for v in kind] for name, kind in (
            ("child_care_status", CareStatus), ("child_protection_status", ProtectionStatus),
            ("incident_nature", IncidentNature), ("abuse_known", AbuseKnown))},
    }
    form_args = {
        **{name: {"description": "Children's reviews (CSPR) only."} for name in INCIDENT_FIELDS},
        "child_care_status": {"description": "CSPR only. The death of a looked-after child is notified to the "
                                             "Secretary of State and Ofsted whether or not abuse or neglect is "
                                             "known or suspected."},
        "la_of_incident": {"description": "CSPR only. The local authority where it happened must notify the "
                                          "National Panel (Children Act 2004 s16C(1))."},
        "partners_told_date": {"description": "CSPR only. Due within 5 working days of becoming aware."},
        "scope_from": {"description": "The period the review looks at, from its terms of reference."},
        "subject_pseudonym": {"description": "The anonymised name used in reports, e.g. 'Child Q'."},
        "abuse_categories": {"query_factory": _active_categories},
        "themes": {"query_factory": _active_themes,
                   "description": "The review's themes as a whole (each finding is coded too), e.g. for the NHS tracker."},
    }
    inline_models = [
        (
            CaseAgency,
            {
                "form_columns": ["id", "agency", "role"],
                "form_choices": {"role": [(r.value, r.label) for r in AgencyRole]},
                "form_args": {"agency": {"query_factory": agencies_once}},
                "form_label": "Agency involved",
            },
        )
    ]

    def __init__(self, *args, **kwargs) -> None:
        self.form_ajax_refs = {"referrer_agency": agency_loader(self, "referrer_agency")}
        super().__init__(*args, **kwargs)

    def scope(self, query):
        return visible_cases(super().scope(query), exporting=self.exporting)

    def get_query(self):
        query = super().get_query()
        if has_request_context() and request.endpoint == f"{self.endpoint}.details_view":  # its rapid review, by name
            query = query.options(case_named(joinedload(Case.parent)))
        return query

    def create_form(self, obj=None):
        form = super().create_form(obj)
        form.review_type.choices = [(t.value, t.label) for t in types_in_streams(user_streams())]
        referral = self.referral_to_accept()
        if referral is not None and request.method == "GET":
            for name, value in intake.case_fields(db.session, referral).items():
                if name in form:
                    form[name].data = value
            flash(f"Accepting online referral {referral.reference}: check and correct what it says, give the case "
                  "a pseudonym, then save. Its deadlines count from the day it was received.", "info")
        return form

    def referral_to_accept(self) -> IncomingReferral | None:
        """The waiting online referral this new case is made from (?referral=id), if the user may triage it."""
        referral_id = request.args.get("referral", type=int)
        if referral_id is None or not may("intake", "triage"):
            return None
        referral = within_streams(db.session.query(IncomingReferral), IncomingReferral).filter(
            IncomingReferral.id == referral_id, IncomingReferral.status == IntakeStatus.NEW).one_or_none()
        return referral

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        del form["review_type"]  # the type fixes the reference and the stream; it never changes
        if obj is not None and ReviewType(obj.review_type) is not ReviewType.CSPR:
            for name in INCIDENT_FIELDS:  # a child's serious incident facts: not asked of other reviews
                del form[name]
        return form

    def case_panel(self, case: Case) -> dict:
        """What the case page shows beside the record: next steps, deadlines, notifications, timeline."""
        due_soon = current_app.config["DUE_SOON_WORKING_DAYS"]
        return {
            "steps": [(step, transitions.blocked_reason(case, step)) for step in transitions.offered(case, user_roles())],
            "waiting_on": transitions.next_steps(case),
            "deadlines": [(d, deadline_status(d, today(), due_soon)) for d in case.deadlines],
            "notifications": [n for n in case.notifications if n.archived_at is None],
            "holds": [h for h in case.holds if h.archived_at is None],
            "timeline": [(entry, transitions.timeline_label(entry, case.review_type)) for entry in case.timeline],
            "children": visible_cases(db.session.query(Case)).filter(Case.parent_id == case.id)
            .options(*name_only()).all(),
            "first_state": state_label(
                case.review_type, case.timeline[0].from_state if case.timeline else case.state
            ),
            "family": family.summary(case.family, dhr=case.review_type == ReviewType.DHR)
            if may("family", "read") else None,
            "publication": may("publication", "read"),
            "led_by": reviewers.leading(case, today()) if may("appointment", "read") else None,
            "contributions": contributions.case_summary(case, today()) if may("contribution", "read") else None,
            "request_contributions": url_for("contribution.request_view", case_id=case.id,
                                             url=self.get_url(".details_view", id=case.id))
            if may("contribution", "create") and not case.is_archived else None,
            "tell_referrer": self.get_url(".tell_referrer_view", id=case.id) if self.referrer_to_tell(case) else None,
            "add": [(label, url_for(f"{endpoint}.create_view", case_id=case.id,
                                    url=self.get_url(".details_view", id=case.id)))
                    for endpoint, label in ADD_TO_CASE if may(endpoint, "create")] if not case.is_archived else [],
        }

    @expose("/transition/", methods=("GET", "POST"))
    def transition_view(self):
        """Take one lifecycle step: ask for what it needs, check its guards, record it on the timeline."""
        case = self.get_one(request.args.get("id"))
        if case is None:
            abort(404)
        details_url = self.get_url(".details_view", id=case.id)
        step = lifecycle.transition(case.review_type, request.args.get("step", ""))
        if step is None or not step.leaves(case.state):
            flash(f"That step is not available while the case is '{case.state_label}'.", "error")
            return redirect(details_url)
        if not step.roles & user_roles():
            abort(403)
        form = transition_form(step)
        if form.validate_on_submit():
            try:
                transitions.apply(case, step.name, current_user.id, user_roles(), form.data, today())
                db.session.commit()
            except Refused as exc:  # the step's own rules, or a rule of the save pipeline
                db.session.rollback()
                flash(str(exc), "error")
                for name, message in exc.errors.items():
                    if name in form:
                        form[name].errors = [*form[name].errors, message]
            except (StaleDataError, IntegrityError):
                # The same step sent twice at once (a double click), or someone else moved the case on.
                db.session.rollback()
                flash("Nothing more was changed: the case changed while this step was being saved (the form may "
                      "have been sent twice). Here it is as it is now.", "error")
                return redirect(details_url)
            else:
                flash(f"Done: {step.label}. The case is now '{case.state_label}'.", "success")
                return redirect(details_url)
        return self.render(
            "admin/transition.html",
            case=case,
            step=step,
            form=form,
            blocked=transitions.blocked_reason(case, step),
            target_label=state_label(case.review_type, step.target),
            return_url=details_url,
        )

    def referrer_to_tell(self, case: Case):
        """The approved decision a SAR's referrer may be emailed about, if they gave an address."""
        if not may("case", "tell_referrer") or case.is_archived or ReviewType(case.review_type) is not ReviewType.SAR:
            return None
        decided = case.approved_decisions()
        return decided[-1] if decided and case.referrer_email else None

    @expose("/tell-referrer/", methods=("GET", "POST"))
    def tell_referrer_view(self):
        """Email a SAR's referrer the decision and its reasons from the template (edited first), and
        record that they were told. Nothing that names the adult or their family may go by email."""
        case = self.get_one(request.args.get("id")) or abort(404)
        details_url = self.get_url(".details_view", id=case.id)
        decision = self.referrer_to_tell(case)
        if decision is None:
            flash("The referrer can be emailed once the board has approved a decision and the case has their email "
                  "address.", "error")
            return redirect(details_url)
        form = ReferrerLetterForm()
        if request.method == "GET":
            form.subject.data, form.body.data = intake.decision_letter(
                case, decision, current_app.config["REFERRALS_CONTACT"])
        if form.validate_on_submit():
            carried = intake.personal_details_in(f"{form.subject.data}\n{form.body.data}", case)
            if carried:
                form.body.errors = [f"Take out {' and '.join(carried)}: email is not a secure channel."]
            else:
                error = send_mail(form.subject.data, form.body.data, [case.referrer_email])
                if error is None:
                    intake.told_referrer(case, today())
                    db.session.commit()
                    flash(f"The decision was emailed to the referrer ({case.referrer_email}).", "success")
                    return redirect(details_url)
                flash("The email could not be sent, so nothing was recorded. Try again later, or tell the referrer "
                      "another way and record the date on the case.", "error")
        return self.render("admin/tell_referrer.html", model=case, form=form, return_url=details_url)

    def domain_errors(self, model: Case, is_created: bool) -> dict[str, str]:
        return case_errors(
            review_type=model.review_type,
            incident_date=model.incident_date,
            aware_date=model.aware_date,
            referral_date=model.referral_date,
            subject_dob=model.subject_dob,
            today=today(),
            incident={name: getattr(model, name) for name in INCIDENT_FIELDS},
            scope=(model.scope_from, model.scope_to),
        )

    def on_model_change(self, form, model: Case, is_created: bool) -> None:
        if is_created and model.state is None:  # Flask-Admin builds models without __init__
            model.state = initial_state(model.review_type)
        super().on_model_change(form, model, is_created)
        referral = self.referral_to_accept() if is_created else None
        if referral is not None:
            try:
                intake.accept(referral, model, current_user.id)
            except Refused as exc:
                raise ValidationError(str(exc)) from None


class ReferrerLetterForm(PlainForm):
    subject = StringField("Subject", [InputRequired(), Length(max=200)])
    body = TextAreaField("Message", [InputRequired(), Length(max=5000)], render_kw={"rows": 14},
                         description="Check it: it must not name the adult or their family, or give a date of birth.")


class CaseRecordView(SecureModelView):
    """A record that belongs to a case: scoped through its case, chosen by an ajax lookup."""

    column_sortable_list = [("case", "case.reference")]
    column_searchable_list = ["case.reference", "case.subject_pseudonym"]

    def __init__(self, *args, **kwargs) -> None:
        self.form_ajax_refs = {
            "case": self.create_scoped_loader(
                "case", Case, lambda query: within_opened_case(visible_cases(query)), ["reference", "subject_pseudonym"],
                placeholder="Case reference or pseudonym"
            ),
            **getattr(self, "extra_ajax_refs", {}),
        }
        super().__init__(*args, **kwargs)

    def scope(self, query):
        return visible_case_records(super().scope(query), self.model, self.resource, exporting=self.exporting)

    # Flask-Admin's ModelView._apply_search joins every searched path (here the case) into the list and
    # count queries, and filters each word with CAST(column AS VARCHAR) ILIKE its parse_like_term.
    def _apply_search(self, query, count_query, joins, count_joins, search: str):
        """Each word must match the record's own searched text or its case's. The matching cases are
        found first, on their own (trigram) indexes, and the records by their case: joining every record
        to its case before filtering read both tables whole at national scale."""
        own = [getattr(self.model, name) for name in self.column_searchable_list if "." not in name]
        of_case = [getattr(Case, name.removeprefix("case.")) for name in self.column_searchable_list
                   if name.startswith("case.")]
        for term in search.split(" "):
            if not term:
                continue
            pattern = tools.parse_like_term(term)
            cases = select(Case.id).where(or_(*(cast(column, Unicode).ilike(pattern) for column in of_case)))
            condition = self.model.case_id.in_(cases)
            if own:  # each way of matching on its own index, then together
                matching = union(select(self.model.id).where(condition), select(self.model.id).where(
                    or_(*(cast(column, Unicode).ilike(pattern) for column in own))))
                condition = self.model.id.in_(matching)
            query = query.filter(condition)
            count_query = count_query.filter(condition) if count_query is not None else None
        return query, count_query, joins, count_joins

    def create_form(self, obj=None):
        """Opened from a case's page (`?case_id=`), the form is for that case: it is chosen, and the
        case lookup finds only it, so nothing is recorded against another case by a slip."""
        form = super().create_form(obj)
        case = opened_from_case()
        if case is not None and "case" in form:
            if request.method == "GET":
                form.case.data = form.case.data or case
            form.case.render_kw = {"data-url": self.get_url(".ajax_lookup", name="case", case_id=case.id)}
        return form

    def on_model_change(self, form, model, is_created: bool) -> None:
        case = opened_from_case() if is_created else None
        if case is not None and "case" in form and model.case is not case:
            form.case.errors = [*form.case.errors, f"Choose {case.reference}: this form was opened from that case"]
            raise FormErrors([])
        super().on_model_change(form, model, is_created)


def opened_from_case() -> Case | None:
    """The case a form or lookup was opened from (`?case_id=`), if the user may see it."""
    wanted = request.args.get("case_id", "")
    if not wanted.isdigit():
        return None
    return visible_cases(db.session.query(Case)).filter(Case.id == int(wanted)).one_or_none()


def within_opened_case(query, model=Case):
    """Limit a lookup to the case it was opened from, if it was (`?case_id=` on the lookup's address).
    Only the lookup's list: a posted choice is resolved in full, so that it can be refused by name."""
    wanted = request.args.get("case_id", "")
    if wanted.isdigit() and (request.endpoint or "").endswith(".ajax_lookup"):
        query = query.filter((model.id if model is Case else model.case_id) == int(wanted))
    return query
