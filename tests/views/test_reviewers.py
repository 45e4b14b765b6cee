"""The independent reviewers: appointed on a case, named on its page as leading the review, named on the
timeline as the report's author, and an appointment recorded only with the conflicts declared."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from backoffice.models import Appointment, TransitionLog
from backoffice.vocabulary import ReviewType
from tests import factories
from tests.helpers import count, shows, today



def test_business_support_appoints_a_lead_reviewer_and_the_case_page_names_them(session, login_as):
    sar = factories.CaseFactory(review_type=ReviewType.SAR, state="IN_PROGRESS")
    support = login_as("business_support")
    form = {"case": sar.id, "person_name": "Saoirse Kellow", "role": "lead_reviewer",
            "organisation": "Kellow Safeguarding", "accreditation": "SCIE Learning Together",
            "appointed_date": today().isoformat(), "conflict_declaration": "None declared."}

    response = support.post(f"/admin/appointment/new/?case_id={sar.id}", data=form)

    assert response.status_code == 302
    page = login_as("panel").get(f"/admin/case/details/?id={sar.id}")
    assert shows(page, "Review led by")
    assert shows(page, "Saoirse Kellow (lead reviewer, Kellow Safeguarding)")


def test_an_appointment_without_the_conflicts_declared_is_refused_and_nothing_is_saved(session, login_as):
    sar = factories.CaseFactory(review_type=ReviewType.SAR, state="IN_PROGRESS")
    form = {"case": sar.id, "person_name": "Saoirse Kellow", "role": "lead_reviewer",
            "appointed_date": today().isoformat(), "contract_end": (today() - timedelta(days=1)).isoformat(),
            "conflict_declaration": " "}

    response = login_as("business_support").post("/admin/appointment/new/", data=form)

    assert shows(response, "Record the conflicts of interest declared")
    assert shows(response, "The contract cannot end before the appointment")
    assert count(session, Appointment) == 0


def test_the_report_received_step_names_its_author(session, login_as):
    dhr = factories.CaseFactory(review_type=ReviewType.DHR, state="IMRS_RECEIVED")
    factories.AppointmentFactory(case=dhr, role="independent_chair", person_name="Morwenna Tresize")
    factories.AppointmentFactory(case=dhr, role="author", person_name="Idris Penhale", organisation="Tresize Reviews")
    factories.AppointmentFactory(case=dhr, role="author", person_name="Former Author",
                                 contract_end=today() - timedelta(days=2))  # no longer serving
    session.commit()

    login_as("business_support").post(f"/admin/case/transition/?id={dhr.id}&step=draft_overview",
                                      data={"note": "Received on time."})

    entry = session.scalars(select(TransitionLog).where(TransitionLog.case_id == dhr.id)).one()
    assert entry.note == "Received on time. Report by Idris Penhale (author, Tresize Reviews)."
    page = login_as("board").get(f"/admin/case/details/?id={dhr.id}")
    assert shows(page, "Review led by") and shows(page, "Morwenna Tresize")
