"""Reports (/admin/reports/): the figures of domain/reports.py for a period, each with its chart and
the chart's data table, and the statutory and national outputs to download (the SAB annual report
section as Word or CSV, the S-CRT CSV), each behind a page listing what is missing for it.

For the board, business support and the auditor, within their streams; every report viewed and every
file downloaded is audited.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from wtforms import SelectField
from wtforms.validators import Optional

from backoffice import clock
from backoffice.domain import reports
from backoffice.domain.audit import record_now, stream_key
from backoffice.extensions import db
from backoffice.models import AuditAction
from backoffice.policy import ROUTES, may, roles_allowed, user_roles, user_streams
from backoffice.vocabulary import ReviewType, types_in_streams
from backoffice.views.admin_parts import neutralised_cells
from backoffice.views.fields import UKDateField
from backoffice.views.forms import PlainForm
from backoffice.views.report_files import sab_docx, yearly_docx

SECTIONS = (("timeliness", "Timeliness"), ("activity", "Activity"), ("agencies", "Agencies"),
            ("learning", "Learning"), ("completeness", "Data completeness"), ("family", "Family involvement"))


class PeriodForm(PlainForm):
    """A financial year, or any dates."""

    class Meta:
        csrf = False  # a GET that changes nothing

    year = SelectField("Financial year", validators=[Optional()], coerce=str)
    start = UKDateField("Or from", validators=[Optional()])
    end = UKDateField("to", validators=[Optional()])


def period_asked(today: date) -> tuple[PeriodForm, reports.Period]:
    """The period the request asks for (dates win over a year); this financial year if it asks none,
    or asks one that cannot be (with a message)."""
    this_year = reports.financial_year_of(today)
    form = PeriodForm(request.args)
    form.year.choices = [(str(y), reports.Period.financial_year(y).label) for y in range(this_year, this_year - 8, -1)]
    if not form.validate():
        flash("That period could not be used, so this financial year is shown.", "error")
        return form, reports.Period.financial_year(this_year)
    if form.start.data and form.end.data:
        if form.end.data < form.start.data:
            flash("The period ends before it starts, so this financial year is shown.", "error")
            return form, reports.Period.financial_year(this_year)
        return form, reports.Period.between(form.start.data, form.end.data)
    year = int(form.year.data) if form.year.data else this_year
    form.year.data = str(year)
    return form, reports.Period.financial_year(year)


def _audited(action: AuditAction, what: str, period: reports.Period) -> None:
    record_now(action, object_type="case", reason=f"Report: {what}, {period.label}", streams=stream_key(user_streams()))


def _csv(rows: list[list], header: list[str], filename: str) -> Response:
    """A CSV a spreadsheet opens as it is (UTF-8 with a byte-order mark), no cell read as a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(map(neutralised_cells, rows))
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


class ReportsView(BaseView):
    """The reports pages; each endpoint's roles come from policy.ROUTES (("report", action))."""

    def is_accessible(self) -> bool:
        return may("report", "read")

    def is_visible(self) -> bool:
        return may("report", "read")

    def _handle_view(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("security.login", next=request.full_path))
        resource, action = ROUTES[f"{self.endpoint}.{name}"]
        if not roles_allowed(resource, action) & user_roles():
            abort(403)
        return None

    def _types(self) -> list[ReviewType]:
        return types_in_streams(user_streams())

    @expose("/")
    def index(self):
        """Every report for the period, with charts and their tables."""
        today = clock.today()
        form, period = period_asked(today)
        types = self._types()
        session = db.session
        _audited(AuditAction.VIEW, "all sections", period)  # first: its commit would expire what is loaded
        figures = {
            "timeliness": reports.timeliness(session, types, period, today),
            "activity": reports.activity(session, types, period),
            "agencies": reports.agencies(session, types, period),
            "learning": reports.learning_report(session, types, period, today),
            "completeness": reports.completeness(session, types, period),
            "family": reports.family(session, types, period),
        }
        return self.render("admin/reports.html", form=form, period=period, types=types, sections=SECTIONS,
                           figures=figures, milestones={m: label for m, _, label in reports.TIMELINESS},
                           sab=ReviewType.SAR in types, period_args=_period_args(period))

    def _output(self, title: str, build, files: dict, summary, gaps=None) -> Response | str:
        """An output's page: what is missing for it, then its files (`files`: format -> (label, make)).
        The request is audited before anything is loaded (the audit's commit would expire it)."""
        form, period = period_asked(clock.today())
        wanted = request.args.get("format")
        wanted = wanted if wanted in files else None
        _audited(AuditAction.DOWNLOAD if wanted else AuditAction.VIEW,
                 f"{title} ({files[wanted][0]})" if wanted else title, period)
        built = build(period)
        if wanted:
            return files[wanted][1](built, period)
        missing = gaps(built) if gaps else (built.gaps if hasattr(built, "gaps") else built[1])
        again = {**_period_args(period), **({"type": request.args["type"]} if "type" in request.args else {})}
        return self.render("admin/report_output.html", form=form, period=period, gaps=missing, title=title,
                           summary=summary(built), downloads=[(label, fmt) for fmt, (label, _) in files.items()],
                           endpoint=request.endpoint, period_args=again)

    def _type_asked(self, allowed: tuple[ReviewType, ...]) -> ReviewType:
        """The review type the output is for (?type=), if it is one of `allowed` and of the user's streams."""
        wanted = next((t for t in allowed if t.value == request.args.get("type", allowed[0].value)), None)
        if wanted is None or wanted not in self._types():
            abort(404)
        return wanted

    @expose("/sab/")
    def sab_view(self):
        """The Safeguarding Adults Board's annual report section: what is missing for it, then the file."""
        if ReviewType.SAR not in self._types():
            abort(404)
        partnership = current_app.config["PARTNERSHIP_NAME"]
        return self._output(
            "SAB annual report section", lambda period: reports.sab_section(db.session, period),
            {"docx": ("Word (.docx)", lambda section, period: _docx(sab_docx(section, partnership),
                                                                    f"sab-annual-report-{period.label}.docx")),
             "csv": ("CSV", lambda section, period: _csv(sab_rows(section), SAB_HEADER,
                                                        f"sab-annual-report-{period.label}.csv"))},
            lambda section: [("SARs concluded in the year", len(section.concluded)),
                             ("SARs ongoing at the year's end", len(section.ongoing)),
                             ("Decisions not to implement", len(section.not_implemented))])

    @expose("/yearly/")
    def yearly_view(self):
        """The safeguarding partners' yearly report section on CSPRs, or the community safety
        partnership's summary of DHRs and DARDRs: the reviews, what was done, the evidence of impact."""
        review_type = self._type_asked((ReviewType.CSPR, ReviewType.DHR))
        partnership, name = current_app.config["PARTNERSHIP_NAME"], YEARLY_TITLES[review_type]
        slug = f"{review_type.value.lower()}-yearly-{{}}"
        return self._output(
            name, lambda period: reports.reviews_of_the_year(db.session, review_type, period),
            {"docx": ("Word (.docx)", lambda section, period: _docx(yearly_docx(section, name, partnership),
                                                                    slug.format(period.label) + ".docx")),
             "csv": ("CSV", lambda section, period: _csv(yearly_rows(section), YEARLY_HEADER,
                                                        slug.format(period.label) + ".csv"))},
            lambda section: [("Reviews", len(section.entries)),
                             ("Actions", sum(len(e.actions) for e in section.entries))])

    @expose("/library/")
    def library_view(self):
        """The National SAR Library coversheet data, or the Home Office DHR library submission data, of
        the reviews published in the period."""
        review_type = self._type_asked((ReviewType.SAR, ReviewType.DHR))
        title = "National SAR Library coversheet" if review_type is ReviewType.SAR else "Home Office DHR library data"
        columns = reports.SAR_LIBRARY_COLUMNS if review_type is ReviewType.SAR else reports.HOME_OFFICE_COLUMNS
        return self._output(
            title, lambda period: reports.library_rows(db.session, review_type, period, current_app.config.get("DARDR_FROM")),
            {"csv": ("CSV", lambda built, period: _csv(built[0], list(columns),
                                                      f"{review_type.value.lower()}-library-{period.label}.csv"))},
            lambda built: [("Reviews published in the period", len(built[0]))])

    @expose("/completeness/")
    def completeness_view(self):
        """Every case lacking what the national analyses and returns need, and what it lacks, as CSV."""
        return self._output(
            "Data completeness",
            lambda period: reports.completeness(  # every case for the file; the page shows only the counts
                db.session, self._types(), period, shown=None if request.args.get("format") == "csv" else 0),
            {"csv": ("CSV", lambda found, period: _csv(
                [[reference, pseudonym, "; ".join(missing)] for _, reference, pseudonym, missing in found.cases],
                ["Reference", "Review", "Missing"], f"completeness-{period.label}.csv"))},
            lambda found: [("Cases lacking something", found.count),
                           *((f"Lacking: {name.lower()}", n) for name, n in found.by_field.items())],
            gaps=lambda found: [])

    @expose("/scrt/")
    def scrt_view(self):
        """NHS England's Safeguarding Case Review Tracker rows, as a CSV its import takes."""
        return self._output(
            "S-CRT tracker",
            lambda period: reports.scrt_rows(db.session, self._types(), period, current_app.config["PARTNERSHIP_NAME"]),
            {"csv": ("CSV", lambda built, period: _csv(built[0], list(reports.SCRT_COLUMNS), f"s-crt-{period.label}.csv"))},
            lambda built: [("Reviews", len(built[0]))])


YEARLY_TITLES = {ReviewType.CSPR: "Safeguarding partners' yearly report: child safeguarding practice reviews",
                 ReviewType.DHR: "Community safety partnership: summary of DHRs and DARDRs"}


def _docx(content: bytes, filename: str) -> Response:
    return Response(content, mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


def _period_args(period: reports.Period) -> dict:
    """The query arguments that ask for `period` again (for links between the pages)."""
    if period.start.month == 4 and period.start.day == 1 and period.end == date(period.start.year + 1, 3, 31):
        return {"year": str(period.start.year)}
    return {"start": period.start.strftime("%d/%m/%Y"), "end": period.end.strftime("%d/%m/%Y")}


YEARLY_HEADER = ["Reference", "Review", "Stage", "Referred", "Decision", "Report completed", "Published",
                 "Recommendation", "Action", "Owner", "Status", "Evidence of change", "Impact"]


def yearly_rows(section: reports.YearlyReviews) -> list[list]:
    """A row per action of each review (a review with none has one row of its own)."""
    rows = []
    for e in section.entries:
        c = e.case
        facts = [c.reference, c.subject_pseudonym, c.state_label, c.referral_date, c.decision_date,
                 c.report_completed_date, c.publication_date]
        for r, a in e.actions or [(None, None)]:
            rows.append([*facts, r.text if r else "", a.description if a else "No action recorded",
                         a.owner_agency.name if a else "", a.status.label if a else "",
                         (a.evidence_outcome or "") if a else "", (a.impact_outcome or "") if a else ""])
    return rows


SAB_HEADER = ["Part", "Reference", "Review", "Concluded", "Finding or recommendation", "Action", "Status", "Detail"]


def sab_rows(section: reports.SabSection) -> list[list]:
    """The section as rows: each concluded SAR's findings, each ongoing SAR, each action taken on a
    SAR's findings, and each decision not to implement with its reason."""
    rows = []
    for entry in section.concluded:
        c = entry.case
        for finding in entry.findings or [None]:
            rows.append(["Concluded in the year", c.reference, c.subject_pseudonym, c.report_completed_date,
                         finding.title if finding else "No findings recorded", "", "", finding.text if finding else ""])
    for entry in section.ongoing:
        rows.append(["Ongoing at the year's end", entry.case.reference, entry.case.subject_pseudonym, "", "", "",
                     entry.case.state_label, ""])
    for entry in [*section.concluded, *section.ongoing]:
        for recommendation, action in entry.actions:
            rows.append(["Implementing the findings", entry.case.reference, entry.case.subject_pseudonym, "",
                         recommendation.text, action.description, action.status.label,
                         action.evidence_outcome or ""])
    for c, recommendation, action in section.not_implemented:
        rows.append(["Decision not to implement", c.reference, c.subject_pseudonym, "", recommendation.text,
                     action.description, action.status.label, action.not_implemented_reason or "No reason recorded"])
    return rows
