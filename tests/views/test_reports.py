"""Reports (/admin/reports/): figures counted from the records for a period and the user's streams,
with known answers from factories; the SAB annual report section as Word and CSV; the S-CRT CSV; the
completeness gate; audit; and a constant number of statements whatever the number of cases."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, timezone

import docx
import pytest
from sqlalchemy import select

from backoffice import clock
from backoffice.domain import reports
from backoffice.models import AuditEvent, Finding, Recommendation, Theme, TransitionLog
from tests import factories
from tests.helpers import shows, text

YEAR = reports.Period.financial_year(2025)  # 1 April 2025 to 31 March 2026


def sar(pseudonym: str, decided: date, completed: date | None = None):
    """A SAR the board commissioned on `decided`, its report completed on `completed`."""
    case = factories.CaseFactory(review_type="SAR", subject_pseudonym=pseudonym, subject_dob=date(1950, 1, 1),
                                 incident_date=decided.replace(day=1), aware_date=decided, referral_date=decided,
                                 report_completed_date=completed)
    factories.commission(case)
    return case


@pytest.fixture
def year_of_sars(session):
    """Known answers for 2025-26: Adult A concluded in the year with two findings, one action done and
    one not implemented; Adult B and Adult D ongoing at the year's end; Adult C concluded the year
    before; a CSPR and an undecided SAR, which the section leaves out."""
    a = sar("Adult A", date(2025, 5, 1), completed=date(2025, 12, 1))
    b = sar("Adult B", date(2025, 6, 2))
    sar("Adult C", date(2024, 5, 1), completed=date(2025, 3, 3))
    d = sar("Adult D", date(2025, 9, 1), completed=date(2026, 5, 1))
    factories.commission(factories.CaseFactory(review_type="CSPR"))
    factories.CaseFactory(review_type="SAR", subject_pseudonym="Adult E")
    first = factories.FindingFactory(case=a, title="Hospital discharge", text="Discharge went ahead without a care plan.")
    factories.FindingFactory(case=a, title="Self-neglect", text="No agency led on the self-neglect.")
    recommendation = factories.RecommendationFactory(finding=first, text="Agree a discharge protocol.")
    factories.ActionFactory(recommendation=recommendation, description="Write the protocol", status="completed",
                            completed_date=date(2026, 1, 10), evidence_outcome="Protocol in use on all wards.")
    factories.ActionFactory(recommendation=recommendation, description="Fund a discharge nurse", status="not_implemented",
                            not_implemented_reason="No funding this year; the ICB will review it in 2027.")
    return {"a": a, "b": b, "d": d}


class TestTheSabAnnualReportSection:
    def test_every_figure_matches_the_hand_count(self, session, year_of_sars):
        section = reports.sab_section(session, YEAR)

        assert [e.case.subject_pseudonym for e in section.concluded] == ["Adult A"]
        assert [f.title for f in section.concluded[0].findings] == ["Hospital discharge", "Self-neglect"]
        assert sorted(e.case.subject_pseudonym for e in section.ongoing) == ["Adult B", "Adult D"]
        assert [a.description for _, _, a in section.not_implemented] == ["Fund a discharge nurse"]
        assert section.gaps == []

    def test_a_board_member_downloads_it_as_word_with_the_figures_in_it(self, login_as, session, year_of_sars):
        board = login_as("board", streams=["adults"])
        gate = board.get("/admin/reports/sab/?year=2025")
        assert shows(gate, "Nothing: every figure it needs is recorded.")

        download = board.get("/admin/reports/sab/?year=2025&format=docx")

        assert download.status_code == 200 and "sab-annual-report-2025-26.docx" in download.headers["Content-Disposition"]
        document = zipfile.ZipFile(io.BytesIO(download.data)).read("word/document.xml").decode()
        for words in ("Reviews concluded in the year (1)", "Discharge went ahead without a care plan.",
                      "Reviews ongoing at the year&apos;s end (2)", "Protocol in use on all wards.",
                      "Decisions not to implement a finding (1)", "No funding this year; the ICB will review it in 2027."):
            assert words.replace("&apos;", "'") in document.replace("&apos;", "'"), words
        assert "Adult C" not in document and "Adult E" not in document
        styles = {p.style.name for p in docx.Document(io.BytesIO(download.data)).paragraphs
                  if p.text.startswith("Reviews concluded") or "Discharge went ahead" in p.text}
        assert styles == {"Heading 2", "List Bullet"}, "headings and findings keep Word's own styles"

    def test_the_csv_has_a_row_for_each_finding_ongoing_review_action_and_decision_not_to_implement(
            self, login_as, session, year_of_sars):
        download = login_as("board", streams=["adults"]).get("/admin/reports/sab/?year=2025&format=csv")

        rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
        parts = [r["Part"] for r in rows]
        assert parts.count("Concluded in the year") == 2 and parts.count("Ongoing at the year's end") == 2
        assert parts.count("Implementing the findings") == 2 and parts.count("Decision not to implement") == 1

    def test_what_is_missing_is_listed_before_the_download_and_never_made_up(self, login_as, session):
        sar("Adult F", date(2025, 5, 1), completed=date(2025, 11, 3))

        gate = login_as("board", streams=["adults"]).get("/admin/reports/sab/?year=2025")

        reference = session.scalars(select(Finding)).first()
        assert reference is None and "concluded with no findings recorded" in text(gate)

    def test_a_children_only_board_member_has_no_sab_section(self, login_as, session):
        assert login_as("board", streams=["children"]).get("/admin/reports/sab/?year=2025").status_code == 404


class TestTheTrackerCsv:
    def test_the_columns_are_the_documented_ones_and_a_converted_rapid_review_says_so(self, app, login_as, session):
        rapid = factories.CaseFactory(review_type="CSPR", external_reference="STEIS-1", referral_date=date(2025, 6, 2),
                                      incident_date=date(2025, 6, 1), aware_date=date(2025, 6, 1))
        local = factories.CaseFactory(review_type="CSPR", parent=rapid, referral_date=date(2025, 7, 1),
                                      incident_date=date(2025, 6, 1), aware_date=date(2025, 6, 1))
        rapid.themes.append(session.scalars(select(Theme).where(Theme.name == "Mental health")).one())
        session.commit()

        download = login_as("board").get("/admin/reports/scrt/?year=2025&format=csv")

        table = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
        assert tuple(table[0]) == reports.SCRT_COLUMNS
        by_reference = {row[0]: dict(zip(table[0], row)) for row in table[1:]}
        assert by_reference[rapid.reference]["Review type"] == "Converted"
        assert by_reference[rapid.reference]["StEIS reference"] == "STEIS-1"
        assert by_reference[rapid.reference]["Vulnerability theme 1"] == "Mental health"
        assert by_reference[local.reference]["Review type"] == "Local child safeguarding practice review"
        assert by_reference[rapid.reference]["Partnership board"] == app.config["PARTNERSHIP_NAME"]


class TestTheReportsPage:
    def test_every_section_is_shown_with_its_charts_data_tables(self, login_as, session, year_of_sars):
        page = login_as("board").get("/admin/reports/?year=2025")

        assert page.status_code == 200
        for heading in ("Timeliness", "Activity", "Agencies", "Learning", "Data completeness", "Family involvement"):
            assert f">{heading}</h2>" in text(page)
        figures = text(page).count("<figure")
        assert figures >= 5 and text(page).count('-table"') == figures  # each chart has its data table
        assert "<svg" in text(page)

    def test_activity_counts_match_the_hand_count(self, session, year_of_sars):
        session.add(TransitionLog(case=year_of_sars["a"], transition="close", from_state="ACTION_PLAN_MONITORING",
                                  to_state="CLOSED", at=datetime(2026, 2, 2, 12, tzinfo=timezone.utc)))
        session.commit()
        found = reports.activity(session, ["SAR"], YEAR)
        assert found.closed["SAR"] == 1
        # Adults A, B and D were referred and commissioned in 2025-26 (C in 2024-25, E never); A's report
        # was completed in the year, so B and D were in progress at its end.
        assert found.commissioned["SAR"] == 3 and found.in_progress["SAR"] == 2
        assert found.received["SAR"] == 3 + 1  # and Adult E's referral (the factory's date is in 2025)

    def test_timeliness_counts_each_serious_incident_notification_on_time_or_late(self, session):
        on_time = factories.CaseFactory(review_type="CSPR", incident_date=date(2025, 6, 1), aware_date=date(2025, 6, 2),
                                        referral_date=date(2025, 6, 2))
        late = factories.CaseFactory(review_type="CSPR", incident_date=date(2025, 6, 1), aware_date=date(2025, 6, 2),
                                     referral_date=date(2025, 6, 2))
        factories.sent(on_time, "national_panel", "serious_incident", date(2025, 6, 4))
        factories.sent(late, "national_panel", "serious_incident", date(2025, 6, 20))
        session.commit()

        found = reports.timeliness(session, ["CSPR"], YEAR, date(2026, 12, 1))

        ratio = next(r for m, _, r in found.ratios if m == "SIN_TO_PANEL")
        assert (ratio.met, ratio.of, ratio.percent) == (1, 2, 50)
        assert [reference for _, reference, _, _ in found.late["SIN_TO_PANEL"]] == [late.reference]

    def test_a_case_without_scope_themes_or_source_is_listed_with_what_it_lacks(self, session):
        case = factories.CaseFactory(review_type="SAR", referrer_name=None, referral_date=date(2025, 6, 2),
                                     incident_date=date(2025, 6, 1), aware_date=date(2025, 6, 2))
        found = reports.completeness(session, ["SAR"], YEAR)
        listed = {reference: missing for _, reference, _, missing in found.cases}
        assert listed[case.reference] == ["Referral source", "Scope period", "Themes"]
        assert found.by_field["Scope period"] == found.count == 1

    def test_reports_stay_within_the_users_streams(self, login_as, session, year_of_sars):
        page = login_as("board", streams=["children"]).get("/admin/reports/?year=2025")
        assert "Adult A" not in text(page) and year_of_sars["a"].reference not in text(page)

    def test_admins_and_the_panel_see_no_reports(self, login_as, session):
        assert login_as("admin").get("/admin/reports/").status_code == 403
        assert login_as("panel").get("/admin/reports/").status_code == 403

    def test_viewing_and_downloading_are_audited(self, login_as, session, year_of_sars):
        board = login_as("board", streams=["adults"])
        board.get("/admin/reports/?year=2025")
        board.get("/admin/reports/sab/?year=2025&format=csv")
        reasons = [e.reason for e in session.scalars(select(AuditEvent).where(AuditEvent.reason.like("Report:%")))]
        assert "Report: all sections, 2025-26" in reasons and "Report: SAB annual report section (CSV), 2025-26" in reasons

    def test_a_period_that_cannot_be_is_refused_with_a_message(self, login_as, session):
        page = login_as("board").get("/admin/reports/?start=01/04/2026&end=01/01/2026")
        assert shows(page, "The period ends before it starts, so this financial year is shown.")

    def test_the_statements_a_report_issues_do_not_grow_with_the_cases(self, login_as, session, count_queries):
        board = login_as("board")

        def statements() -> int:
            with count_queries() as counted:
                assert board.get("/admin/reports/?year=2025").status_code == 200
            return counted.count

        def reviews(numbers) -> None:
            for n in numbers:  # each with a finding, a recommendation and an action
                case = sar(f"Adult {n}", date(2025, 5, 1 + n), completed=date(2025, 12, 1) if n % 2 else None)
                factories.ActionFactory(recommendation=factories.RecommendationFactory(
                    finding=factories.FindingFactory(case=case)), due_date=date(2025, 12, 1))

        reviews(range(2))
        few = statements()
        reviews(range(2, 10))
        assert statements() == few
        assert session.scalars(select(Recommendation)).all()


class TestTheOtherOutputs:
    def test_the_cspr_yearly_section_gives_each_review_what_was_done_and_its_impact(self, login_as, session):
        case = factories.CaseFactory(review_type="CSPR", subject_pseudonym="Child Q", referral_date=date(2025, 6, 2),
                                     incident_date=date(2025, 6, 1), aware_date=date(2025, 6, 2))
        factories.ActionFactory(recommendation=factories.RecommendationFactory(finding=factories.FindingFactory(case=case)),
                                description="Train health visitors", status="completed", completed_date=date(2026, 1, 5),
                                evidence_outcome="All trained.", impact_outcome="Referrals doubled.")
        board = login_as("board", streams=["children"])

        download = board.get("/admin/reports/yearly/?type=CSPR&year=2025&format=csv")

        rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
        assert [(r["Reference"], r["Action"], r["Impact"]) for r in rows] == [
            (case.reference, "Train health visitors", "Referrals doubled.")]
        document = board.get("/admin/reports/yearly/?type=CSPR&year=2025&format=docx")
        words = zipfile.ZipFile(io.BytesIO(document.data)).read("word/document.xml").decode()
        assert "Train health visitors" in words and "Impact: Referrals doubled." in words

    def test_a_completed_action_without_evidence_of_impact_is_listed_as_missing(self, login_as, session):
        case = factories.CaseFactory(review_type="CSPR", referral_date=date(2025, 6, 2),
                                     incident_date=date(2025, 6, 1), aware_date=date(2025, 6, 2))
        factories.ActionFactory(recommendation=factories.RecommendationFactory(finding=factories.FindingFactory(case=case)),
                                status="completed", completed_date=date(2026, 1, 5))
        gate = login_as("board", streams=["children"]).get("/admin/reports/yearly/?type=CSPR&year=2025")
        assert "completed with no evidence of change or impact recorded" in text(gate)

    def test_the_sar_library_coversheet_lists_sars_published_in_the_year(self, login_as, session):
        case = factories.published_case(review_type="SAR")
        period = reports.financial_year_of(case.publication_date)
        download = login_as("board", streams=["adults"]).get(f"/admin/reports/library/?type=SAR&year={period}&format=csv")
        table = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
        assert tuple(table[0]) == reports.SAR_LIBRARY_COLUMNS and table[1][0] == case.reference

    def test_an_output_of_a_type_outside_the_users_streams_is_not_there(self, login_as, session):
        assert login_as("board", streams=["adults"]).get("/admin/reports/yearly/?type=CSPR").status_code == 404
        assert login_as("board", streams=["adults"]).get("/admin/reports/library/?type=XYZ").status_code == 404


def test_recommendations_are_counted_by_level_and_addressee(session):
    police = factories.AgencyFactory(name="West Marches Police")
    factories.RecommendationFactory(addressee_agency=police)
    factories.RecommendationFactory(addressee_agency=police)
    factories.RecommendationFactory(level="national", addressee_agency=None, national_body="dfe")
    this_year = reports.Period.financial_year(reports.financial_year_of(clock.today()))

    found = reports.learning_report(session, ["SAR"], this_year, clock.today())

    assert found.recommendations == [("Multi agency", "West Marches Police", 2), ("National", "Department for Education", 1)]


def test_every_case_lacking_something_is_in_the_completeness_csv(login_as, session):
    cases = [factories.CaseFactory(review_type="SAR", referral_date=date(2025, 6, 2), incident_date=date(2025, 6, 1),
                                   aware_date=date(2025, 6, 2)) for _ in range(reports.SHOWN + 3)]
    board = login_as("board", streams=["adults"])

    gate = board.get("/admin/reports/completeness/?year=2025")
    download = board.get("/admin/reports/completeness/?year=2025&format=csv")

    assert shows(gate, "Cases lacking something")
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert sorted(r["Reference"] for r in rows) == sorted(c.reference for c in cases)
    assert {r["Missing"] for r in rows} == {"Scope period; Themes"}
