"""Applying a lifecycle transition to a case: the only way a case changes state.

`apply()` checks the step is available from the case's state and to the user's roles, validates
what the step asks for, evaluates its guards, records what it says (dates, notifications sent),
moves the case on, applies the step's effects and writes the timeline entry. If anything is
refused, nothing has been changed.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import object_session

from backoffice.domain import lifecycle, publication, reviewers, states
from backoffice.domain.lifecycle import Field, Transition
from backoffice.vocabulary import CONVERTED_LOCAL_REVIEW_STATE, ReviewType, state_label
from backoffice.models.case import Case, CaseAgency, notice_key
from backoffice.models.lifecycle import Notification, TransitionLog
from backoffice.policy import RoleName
from backoffice.refusals import Refused


class TransitionRefused(Refused):
    """The step cannot be taken. `errors` maps form fields to messages; the message says why."""


def offered(case: Case, roles) -> list[Transition]:
    """The steps from the case's current state that these roles may take."""
    if case.is_archived:
        return []
    return [t for t in lifecycle.available(case.review_type, case.state) if t.roles & set(roles)]


# Who takes a step, as the case page says it.
ACTORS = {RoleName.BUSINESS_SUPPORT: "Business support", RoleName.PANEL: "The panel", RoleName.BOARD: "The board"}


def next_steps(case: Case) -> list[tuple[str, str]]:
    """Who acts next on the case, whatever the reader's role: (who, the step), for every step open
    from the case's state. Empty when the review has reached its last stage (or is archived)."""
    if case.is_archived:
        return []
    return [
        (" or ".join(ACTORS.get(role, str(role)) for role in sorted(step.roles)), step.label)
        for step in lifecycle.available(case.review_type, case.state)
    ]


def blocked_reason(case: Case, step: Transition) -> str | None:
    """Why a step's guards refuse it now (None if they allow it)."""
    return states.blocked(step, case)


def field_errors(case: Case, step: Transition, values: dict, today: date) -> dict[str, str]:
    """What is missing or wrong in the values given for the step's fields."""
    errors: dict[str, str] = {}
    for f in step.fields:
        value = values.get(f.name)
        if value in (None, "") and f.required:
            errors[f.name] = f"{f.label} is required."
        elif f.kind == "date" and value:
            if value > today and not f.future:
                errors[f.name] = f"{f.label} cannot be in the future."
            elif case.aware_date and value < case.aware_date:
                errors[f.name] = f"{f.label} cannot be before the partnership became aware ({case.aware_date:%d %b %Y})."
        elif f.kind == "choice" and value and value not in {c for c, _ in f.choices}:
            errors[f.name] = f"Choose one of the options for {f.label.lower()}."
        if f.check and f.name not in errors and (problem := f.check(case, value)):
            errors[f.name] = problem
    return errors


def apply(case: Case, name: str, actor_id: int | None, roles, values: dict, today: date) -> TransitionLog:
    """Take step `name` on `case`, or raise TransitionRefused having changed nothing."""
    step = lifecycle.transition(case.review_type, name)
    if case.is_archived:
        raise TransitionRefused("This case is archived.")
    not_from = f"That step is not available while the case is '{case.state_label}'."
    if step is None or not step.leaves(case.state):
        raise TransitionRefused(not_from)
    if not step.roles & {RoleName(r) for r in roles}:
        raise TransitionRefused("Your role cannot take this step.")
    errors = field_errors(case, step, values, today)
    if errors:
        raise TransitionRefused("Please correct: " + " ".join(errors.values()), errors)
    target = states.take(step, case.state, case, not_from, TransitionRefused)
    _record_fields(case, step, values)
    _record_notifications(case, step, values)
    from_state, case.state = case.state, target
    recorded = [(values.get("note") or "").strip()]
    for effect in step.effects:
        recorded.append(EFFECTS[effect](case, today, actor_id))  # what an effect says goes on the timeline
    entry = TransitionLog(
        transition=step.name,
        from_state=from_state,
        to_state=step.target,
        actor_id=actor_id,
        note=" ".join(text for text in recorded if text) or None,
    )
    case.timeline.append(entry)
    return entry


def _record_fields(case: Case, step: Transition, values: dict) -> None:
    for f in step.fields:
        if f.name == "note" or f.name.startswith("notification_"):
            continue
        value = values.get(f.name)
        setattr(case, f.name, (value.strip() if isinstance(value, str) else value) or None)


def _record_notifications(case: Case, step: Transition, values: dict) -> None:
    for target in step.notify:
        notification = case.notification(target)
        if notification is None:
            recipient, purpose = notice_key(target)
            notification = Notification(recipient=recipient, purpose=purpose)
            case.notifications.append(notification)
        notification.sent_date = values.get("notification_sent_date")
        notification.reference = (values.get("notification_reference") or "").strip() or None


def _take_decision_date(case: Case, today: date, actor_id: int | None) -> None:
    """The review's clock starts from the meeting that made the approved decision."""
    approved = case.approved_decisions()
    if approved:
        case.decision_date = max(approved, key=lambda d: (d.meeting_date, d.id or 0)).meeting_date


def _convert_to_local_review(case: Case, today: date, actor_id: int | None) -> None:
    """A rapid review becomes a local CSPR: a new case, linked to it, carrying the subject over."""
    child = Case(
        review_type=ReviewType.CSPR,
        state=CONVERTED_LOCAL_REVIEW_STATE,
        parent=case,
        subject_pseudonym=case.subject_pseudonym,
        subject_legal_name=case.subject_legal_name,
        subject_dob=case.subject_dob,
        incident_date=case.incident_date,
        aware_date=case.aware_date,
        referral_date=case.referral_date,
        referrer_name=case.referrer_name,
        referrer_role=case.referrer_role,
        referrer_agency=case.referrer_agency,
        concerns=case.concerns,
        is_restricted=case.is_restricted,
        decision_date=case.decision_date,
        abuse_categories=list(case.abuse_categories),
        agency_links=[CaseAgency(agency=link.agency, role=link.role) for link in case.agency_links],
    )
    object_session(case).add(child)  # SQLAlchemy 2 no longer cascades along the parent backref
    child.timeline.append(
        TransitionLog(
            transition="converted",
            from_state=case.state,
            to_state=child.state,
            actor_id=actor_id,
            note=f"Local CSPR converted from the rapid review {case.reference}.",
        )
    )


def _qa_outcome(outcome: str):
    def effect(case: Case, today: date, actor_id: int | None) -> None:
        case.ho_qa_outcome = outcome

    return effect


def _publish_review(case: Case, today: date, actor_id: int | None) -> None:
    publication.publish_review(case, today)


def _name_the_author(case: Case, today: date, actor_id: int | None) -> str | None:
    return reviewers.author_note(case, today)


EFFECTS = {
    "name_the_author": _name_the_author,
    "publish_review": _publish_review,
    "take_decision_date": _take_decision_date,
    "convert_to_local_review": _convert_to_local_review,
    "qa_approved": _qa_outcome("approved"),
    "qa_resubmit": _qa_outcome("resubmit"),
}


def timeline_label(entry: TransitionLog, review_type: ReviewType) -> str:
    """'Incident reported → Serious incident notification submitted'."""
    return f"{state_label(review_type, entry.from_state)} → {state_label(review_type, entry.to_state)}"


__all__ = ["Field", "TransitionRefused", "apply", "blocked_reason", "field_errors", "offered", "timeline_label"]
