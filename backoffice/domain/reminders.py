"""Reminder digests by email: what each user must act on, sent once per period, recorded, and retried
when a send fails.

Email is not a secure channel: a digest carries case references, milestone names, dates and links,
never a name, a date of birth or narrative.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.domain import contributions, learning
from backoffice.domain.approval import awaiting_answer_from
from backoffice.domain.deadlines import DeadlineStatus, needs_action, status
from backoffice.models import (
    AgencyContribution, Case, Deadline, DeadlineRule, PanelDecision, ReviewAction, Standing, User,
)
from backoffice.models.base import utcnow
from backoffice.models.reminder import Frequency, Reminder
from backoffice.policy import RoleName, roles_allowed
from backoffice.vocabulary import types_in_streams


@dataclass(frozen=True)
class Line:
    """One thing to act on: a case reference, what is due, when, and where to go."""

    reference: str
    what: str
    when: str
    path: str
    urgent: bool = False  # an overdue statutory deadline: sent even to users who turned digests off


def period_key(user: User, today: date) -> str | None:
    """The digest period a user is due one for today, or None if their frequency says not today."""
    frequency = Frequency(user.reminder_frequency or Frequency.DAILY)
    if frequency is Frequency.WEEKLY:
        return f"digest:{today.isocalendar().year}-W{today.isocalendar().week:02d}" if today.weekday() == 0 else None
    return f"digest:{today.isoformat()}"


def lines_for(session: Session, user: User, today: date, soon: int) -> list[Line]:
    """What the user's roles must act on in their streams, most urgent first."""
    roles = frozenset(RoleName(r.name) for r in user.roles)
    types = types_in_streams(user.streams)
    if not types or not user.active:
        return []
    visible = select(Case.id).where(Case.review_type.in_(types), Case.archived_at.is_(None))
    found = _deadlines(session, roles, visible, today, soon)
    if roles & roles_allowed("contribution", "edit"):
        found += _contributions(session, visible, today)
    if roles & (roles_allowed("action", "edit") | roles_allowed("action", "accept_evidence")):
        found += _actions(session, visible, today)
    if roles & roles_allowed("decision", "approve"):
        found += _approvals(session, user, visible)
    return found


def _deadlines(session, roles, visible, today, soon) -> list[Line]:
    query = (select(Deadline).join(Deadline.rule).where(
        Deadline.case_id.in_(visible), needs_action(today, soon), DeadlineRule.responsible_role.in_(roles))
        .order_by(Deadline.due_date, Deadline.id))
    found = []
    for deadline in session.scalars(query):
        overdue = status(deadline, today, soon) is DeadlineStatus.OVERDUE
        statutory = deadline.rule.standing != Standing.LOCAL_PRACTICE
        found.append(Line(deadline.case.reference, deadline.rule.label,
                          f"{'overdue since' if overdue else 'due'} {deadline.due_date:%d %b %Y}",
                          f"/admin/case/details/?id={deadline.case_id}", urgent=overdue and statutory))
    return found


def _contributions(session, visible, today) -> list[Line]:
    query = select(AgencyContribution).where(
        AgencyContribution.case_id.in_(visible), AgencyContribution.archived_at.is_(None),
        contributions.due_within_sql(today, contributions.DUE_SOON_WORKING_DAYS)).order_by(AgencyContribution.due_date)
    return [Line(c.case.reference, f"{c.contribution_type.label} from {c.agency.name}", f"due {c.current_due:%d %b %Y}",
                 f"/admin/contribution/details/?id={c.id}") for c in session.scalars(query)]


def _actions(session, visible, today) -> list[Line]:
    query = select(ReviewAction).where(ReviewAction.case_id.in_(visible), learning.due_within_sql(today)) \
        .order_by(ReviewAction.due_date)
    return [Line(a.case.reference, f"An action owned by {a.owner_agency.name}", f"due {a.due_date:%d %b %Y}",
                 f"/admin/action/details/?id={a.id}") for a in session.scalars(query)]


def _approvals(session, user, visible) -> list[Line]:
    query = select(PanelDecision).where(PanelDecision.case_id.in_(visible), awaiting_answer_from(user.id))
    return [Line(d.case.reference, "A panel decision awaits your approval", f"met on {d.meeting_date:%d %b %Y}",
                 f"/admin/decision/approve/?id={d.id}") for d in session.scalars(query)]


def message(lines: list[Line], base_url: str) -> tuple[str, str]:
    """(subject, body) of a digest: references, milestones, dates and links only."""
    urgent = sum(1 for line in lines if line.urgent)
    subject = f"Learning reviews: {len(lines)} thing{'s' if len(lines) != 1 else ''} to act on" + (
        f", {urgent} statutory deadline{'s' if urgent != 1 else ''} overdue" if urgent else "")
    body = ["What your roles must act on in the learning-review back-office:", ""]
    body += [f"- {line.reference}: {line.what}, {line.when}. {base_url}{line.path}" for line in lines]
    body += ["", "Sign in to see the details. This message carries no personal details: do not reply with any."]
    return subject, "\n".join(body)


def due_digests(session: Session, today: date, soon: int) -> list[tuple[User, str, list[Line]]]:
    """(user, period key, lines) for every digest not yet sent for its period (failed ones again)."""
    sent = {(r.user_id, r.key) for r in session.scalars(select(Reminder).where(Reminder.sent_at.is_not(None)))}
    due = []
    for user in session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)):
        key = period_key(user, today) or f"digest:{today.isoformat()}"
        if (user.id, key) in sent:
            continue
        lines = lines_for(session, user, today, soon)
        off = Frequency(user.reminder_frequency or Frequency.DAILY) is Frequency.OFF or period_key(user, today) is None
        if off:  # only what cannot be switched off: overdue statutory deadlines
            lines = [line for line in lines if line.urgent]
        if lines:
            due.append((user, key, lines))
    return due


def record(session: Session, user: User, key: str, lines: list[Line], error: str | None) -> Reminder:
    """Record one send: sent, or failed (with the error's kind only) to be retried next run."""
    reminder = session.scalars(select(Reminder).where(Reminder.user_id == user.id, Reminder.key == key)).first()
    if reminder is None:
        reminder = Reminder(user=user, key=key, attempts=0)
        session.add(reminder)
    reminder.listed = "; ".join(f"{line.reference}: {line.what}" for line in lines)[:5000]
    reminder.attempts += 1
    if error is None:
        reminder.sent_at, reminder.last_error = utcnow(), None
    else:
        reminder.last_error = error[:300]
    return reminder
