"""Agency contributions: the status follows the dates, the due date follows the turnaround in force when
it was asked, a turnaround changes only by a new version, and the lifecycle waits for what it needs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from backoffice import clock
from backoffice.domain import contributions, transitions
from backoffice.domain.calendar import add_working_days
from backoffice.domain.contributions import kind_in, new_version, request_from, status
from backoffice.models import (
    AgencyContribution,
    ContributionQa,
    ContributionStatus,
    ContributionType,
    Deadline,
    DocumentType,
    TurnaroundRule,
)
from backoffice.refusals import Refused
from backoffice.vocabulary import ReviewType
from tests import factories

S, K = ContributionStatus, ContributionType
TODAY = date(2026, 3, 2)


def asked(**fields) -> AgencyContribution:
    """An IMR asked on 2 Feb 2026, due 2 Mar 2026, with `fields` set."""
    return AgencyContribution(**{"contribution_type": K.IMR, "requested_date": date(2026, 2, 2),
                                 "due_date": date(2026, 3, 2), **fields})


@pytest.mark.parametrize(("fields", "expected"), [
    ({}, S.REQUESTED),                                                    # due today: not late yet
    ({"due_date": date(2026, 2, 27)}, S.OVERDUE),
    ({"due_date": date(2026, 2, 27), "extended_to": date(2026, 3, 9)}, S.REQUESTED),  # an extension moves it
    ({"received_date": date(2026, 2, 20)}, S.RECEIVED),
    ({"received_date": date(2026, 2, 20), "qa_outcome": ContributionQa.PASSED}, S.QA_PASSED),
    ({"received_date": date(2026, 2, 20), "qa_outcome": ContributionQa.RETURNED}, S.RETURNED),
    ({"withdrawn_date": date(2026, 2, 20)}, S.WITHDRAWN),
    ({"due_date": date(2026, 2, 1), "not_engaging_since": date(2026, 2, 20)}, S.NOT_ENGAGING),
])
def test_the_status_follows_the_dates(fields, expected):
    assert status(asked(**fields), TODAY) is expected


def test_days_late_count_to_the_day_it_came_in_or_to_today():
    assert contributions.days_late(asked(due_date=date(2026, 2, 23)), TODAY) == 7
    assert contributions.days_late(asked(due_date=date(2026, 2, 23), received_date=date(2026, 2, 25)), TODAY) == 2
    assert contributions.days_late(asked(), TODAY) == 0


@pytest.mark.parametrize(("fields", "field"), [
    ({"requested_date": TODAY + timedelta(days=1)}, "requested_date"),
    ({"received_date": date(2026, 1, 30)}, "received_date"),            # before it was asked
    ({"qa_outcome": ContributionQa.PASSED, "qa_date": TODAY}, "qa_outcome"),  # nothing received to check
    ({"received_date": date(2026, 2, 20), "qa_outcome": ContributionQa.RETURNED, "qa_date": TODAY}, "qa_reason"),
    ({"received_date": date(2026, 2, 20), "qa_outcome": ContributionQa.PASSED, "qa_date": date(2026, 2, 19)}, "qa_date"),
    ({"extended_to": date(2026, 3, 16)}, "extension_reason"),
    ({"extended_to": date(2026, 2, 16), "extension_reason": "Asked for"}, "extended_to"),
    ({"withdrawn_date": date(2026, 2, 20)}, "withdrawn_reason"),
])
def test_a_record_that_does_not_add_up_is_refused_by_field(fields, field):
    assert field in contributions.contribution_errors(asked(**fields), TODAY)


def test_a_whole_record_has_no_errors():
    done = asked(received_date=date(2026, 2, 20), qa_outcome=ContributionQa.RETURNED, qa_date=date(2026, 2, 21),
                 qa_reason="The chronology stops too early.", extended_to=date(2026, 3, 9), extension_reason="Leave")
    assert contributions.contribution_errors(done, TODAY) == {}


# --- on the database -----------------------------------------------------------------------------

@pytest.fixture
def dhr(session):
    return factories.CaseFactory(review_type=ReviewType.DHR, state="IMRS_REQUESTED")


def test_a_request_is_due_by_the_turnaround_in_force_that_day(session, dhr):
    made = factories.ContributionFactory(case=dhr, requested_date=date(2026, 3, 2))
    session.commit()
    assert made.due_date == add_working_days(date(2026, 3, 2), 20)  # a DHR's IMR: 4 weeks, local practice
    assert made.rule.standing == "local_practice"


def test_a_new_turnaround_reaches_new_requests_and_leaves_earlier_ones_alone(session, dhr):
    earlier = factories.ContributionFactory(case=dhr, requested_date=date(2026, 3, 2))
    session.commit()
    current = contributions.rule_in_force(session, ReviewType.DHR, K.IMR, date(2026, 3, 2))
    new_version(session, current, offset=30, unit="working_days", effective_from=date(2026, 4, 1),
                reason="The CSP agreed longer for out-of-area IMRs.")
    later = factories.ContributionFactory(case=dhr, requested_date=date(2026, 4, 1))
    session.commit()
    session.refresh(earlier)
    assert earlier.due_date == add_working_days(date(2026, 3, 2), 20)
    assert later.due_date == add_working_days(date(2026, 4, 1), 30)
    assert current.effective_to == date(2026, 3, 31)


def test_a_turnaround_is_never_edited_in_place(session):
    rule = session.scalars(select(TurnaroundRule).where(TurnaroundRule.contribution_type == K.IMR)).first()
    rule.offset = 99
    with pytest.raises(Refused, match="new version"):
        session.flush()


def test_a_new_version_needs_a_reason_and_a_later_start(session):
    rule = contributions.rule_in_force(session, ReviewType.SAR, K.IMR, TODAY)
    with pytest.raises(Refused, match="why"):
        new_version(session, rule, offset=25, unit="working_days", effective_from=TODAY, reason=" ")
    with pytest.raises(Refused, match="must start after"):
        new_version(session, rule, offset=25, unit="working_days", effective_from=rule.effective_from, reason="R")


def test_several_agencies_are_asked_at_once_and_asking_again_while_owed_is_refused(session, dhr):
    police, health = factories.AgencyFactory(name="Police"), factories.AgencyFactory(name="Health")
    made = request_from(session, dhr, [police, health], K.IMR, clock.today())
    session.commit()
    assert {c.agency.name for c in made} == {"Police", "Health"}
    assert len({c.due_date for c in made}) == 1
    with pytest.raises(Refused, match="still owed by Health"):
        request_from(session, dhr, [health], K.IMR, clock.today())


def test_a_due_date_typed_over_the_turnaround_is_refused_not_replaced(session, dhr):
    police = factories.AgencyFactory(name="Police")
    with pytest.raises(Refused, match="turnaround sets the due date"):
        request_from(session, dhr, [police], K.IMR, clock.today(), due=clock.today() + timedelta(days=3))
    with pytest.raises(Refused, match="give the due date"):
        request_from(session, dhr, [police], K.PRACTITIONER_CONVERSATION, clock.today())


def test_imrs_are_received_only_when_the_last_one_is_in(session, dhr, login_as):
    first, second = factories.ContributionFactory(case=dhr), factories.ContributionFactory(case=dhr)
    session.commit()
    assert "Still owed" in kind_in(dhr, K.IMR)
    first.received_date = clock.today()
    second.received_date, second.qa_outcome, second.qa_date = clock.today(), ContributionQa.RETURNED, clock.today()
    second.qa_reason = "No chronology attached."
    session.commit()
    assert second.agency.name in kind_in(dhr, K.IMR)  # returned for more work: owed again
    second.withdrawn_date, second.withdrawn_reason = clock.today(), "Out of scope: no contact in the period."
    session.commit()
    assert kind_in(dhr, K.IMR) is None
    support = factories.UserFactory(roles=["business_support"])
    transitions.apply(dhr, "imrs_received", support.id, {"business_support"}, {}, clock.today())
    session.commit()
    assert dhr.state == "IMRS_RECEIVED"


def test_no_imr_requested_is_not_all_imrs_received(session, dhr):
    assert "No Individual management review (IMR) has been requested" in kind_in(dhr, K.IMR)


def test_a_returned_contribution_received_again_is_checked_afresh(session, dhr):
    c = factories.ContributionFactory(case=dhr, received_date=clock.today() - timedelta(days=5),
                                      qa_outcome=ContributionQa.RETURNED, qa_date=clock.today() - timedelta(days=4),
                                      qa_reason="Incomplete")
    session.commit()
    c.received_date = clock.today()
    session.commit()
    assert (c.qa_outcome, c.qa_date) == (None, None)
    assert status(c, clock.today()) is S.RECEIVED


def test_the_sar_decision_is_due_ten_working_days_after_the_last_chronology(session):
    sar = factories.CaseFactory(review_type=ReviewType.SAR, state="INFORMATION_GATHERING")
    early = factories.ContributionFactory(case=sar, contribution_type=K.INITIAL_CHRONOLOGY,
                                          requested_date=date(2026, 2, 2), received_date=date(2026, 2, 10))
    late = factories.ContributionFactory(case=sar, contribution_type=K.INITIAL_CHRONOLOGY,
                                         requested_date=date(2026, 2, 2))
    session.commit()

    def decision_deadline():
        return session.scalar(select(Deadline).where(Deadline.case_id == sar.id, Deadline.milestone == "SAR_DECISION"))

    assert decision_deadline() is None  # one chronology is still out
    late.received_date = date(2026, 2, 20)
    session.commit()
    assert decision_deadline().due_date == add_working_days(date(2026, 2, 20), 10)
    assert early.received_date < late.received_date


def test_an_agencys_working_paper_is_never_approved_for_publication(session):
    from backoffice.domain import publication

    imr = factories.DocumentFactory(document_type=DocumentType.IMR, title="Police IMR")
    with pytest.raises(Refused, match="never published"):
        publication.apply("approve", imr, clock.today())
