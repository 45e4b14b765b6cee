"""What the law expects to be notified, recorded (issue 13): the serious incident notification's facts
about the child and the local authorities, the death of a looked-after child, the report to the
safeguarding partners, the DARDR copies after the report is completed, and the reasons sent to the
Home Office when no DHR is held. Each appears on the forms, and where it carries a deadline, on the
dashboard of the role who must act.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from backoffice.domain.calendar import add_working_days
from backoffice.models import Case, DecisionOutcome, Notification
from backoffice.models.decision import ApprovalStatus
from backoffice.refusals import Refused
from tests import factories
from tests.helpers import case_form, count, reload, shows, text, today
from tests.html_pages import form_fields, table
from tests.views.test_clock_views import deadline_of, details



def aware_date() -> date:
    """3 days ago, asked afresh (a run may cross midnight)."""
    return today() - timedelta(days=3)


LAC_SOS = "Death of a looked-after child: Secretary of State told"
LAC_OFSTED = "Death of a looked-after child: Ofsted told"


def child(**fields) -> Case:
    return factories.CaseFactory(incident_date=aware_date() - timedelta(days=1), aware_date=aware_date(), referral_date=aware_date(),
                                 subject_pseudonym="Child L", **fields)


def expected(session, case: Case) -> set[tuple[str, str]]:
    session.expire_all()
    return {(str(n.recipient), str(n.purpose)) for n in session.get(Case, case.id).notifications if n.archived_at is None}


# --- the serious incident notification --------------------------------------------------------


def test_business_support_records_the_childs_status_and_both_local_authorities(session, login_as):
    signed_in = login_as("business_support")
    form = case_form(review_type="CSPR", child_care_status="looked_after", child_protection_status="child_in_need",
                     incident_nature="death", abuse_known="suspected", la_of_residence="Northshire",
                     la_of_incident="Westmarch", child_sex="Male", child_ethnicity="White British",
                     other_children="Two younger siblings", media_interest="y")

    response = signed_in.post("/admin/case/new/", form)

    assert response.status_code == 302, text(response)[:3000]
    case = session.scalars(select(Case).where(Case.la_of_incident == "Westmarch")).one()
    assert (str(case.child_care_status), str(case.incident_nature), case.la_of_residence, case.media_interest) == (
        "looked_after", "death", "Northshire", True)
    page = text(details(signed_in, case))
    assert all(shown in page for shown in ("Looked after", "Local authority where the incident happened", "Westmarch"))


def test_the_childs_ethnicity_and_sex_are_restricted_like_the_legal_name(session, login_as):
    case = child(child_ethnicity="Mixed White and Black Caribbean", child_sex="Female")

    assert "Mixed White and Black Caribbean" in text(details(login_as("business_support"), case))
    assert "Mixed White and Black Caribbean" not in text(details(login_as("panel"), case))


def test_a_childs_serious_incident_facts_are_not_asked_of_an_adults_review(session, login_as):
    sar = factories.CaseFactory(review_type="SAR", subject_dob=date(1950, 1, 1))
    signed_in = login_as("business_support")

    edit = form_fields(signed_in.get(f"/admin/case/edit/?id={sar.id}"))
    created = signed_in.post("/admin/case/new/", case_form(review_type="SAR", subject_dob="1950-01-01",
                                                          child_care_status="looked_after"))

    assert "child_care_status" not in edit and "la_of_incident" not in edit
    assert created.status_code == 200
    assert shows(created, "This is recorded for children&#39;s reviews (CSPR) only") or shows(
        created, "This is recorded for children's reviews (CSPR) only")
    assert count(session, Case) == 1


def test_the_sin_step_records_when_the_safeguarding_partners_were_told_and_meets_the_deadline(session, login_as):
    case = child()
    assert deadline_of(session, case, "SIN_TO_PARTNERS").due_date == add_working_days(aware_date(), 5)
    signed_in = login_as("business_support")

    response = signed_in.post(f"/admin/case/transition/?id={case.id}&step=submit_sin", {
        "notification_sent_date": today().isoformat(), "notification_reference": "CINS-1",
        "partners_told_date": (aware_date() + timedelta(days=1)).isoformat(), "note": ""})

    assert response.status_code == 302, text(response)[:3000]
    assert deadline_of(session, case, "SIN_TO_PARTNERS").met_date == aware_date() + timedelta(days=1)


def test_the_partners_are_not_told_before_the_partnership_knew(session, login_as):
    response = login_as("business_support").post("/admin/case/new/", case_form(
        review_type="CSPR", aware_date="2025-11-04", partners_told_date="2025-11-01"))

    assert shows(response, "The safeguarding partners cannot have been told before the partnership was aware.")
    assert count(session, Case) == 0


# --- the death of a looked-after child --------------------------------------------------------


def test_a_looked_after_childs_death_is_due_to_the_secretary_of_state_and_ofsted(session, login_as):
    case = child(child_care_status="looked_after", incident_nature="death")

    due = add_working_days(aware_date(), 5)
    assert deadline_of(session, case, "LAC_DEATH_TO_SOS").due_date == due
    assert deadline_of(session, case, "LAC_DEATH_TO_OFSTED").due_date == due
    assert {("secretary_of_state", "looked_after_death"), ("ofsted", "looked_after_death")} <= expected(session, case)
    home = text(login_as("business_support").get("/admin/"))
    assert LAC_SOS in home and LAC_OFSTED in home


def test_it_is_due_even_when_the_incident_is_not_notifiable(session):
    """Whether or not abuse or neglect is known or suspected: a local referral keeps the duty."""
    case = child(child_care_status="looked_after", incident_nature="death", abuse_known="neither",
                 state="NOT_NOTIFIABLE_LOCAL_REFERRAL")

    assert deadline_of(session, case, "LAC_DEATH_TO_SOS") is not None


@pytest.mark.parametrize(("status", "nature"), [("care_leaver", "death"), ("not_looked_after", "death"),
                                                ("looked_after", "serious_harm"), (None, None)])
def test_no_such_duty_for_other_children_or_serious_harm(session, status, nature):
    case = child(child_care_status=status, incident_nature=nature)

    assert deadline_of(session, case, "LAC_DEATH_TO_SOS") is None
    assert ("secretary_of_state", "looked_after_death") not in expected(session, case)


def test_recording_it_no_longer_looked_after_withdraws_the_expected_notices(session):
    case = child(child_care_status="looked_after", incident_nature="death")
    fresh = session.get(Case, case.id)
    fresh.child_care_status = "not_looked_after"
    session.commit()

    assert deadline_of(session, case, "LAC_DEATH_TO_OFSTED") is None
    assert ("ofsted", "looked_after_death") not in expected(session, case)


# --- DARDR copies after the report is completed -----------------------------------------------


@pytest.fixture
def dardrs_in_force(app):
    app.config["DARDR_FROM"] = "2025-01-01"
    yield
    app.config["DARDR_FROM"] = None


def dhr(**fields) -> Case:
    case = factories.CaseFactory(review_type="DHR", subject_dob=date(1980, 1, 1), subject_pseudonym="Person D",
                                 incident_date=date(2025, 3, 1), aware_date=date(2025, 3, 2),
                                 referral_date=date(2025, 3, 3), decision_date=date(2025, 3, 20), **fields)
    factories.commission(case)
    return case


def test_a_dardr_report_is_due_to_both_bodies_after_it_is_completed(app, session, login_as, dardrs_in_force):
    completed = today() - timedelta(days=30)
    case = dhr()
    assert deadline_of(session, case, "DARDR_COPY_TO_SOS") is None  # not completed yet
    with app.app_context():  # the app's settings in reach of the test's own write, as in a command
        session.get(Case, case.id).report_completed_date = completed
        session.commit()

    for milestone in ("DARDR_COPY_TO_SOS", "DARDR_COPY_TO_COMMISSIONER"):
        assert deadline_of(session, case, milestone).due_date == completed + timedelta(days=28)
    assert {("secretary_of_state", "dardr_report"), ("domestic_abuse_commissioner", "dardr_report")} <= expected(
        session, case)
    home = login_as("business_support").get("/admin/")
    assert shows(home, "DARDR report copied to the Domestic Abuse Commissioner")


def test_before_commencement_a_dhr_owes_no_dardr_copies(app, session):
    app.config["DARDR_FROM"] = "2025-06-01"  # after this DHR's referral
    try:
        with app.app_context():
            case = dhr(report_completed_date=today() - timedelta(days=30))
    finally:
        app.config["DARDR_FROM"] = None

    assert deadline_of(session, case, "DARDR_COPY_TO_SOS") is None


# --- a DHR with no review held: the reasons sent to the Home Office ---------------------------


def dhr_decided_not_to_review() -> Case:
    case = factories.CaseFactory(review_type="DHR", subject_dob=date(1980, 1, 1), state="DECISION_MADE",
                                 incident_date=date(2025, 3, 1), aware_date=date(2025, 3, 2),
                                 referral_date=date(2025, 3, 3))
    factories.DecisionFactory(case=case, outcome=DecisionOutcome.CRITERIA_NOT_MET_LEARNING_RETAINED,
                              rationale="The death was not a result of domestic abuse (coroner's finding).",
                              approval_status=ApprovalStatus.APPROVED, meeting_date=date(2025, 3, 20))
    return case


def test_telling_the_home_office_links_the_decision_whose_reasons_were_sent(session, login_as):
    case = dhr_decided_not_to_review()
    signed_in = login_as("business_support")

    response = signed_in.post(f"/admin/case/transition/?id={case.id}&step=notify_home_office", {
        "notification_sent_date": "2025-03-25", "notification_reference": "HO-77", "note": ""})

    assert response.status_code == 302, text(response)[:3000]
    told = session.scalars(select(Notification).where(Notification.case_id == case.id,
                                                      Notification.recipient == "home_office")).one()
    assert told.decision.rationale.startswith("The death was not a result of domestic abuse")
    rows = table(details(signed_in, case), "notifications")
    assert any("Reasons sent: The death was not a result of domestic abuse" in row[0] for row in rows)
    shown = text(signed_in.get(f"/admin/notification/details/?id={told.id}"))
    assert "Criteria not met: learning retained" in shown


def test_the_home_office_cannot_be_told_a_decision_the_board_has_not_approved(session):
    case = factories.CaseFactory(review_type="DHR", subject_dob=date(1980, 1, 1), incident_date=date(2025, 3, 1),
                                 aware_date=date(2025, 3, 2), referral_date=date(2025, 3, 3))
    told = next(n for n in session.get(Case, case.id).notifications if str(n.recipient) == "home_office")
    told.sent_date = date(2025, 3, 25)

    with pytest.raises(Refused, match="once the board has approved it"):
        session.commit()
    session.rollback()
    assert reload(session, told).sent_date is None
