"""Changing a deadline rule: a new version with an effective date, never an edit under live cases.

An admin proposes the new timescale, sees which open cases' deadlines would move and how, and then
adopts it, choosing which cases it reaches: only those whose anchor date falls on or after the
effective date, or every open deadline (a recompute, which needs a reason). The old version stops the
day before the new one starts. A deadline already met or waived keeps the version it was judged by.
The new row carries the choice and the reason, so the audit trail records both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, selectinload

from backoffice.domain.deadlines import plan
from backoffice.models import Case, Deadline, DeadlineRule, DeadlineUnit, Reach
from backoffice.refusals import Refused
from backoffice.vocabulary import FINAL_STATES

# Changing any of these in place would move live cases' deadlines behind their backs.
FIXED = ("review_type", "stage", "milestone", "anchor", "met_by", "offset", "unit", "extendable_by_hold",
         "effective_from", "reach")
IDENTITY = ("review_type", "stage", "milestone", "label", "anchor", "met_by", "standing", "responsible_role", "source")


class VersionRefused(Refused):
    """A proposed version that cannot be made, and the field to correct."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Shift:
    """How one open case's deadline would move."""

    case: Case
    before: date | None  # None: the case has no such deadline yet
    after: date | None  # None: the deadline would no longer apply


@dataclass(frozen=True)
class Preview:
    shifts: list[Shift]
    settled: int  # deadlines of this milestone already met or waived, which keep their dates


def versions_of(session: Session, rule: DeadlineRule) -> list[DeadlineRule]:
    """Every version of the rule's line: the same review type, milestone and stage."""
    return list(session.scalars(
        select(DeadlineRule)
        .where(DeadlineRule.review_type == rule.review_type, DeadlineRule.milestone == rule.milestone,
               DeadlineRule.stage.is_(None) if rule.stage is None else DeadlineRule.stage == rule.stage)
        .order_by(DeadlineRule.effective_from)
    ))


def propose(session: Session, current: DeadlineRule, *, offset: int, unit: DeadlineUnit | str,
            extendable_by_hold: bool, effective_from: date, reach: Reach | str, reason: str | None) -> DeadlineRule:
    """The next version of `current`, not yet saved; raises `VersionRefused` with what to correct."""
    reason = (reason or "").strip() or None
    if current.effective_to is not None or versions_of(session, current)[-1] is not current:
        raise VersionRefused("effective_from", "Only the newest version of a rule can be changed.")
    if effective_from <= current.effective_from:
        raise VersionRefused("effective_from", f"The new version must start after the current one, which "
                                               f"started on {current.effective_from:%d %b %Y}.")
    if (offset, DeadlineUnit(unit), bool(extendable_by_hold)) == (current.offset, DeadlineUnit(current.unit),
                                                                   bool(current.extendable_by_hold)):
        raise VersionRefused("offset", "The new version sets the same timescale as the current one.")
    if Reach(reach) is Reach.OPEN_CASES and reason is None:
        raise VersionRefused("change_reason", "Say why open cases' deadlines should be recomputed.")
    return DeadlineRule(
        **{name: getattr(current, name) for name in IDENTITY}, offset=offset, unit=DeadlineUnit(unit),
        extendable_by_hold=bool(extendable_by_hold), effective_from=effective_from, reach=Reach(reach),
        change_reason=reason,
    )


def preview(session: Session, current: DeadlineRule, proposed: DeadlineRule, today: date) -> Preview:
    """Which open cases' deadlines the proposed version would move, and to what; nothing is written."""
    ending = DeadlineRule(**{name: getattr(current, name) for name in (*IDENTITY, *DeadlineRule.TIMING)},
                          id=current.id, effective_from=current.effective_from, reach=current.reach,
                          effective_to=proposed.effective_from - timedelta(days=1))
    before = versions_of(session, current)
    after = [ending if version is current else version for version in before] + [proposed]
    shifts, settled = [], 0
    with session.no_autoflush:
        for case in _open_cases(session, current):
            deadline = next((d for d in case.deadlines if d.milestone == current.milestone), None)
            if deadline is not None and (deadline.met_date is not None or deadline.waived_at is not None):
                settled += 1
                continue
            now, then = plan(case, before, deadline, today), plan(case, after, deadline, today)
            now_due, then_due = (now.due if now else None), (then.due if then else None)
            if now_due != then_due:
                shifts.append(Shift(case, now_due, then_due))
    return Preview(shifts, settled)


def adopt(session: Session, current: DeadlineRule, proposed: DeadlineRule) -> DeadlineRule:
    """Make the proposed version the rule from its effective date; the save recomputes the deadlines."""
    current.effective_to = proposed.effective_from - timedelta(days=1)
    session.add(proposed)
    return proposed


def _open_cases(session: Session, rule: DeadlineRule) -> list[Case]:
    """Open cases of the rule's review type, with what their deadlines are worked out from."""
    return list(session.scalars(
        select(Case)
        .where(Case.review_type == rule.review_type, Case.state.not_in(FINAL_STATES), Case.archived_at.is_(None))
        .options(selectinload(Case.deadlines).joinedload(Deadline.rule), selectinload(Case.holds),
                 selectinload(Case.notifications), selectinload(Case.timeline), selectinload(Case.decisions))
        .order_by(Case.reference)
    ).unique())


def refuse_edits_in_place(session: Session) -> None:
    """On every write path, a rule's timescale changes only by a new version: the flush is refused if
    one is edited in place, or an ended version's end date is moved."""
    for rule in session.dirty:
        if not isinstance(rule, DeadlineRule):
            continue
        state = inspect(rule)
        changed = [name for name in FIXED if state.attrs[name].history.has_changes()]
        ended = state.attrs["effective_to"].history
        if ended.has_changes() and any(value is not None for value in ended.deleted):
            changed.append("effective_to")
        if changed:
            raise Refused(
                "A deadline rule's timescale is never edited under live cases: make a new version with an "
                "effective date instead.", {name: "Make a new version to change this." for name in changed})
