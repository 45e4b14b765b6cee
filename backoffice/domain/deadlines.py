"""The statutory clock: each case's deadlines, derived from its dates and the deadline rules.

Deadlines are recomputed whenever a case, its notifications or holds, or a rule changes, on every
write path (a SQLAlchemy flush hook), so they are never stale and never edited by hand; only a
waiver (with a reason) is kept across recomputation. Whether a deadline is overdue depends on
today's date, so status is worked out when it is read, not stored.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from backoffice.domain.calendar import add_months, add_working_days
from backoffice.vocabulary import FINAL_STATES
from backoffice.models.base import current_actor_id
from backoffice.models.case import Case, notice_key
from backoffice.models.contribution import AgencyContribution
from backoffice.models.decision import PanelDecision
from backoffice.models.lifecycle import Deadline, DeadlineRule, DeadlineUnit, Hold, Notification
from backoffice import clock, context

# Events a rule can count from or be met by: case dates, and notifications sent ("recipient:purpose").
CASE_EVENTS = {
    "aware_date": "Partnership became aware",
    "referral_date": "Referral received",
    "partners_told_date": "Reported to the safeguarding partners",
    "looked_after_death_aware": "Partnership aware of the death of a looked-after child",
    "acknowledged_date": "Referral acknowledged",
    "rr_sent_date": "Rapid review sent to the National Panel",
    "panel_response_date": "National Panel response received",
    "decision_date": "Decision made",
    "referrer_informed_date": "Referrer told the decision",
    "report_completed_date": "Report completed",
    "dardr_report_completed": "DARDR report completed (from DARDR_FROM)",
    "ho_qa_submitted_date": "Submitted to Home Office QA",
    "chronologies_returned": "Last initial chronology received (every one requested is in)",
    "planned_publication_date": "Planned publication date",
    "publication_date": "Published",
}
NOTIFICATION_EVENTS = {
    "notification:national_panel:serious_incident": "Serious incident notification sent to the National Panel",
    "notification:ofsted:serious_incident": "Serious incident notification sent to Ofsted",
    "notification:secretary_of_state:looked_after_death": "Secretary of State told of a looked-after child's death",
    "notification:ofsted:looked_after_death": "Ofsted told of a looked-after child's death",
    "notification:national_panel:pre_publication": "Final report sent to the National Panel before publication",
    "notification:secretary_of_state:pre_publication": "Final report sent to the Secretary of State before publication",
    "notification:home_office:decision": "Home Office told the decision",
    "notification:secretary_of_state:dardr_report": "DARDR report sent to the Secretary of State",
    "notification:domestic_abuse_commissioner:dardr_report": "DARDR report sent to the Domestic Abuse Commissioner",
}
EVENTS = {**CASE_EVENTS, **NOTIFICATION_EVENTS}


class DeadlineStatus(StrEnum):
    PENDING = "pending"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"
    MET_LATE = "met_late"
    ON_HOLD = "on_hold"
    WAIVED = "waived"

    @property
    def label(self) -> str:
        return {"due_soon": "Due soon", "met_late": "Met late", "on_hold": "On hold"}.get(
            self.value, self.value.capitalize()
        )


def event_date(case: Case, event_name: str) -> date | None:
    """The date `event_name` happened on this case, or None if it has not (yet)."""
    if event_name.startswith("notification:"):
        return case.sent_on(event_name)
    if event_name == "dardr_report_completed":  # a DARDR only from commencement (VPA 2024 s19)
        return case.report_completed_date if case.is_dardr(context.setting("DARDR_FROM")) else None
    if event_name == "chronologies_returned":
        return all_returned_on(case, "initial_chronology")
    if event_name not in CASE_EVENTS:
        raise ValueError(f"Unknown event {event_name!r}")
    return getattr(case, event_name)


def all_returned_on(case: Case, kind: str) -> date | None:
    """The day the last agency contribution of `kind` requested on the case came in, once none is owed
    (withdrawn ones aside; one returned for more work is owed again); None until then."""
    asked = [c for c in case.contributions if c.contribution_type == kind and c.archived_at is None
             and c.withdrawn_date is None]
    if not asked or any(c.received_date is None or c.qa_outcome == "returned" for c in asked):
        return None
    return max(c.received_date for c in asked)


def due_date(anchor: date, offset: int, unit: DeadlineUnit) -> date:
    """`offset` units after `anchor` (before it when negative)."""
    unit = DeadlineUnit(unit)
    if unit is DeadlineUnit.WORKING_DAYS:
        return add_working_days(anchor, offset)
    if unit is DeadlineUnit.CALENDAR_MONTHS:
        return add_months(anchor, offset)
    return anchor + timedelta(days=offset)


def in_force(rules: list[DeadlineRule], on: date) -> DeadlineRule | None:
    """The version of a rule in force on `on` (the latest one that started by then)."""
    candidates = [r for r in rules if r.effective_from <= on and (r.effective_to is None or on <= r.effective_to)]
    return max(candidates, key=lambda r: r.effective_from, default=None)


def hold_extension(holds: list[Hold], original: date, today: date) -> tuple[int, str | None, bool]:
    """Days that holds starting on or before `original` extend it by, why, and whether one is ongoing.

    Overlapping holds are merged, so a day on hold counts once; an ongoing hold counts up to today
    and stops the clock until it ends.
    """
    periods = sorted(
        (hold.start_date, hold.end_date or today, hold)
        for hold in holds
        if hold.archived_at is None and hold.start_date <= original
    )
    days, reasons, merged_end = 0, [], None
    for start, end, hold in periods:
        reasons.append(str(hold))
        if merged_end is not None and start <= merged_end:
            start = merged_end + timedelta(days=1)
        if end >= start:
            days += (end - start).days + 1
            merged_end = max(end, merged_end or end)
    ongoing = any(h.end_date is None for _, _, h in periods)
    return days, "; ".join(reasons) or None, ongoing


@dataclass(frozen=True)
class Plan:
    """What one milestone's deadline on a case should be: the version governing it and its dates."""

    rule: DeadlineRule
    original: date
    due: date
    reason: str | None  # why a hold moved it
    on_hold: bool
    met: date | None


def plan(case: Case, versions: list[DeadlineRule], deadline: Deadline | None, today: date) -> Plan | None:
    """The deadline `versions` (one milestone's rule, every version) give the case, or None if none applies.

    A deadline already met or waived keeps the version it was judged by, so a change of rule never
    moves it; an open one takes the newest version that applies to its anchor date.
    """
    versions = [r for r in versions if r.stage in (None, case.stage)]
    anchors = {r.anchor: event_date(case, r.anchor) for r in versions}
    anchored = [r for r in versions if anchors[r.anchor] is not None]
    settled = deadline is not None and (deadline.met_date is not None or deadline.waived_at is not None)
    if settled and deadline.rule in anchored:
        rule = deadline.rule
    else:
        applying = [r for r in anchored if r.applies_to(anchors[r.anchor], still_open=not settled)]
        rule = max(applying, key=lambda r: r.effective_from, default=None)
    if rule is None:
        return None
    original = due_date(anchors[rule.anchor], rule.offset, rule.unit)
    extra, reason, ongoing = hold_extension(case.holds, original, today) if rule.extendable_by_hold else (0, None, False)
    return Plan(rule, original, original + timedelta(days=extra), reason if extra else None, ongoing,
                event_date(case, rule.met_by))


def recompute(session: Session, case: Case, rules_by_milestone: dict[str, list[DeadlineRule]], today: date) -> None:
    """Bring the case's deadlines (and due dates of expected notifications) up to date."""
    existing = {d.milestone: d for d in case.deadlines}
    closed = case.state in FINAL_STATES or case.archived_at is not None
    for milestone, all_versions in rules_by_milestone.items():
        deadline = existing.get(milestone)
        planned = plan(case, all_versions, deadline, today)
        if planned is None or (closed and planned.met is None):
            # Not (or no longer) required: an open deadline goes; a met or waived one stays on record.
            if deadline is not None and deadline.met_date is None and deadline.waived_at is None:
                case.deadlines.remove(deadline)
            for version in all_versions:
                _withdraw_expected_notification(session, case, version.met_by)
            continue
        if deadline is None:
            deadline = Deadline(milestone=milestone)
            case.deadlines.append(deadline)
        deadline.rule = planned.rule
        deadline.original_due = planned.original
        deadline.due_date = planned.due
        deadline.revision_reason = planned.reason
        deadline.on_hold = planned.on_hold
        deadline.met_date = planned.met
        _expect_notification(session, case, planned.rule.met_by, deadline.due_date)


def _expect_notification(session: Session, case: Case, met_by: str, due: date) -> None:
    """A rule met by a notification makes that notification a record, due on the deadline."""
    if not met_by.startswith("notification:"):
        return
    notification = case.notification(met_by)
    if notification is None:
        recipient, purpose = notice_key(met_by)
        notification = Notification(recipient=recipient, purpose=purpose)  # the pipeline stamps it next
        case.notifications.append(notification)
    notification.due_date = due


def _withdraw_expected_notification(session: Session, case: Case, met_by: str) -> None:
    """An expected notification never sent is archived once no rule requires it."""
    if not met_by.startswith("notification:"):
        return
    notification = case.notification(met_by)
    if notification is not None and notification.sent_date is None and notification.archived_at is None:
        notification.archive("No longer required for this case.", current_actor_id(session))


def status(deadline: Deadline, today: date, due_soon_days: int = 10) -> DeadlineStatus:
    """Where a deadline stands today."""
    if deadline.waived_at is not None:
        return DeadlineStatus.WAIVED
    if deadline.met_date is not None:
        return DeadlineStatus.MET if deadline.met_date <= deadline.due_date else DeadlineStatus.MET_LATE
    if deadline.on_hold:
        return DeadlineStatus.ON_HOLD
    if deadline.due_date < today:
        return DeadlineStatus.OVERDUE
    if deadline.due_date <= add_working_days(today, due_soon_days):
        return DeadlineStatus.DUE_SOON
    return DeadlineStatus.PENDING


def status_condition(wanted: DeadlineStatus, today: date, due_soon_days: int = 10):
    """The same classification as `status`, as a SQL condition over Deadline, for lists and counts."""
    open_ = and_(Deadline.met_date.is_(None), Deadline.waived_at.is_(None), Deadline.on_hold.is_(False))
    soon = add_working_days(today, due_soon_days)
    return {
        DeadlineStatus.WAIVED: Deadline.waived_at.is_not(None),
        DeadlineStatus.MET: and_(Deadline.waived_at.is_(None), Deadline.met_date <= Deadline.due_date),
        DeadlineStatus.MET_LATE: and_(Deadline.waived_at.is_(None), Deadline.met_date > Deadline.due_date),
        DeadlineStatus.ON_HOLD: and_(Deadline.met_date.is_(None), Deadline.waived_at.is_(None), Deadline.on_hold.is_(True)),
        DeadlineStatus.OVERDUE: and_(open_, Deadline.due_date < today),
        DeadlineStatus.DUE_SOON: and_(open_, Deadline.due_date >= today, Deadline.due_date <= soon),
        DeadlineStatus.PENDING: and_(open_, Deadline.due_date > soon),
    }[DeadlineStatus(wanted)]


def needs_action(today: date, due_soon_days: int = 10):
    """Open deadlines that are overdue or due soon."""
    return or_(
        status_condition(DeadlineStatus.OVERDUE, today, due_soon_days),
        status_condition(DeadlineStatus.DUE_SOON, today, due_soon_days),
    )


def _rules(session: Session) -> dict:
    """Every rule by review type and milestone, including ones added in this flush."""
    rules: dict = defaultdict(lambda: defaultdict(list))
    pending = [o for o in session.new if isinstance(o, DeadlineRule)]
    for rule in {*session.scalars(select(DeadlineRule)), *pending}:
        rules[str(rule.review_type)][rule.milestone].append(rule)
    return rules


def _case_of(session: Session, obj) -> Case | None:
    """The case a changed object belongs to, whether it was linked by object or only by case_id."""
    if isinstance(obj, Case):
        return obj
    if isinstance(obj, DeadlineRule):
        return None
    return obj.case or (session.get(Case, obj.case_id) if obj.case_id else None)


def recompute_changed_cases(session: Session) -> None:
    """Recompute the deadlines of every case whose dates, notifications, holds or decisions (which
    decide whether a review was commissioned) this flush changes."""
    changed = [
        o for o in (*session.new, *session.dirty)
        if isinstance(o, (Case, Notification, Hold, DeadlineRule, PanelDecision, AgencyContribution))
    ]
    if not changed:
        return
    with session.no_autoflush:
        cases = {id(c): c for c in (_case_of(session, o) for o in changed) if c is not None}
        for rule in (o for o in changed if isinstance(o, DeadlineRule)):
            for case in session.scalars(select(Case).where(Case.review_type == rule.review_type)):
                cases[id(case)] = case
        if not cases:
            return
        rules = _rules(session)
        today = clock.today()
        for case in cases.values():
            if case.review_type is not None:
                recompute(session, case, rules[str(case.review_type)], today)
