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
from backoffice.views.admin_parts import neutralise_formula
from backoffice.views.fields import UKDateField
from backoffice.views.forms import PlainForm
from backoffice.views.report_files import sab_docx

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
    writer.writerows([[neutralise_formula(str(v) if v is not None else "") for v in row] for row in rows])
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

    @expose("/sab/")
    def sab_view(self):
        """The Safeguarding Adults Board's annual report section: what is missing for it, then the file."""
        if ReviewType.SAR not in self._types():
            abort(404)
        form, period = period_asked(clock.today())
        wanted = request.args.get("format")
        _audited(AuditAction.DOWNLOAD if wanted in ("docx", "csv") else AuditAction.VIEW,
                 {"docx": "SAB annual report section (Word)", "csv": "SAB annual report section (CSV)"}.get(
                     wanted, "SAB annual report section"), period)
        section = reports.sab_section(db.session, period)  # after the audit's commit, which expires records
        if wanted == "docx":
            return Response(sab_docx(section, current_app.config["PARTNERSHIP_NAME"]),
                            mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                            headers={"Content-Disposition": f'attachment; filename="sab-annual-report-{period.label}.docx"',
                                     "Cache-Control": "no-store"})
        if wanted == "csv":
            return _csv(sab_rows(section), SAB_HEADER, f"sab-annual-report-{period.label}.csv")
        return self.render("admin/report_output.html", form=form, period=period, gaps=section.gaps,
                           title="Safeguarding Adults Board annual report section",
                           summary=[("SARs concluded in the year", len(section.concluded)),
                                    ("SARs ongoing at the year's end", len(section.ongoing)),
                                    ("Decisions not to implement", len(section.not_implemented))],
                           downloads=[("Word (.docx)", "docx"), ("CSV", "csv")], endpoint=".sab_view",
                           period_args=_period_args(period))

    @expose("/scrt/")
    def scrt_view(self):
        """NHS England's Safeguarding Case Review Tracker rows, as a CSV its import takes."""
        form, period = period_asked(clock.today())
        wanted = request.args.get("format")
        _audited(AuditAction.DOWNLOAD if wanted == "csv" else AuditAction.VIEW,
                 "S-CRT tracker CSV" if wanted == "csv" else "S-CRT tracker", period)
        rows, gaps = reports.scrt_rows(db.session, self._types(), period, current_app.config["PARTNERSHIP_NAME"])
        if wanted == "csv":
            return _csv(rows, list(reports.SCRT_COLUMNS), f"s-crt-{period.label}.csv")
        return self.render("admin/report_output.html", form=form, period=period, gaps=gaps,
                           title="NHS England case review tracker (S-CRT)", summary=[("Reviews", len(rows))],
                           downloads=[("CSV", "csv")], endpoint=".scrt_view", period_args=_period_args(period))


def _period_args(period: reports.Period) -> dict:
    """The query arguments that ask for `period` again (for links between the pages)."""
    if period.start.month == 4 and period.start.day == 1 and period.end == date(period.start.year + 1, 3, 31):
        return {"year": str(period.start.year)}
    return {"start": period.start.strftime("%d/%m/%Y"), "end": period.end.strftime("%d/%m/%Y")}


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
