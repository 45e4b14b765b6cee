"""Agency contributions through real requests, CSRF on: asking a case's agencies at once, the case's
panel, the record's form and its refusals, what an agency owes, the dashboard, and the turnarounds."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from backoffice.domain.calendar import add_working_days
from backoffice.models import AgencyContribution, CaseAgency, ContributionQa, TurnaroundRule
from backoffice.vocabulary import ReviewType
from tests import factories
from tests.helpers import count, opened_at, page_text, reload, shows, text, today
from tests.html_pages import list_rows, table



@pytest.fixture
def dhr(session):
    """A DHR whose panel is established, with four agencies involved."""
    case = factories.CaseFactory(review_type=ReviewType.DHR, state="PANEL_ESTABLISHED")
    case.agency_links = [CaseAgency(agency=factories.AgencyFactory(name=name), role="contributing")
                         for name in ("Police", "Health", "Housing", "Probation")]
    session.commit()
    return case


def agency(case, name: str):
    """The case's involved agency called `name`."""
    return next(link.agency for link in case.agency_links if link.agency.name == name)


def reads(response) -> str:
    """The page's words as a reader sees them: no tags, single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split()).replace(" ,", ",")


def request_url(case) -> str:
    return f"/admin/contribution/request/?case_id={case.id}"


def test_business_support_asks_several_agencies_at_once(session, login_as, dhr):
    support = login_as("business_support")
    page = support.get(request_url(dhr))
    assert "Individual management review (IMR): 20 working days" in text(page)
    chosen = [agency(dhr, name).id for name in ("Police", "Health", "Housing")]

    response = support.post(request_url(dhr), data={"contribution_type": "imr", "agencies": chosen,
                                                    "requested_date": today().isoformat()}, follow_redirects=True)

    assert shows(response, "Requested Individual management review (IMR) from 3 agencies")
    made = session.scalars(select(AgencyContribution).where(AgencyContribution.case_id == dhr.id)).all()
    assert sorted(c.agency.name for c in made) == ["Health", "Housing", "Police"]
    assert {c.due_date for c in made} == {add_working_days(today(), 20)}
    assert {c.created_by_id for c in made} == {support.user.id}


def test_asking_no_agency_or_one_that_already_owes_it_changes_nothing(session, login_as, dhr):
    support = login_as("business_support")
    first = agency(dhr, "Police").id
    support.post(request_url(dhr), data={"contribution_type": "imr", "agencies": [first],
                                         "requested_date": today().isoformat()})
    before = count(session, AgencyContribution)

    nothing = support.post(request_url(dhr), data={"contribution_type": "imr", "requested_date": today().isoformat()})
    again = support.post(request_url(dhr), data={"contribution_type": "imr", "agencies": [first, agency(dhr, "Health").id],
                                                 "requested_date": today().isoformat()})

    assert shows(nothing, "Choose at least one agency")
    assert shows(again, "Already requested and still owed by Police: nothing was requested")
    assert count(session, AgencyContribution) == before == 1


def test_the_case_page_shows_who_owes_what_and_what_is_late(session, login_as, dhr):
    police, health = agency(dhr, "Police"), agency(dhr, "Health")
    factories.ContributionFactory(case=dhr, agency=police, requested_date=today() - timedelta(days=60))
    factories.ContributionFactory(case=dhr, agency=health, requested_date=today() - timedelta(days=60),
                                  received_date=today() - timedelta(days=30))
    session.commit()

    page = login_as("panel").get(f"/admin/case/details/?id={dhr.id}")

    rows = {row[0]: row[3] for row in table(page, "contributions")}
    assert rows["Police"].startswith("Overdue") and "days late" in rows["Police"]
    assert rows["Health"].startswith("Received")
    assert "Owed: 1 of 2 · late: 1" in reads(page)
    assert "Request from agencies" not in text(page)  # the panel reads; business support asks


def test_a_quality_check_records_who_made_it(session, login_as, dhr):
    contribution = factories.ContributionFactory(case=dhr, received_date=today() - timedelta(days=2))
    session.commit()
    support = login_as("business_support")
    form = {"case": dhr.id, "agency": contribution.agency_id, "contribution_type": "imr",
            "requested_date": contribution.requested_date.isoformat(), "due_date": contribution.due_date.isoformat(),
            "received_date": contribution.received_date.isoformat(), "qa_outcome": "returned",
            "qa_date": today().isoformat(), "qa_reason": "The chronology stops a year early."}

    support.post(f"/admin/contribution/edit/?id={contribution.id}", data=opened_at(session, contribution, form))

    contribution = reload(session, contribution)
    assert (contribution.qa_outcome, contribution.qa_by_id) == (ContributionQa.RETURNED, support.user.id)


def test_a_due_date_typed_over_the_turnaround_is_refused_and_nothing_is_saved(session, login_as, dhr):
    support = login_as("business_support")
    form = {"case": dhr.id, "agency": agency(dhr, "Police").id, "contribution_type": "imr",
            "requested_date": today().isoformat(), "due_date": (today() + timedelta(days=3)).isoformat()}

    response = support.post("/admin/contribution/new/", data=form)

    assert shows(response, "The turnaround makes it due")
    assert count(session, AgencyContribution) == 0


def test_an_agencys_page_lists_what_it_owes_across_cases_to_those_who_read_them(session, login_as, dhr):
    police = agency(dhr, "Police")
    other = factories.CaseFactory(review_type=ReviewType.DHR)
    factories.ContributionFactory(case=dhr, agency=police, requested_date=today() - timedelta(days=60))
    factories.ContributionFactory(case=other, agency=police, contribution_type="initial_chronology")
    factories.ContributionFactory(case=other, agency=police, contribution_type="record_check",
                                  due_date=today(), received_date=today())  # in: not owed
    session.commit()

    page = login_as("business_support").get(f"/admin/agency/details/?id={police.id}")
    admin_page = login_as("admin").get(f"/admin/agency/details/?id={police.id}")

    assert "2 outstanding across cases, 1 late" in reads(page)
    assert {row[0] for row in table(page, "agency-owes")} == {dhr.reference, other.reference}
    assert 'data-testid="agency-owes-panel"' not in text(admin_page)  # admins never see case content


def test_the_dashboard_shows_business_support_what_to_chase(session, login_as, dhr):
    police = agency(dhr, "Police")
    factories.ContributionFactory(case=dhr, agency=police, requested_date=today() - timedelta(days=60))
    factories.ContributionFactory(case=dhr, contribution_type="initial_chronology", requested_date=today())  # not due yet
    session.commit()

    home = login_as("business_support").get("/admin/")

    rows = table(home, "contributions-due")
    assert [(r[0], r[1]) for r in rows] == [(dhr.reference, "Police")]
    assert "1 to chase" in reads(home)
    assert "contributions-due" not in text(login_as("panel").get("/admin/"))


def test_the_list_filters_by_status_today(session, login_as, dhr):
    factories.ContributionFactory(case=dhr, agency=agency(dhr, "Police"), requested_date=today() - timedelta(days=60))
    factories.ContributionFactory(case=dhr, agency=agency(dhr, "Health"), requested_date=today())
    session.commit()
    auditor = login_as("auditor")

    overdue = list_rows(auditor.get("/admin/contribution/?flt0_status_is=overdue"))
    owed = list_rows(auditor.get("/admin/contribution/?flt0_status_is=owed"))

    assert [r[2] for r in overdue] == ["Police"]
    assert len(owed) == 2


def test_an_admin_changes_a_turnaround_by_a_new_version(session, login_as):
    rule = session.scalars(select(TurnaroundRule).where(TurnaroundRule.review_type == "SAR",
                                                        TurnaroundRule.contribution_type == "imr")).one()
    admin = login_as("admin")
    starts = today() + timedelta(days=7)

    refused = admin.post(f"/admin/turnaround_rule/version/?id={rule.id}",
                         data={"offset": 25, "unit": "working_days", "effective_from": starts.isoformat()})
    made = admin.post(f"/admin/turnaround_rule/version/?id={rule.id}", follow_redirects=True,
                      data={"offset": 25, "unit": "working_days", "effective_from": starts.isoformat(),
                            "change_reason": "The board agreed five weeks."})

    assert shows(refused, "Say why the turnaround changes")
    assert shows(made, "25 working days")
    session.expire_all()
    versions = session.scalars(select(TurnaroundRule).where(TurnaroundRule.review_type == "SAR",
                                                            TurnaroundRule.contribution_type == "imr")
                               .order_by(TurnaroundRule.effective_from)).all()
    assert [(v.offset, v.effective_to) for v in versions] == [(20, starts - timedelta(days=1)), (25, None)]
