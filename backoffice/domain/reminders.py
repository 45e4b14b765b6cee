"""Reminder digests by email: what each user must act on, sent once per period, recorded, and retried
when a send fails.

Email is not a secure channel: a digest carries case references, milestone names, dates and links,
never a name, a date of birth or narrative.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from backoffice.domain import contributions, learning
from backoffice.domain.approval import awaiting_answer_from
from backoffice.domain.calendar import add_working_days, sub_working_days
from backoffice.domain.deadlines import DeadlineStatus, needs_action, status, status_condition
from backoffice.models import (
    ActionStatus, Agency, AgencyContribution, Case, ChaseKind, ContributionEmail, ContributionType, Deadline,
    DeadlineRule, PanelDecision, ReviewAction, Role, Standing, User,
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
    return attempted(reminder, error)


def attempted(sent, error: str | None):
    """Count one attempt at sending `sent` (a reminder or an agency email): sent now, or failed with the
    error's kind only, to be retried on the next run."""
    sent.attempts += 1
    if error is None:
        sent.sent_at, sent.last_error = utcnow(), None
    else:
        sent.last_error = error[:300]
    return sent


# --- escalations --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Escalation:
    """Something long overdue, escalated once to the board members of its case's stream."""

    key: str  # e.g. "escalation:deadline:12": what a board member was told of, so never twice
    review_type: str
    line: Line


def escalations(session: Session, today: date, after: int) -> list[Escalation]:
    """Statutory deadlines, actions and agency contributions overdue by more than `after` working days."""
    cutoff = sub_working_days(today, after)
    found = []
    statutory = (select(Deadline).join(Deadline.rule).join(Deadline.case)
                 .where(status_condition(DeadlineStatus.OVERDUE, today), Deadline.due_date < cutoff,
                        DeadlineRule.standing != Standing.LOCAL_PRACTICE, Case.archived_at.is_(None))
                 .order_by(Deadline.due_date, Deadline.id))
    for d in session.scalars(statutory):
        found.append(Escalation(f"escalation:deadline:{d.id}", str(d.case.review_type), Line(
            d.case.reference, f"Escalated: {d.rule.label}", f"overdue since {d.due_date:%d %b %Y}",
            f"/admin/case/details/?id={d.case_id}", urgent=True)))
    actions = (select(ReviewAction).join(ReviewAction.case)
               .where(ReviewAction.status.notin_([ActionStatus.COMPLETED, ActionStatus.NOT_IMPLEMENTED]),
                      ReviewAction.archived_at.is_(None), ReviewAction.due_date < cutoff, Case.archived_at.is_(None))
               .order_by(ReviewAction.due_date, ReviewAction.id))
    for a in session.scalars(actions):
        found.append(Escalation(f"escalation:action:{a.id}", str(a.case.review_type), Line(
            a.case.reference, f"Escalated: an action owned by {a.owner_agency.name}",
            f"overdue since {a.due_date:%d %b %Y}", f"/admin/action/details/?id={a.id}", urgent=True)))
    owed = (select(AgencyContribution).join(AgencyContribution.case)
            .where(contributions.outstanding_sql(), AgencyContribution.received_date.is_(None),
                   AgencyContribution.archived_at.is_(None), contributions.current_due_sql() < cutoff,
                   Case.archived_at.is_(None))
            .order_by(AgencyContribution.due_date, AgencyContribution.id))
    for c in session.scalars(owed):
        found.append(Escalation(f"escalation:contribution:{c.id}", str(c.case.review_type), Line(
            c.case.reference, f"Escalated: {c.contribution_type.label} from {c.agency.name}",
            f"overdue since {c.current_due:%d %b %Y}", f"/admin/contribution/details/?id={c.id}", urgent=True)))
    return found


def due_escalations(session: Session, today: date, after: int) -> list[tuple[User, list[Escalation]]]:
    """For each active board member, the escalations of their streams they have not yet been sent
    (whatever their digest setting: escalations cannot be switched off)."""
    pending = escalations(session, today, after)
    if not pending:
        return []
    sent = {(r.user_id, r.key) for r in session.scalars(
        select(Reminder).where(Reminder.sent_at.is_not(None), Reminder.key.like("escalation:%")))}
    board = session.scalars(select(User).join(User.roles).where(
        User.active.is_(True), Role.name.in_([str(r) for r in roles_allowed("decision", "approve")])).order_by(User.id))
    due = []
    for user in board.unique():
        types = {str(t) for t in types_in_streams(user.streams)}
        mine = [e for e in pending if e.review_type in types and (user.id, e.key) not in sent]
        if mine:
            due.append((user, mine))
    return due


def escalation_message(items: list[Escalation], base_url: str) -> tuple[str, str]:
    """(subject, body) of an escalation: references, milestones, dates and links only."""
    subject = f"Learning reviews: {len(items)} overdue item{'s' if len(items) != 1 else ''} escalated to the board"
    body = ["These are overdue by more than the partnership's escalation threshold, in the streams you oversee:", ""]
    body += [f"- {e.line.reference}: {e.line.what}, {e.line.when}. {base_url}{e.line.path}" for e in items]
    body += ["", "Each is escalated to you once. Sign in to see the details; do not reply with any."]
    return subject, "\n".join(body)


def record_escalations(session: Session, user: User, items: list[Escalation], error: str | None) -> None:
    """Record each escalation sent to `user` (or the failure, to be retried next run)."""
    for item in items:
        record(session, user, item.key, [item.line], error)


# --- agencies' contributions: request, reminder, chase -----------------------------------------

# A contribution requested longer ago than this when the emails began is not sent a request email
# (it was asked for by letter or phone before); it is still reminded and chased.
REQUEST_WITHIN_DAYS = 14


def agency_emails_due(session: Session, today: date, remind_before: int, chase_every: int) -> list[tuple]:
    """(contribution, kind, key) of each email owed to an agency's safeguarding lead today: the request
    of a new contribution, a reminder `remind_before` working days before it is due (once per due
    date), and a chase while it is overdue, at most once every `chase_every` working days."""
    owed = session.scalars(
        select(AgencyContribution).join(AgencyContribution.agency).join(AgencyContribution.case)
        .where(contributions.outstanding_sql(), AgencyContribution.received_date.is_(None),
               AgencyContribution.archived_at.is_(None), Case.archived_at.is_(None),
               Agency.safeguarding_lead_email.is_not(None), Agency.safeguarding_lead_email != "")
        .options(selectinload(AgencyContribution.emails)).order_by(AgencyContribution.id)).all()
    due = []
    for c in owed:
        sent = {e.key for e in c.emails if e.sent_at is not None}
        chased = [e.sent_at for e in c.emails if e.kind == ChaseKind.CHASE and e.sent_at is not None]
        if "request" not in sent and c.requested_date >= today - timedelta(days=REQUEST_WITHIN_DAYS):
            due.append((c, ChaseKind.REQUEST, "request"))
        if c.current_due >= today and today >= sub_working_days(c.current_due, remind_before):
            key = f"reminder:{c.current_due.isoformat()}"
            if key not in sent:
                due.append((c, ChaseKind.REMINDER, key))
        if c.current_due < today:
            last = max(chased).date() if chased else None
            if last is None or add_working_days(last, chase_every) <= today:
                due.append((c, ChaseKind.CHASE, f"chase:{today.isoformat()}"))
    return due


def agency_message(c: AgencyContribution, kind: ChaseKind, contact: str) -> tuple[str, str]:
    """(subject, body) of an email to an agency's safeguarding lead: the case reference, what is asked
    and by when, never case narrative (the terms of reference travel by the partnership's secure route)."""
    what = ContributionType(c.contribution_type).label
    opening = {
        ChaseKind.REQUEST: f"The partnership asks {c.agency.name} for: {what}, for case {c.case.reference}.",
        ChaseKind.REMINDER: f"A reminder: {c.agency.name}'s {what} for case {c.case.reference} is due soon.",
        ChaseKind.CHASE: f"{c.agency.name}'s {what} for case {c.case.reference} is overdue.",
    }[kind]
    subject = {ChaseKind.REQUEST: f"Request for information: {c.case.reference}",
               ChaseKind.REMINDER: f"Reminder: {what} due {c.current_due:%d %b %Y} ({c.case.reference})",
               ChaseKind.CHASE: f"Overdue: {what} was due {c.current_due:%d %b %Y} ({c.case.reference})"}[kind]
    body = "\n".join([
        opening, "", f"Due: {c.current_due:%d %B %Y}.", "",
        "The terms of reference and any case details come through the partnership's secure channel, never by "
        "email. Send the contribution the same way.", "",
        f"If you cannot meet the date, contact {contact} and quote the reference.",
    ])
    return subject, body


def record_agency_email(session: Session, c: AgencyContribution, kind: ChaseKind, key: str, error: str | None):
    """Record one email on the contribution: sent, or failed (to be retried next run)."""
    email = next((e for e in c.emails if e.key == key), None)
    if email is None:
        email = ContributionEmail(contribution=c, kind=kind, key=key, sent_to=c.agency.safeguarding_lead_email,
                                  attempts=0)
        session.add(email)
    return attempted(email, error)
