"""Running the review in the interface: agency contributions (every request and its return, asking
several agencies at once from a case, what each agency still owes, the turnaround rules behind the due
dates) and the independent reviewers appointed to it."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.babel import lazy_gettext
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_admin.helpers import get_redirect_target
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload
from wtforms import IntegerField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from backoffice import mailer
from backoffice.domain import contributions, reminders, reviewers
from backoffice.extensions import db
from backoffice.models import (
    ChaseKind,
    Agency,
    AgencyContribution,
    Appointment,
    AppointmentRole,
    ContributionQa,
    ContributionStatus,
    ContributionType,
    DeadlineUnit,
    PublishedDocument,
    Standing,
    TurnaroundRule,
)
from backoffice.refusals import Refused
from backoffice.scope import visible_case_records
from backoffice.views.admin_parts import case_named, label_formatter
from backoffice.views.base import saved, today
from backoffice.views.clock import VersionedRuleView
from backoffice.views.cases import CaseRecordView, agency_loader, opened_from_case, within_opened_case
from backoffice.views.fields import Checkboxes, UKDateField
from backoffice.views.forms import PlainForm
from backoffice.vocabulary import ReviewType

BADGES = {ContributionStatus.OVERDUE: "danger", ContributionStatus.NOT_ENGAGING: "danger",
          ContributionStatus.RETURNED: "warning", ContributionStatus.RECEIVED: "info",
          ContributionStatus.QA_PASSED: "success", ContributionStatus.WITHDRAWN: "light",
          ContributionStatus.REQUESTED: "secondary"}


def contribution_badge(status: ContributionStatus) -> str:
    """The Bootstrap colour of a contribution status's badge, on every page that shows one."""
    return BADGES[ContributionStatus(status)]


def status_badge(view, context, model: AgencyContribution, name) -> Markup:
    """The contribution's status today, as a badge, with how late it is."""
    current = contributions.status(model, today())
    late = contributions.days_late(model, today())
    after = Markup(' <small class="text-muted">{} days late</small>').format(late) if late else ""
    return Markup('<span class="badge badge-{}">{}</span>{}').format(BADGES[current], current.label, after)


def due_with_extension(view, context, model: AgencyContribution, name) -> Markup | str:
    if model.extended_to is None:
        return f"{model.due_date:%d %b %Y}"
    return Markup('{:%d %b %Y} <small class="text-muted d-block">extended from {:%d %b %Y}</small>').format(
        model.extended_to, model.due_date)


class StatusFilter(BaseSQLAFilter):
    """Filter contributions by their status today, or all those still owed."""

    OWED, DUE = "owed", "due"

    def __init__(self, column, name: str) -> None:
        super().__init__(column, name, options=[
            (self.OWED, "Still owed (any)"),
            (self.DUE, f"Overdue or due within {contributions.DUE_SOON_WORKING_DAYS} working days"),
            *[(s.value, s.label) for s in ContributionStatus]])

    def apply(self, query, value, alias=None):
        if value == self.OWED:
            return query.filter(contributions.outstanding_sql())
        if value == self.DUE:
            return query.filter(contributions.due_within_sql(today(), contributions.DUE_SOON_WORKING_DAYS))
        try:
            return query.filter(contributions.status_sql(ContributionStatus(value), today()))
        except ValueError:
            return query.filter(False)

    def operation(self):
        return lazy_gettext("is")


# What a review's agencies are usually asked for (domain-reference 2.3): the request form starts there.
USUAL_FIRST_REQUEST = {ReviewType.CSPR: ContributionType.AGENCY_SUMMARY, ReviewType.SAR: ContributionType.INITIAL_CHRONOLOGY,
                       ReviewType.DHR: ContributionType.IMR}


class RequestForm(PlainForm):
    """One kind of request to several of the case's agencies at once."""

    contribution_type = SelectField("What is requested", choices=[(k.value, k.label) for k in ContributionType],
                                    validators=[DataRequired("Choose what is requested.")])
    agencies = SelectMultipleField("Agencies asked", coerce=int, widget=Checkboxes(),
                                   validators=[DataRequired("Choose at least one agency.")],
                                   description="The agencies involved in the case.")
    requested_date = UKDateField("Date requested", validators=[InputRequired("Enter the date it was requested.")])
    due_date = UKDateField("Due", validators=[Optional()],
                           description="Only where no turnaround is set for this kind of request: otherwise the "
                                       "turnaround gives the due date.")
    note = TextAreaField("Note (sent with the request, e.g. the terms of reference)", validators=[Length(max=5000)])


def _emails_sent(view, context, model, name) -> Markup | str:
    """Each request, reminder and chase emailed to the agency's lead: when it went, or why not yet."""
    if not model.emails:
        return "None yet" if model.agency and model.agency.safeguarding_lead_email else \
            "None: the agency has no safeguarding lead email"
    return Markup("<ul class='mb-0'>{}</ul>").format(Markup("").join(
        Markup("<li>{} to {}: {}</li>").format(e.kind.label, e.sent_to,
                                              f"sent {e.sent_at:%d %b %Y %H:%M}" if e.sent_at else
                                              f"not sent yet ({e.attempts} failed attempt{'s' if e.attempts != 1 else ''})")
        for e in model.emails))


class ContributionView(CaseRecordView):
    """What agencies are asked for on each case, and what they returned; the status follows the dates."""

    resource = "contribution"
    name = "Agency contributions"
    extra_endpoint_actions = {"request_view": ("create",)}
    column_list = ["case", "agency", "contribution_type", "requested_date", "due_date", "received_date", "status"]
    column_details_list = ["case", "agency", "contribution_type", "status", "requested_date", "due_date", "rule",
                           "extended_to", "extension_reason", "received_date", "author", "document", "qa_outcome",
                           "qa_date", "qa_by", "qa_reason", "withdrawn_date", "withdrawn_reason",
                           "not_engaging_since", "note", "emails", "created_at", "updated_at", "archived_at",
                           "archive_reason"]
    column_export_list = ["case", "agency", "contribution_type", "requested_date", "due_date", "extended_to",
                          "received_date", "qa_outcome", "qa_date", "withdrawn_date", "status"]
    column_sortable_list = [("case", "case.reference"), ("agency", "agency.name"), "contribution_type",
                            "requested_date", "due_date", "received_date"]
    column_default_sort = "due_date"
    column_searchable_list = ["case.reference", "case.subject_pseudonym"]
    column_labels = {"contribution_type": "Requested", "requested_date": "Asked on", "due_date": "Due",
                     "received_date": "Received", "extended_to": "Extended to", "qa_outcome": "Quality check",
                     "qa_date": "Checked on", "qa_by": "Checked by", "qa_reason": "More work needed",
                     "withdrawn_date": "Withdrawn on", "withdrawn_reason": "Reason withdrawn",
                     "not_engaging_since": "Agency not engaging since", "rule": "Turnaround",
                     "document": "Document received", "emails": "Emails to the agency"}
    column_formatters = {"status": status_badge, "due_date": due_with_extension, "emails": _emails_sent,
                         "contribution_type": label_formatter, "qa_outcome": label_formatter}
    column_formatters_export = {"status": lambda v, c, m, n: contributions.status(m, today()).label,
                                "contribution_type": label_formatter, "qa_outcome": label_formatter}
    form_columns = ["case", "agency", "contribution_type", "requested_date", "due_date", "extended_to",
                    "extension_reason", "received_date", "author", "document", "qa_outcome", "qa_date", "qa_reason",
                    "withdrawn_date", "withdrawn_reason", "not_engaging_since", "note"]
    form_choices = {"contribution_type": [(k.value, k.label) for k in ContributionType],
                    "qa_outcome": [(q.value, q.label) for q in ContributionQa]}
    form_args = {
        "due_date": {"validators": [Optional()],
                     "description": "Filled in from the turnaround for this kind of request when it is saved; "
                                    "give it only where none is set."},
        "qa_reason": {"description": "Needed when it is returned for more work."},
        "extended_to": {"description": "An extension needs its reason."},
        "withdrawn_date": {"description": "A request withdrawn (e.g. the agency had no involvement) needs its reason."},
        "not_engaging_since": {"description": "Record it when the agency stops responding, to raise with its lead."},
        "document": {"description": "Upload it under Documents (it is checked there), then choose it here."},
    }

    def __init__(self, *args, **kwargs) -> None:
        self.extra_ajax_refs = {
            "agency": agency_loader(self, "agency"),
            "document": self.create_scoped_loader(
                "document", PublishedDocument,
                lambda q: within_opened_case(visible_case_records(q, PublishedDocument, "document"), PublishedDocument),
                ["title"], placeholder="Start typing the document's title"),
        }
        self.column_filters = [StatusFilter(AgencyContribution.due_date, "Status"), "agency.name",
                               "contribution_type", "requested_date", "due_date", "received_date"]
        super().__init__(*args, **kwargs)

    def domain_errors(self, model: AgencyContribution, is_created: bool) -> dict[str, str]:
        errors = contributions.contribution_errors(model, today())
        typed = contributions.typed_due_date_problem(db.session, model)
        return {**errors, "due_date": typed} if typed else errors

    def on_model_change(self, form, model: AgencyContribution, is_created: bool) -> None:
        """Whoever records the quality check is the one who made it."""
        if inspect(model).attrs.qa_outcome.history.has_changes() and model.qa_outcome is not None:
            model.qa_by_id = current_user.id
        super().on_model_change(form, model, is_created)

    @expose("/request/", methods=("GET", "POST"))
    def request_view(self):
        """Ask several of a case's agencies for the same thing in one step."""
        case = opened_from_case()
        if case is None:
            abort(404)
        return_url = get_redirect_target() or url_for("case.details_view", id=case.id)
        form = RequestForm()
        involved = sorted({link.agency for link in case.agency_links}, key=lambda a: a.name)
        form.agencies.choices = [(a.id, a.name) for a in involved]
        if request.method == "GET":
            form.requested_date.data = today()
            form.contribution_type.data = USUAL_FIRST_REQUEST[ReviewType(case.review_type)].value
        if form.validate_on_submit():
            chosen = [a for a in involved if a.id in form.agencies.data]
            kind = ContributionType(form.contribution_type.data)
            try:
                made = contributions.request_from(db.session, case, chosen, kind, form.requested_date.data,
                                                  due=form.due_date.data, note=form.note.data or None)
                db.session.commit()
            except Refused as exc:
                db.session.rollback()
                flash(str(exc), "error")
                for name, message in exc.errors.items():
                    if name in form:
                        form[name].errors = [*form[name].errors, message]
            else:
                due = made[0].due_date
                emailed = email_requests(made)
                flash(f"Requested {kind.label} from {len(made)} agenc{'y' if len(made) == 1 else 'ies'}, "
                      f"due {due:%d %b %Y}." + (f" The request was emailed to {emailed} safeguarding lead"
                                                f"{'s' if emailed != 1 else ''}." if emailed else ""), "success")
                return redirect(return_url)
        turnarounds = {k.value: contributions.rule_in_force(db.session, case.review_type, k, today())
                       for k in ContributionType}
        return self.render("admin/contribution_request.html", case=case, form=form, return_url=return_url,
                           turnarounds=turnarounds, involved=involved)


def email_requests(made: list) -> int:
    """Email each new request to its agency's safeguarding lead now (the morning's `flask reminders
    send` retries any that failed); how many went."""
    if not mailer.configured():
        return 0
    contact, went = current_app.config["REFERRALS_CONTACT"], 0
    for contribution in made:
        if not contribution.agency.safeguarding_lead_email:
            continue
        subject, body = reminders.agency_message(contribution, ChaseKind.REQUEST, contact)
        error = mailer.send_mail(subject, body, [contribution.agency.safeguarding_lead_email])
        reminders.record_agency_email(db.session, contribution, ChaseKind.REQUEST, "request", error)
        db.session.commit()
        went += error is None
    return went


class TurnaroundRuleView(VersionedRuleView):
    """Admins keep how long agencies are given, per kind of request and type of review. A timescale
    changes by a new version from a date; requests already made keep their due dates."""

    resource = "reference_data"
    name = "Agency turnarounds"
    versioned = (*TurnaroundRule.TIMING, "review_type", "contribution_type")  # editing changes wording and standing
    new_version_title = "Change the turnaround"
    extra_endpoint_actions = {"new_version_view": ("edit",)}
    column_list = ["review_type", "contribution_type", "offset", "unit", "standing", "effective_from", "effective_to"]
    column_details_list = [*column_list, "source", "change_reason", "created_at", "updated_at"]
    column_default_sort = [("review_type", False), ("contribution_type", False), ("effective_from", False)]
    column_filters = ["review_type", "contribution_type", "standing"]
    column_formatters = {"contribution_type": label_formatter, "unit": label_formatter, "standing": label_formatter}
    column_labels = {"contribution_type": "Request", "offset": "Turnaround", "change_reason": "Reason for the change"}
    form_columns = ["review_type", "contribution_type", "offset", "unit", "standing", "source", "effective_from"]
    form_choices = {"review_type": [(t.value, t.label) for t in ReviewType],
                    "contribution_type": [(k.value, k.label) for k in ContributionType],
                    "unit": [(u.value, u.label) for u in DeadlineUnit],
                    "standing": [(s.value, s.label) for s in Standing]}
    form_args = {"source": {"description": "The procedure the turnaround comes from; most are local practice."}}

    def domain_errors(self, model: TurnaroundRule, is_created: bool) -> dict[str, str]:
        if is_created and model.review_type and model.contribution_type and model.effective_from:
            current = contributions.rule_in_force(db.session, model.review_type, model.contribution_type,
                                                  model.effective_from)
            if current is not None and current is not model:
                return {"contribution_type": "A turnaround is already set for this: change it by a new version "
                                             "(the row's 'Change the turnaround')."}
        if model.offset is not None and model.offset < 1:
            return {"offset": "A turnaround is at least 1."}
        return {}

    @expose("/version/", methods=("GET", "POST"))
    def new_version_view(self):
        """A new version of the turnaround from a date, with the reason; the current one ends the day before."""
        rule = self.get_one(request.args.get("id"))
        if rule is None:
            abort(404)
        return_url = get_redirect_target() or self.get_url(".index_view")
        form = TurnaroundVersionForm(obj=None if request.method == "POST" else rule)
        if request.method == "GET":
            form.effective_from.data = today()
        if form.validate_on_submit():
            def change():
                try:
                    contributions.new_version(db.session, rule, offset=form.offset.data, unit=form.unit.data,
                                              effective_from=form.effective_from.data, reason=form.change_reason.data)
                except Refused as exc:
                    for name, message in exc.errors.items():
                        form[name].errors = [message]
                    raise

            if saved(change, lambda: f"From {form.effective_from.data:%d %b %Y}: {form.offset.data} "
                                     f"{DeadlineUnit(form.unit.data).label}."):
                return redirect(return_url)
        return self.render("admin/turnaround_version.html", rule=rule, form=form, return_url=return_url)


class TurnaroundVersionForm(PlainForm):
    offset = IntegerField("Turnaround", validators=[InputRequired("Enter the turnaround, a whole number.")])
    unit = SelectField("Unit", choices=[(u.value, u.label) for u in DeadlineUnit])
    effective_from = UKDateField("Effective from", validators=[InputRequired("Enter the date the new version takes effect.")],
                                 description="Requests made from this date take the new turnaround.")
    change_reason = TextAreaField("Reason for the change", validators=[DataRequired("Say why the turnaround changes."),
                                                                       Length(max=2000)])


def _named_cases():
    """Each contribution's case by its name only (not its agencies and categories)."""
    return case_named(joinedload(AgencyContribution.case))


def outstanding_for(agency: Agency) -> list[contributions.Row]:
    """What the agency still owes, across the cases the user may see, the most overdue first."""
    query = visible_case_records(select(AgencyContribution), AgencyContribution, "contribution").where(
        AgencyContribution.agency_id == agency.id, contributions.outstanding_sql())
    rows = [contributions.Row(c, contributions.status(c, today()), contributions.days_late(c, today()))
            for c in db.session.scalars(query.options(_named_cases()).order_by(contributions.current_due_sql()))]
    return rows


def due_for_dashboard(limit: int, counting: dict) -> list[contributions.Row]:
    """The contributions overdue or due within 5 working days, soonest first; `counting` gets them all
    (as "contributions_due") for the home page to count."""
    condition = contributions.due_within_sql(today(), contributions.DUE_SOON_WORKING_DAYS)
    query = visible_case_records(select(AgencyContribution), AgencyContribution, "contribution").where(condition)
    counting["contributions_due"] = query
    return [contributions.Row(c, contributions.status(c, today()), contributions.days_late(c, today()))
            for c in db.session.scalars(query.options(_named_cases())
                                        .order_by(contributions.current_due_sql(), AgencyContribution.id).limit(limit))]


class AppointmentView(CaseRecordView):
    """The independent chair, lead reviewer and author of each review, and what they declared."""

    resource = "appointment"
    name = "Reviewers"
    column_list = ["case", "person_name", "role", "organisation", "appointed_date", "contract_end"]
    column_details_list = [*column_list, "accreditation", "conflict_declaration", "note", "created_at",
                           "updated_at", "archived_at", "archive_reason"]
    column_export_list = [*column_list, "accreditation"]
    column_sortable_list = [("case", "case.reference"), "person_name", "role", "appointed_date", "contract_end"]
    column_default_sort = ("appointed_date", True)
    column_searchable_list = ["case.reference", "case.subject_pseudonym", "person_name"]
    column_filters = ["role", "organisation", "appointed_date", "contract_end"]
    column_labels = {"person_name": "Name", "appointed_date": "Appointed", "contract_end": "Contract ends",
                     "conflict_declaration": "Conflicts of interest declared"}
    column_formatters = {"role": label_formatter}
    form_columns = ["case", "person_name", "role", "organisation", "accreditation", "appointed_date", "contract_end",
                    "conflict_declaration", "note"]
    form_choices = {"role": [(r.value, r.label) for r in AppointmentRole]}
    form_args = {
        "accreditation": {"description": "For example: SCIE Learning Together, Home Office DHR chair training."},
        "conflict_declaration": {"description": "Any past or present link with the agencies or the family, and how it "
                                                "is handled; or \"None declared\"."},
    }

    def domain_errors(self, model: Appointment, is_created: bool) -> dict[str, str]:
        return reviewers.appointment_errors(model, today())
