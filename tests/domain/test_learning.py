"""The rules of the learning loop: the drafting check, addressees by level, the board's approval of a
review's recommendations as a set, RAG from the data, what completion needs, the board's decision on
evidence, and a case that cannot close while an action is open."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backoffice.domain import learning
from backoffice.domain.calendar import add_working_days
from backoffice.models import ActionUpdate, ApprovalStatus, Rag
from backoffice.refusals import Refused
from tests import factories
from tests.helpers import today


def test_a_recommendation_without_owner_measure_or_date_fails_the_check_and_says_what_it_lacks(session):
    draft = factories.RecommendationFactory(owner=None, measure=" ", target_date=None)

    assert learning.check_failures(draft) == ["an owner", "a measurable outcome (how the change will be measured)",
                                             "a target date"]
    assert "lacks an owner" in learning.ready_for_the_board([draft])[0]


def test_an_override_with_its_reason_lets_a_failing_recommendation_go_to_the_board(session):
    draft = factories.RecommendationFactory(target_date=None, check_override="Date set by the national review.")

    assert learning.ready_for_the_board([draft]) == []


def test_a_national_recommendation_names_the_body_that_owns_the_issue_never_a_default(session):
    national = factories.RecommendationFactory(level="national", addressee_agency=None, national_body=None)

    assert "Name the national body" in learning.recommendation_errors(national)["national_body"]
    national.national_body = "dfe"
    assert learning.recommendation_errors(national) == {}
    assert national.addressee == "Department for Education"


def test_a_single_agency_recommendation_names_its_agency(session):
    single = factories.RecommendationFactory(level="single_agency", addressee_agency=None)

    assert "Name the agency" in learning.recommendation_errors(single)["addressee_agency"]


def sent(session, *drafters):
    recommendations = [factories.RecommendationFactory(created_by_id=d.id) for d in drafters]
    case = recommendations[0].case
    for r in recommendations[1:]:
        r.finding.case = r.case = case
    session.commit()
    return learning.send_to_the_board(session, case, recommendations), recommendations


def test_the_board_approves_the_set_and_nobody_approves_what_they_drafted(session):
    drafter, approver, second = (factories.UserFactory(roles=["board", "panel"]) for _ in range(3))
    approval_set, recommendations = sent(session, drafter)

    assert "You drafted one" in learning.why_not_approver(approval_set, recommendations, drafter.id)
    learning.answer(approval_set, recommendations, approver.id, "approve", None, required=2)
    assert approval_set.status == ApprovalStatus.PENDING  # two approvals needed
    with pytest.raises(Refused, match="already given your answer"):
        learning.answer(approval_set, recommendations, approver.id, "approve", None, required=2)
    learning.answer(approval_set, recommendations, second.id, "approve", None, required=2)
    assert approval_set.status == ApprovalStatus.APPROVED and approval_set.approved_at is not None


def test_asking_for_more_information_sends_the_set_back_and_resending_starts_a_new_round(session):
    approver = factories.UserFactory(roles=["board"])
    approval_set, recommendations = sent(session, factories.UserFactory(roles=["panel"]))

    learning.answer(approval_set, recommendations, approver.id, "request_info", "How is it measured?", required=1)
    assert approval_set.status == ApprovalStatus.INFO_REQUESTED
    again = learning.send_to_the_board(session, recommendations[0].case, recommendations)
    assert (again.status, again.round, again.current_approvals()) == (ApprovalStatus.PENDING, 2, [])


@pytest.mark.parametrize("due_in, expected", [(-1, Rag.RED), (5, Rag.AMBER), (200, Rag.GREEN)])
def test_rag_follows_the_due_date(session, due_in, expected):
    action = factories.ActionFactory(due_date=today() + timedelta(days=due_in))

    assert learning.rag(action, today()) is expected


def test_an_action_with_no_update_for_thirty_working_days_is_red_and_an_update_clears_it(session):
    action = factories.ActionFactory(due_date=today() + timedelta(days=200))
    action.created_at = action.created_at - timedelta(days=80)

    assert learning.rag(action, today()) is Rag.RED
    action.updates.append(ActionUpdate(on=today(), note="Checklist drafted."))
    assert learning.rag(action, today()) is Rag.GREEN
    assert learning.rag(action, add_working_days(today(), learning.STALE_WORKING_DAYS + 1)) is Rag.RED


def test_completion_needs_evidence_and_a_date_and_not_implementing_needs_a_reason(session):
    action = factories.ActionFactory(status="completed")

    errors = learning.action_errors(action, today())
    assert set(errors) == {"evidence_outcome", "completed_date"}
    action.evidence_outcome, action.completed_date = "Audit: 19 of 20 meetings had every agency's information.", today()
    assert learning.action_errors(action, today()) == {}
    action.status, action.completed_date = "not_implemented", None
    assert "Say why" in learning.action_errors(action, today())["not_implemented_reason"]


def test_the_impact_check_comes_after_completion(session):
    action = factories.ActionFactory(status="completed", completed_date=today(), evidence_outcome="Done.",
                                     impact_check_date=today())

    assert "after completion" in learning.action_errors(action, today())["impact_check_date"]


def test_returned_evidence_is_owed_again_and_accepted_evidence_settles_the_action(session):
    board = factories.UserFactory(roles=["board"])
    action = factories.ActionFactory(status="completed", completed_date=today(), evidence_outcome="Done.")

    with pytest.raises(Refused, match="Say what more evidence"):
        learning.decide_evidence(action, "returned", "", board.id)
    learning.decide_evidence(action, "returned", "Show the audit.", board.id)
    assert not learning.settled(action) and learning.rag(action, today()) is not Rag.DONE
    learning.reopen_returned_evidence(action)
    learning.decide_evidence(action, "accepted", None, board.id)
    assert learning.settled(action) and learning.rag(action, today()) is Rag.DONE


def test_a_case_in_action_plan_monitoring_cannot_close_while_an_action_is_open(session):
    action = factories.ActionFactory()
    case = action.case

    assert "1 action is still open" in learning.actions_settled(case)
    action.status, action.completed_date, action.evidence_outcome = "completed", today(), "Done."
    learning.decide_evidence(action, "accepted", None, factories.UserFactory(roles=["board"]).id)
    session.commit()
    assert learning.actions_settled(case) is None


def test_a_case_with_no_action_plan_cannot_close_from_monitoring(session):
    case = factories.CaseFactory(review_type="SAR", state="ACTION_PLAN_MONITORING")

    assert "Record the action plan first" in learning.actions_settled(case)
