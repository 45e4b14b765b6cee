"""Board approval of panel decisions."""

from __future__ import annotations

from backoffice.models.base import utcnow
from backoffice.models.decision import ApprovalStatus, PanelDecision


class ApprovalRefused(ValueError):
    """The approval cannot be recorded; the message says why."""


def record_approval(
    decision: PanelDecision, approver_id: int, outcome: ApprovalStatus, comment: str | None
) -> None:
    """Approve or reject a pending decision. Nobody approves a decision they recorded themselves."""
    if decision.is_archived:
        raise ApprovalRefused("This decision is archived.")
    if decision.approval_status != ApprovalStatus.PENDING:
        raise ApprovalRefused(
            f"This decision was already {ApprovalStatus(decision.approval_status).label.lower()}."
        )
    if decision.recorded_by_id == approver_id:
        raise ApprovalRefused("You recorded this decision, so another board member must approve it.")
    outcome = ApprovalStatus(outcome)
    if outcome == ApprovalStatus.PENDING:
        raise ApprovalRefused("Choose approve or reject.")
    if outcome == ApprovalStatus.REJECTED and not (comment or "").strip():
        raise ApprovalRefused("Say why the decision is rejected.")
    decision.approval_status = outcome
    decision.approved_by_id = approver_id
    decision.approved_at = utcnow()
    decision.approval_comment = (comment or "").strip() or None
