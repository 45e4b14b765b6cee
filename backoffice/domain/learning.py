"""The rules of the learning loop: a recommendation's drafting check and its addressee, the board's
approval of a review's recommendations as a set, an action's RAG (computed, never typed), what
completing or not implementing an action needs, the board's acceptance of evidence, and when a case
may leave action plan monitoring."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, or_
from sqlalchemy.orm import Session, object_session

from backoffice.domain.approval import SETTLE, Tally
from backoffice.domain.calendar import add_working_days
from backoffice.domain.states import blocked, open_from
from backoffice.models import (
    ActionStatus, ApprovalOutcome, ApprovalStatus, Case, EvidenceDecision, Level, Rag, Recommendation,
    RecommendationApproval, RecommendationSet, ReviewAction,
)
from backoffice.models.base import utcnow
from backoffice.refusals import Refused

AMBER_WORKING_DAYS = 20  # due within this many working days: amber
STALE_WORKING_DAYS = 30  # no update for this many working days: red (LEARNING_STALE_WORKING_DAYS)


# --- recommendations -----------------------------------------------------------------------------


def check_failures(recommendation: Recommendation) -> list[str]:
    """What a recommendation lacks to be SMART enough for the board: an owner, a measurable outcome, a date."""
    missing = []
    if not (recommendation.owner or "").strip():
        missing.append("an owner")
    if not (recommendation.measure or "").strip():
        missing.append("a measurable outcome (how the change will be measured)")
    if recommendation.target_date is None:
        missing.append("a target date")
    return missing


def recommendation_errors(recommendation: Recommendation) -> dict[str, str]:
    """What is wrong with a recommendation as drafted: its addressee must fit its level."""
    level = Level(recommendation.level) if recommendation.level else None
    errors = {}
    if level is Level.NATIONAL and recommendation.national_body is None:
        errors["national_body"] = "Name the national body that owns the issue (e.g. the DfE for schools)."
    if level in (Level.SINGLE_AGENCY, Level.MULTI_AGENCY) and recommendation.addressee_agency is None:
        errors["addressee_agency"] = "Name the agency the recommendation is addressed to."
    if level is not Level.NATIONAL and recommendation.national_body is not None:
        errors["national_body"] = "Only a national recommendation is addressed to a national body."
    if recommendation.finding is not None and recommendation.case is not None \
            and recommendation.finding.case_id != recommendation.case.id:
        errors["finding"] = "Choose a finding of this review."
    return errors


def ready_for_the_board(recommendations: list[Recommendation]) -> list[str]:
    """Why a review's recommendations cannot go to the board: each fails the check without an override."""
    if not recommendations:
        return ["The review has no recommendations yet."]
    return [f"“{r}” lacks {', '.join(check_failures(r))}: complete it, or record an override and its reason."
            for r in recommendations if check_failures(r) and not (r.check_override or "").strip()]


def send_to_the_board(session: Session, case: Case, recommendations: list[Recommendation]) -> RecommendationSet:
    """Send a review's recommendations to the board as a set (again, after more information was asked)."""
    problems = ready_for_the_board(recommendations)
    if problems:
        raise Refused(" ".join(problems))
    current = session.query(RecommendationSet).filter_by(case_id=case.id).one_or_none()
    if current is None:
        current = RecommendationSet(case=case, status=ApprovalStatus.PENDING, round=1, sent_at=utcnow())
        session.add(current)
    elif ApprovalStatus(current.status) in (ApprovalStatus.INFO_REQUESTED, ApprovalStatus.REJECTED):
        current.round += 1
        current.status, current.sent_at = ApprovalStatus.PENDING, utcnow()
    else:
        raise Refused(f"The recommendations are already {ApprovalStatus(current.status).label.lower()} by the board.")
    return current


def locked_by_the_board(session: Session, case_id: int | None) -> str | None:
    """Why a review's recommendations may not change now: the board has them, or approved them. (They
    change again once it asks for more information or rejects them; sending them again starts a new round.)"""
    current = session.query(RecommendationSet).filter_by(case_id=case_id).one_or_none() if case_id else None
    if current is not None and ApprovalStatus(current.status) in (ApprovalStatus.PENDING, ApprovalStatus.APPROVED):
        return (f"The board has {'approved' if current.status == ApprovalStatus.APPROVED else 'been sent'} this "
                "review's recommendations, so they cannot change now.")
    return None


def why_not_approver(approval_set: RecommendationSet, recommendations: list[Recommendation], user_id: int) -> str | None:
    """Why this board member cannot answer on the set now; None if they can."""
    if ApprovalStatus(approval_set.status) is not ApprovalStatus.PENDING:
        return f"The recommendations are {ApprovalStatus(approval_set.status).label.lower()}; nothing awaits an answer."
    if any(r.created_by_id == user_id for r in recommendations):
        return "You drafted one of these recommendations, so other board members must approve them."
    if any(a.approver_id == user_id for a in approval_set.current_approvals()):
        return "You have already given your answer on these recommendations."
    return None


def answer(approval_set: RecommendationSet, recommendations: list[Recommendation], user_id: int,
           outcome: ApprovalOutcome | str, comment: str | None, required: int) -> None:
    """Record one board member's answer on the set; the set settles as decisions do (approval.SETTLE)."""
    outcome, comment = ApprovalOutcome(outcome), (comment or "").strip() or None
    why = why_not_approver(approval_set, recommendations, user_id)
    if why:
        raise Refused(why)
    if outcome is not ApprovalOutcome.APPROVE and not comment:
        raise Refused("Say why." if outcome is ApprovalOutcome.REJECT else "Say what information is needed.")
    approval_set.approvals.append(RecommendationApproval(approver_id=user_id, round=approval_set.round,
                                                         outcome=outcome, comment=comment, at=utcnow()))
    tally = Tally([ApprovalOutcome(a.outcome) for a in approval_set.current_approvals()], required)
    current = ApprovalStatus(approval_set.status)
    approval_set.status = next((m.target for m in open_from(SETTLE, current) if blocked(m, tally) is None), current)
    if approval_set.status == ApprovalStatus.APPROVED:
        approval_set.approved_at = utcnow()


# --- actions -------------------------------------------------------------------------------------


def last_activity(action: ReviewAction) -> date:
    """The day of the action's last progress update, or the day it was created."""
    dates = [u.on for u in action.updates]
    created = action.created_at.date() if action.created_at else date.min
    return max([created, *dates])


def rag(action: ReviewAction, today: date, stale_days: int = STALE_WORKING_DAYS) -> Rag:
    """Red: overdue, or no update for `stale_days` working days; amber: due within 20 working days;
    green otherwise; closed once completed with evidence accepted, or not implemented with the board's
    acceptance."""
    return rag_of(action.status, action.evidence_decision, action.due_date, last_activity(action), today, stale_days)


def rag_of(status, evidence_decision, due_date: date, last: date, today: date,
           stale_days: int = STALE_WORKING_DAYS) -> Rag:
    """`rag` from an action's values (for reports, which read them as plain rows)."""
    if is_settled(status, evidence_decision):
        return Rag.DONE
    if due_date < today or add_working_days(last, stale_days) < today:
        return Rag.RED
    if due_date <= add_working_days(today, AMBER_WORKING_DAYS):
        return Rag.AMBER
    return Rag.GREEN


def settled(action: ReviewAction) -> bool:
    """Closed for good: completed or not implemented, and the board accepted it."""
    return is_settled(action.status, action.evidence_decision)


def is_settled(status, evidence_decision) -> bool:
    return ActionStatus(status) in (ActionStatus.COMPLETED, ActionStatus.NOT_IMPLEMENTED) \
        and evidence_decision == EvidenceDecision.ACCEPTED


def open_sql():
    """SQL condition: actions not settled (what keeps a case in action plan monitoring)."""
    return or_(ReviewAction.status.notin_([ActionStatus.COMPLETED, ActionStatus.NOT_IMPLEMENTED]),
               ReviewAction.evidence_decision.is_(None),
               ReviewAction.evidence_decision != EvidenceDecision.ACCEPTED)


def due_within_sql(today: date, working_days: int = AMBER_WORKING_DAYS):
    """SQL condition: open actions overdue or due within `working_days` working days."""
    return and_(open_sql(), ReviewAction.archived_at.is_(None),
                ReviewAction.due_date <= add_working_days(today, working_days))


def action_errors(action: ReviewAction, today: date) -> dict[str, str]:
    """What completing, not implementing or checking the impact of an action needs."""
    status = ActionStatus(action.status) if action.status else ActionStatus.NOT_STARTED
    errors = {}
    if status is ActionStatus.COMPLETED:
        if action.evidence_document is None and not (action.evidence_outcome or "").strip():
            errors["evidence_outcome"] = "Completion needs evidence: choose the document, or describe the outcome."
        if action.completed_date is None:
            errors["completed_date"] = "Give the date it was completed."
        elif action.completed_date > today:
            errors["completed_date"] = "The completion date cannot be in the future."
    elif action.completed_date is not None:
        errors["completed_date"] = "Only a completed action has a completion date."
    if status is ActionStatus.NOT_IMPLEMENTED and not (action.not_implemented_reason or "").strip():
        errors["not_implemented_reason"] = "Say why the action is not implemented."
    if action.impact_check_date is not None and (action.completed_date is None
                                                 or action.impact_check_date <= action.completed_date):
        errors["impact_check_date"] = "The impact check comes after completion."
    if (action.impact_outcome or "").strip() and action.impact_check_date is None:
        errors["impact_check_date"] = "Give the date of the impact check its outcome came from."
    return errors


def decide_evidence(action: ReviewAction, decision: EvidenceDecision | str, comment: str | None, user_id: int) -> None:
    """The board accepts or returns an action's evidence (or its reason for not implementing)."""
    decision, comment = EvidenceDecision(decision), (comment or "").strip() or None
    if ActionStatus(action.status) not in (ActionStatus.COMPLETED, ActionStatus.NOT_IMPLEMENTED):
        raise Refused("Only a completed action, or one not implemented with its reason, has evidence to decide on.")
    if action.evidence_decision == EvidenceDecision.ACCEPTED:
        raise Refused("The evidence is already accepted.")
    if decision is EvidenceDecision.RETURNED and not comment:
        raise Refused("Say what more evidence is needed.")
    action.evidence_decision, action.evidence_comment = decision, comment
    action.evidence_decided_by_id, action.evidence_decided_at = user_id, utcnow()


def reopen_returned_evidence(action: ReviewAction) -> None:
    """Evidence changed after it was returned: it awaits the board's decision again."""
    if action.evidence_decision == EvidenceDecision.RETURNED:
        action.evidence_decision = None


def actions_settled(case: Case) -> str | None:
    """Why the case cannot leave action plan monitoring: an action is still open; None if every one is
    settled (or the case is not in action plan monitoring)."""
    if case.state != "ACTION_PLAN_MONITORING":
        return None
    actions = object_session(case).query(ReviewAction).filter(ReviewAction.case_id == case.id).all()
    live = [a for a in actions if a.archived_at is None]
    if not live:
        return "Record the action plan first: no action is recorded on this review's recommendations."
    unsettled = [a for a in live if not settled(a)]
    if unsettled:
        return (f"{len(unsettled)} action{'s are' if len(unsettled) > 1 else ' is'} still open: each must be "
                "completed with evidence the board accepted, or not implemented with a reason it accepted.")
    return None
