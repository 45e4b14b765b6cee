"""The issue's "Done when", end to end: separate signed-in users (business support, the panel, the
board) drive a CSPR, a SAR and a DHR through real HTTP requests with CSRF on, and the statutory
clock follows: deadlines appear with the right dates, are met as the steps record what they need,
and overdue milestones reach the dashboards of the roles that must act on them.

Expected dates are worked out with backoffice.domain.calendar from the dates posted, and one real
pair is written out: aware Friday 2 May 2025 gives the SIN due Monday 12 May 2025 (5 May is a bank
holiday).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select


from backoffice.domain.calendar import add_months, add_working_days
from backoffice.models import AgencyContribution, ApprovalStatus, CaseAgency, Case, Deadline, Notification, PanelDecision
from tests import factories
from tests.helpers import shows, text, today
from tests.html_pages import table, work


# The CSPR: incident Thu 1 May 2025, the partnership aware Fri 2 May 2025.
CSPR_AWARE = date(2025, 5, 2)
SIN_SENT = date(2025, 5, 9)
RR_SENT = date(2025, 5, 30)
# The SAR: referred Mon 2 June 2025, acknowledged two days later, decided at the panel on 1 July.
SAR_REFERRED = date(2025, 6, 2)
SAR_ACKNOWLEDGED = date(2025, 6, 4)
SAR_MEETING = date(2025, 7, 1)
CHRONOLOGY_IN = date(2025, 6, 20)
SAR_REFERRER_TOLD = date(2025, 7, 3)
# The DHR: the police notified the partnership 40 days ago; nobody has decided anything since.


def dhr_aware_date() -> date:
    """40 days ago, asked afresh (a run may cross midnight)."""
    return today() - timedelta(days=40)



MANDATORY_CRITERIA = {
    "criteria-0-criterion": "SAR_CARE_SUPPORT_NEEDS", "criteria-0-value": "met",
    "criteria-0-evidence": "Assessed under s9 in 2024; receiving a package of care.",
    "criteria-1-criterion": "SAR_INTERAGENCY_CONCERN", "criteria-1-value": "met",
    "criteria-1-evidence": "Three agencies held concerns and did not share them.",
    "criteria-2-criterion": "SAR_COND1_DIED", "criteria-2-value": "met",
    "criteria-2-evidence": "Died in hospital; neglect suspected by the coroner's officer.",
}


def new_case(review_type: str, pseudonym: str, incident: date, aware: date, referral: date, dob: str = "") -> dict:
    """The new-case form as business support fills it in."""
    return {
        "review_type": review_type,
        "external_reference": "",
        "subject_pseudonym": pseudonym,
        "subject_legal_name": "",
        "subject_dob": dob,
        "incident_date": incident.isoformat(),
        "aware_date": aware.isoformat(),
        "referral_date": referral.isoformat(),
        "referrer_name": "A Referrer",
        "referrer_role": "Designated safeguarding lead",
        "referrer_agency": "",
        "concerns": "How agencies worked together.",
    }


def create(session, signed_in, form: dict) -> Case:
    response = signed_in.post("/admin/case/new/", form)
    assert response.status_code == 302, text(response)[:3000]
    session.expire_all()
    created = session.scalars(select(Case).where(Case.subject_pseudonym == form["subject_pseudonym"])).one()
    session.commit()
    return created


def step(signed_in, case: Case, name: str, **answers):
    """Take a lifecycle step through the transition form, as a browser would."""
    url = f"/admin/case/transition/?id={case.id}&step={name}"
    return signed_in.post(url, {k: (v.isoformat() if isinstance(v, date) else v) for k, v in answers.items()})


def take(session, signed_in, case: Case, name: str, **answers) -> Case:
    form = signed_in.get(f"/admin/case/transition/?id={case.id}&step={name}")
    assert form.status_code == 200, text(form)[:2000]
    response = step(signed_in, case, name, **answers)
    assert response.status_code == 302, text(response)[:3000]
    return now(session, case)


def now(session, case: Case) -> Case:
    session.expire_all()
    return session.get(Case, case.id)


def due(session, case: Case) -> dict[str, tuple[date, date | None]]:
    """{milestone: (due date, met date)} as the database holds them now."""
    session.expire_all()
    found = {
        d.milestone: (d.due_date, d.met_date)
        for d in session.scalars(select(Deadline).where(Deadline.case_id == case.id))
    }
    session.commit()
    return found


def test_three_reviews_end_to_end(session, login_as):
    business_support = login_as("business_support", full_name="Bea Support")
    panel = login_as("panel", full_name="Pat Panel")
    board = login_as("board", full_name="Bo Board")

    # --- business support logs a CSPR notification, a SAR referral and a DHR notification --------
    cspr = create(session, business_support, new_case(
        "CSPR", "Child Q", incident=date(2025, 5, 1), aware=CSPR_AWARE, referral=CSPR_AWARE))
    sar = create(session, business_support, new_case(
        "SAR", "Adult R", incident=date(2025, 5, 28), aware=date(2025, 5, 30), referral=SAR_REFERRED,
        dob="1950-05-05"))
    dhr = create(session, business_support, new_case(
        "DHR", "Person S", incident=dhr_aware_date() - timedelta(days=2), aware=dhr_aware_date(), referral=dhr_aware_date(),
        dob="1980-01-01"))
    assert (cspr.state, sar.state, dhr.state) == ("INCIDENT_REPORTED", "REFERRAL_RECEIVED", "NOTIFIED_BY_POLICE")
    assert (cspr.reference, sar.reference) == ("CSPR-2025-001", "SAR-2025-001")

    sin_due = add_working_days(CSPR_AWARE, 5)
    assert sin_due == date(2025, 5, 12)  # Fri 2 May 2025 + 5 working days, over the May Day bank holiday
    assert due(session, cspr) == {"SIN_TO_PANEL": (sin_due, None), "SIN_TO_OFSTED": (sin_due, None),
                                  "SIN_TO_PARTNERS": (sin_due, None)}
    assert due(session, sar) == {"SAR_ACKNOWLEDGED": (add_working_days(SAR_REFERRED, 5), None)}
    one_month = add_months(dhr_aware_date(), 1)
    assert due(session, dhr) == {"DHR_DECISION": (one_month, None), "DHR_HOME_OFFICE_TOLD": (one_month, None)}
    cspr_page = business_support.get(f"/admin/case/details/?id={cspr.id}")
    assert ["Serious incident notification to the National Panel statutory", "12 May 2025", "", "Overdue"] in table(
        cspr_page, "deadlines")

    # --- the CSPR: the SIN recorded through the step, then the rapid review ----------------------
    cspr = take(session, business_support, cspr, "submit_sin", notification_sent_date=SIN_SENT,
                notification_reference="CINS-2025-0042", partners_told_date=SIN_SENT,
                note="Sent through the Panel's portal.")
    assert cspr.state == "SIN_SUBMITTED"
    sent = {(str(n.recipient), n.purpose): (n.sent_date, n.reference) for n in cspr.notifications}
    assert sent == {("national_panel", "serious_incident"): (SIN_SENT, "CINS-2025-0042"),
                    ("ofsted", "serious_incident"): (SIN_SENT, "CINS-2025-0042")}
    rapid_review_due = add_working_days(SIN_SENT, 15)
    assert rapid_review_due == date(2025, 6, 2)  # over the spring bank holiday, 26 May
    assert due(session, cspr) == {
        "SIN_TO_PANEL": (sin_due, SIN_SENT),
        "SIN_TO_OFSTED": (sin_due, SIN_SENT),
        "SIN_TO_PARTNERS": (sin_due, SIN_SENT),
        "RAPID_REVIEW_TO_PANEL": (rapid_review_due, None),
    }

    cspr = take(session, business_support, cspr, "start_rapid_review", note="Rapid review meeting booked.")
    assert cspr.state == "RAPID_REVIEW_IN_PROGRESS"
    cspr = take(session, business_support, cspr, "rapid_review_to_partners")
    assert cspr.state == "RAPID_REVIEW_AWAITING_PARTNER_SIGNOFF"
    refused = step(business_support, cspr, "send_rapid_review", rr_sent_date=RR_SENT)
    assert refused.status_code == 403  # the partners' sign-off is the board's step
    cspr = take(session, board, cspr, "send_rapid_review", rr_sent_date=RR_SENT)
    assert cspr.state == "RAPID_REVIEW_SENT_TO_PANEL"
    cspr = take(session, business_support, cspr, "await_panel")
    assert cspr.state == "AWAITING_PANEL_RESPONSE"
    assert due(session, cspr) == {
        "SIN_TO_PANEL": (sin_due, SIN_SENT),
        "SIN_TO_OFSTED": (sin_due, SIN_SENT),
        "SIN_TO_PARTNERS": (sin_due, SIN_SENT),
        "RAPID_REVIEW_TO_PANEL": (rapid_review_due, RR_SENT),
        "PANEL_RESPONSE": (RR_SENT + timedelta(days=10), None),
    }
    actors = [(e.transition, e.actor_id) for e in now(session, cspr).timeline]
    session.commit()
    assert actors == [
        ("submit_sin", business_support.user.id),
        ("start_rapid_review", business_support.user.id),
        ("rapid_review_to_partners", business_support.user.id),
        ("send_rapid_review", board.user.id),
        ("await_panel", business_support.user.id),
    ]

    # --- the SAR: acknowledged, information gathered, ready for the panel ------------------------
    sar = take(session, business_support, sar, "acknowledge", acknowledged_date=SAR_ACKNOWLEDGED)
    assert sar.state == "ACKNOWLEDGED"
    assert due(session, sar) == {"SAR_ACKNOWLEDGED": (add_working_days(SAR_REFERRED, 5), SAR_ACKNOWLEDGED)}
    sar = take(session, business_support, sar, "gather_information", note="Chronologies requested.")
    assert sar.state == "INFORMATION_GATHERING"
    police = factories.AgencyFactory(name="Westmarch Police")
    sar.agency_links = [CaseAgency(agency=police, role="contributing")]
    session.commit()
    response = business_support.post(f"/admin/contribution/request/?case_id={sar.id}", {
        "contribution_type": "initial_chronology", "agencies": [police.id], "requested_date": SAR_ACKNOWLEDGED.isoformat()})
    assert response.status_code == 302, text(response)[:3000]
    assert step(business_support, sar, "ready_for_decision").status_code == 200  # the chronology is still out
    chronology = session.scalars(select(AgencyContribution).where(AgencyContribution.case_id == sar.id)).one()
    assert chronology.due_date == add_working_days(SAR_ACKNOWLEDGED, 15)
    chronology.received_date = CHRONOLOGY_IN
    session.commit()
    sar = take(session, business_support, sar, "ready_for_decision")
    assert sar.state == "DECISION_PENDING"
    # the decision is due ten working days after the last chronology came in (local practice, NYSAB)
    assert due(session, sar)["SAR_DECISION"] == (add_working_days(CHRONOLOGY_IN, 10), None)

    # --- the panel records its decision, with the s44 criteria, and recommends -------------------
    response = panel.post("/admin/decision/new/", {
        "case": str(sar.id),
        "meeting_date": SAR_MEETING.isoformat(),
        "outcome": "review_commissioned",
        "legal_mandate": "s44_1_3",
        "rationale": "Care and support needs, concern about joint working, and condition 1 met.",
        "conflicts_declared": "None declared.",
        "delay_reasons": "",
        **MANDATORY_CRITERIA,
    })
    assert response.status_code == 302, text(response)[:3000]
    session.expire_all()
    decision = session.scalars(select(PanelDecision).where(PanelDecision.case_id == sar.id)).one()
    assert (decision.outcome, decision.legal_mandate, decision.approval_status, decision.recorded_by_id) == (
        "review_commissioned", "s44_1_3", ApprovalStatus.PENDING, panel.user.id)
    assert {(c.criterion, c.value) for c in decision.criteria} == {
        ("SAR_CARE_SUPPORT_NEEDS", "met"), ("SAR_INTERAGENCY_CONCERN", "met"), ("SAR_COND1_DIED", "met")}
    session.commit()
    sar = take(session, panel, sar, "recommend", note="Recommend a mandatory SAR.")
    assert sar.state == "CHAIR_DECISION"

    # --- the board: commissioning waits for an approved decision ---------------------------------
    page = board.get(f"/admin/case/details/?id={sar.id}")
    assert shows(page, "This needs a panel decision 'Review commissioned' (Mandatory: Care Act 2014 s44(1)-(3)) approved by the board")
    blocked = step(board, sar, "commission_mandatory", referrer_informed_date=SAR_REFERRER_TOLD)
    assert blocked.status_code == 200
    assert now(session, sar).state == "CHAIR_DECISION"

    assert board.get(f"/admin/decision/approve/?id={decision.id}").status_code == 200
    response = board.post(f"/admin/decision/approve/?id={decision.id}", {"outcome": "approve", "comment": ""})
    assert response.status_code == 302, text(response)[:3000]
    session.expire_all()
    decision = session.get(PanelDecision, decision.id)
    assert decision.approval_status == ApprovalStatus.APPROVED
    assert [(a.approver_id, a.outcome) for a in decision.approvals] == [(board.user.id, "approve")]
    session.commit()

    missing = step(board, sar, "commission_mandatory", note="Commissioned.")  # without the referrer's date
    assert missing.status_code == 200
    assert shows(missing, "Enter the date the referrer was told the decision and the reasons")
    assert now(session, sar).state == "CHAIR_DECISION"

    sar = take(session, board, sar, "commission_mandatory", referrer_informed_date=SAR_REFERRER_TOLD,
               note="Mandatory SAR commissioned under s44(1)-(3).")
    assert sar.state == "SAR_MANDATORY_COMMISSIONED"
    assert sar.decision_date == SAR_MEETING
    assert sar.referrer_informed_date == SAR_REFERRER_TOLD
    completed_due = add_months(SAR_MEETING, 6)
    assert completed_due == date(2026, 1, 1)
    assert due(session, sar) == {
        "SAR_ACKNOWLEDGED": (add_working_days(SAR_REFERRED, 5), SAR_ACKNOWLEDGED),
        "SAR_REFERRER_INFORMED": (add_working_days(SAR_MEETING, 5), SAR_REFERRER_TOLD),
        "SAR_DECISION": (add_working_days(CHRONOLOGY_IN, 10), SAR_MEETING),  # met, and on time
        "SAR_COMPLETED": (completed_due, None),
    }
    page = board.get(f"/admin/case/details/?id={sar.id}")
    completed_row = next(row for row in table(page, "deadlines") if row[0] == "Review completed")
    assert completed_row[:3] == ["Review completed", "01 Jan 2026", ""]

    # --- the overdue DHR milestones reach the dashboards of the roles that must act --------------
    assert dhr_aware_date() < add_months(dhr_aware_date(), 1) < today()  # both one-month milestones have passed
    dhr_board = {(m, s) for ref, m, s in work(board.get("/admin/")) if ref == dhr.reference}
    dhr_business_support = {(m, s) for ref, m, s in work(business_support.get("/admin/")) if ref == dhr.reference}
    panel_home = panel.get("/admin/")
    assert dhr_board == {("Decision whether to hold a review", "Overdue")}
    assert dhr_business_support == {("Home Office told the decision", "Overdue")}
    assert dhr.reference not in text(panel_home)
    assert table(panel_home, "work") == []
    assert session.scalars(
        select(Notification.due_date).where(Notification.case_id == dhr.id, Notification.recipient == "home_office")
    ).one() == one_month
