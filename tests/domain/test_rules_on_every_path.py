"""The law's rules hold however a record is written: through the session directly (a script, an
import, the command line), not only through the forms that check them first."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backoffice.models import CriterionAssessment, DecisionOutcome, LegalMandate, PanelDecision
from backoffice.refusals import Refused
from backoffice.vocabulary import CRITERIA, ReviewType
from tests import factories


def sar_decision(session, value: str, mandate=LegalMandate.SAR_MANDATORY) -> PanelDecision:
    """A commissioned SAR decision, with every s44 criterion recorded as `value`, added to the session."""
    case = factories.CaseFactory(review_type=ReviewType.SAR, subject_pseudonym="Adult A")
    decision = PanelDecision(
        case=case, meeting_date=case.referral_date, outcome=DecisionOutcome.REVIEW_COMMISSIONED,
        legal_mandate=mandate, rationale="Commissioned.",
        criteria=[CriterionAssessment(criterion=code, value=value) for code in CRITERIA[ReviewType.SAR]],
    )
    session.add(decision)
    return decision


def test_a_mandatory_sar_with_every_criterion_not_met_is_refused_through_the_session(session):
    sar_decision(session, "not_met")

    with pytest.raises(Refused, match=r"do not meet s44\(1\)-\(3\)"):
        session.commit()

    session.rollback()
    assert session.scalar(select(func.count()).select_from(PanelDecision)) == 0


def test_a_mandatory_sar_whose_criteria_are_met_is_kept(session):
    decision = sar_decision(session, "met")
    session.commit()
    assert decision.id is not None


def test_changing_a_criterion_later_so_the_mandate_no_longer_holds_is_refused(session):
    decision = sar_decision(session, "met")
    session.commit()

    next(c for c in decision.criteria if c.criterion == "SAR_CARE_SUPPORT_NEEDS").value = "not_met"

    with pytest.raises(Refused, match="discretionary SAR under s44"):
        session.commit()


def test_a_discretionary_sar_needs_no_criterion_met(session):
    sar_decision(session, "not_met", mandate=LegalMandate.SAR_DISCRETIONARY)
    session.commit()
    assert session.scalar(select(func.count()).select_from(PanelDecision)) == 1


def test_a_mandate_on_a_review_other_than_a_sar_is_refused_through_the_session(session):
    session.add(PanelDecision(case=factories.CaseFactory(review_type=ReviewType.CSPR), meeting_date=None,
                              outcome=DecisionOutcome.REVIEW_COMMISSIONED, legal_mandate=LegalMandate.SAR_MANDATORY,
                              rationale="Commissioned."))
    with pytest.raises(Refused, match="applies only to Safeguarding Adult Reviews"):
        session.commit()
