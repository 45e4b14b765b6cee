"""Board approval of panel decisions: several approvers may be needed; nobody approves their own.

Each board member answers once per round: approve, reject (with a reason) or ask for more
information (with a question). A rejection is final; a request for information sends the decision
back to the panel, and amending it starts a new round. The decision is approved when the round
has as many approvals as the review type requires.
"""

from __future__ import annotations

from sqlalchemy import exists, or_

from backoffice.models.base import utcnow
from backoffice.models.decision import ApprovalOutcome, ApprovalStatus, DecisionApproval, PanelDecision
from backoffice.refusals import Refused

OPEN = frozenset({ApprovalStatus.PENDING})
AMENDABLE = frozenset({ApprovalStatus.PENDING, ApprovalStatus.INFO_REQUESTED})


def awaiting_answer_from(user_id: int):
    """SQL condition: decisions waiting for this board member's answer. Pending, not archived, not
    one they recorded themselves, and not one they have already answered in this round."""
    return (
        (PanelDecision.approval_status == ApprovalStatus.PENDING)
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
    if decision.is_archived:
        return "This decision is archived."
    if ApprovalStatus(decision.approval_status) not in OPEN:
        return f"This decision is {ApprovalStatus(decision.approval_status).label.lower()}; it is not awaiting approval."
    if decision.recorded_by_id == approver_id:
        return "You recorded this decision, so other board members must approve it."
    if any(a.approver_id == approver_id for a in decision.current_approvals()):
        return "You have already given your answer on this decision."
    return None


class ApprovalRefused(Refused):
    """The approval cannot be recorded; the message says why."""


def record_approval(
    decision: PanelDecision, approver_id: int, outcome: ApprovalOutcome | str, comment: str | None, required: int
) -> DecisionApproval:
    """Record one board member's answer and update the decision's status."""
    outcome = ApprovalOutcome(outcome)
    comment = (comment or "").strip() or None
    refused = why_not_answerable(decision, approver_id)
    if refused:
        raise ApprovalRefused(refused)
    if outcome != ApprovalOutcome.APPROVE and not comment:
        raise ApprovalRefused(
            "Say why the decision is rejected." if outcome == ApprovalOutcome.REJECT else "Say what information is needed."
        )
    approval = DecisionApproval(
        approver_id=approver_id, round=decision.approval_round, outcome=outcome, comment=comment, at=utcnow()
    )
    decision.approvals.append(approval)
    decision.approval_status = status_after(decision, required)
    if decision.approval_status == ApprovalStatus.APPROVED:
        decision.approved_at = approval.at
    return approval


def status_after(decision: PanelDecision, required: int) -> ApprovalStatus:
    """The decision's status given the answers of its current round."""
    outcomes = [ApprovalOutcome(a.outcome) for a in decision.current_approvals()]
    if ApprovalOutcome.REJECT in outcomes:
        return ApprovalStatus.REJECTED
    if ApprovalOutcome.REQUEST_INFO in outcomes:
        return ApprovalStatus.INFO_REQUESTED
    if outcomes.count(ApprovalOutcome.APPROVE) >= max(1, required):
        return ApprovalStatus.APPROVED
    return ApprovalStatus.PENDING


def amend(decision: PanelDecision) -> None:
    """The panel changed the decision: answers given to the old version no longer count."""
    if ApprovalStatus(decision.approval_status) not in AMENDABLE:
        raise ApprovalRefused(
            "The board has already decided on this decision, so it cannot be changed. Record a new decision instead."
        )
    if decision.current_approvals():
        decision.approval_round += 1
    decision.approval_status = ApprovalStatus.PENDING


def approvals_required(config, review_type) -> int:
    """How many board approvals a decision on this review type needs (DECISION_APPROVALS_REQUIRED)."""
    return int(config.get("DECISION_APPROVALS_REQUIRED", {}).get(str(review_type), 1))
