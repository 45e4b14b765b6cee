"""Board approval of panel decisions: several approvers may be needed; nobody approves their own.

Each board member answers once per round: approve, reject (with a reason) or ask for more
information (with a question). A rejection is final; a request for information sends the decision
back to the panel, and amending it starts a new round. The decision is approved when the round
has as many approvals as the review type requires.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import exists, or_

from backoffice.models.base import utcnow
from backoffice.models.decision import ApprovalOutcome, ApprovalStatus, DecisionApproval, PanelDecision
from backoffice.domain.states import Guard, Move, blocked, open_from, take
from backoffice.refusals import Refused

A = ApprovalStatus


class ApprovalRefused(Refused):
    """The approval cannot be recorded; the message says why."""


class Answering(NamedTuple):
    """A board member about to answer a decision."""

    decision: PanelDecision
    approver_id: int


class Tally(NamedTuple):
    """The answers of a decision's current round, and how many approvals its review type needs."""

    outcomes: list[ApprovalOutcome]
    required: int


def _not_the_recorder(answering: Answering) -> str | None:
    if answering.decision.recorded_by_id == answering.approver_id:
        return "You recorded this decision, so other board members must approve it."
    return None


def _not_answered_yet(answering: Answering) -> str | None:
    if any(a.approver_id == answering.approver_id for a in answering.decision.current_approvals()):
        return "You have already given your answer on this decision."
    return None


def _answered(outcome: ApprovalOutcome) -> Guard:
    return Guard(("answered", outcome), lambda tally: None if outcome in tally.outcomes else "not answered so")


def _enough_approvals(tally: Tally) -> str | None:
    if tally.outcomes.count(ApprovalOutcome.APPROVE) >= max(1, tally.required):
        return None
    return "more approvals needed"


# Answering leaves the status where it is; the status then settles by the first of SETTLE whose guard
# holds: one rejection is final, one request for information sends it back, enough approvals approve.
ANSWER = Move("answer", "Answer", (A.PENDING,), A.PENDING,
              (Guard(("not_the_recorder",), _not_the_recorder), Guard(("not_answered_yet",), _not_answered_yet)))
SETTLE = (
    Move("reject", "Rejected", (A.PENDING,), A.REJECTED, (_answered(ApprovalOutcome.REJECT),)),
    Move("ask", "More information requested", (A.PENDING,), A.INFO_REQUESTED, (_answered(ApprovalOutcome.REQUEST_INFO),)),
    Move("approve", "Approved", (A.PENDING,), A.APPROVED, (Guard(("approvals_required",), _enough_approvals),)),
)
AMEND = Move("amend", "Amended by the panel", (A.PENDING, A.INFO_REQUESTED), A.PENDING)
MOVES: dict[str, Move] = {move.name: move for move in (ANSWER, *SETTLE, AMEND)}


def awaiting_answer_from(user_id: int):
    """SQL condition: decisions waiting for this board member's answer. The rule of `ANSWER` (and of
    `why_not_answerable`) as a query: pending, not archived, not one they recorded themselves, and not
    one they have already answered in this round."""
    return (
        PanelDecision.approval_status.in_(ANSWER.sources)
        & PanelDecision.archived_at.is_(None)
        & or_(PanelDecision.recorded_by_id.is_(None), PanelDecision.recorded_by_id != user_id)
        & ~exists().where(
            DecisionApproval.decision_id == PanelDecision.id,
            DecisionApproval.round == PanelDecision.approval_round,
            DecisionApproval.approver_id == user_id,
        )
    )


def why_not_answerable(decision: PanelDecision, approver_id: int) -> str | None:
    """Why this board member cannot answer the decision now; None if they can. (The same rule as
    awaiting_answer_from, for one decision in hand.)"""
    try:
        _check_answerable(decision, approver_id)
    except ApprovalRefused as refused:
        return str(refused)
    return None


def _check_answerable(decision: PanelDecision, approver_id: int) -> None:
    if decision.is_archived:
        raise ApprovalRefused("This decision is archived.")
    current = A(decision.approval_status)
    not_from = f"This decision is {current.label.lower()}; it is not awaiting approval."
    take(ANSWER, current, Answering(decision, approver_id), not_from, ApprovalRefused)


def record_approval(
    decision: PanelDecision, approver_id: int, outcome: ApprovalOutcome | str, comment: str | None, required: int
) -> DecisionApproval:
    """Record one board member's answer and update the decision's status."""
    outcome = ApprovalOutcome(outcome)
    comment = (comment or "").strip() or None
    _check_answerable(decision, approver_id)
    if outcome != ApprovalOutcome.APPROVE and not comment:
        raise ApprovalRefused(
            "Say why the decision is rejected." if outcome == ApprovalOutcome.REJECT else "Say what information is needed."
        )
    approval = DecisionApproval(
        approver_id=approver_id, round=decision.approval_round, outcome=outcome, comment=comment, at=utcnow()
    )
    decision.approvals.append(approval)
    decision.approval_status = status_after(decision, required)
    if decision.approval_status == A.APPROVED:
        decision.approved_at = approval.at
    return approval


def status_after(decision: PanelDecision, required: int) -> ApprovalStatus:
    """The decision's status given the answers of its current round."""
    tally = Tally([ApprovalOutcome(a.outcome) for a in decision.current_approvals()], required)
    current = A(decision.approval_status)
    return next((move.target for move in open_from(SETTLE, current) if blocked(move, tally) is None), current)


def amend(decision: PanelDecision) -> None:
    """The panel changed the decision: answers given to the old version no longer count."""
    not_from = "The board has already decided on this decision, so it cannot be changed. Record a new decision instead."
    decision.approval_status = take(AMEND, A(decision.approval_status), decision, not_from, ApprovalRefused)
    if decision.current_approvals():
        decision.approval_round += 1


def approvals_required(config, review_type) -> int:
    """How many board approvals a decision on this review type needs (DECISION_APPROVALS_REQUIRED)."""
    return int(config.get("DECISION_APPROVALS_REQUIRED", {}).get(str(review_type), 1))
