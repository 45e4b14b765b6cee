"""Agency contributions (domain-reference 2.3): what each request is due by, where it stands, what a
valid record says, asking several agencies at once, and the turnaround rules as versioned data.

A contribution's status is worked out from its dates when it is read (whether it is overdue depends on
today), never typed. Its due date comes from the turnaround rule in force on the day it was requested,
for the kind of request and the type of review; a kind with no rule takes the date the requester gives.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.domain.calendar import add_working_days
from backoffice.domain.deadlines import due_date as offset_from, in_force
from backoffice.models import (
    AgencyContribution,
    Case,
    ContributionQa,
    ContributionStatus,
    ContributionType,
    TurnaroundRule,
)
from backoffice.models.lifecycle import DeadlineUnit
from backoffice.refusals import Refused

C = AgencyContribution
S = ContributionStatus
# Still owed by the agency: asked for, and neither in nor withdrawn (a return for more work is owed again).
OWED = frozenset({S.REQUESTED, S.OVERDUE, S.RETURNED, S.NOT_ENGAGING})
SETTLED = frozenset({S.RECEIVED, S.QA_PASSED, S.WITHDRAWN})
# Business support's home page shows what is overdue or due within this many working days.
DUE_SOON_WORKING_DAYS = 5


def status(contribution: AgencyContribution, today: date) -> ContributionStatus:
    """Where the contribution stands today."""
    if contribution.withdrawn_date is not None:
        return S.WITHDRAWN
    if contribution.received_date is not None:
        if contribution.qa_outcome == ContributionQa.PASSED:
            return S.QA_PASSED
        if contribution.qa_outcome == ContributionQa.RETURNED:
            return S.RETURNED
        return S.RECEIVED
    if contribution.not_engaging_since is not None:
        return S.NOT_ENGAGING
    return S.OVERDUE if contribution.current_due < today else S.REQUESTED


def days_late(contribution: AgencyContribution, today: date) -> int:
    """Calendar days past its (extended) due date: until received, or on the day it came in."""
    until = contribution.received_date or today
    return max(0, (until - contribution.current_due).days) if contribution.withdrawn_date is None else 0


# --- the same, as SQL (lists, filters, the dashboard) ----------------------------------------------

def current_due_sql():
    return func.coalesce(C.extended_to, C.due_date)


def outstanding_sql():
    """Not yet received (or returned for more work) and not withdrawn."""
    returned = and_(C.received_date.is_not(None), C.qa_outcome == ContributionQa.RETURNED)
    return and_(C.withdrawn_date.is_(None), C.received_date.is_(None) | returned)


def status_sql(wanted: ContributionStatus, today: date):
    """A condition true of the contributions whose status today is `wanted`."""
    not_in = and_(C.withdrawn_date.is_(None), C.received_date.is_(None))
    received = and_(C.withdrawn_date.is_(None), C.received_date.is_not(None))
    return {
        S.WITHDRAWN: C.withdrawn_date.is_not(None),
        S.QA_PASSED: and_(received, C.qa_outcome == ContributionQa.PASSED),
        S.RETURNED: and_(received, C.qa_outcome == ContributionQa.RETURNED),
        S.RECEIVED: and_(received, C.qa_outcome.is_(None)),
        S.NOT_ENGAGING: and_(not_in, C.not_engaging_since.is_not(None)),
        S.OVERDUE: and_(not_in, C.not_engaging_since.is_(None), current_due_sql() < today),
        S.REQUESTED: and_(not_in, C.not_engaging_since.is_(None), current_due_sql() >= today),
    }[S(wanted)]


def due_within_sql(today: date, working_days: int):
    """Outstanding, and overdue or due within `working_days` working days."""
    return and_(outstanding_sql(), C.received_date.is_(None), current_due_sql() <= add_working_days(today, working_days))


# --- due dates ---------------------------------------------------------------------------------------

def rule_in_force(session: Session, review_type, kind, on: date) -> TurnaroundRule | None:
    """The turnaround rule for `kind` on this type of review in force on `on`."""
    versions = list(session.scalars(select(TurnaroundRule).where(
        TurnaroundRule.review_type == review_type, TurnaroundRule.contribution_type == kind)))
    return in_force(versions, on)


def fill_due_dates(session: Session) -> None:
    """On every write path: a new request (or one whose kind or requested date changed) takes its due
    date from the rule in force; with no rule, the date given is kept, and a missing one is refused."""
    for contribution in (o for o in (*session.new, *session.dirty) if isinstance(o, C)):
        if contribution in session.dirty and not _timing_changed(contribution):
            continue
        case = contribution.case or (session.get(Case, contribution.case_id) if contribution.case_id else None)
        if case is None or contribution.requested_date is None or contribution.contribution_type is None:
            continue  # the form or the database says what is missing
        with session.no_autoflush:
            rule = rule_in_force(session, case.review_type, contribution.contribution_type, contribution.requested_date)
        contribution.rule = rule
        if rule is not None:
            contribution.due_date = offset_from(contribution.requested_date, rule.offset, rule.unit)
        elif contribution.due_date is None:
            raise Refused(f"No turnaround is set for '{ContributionType(contribution.contribution_type).label}' on a "
                          f"{case.review_type}: give the date it is due.", errors={"due_date": "Give the date it is due."})


def _timing_changed(contribution: AgencyContribution) -> bool:
    from sqlalchemy import inspect

    state = inspect(contribution)
    return any(state.attrs[name].history.has_changes() for name in ("contribution_type", "requested_date", "case_id"))


def reopen_returned_on_resubmission(session: Session) -> None:
    """A contribution returned for more work and then received again is checked afresh: the earlier
    return stays in its History."""
    from sqlalchemy import inspect

    for contribution in (o for o in session.dirty if isinstance(o, C)):
        received = inspect(contribution).attrs.received_date.history
        if (received.has_changes() and contribution.qa_outcome == ContributionQa.RETURNED
                and contribution.received_date and contribution.qa_date
                and contribution.received_date > contribution.qa_date):
            contribution.qa_outcome, contribution.qa_date, contribution.qa_by_id = None, None, None


# --- what a valid record says --------------------------------------------------------------------

def contribution_errors(c: AgencyContribution, today: date) -> dict[str, str]:
    """What is wrong with a contribution about to be saved, by field."""
    errors: dict[str, str] = {}
    if c.requested_date and c.requested_date > today:
        errors["requested_date"] = "The date requested cannot be in the future."
    if c.due_date and c.requested_date and c.due_date < c.requested_date:
        errors["due_date"] = "It cannot be due before it was requested."
    if c.received_date:
        if c.received_date > today:
            errors["received_date"] = "The date received cannot be in the future."
        elif c.requested_date and c.received_date < c.requested_date:
            errors["received_date"] = "It cannot have been received before it was requested."
    if c.qa_outcome is not None:
        if c.received_date is None:
            errors["qa_outcome"] = "Record the date it was received before its quality check."
        if c.qa_date is None:
            errors["qa_date"] = "Give the date of the quality check."
        elif c.received_date and c.qa_date < c.received_date:
            errors["qa_date"] = "The quality check cannot come before it was received."
        elif c.qa_date > today:
            errors["qa_date"] = "The date of the quality check cannot be in the future."
        if c.qa_outcome == ContributionQa.RETURNED and not (c.qa_reason or "").strip():
            errors["qa_reason"] = "Say what more work is needed."
    elif c.qa_date is not None:
        errors["qa_outcome"] = "Choose the outcome of the quality check, or clear its date."
    if c.extended_to is not None:
        if c.due_date and c.extended_to <= c.due_date:
            errors["extended_to"] = f"An extension must be later than the due date ({c.due_date:%d %b %Y})."
        if not (c.extension_reason or "").strip():
            errors["extension_reason"] = "Give the reason for the extension."
    elif (c.extension_reason or "").strip():
        errors["extended_to"] = "Give the new due date, or clear the reason."
    if c.withdrawn_date is not None:
        if not (c.withdrawn_reason or "").strip():
            errors["withdrawn_reason"] = "Give the reason it was withdrawn."
        if c.withdrawn_date > today:
            errors["withdrawn_date"] = "The date withdrawn cannot be in the future."
    elif (c.withdrawn_reason or "").strip():
        errors["withdrawn_date"] = "Give the date it was withdrawn, or clear the reason."
    if c.not_engaging_since is not None and c.not_engaging_since > today:
        errors["not_engaging_since"] = "The date cannot be in the future."
    if c.document is not None and c.case_id is not None and c.document.case_id != c.case_id:
        errors["document"] = "Choose a document of this case."
    return errors


def typed_due_date_problem(session: Session, c: AgencyContribution) -> str | None:
    """A due date typed over the turnaround's would be silently replaced: say so instead."""
    from sqlalchemy import inspect

    state = inspect(c)
    typed = c.due_date is not None and (state.transient or state.pending or state.attrs.due_date.history.has_changes())
    case = c.case
    if not typed or case is None or c.requested_date is None or c.contribution_type is None:
        return None
    with session.no_autoflush:
        rule = rule_in_force(session, case.review_type, c.contribution_type, c.requested_date)
    if rule is None:
        return None
    due = offset_from(c.requested_date, rule.offset, rule.unit)
    if c.due_date == due:
        return None
    return (f"The turnaround makes it due {due:%d %b %Y} ({rule.offset} {DeadlineUnit(rule.unit).label}): leave the "
            "due date empty, or record an extension with its reason.")


# --- asking several agencies at once -------------------------------------------------------------

def request_from(session: Session, case: Case, agencies: Iterable, kind: ContributionType, requested: date,
                 due: date | None = None, note: str | None = None) -> list[AgencyContribution]:
    """Ask each agency for `kind` on `case`, all at once; refused whole if any agency already owes it."""
    agencies = list(agencies)
    if not agencies:
        raise Refused("Choose at least one agency.", errors={"agencies": "Choose at least one agency."})
    owing = [a.name for a in agencies if any(
        c.agency_id == a.id and c.contribution_type == kind and status(c, requested) in OWED and c.archived_at is None
        for c in case.contributions)]
    if owing:
        message = f"Already requested and still owed by {', '.join(owing)}: nothing was requested."
        raise Refused(message, errors={"agencies": message})
    rule = rule_in_force(session, case.review_type, kind, requested)
    if rule is not None and due is not None and due != offset_from(requested, rule.offset, rule.unit):
        message = (f"The turnaround sets the due date ({rule.offset} {DeadlineUnit(rule.unit).label}): leave it empty, "
                   "and record an extension on a request that needs more time.")
        raise Refused(message, errors={"due_date": message})
    if rule is None and due is None:
        message = f"No turnaround is set for '{ContributionType(kind).label}' on a {case.review_type}: give the due date."
        raise Refused(message, errors={"due_date": message})
    made = [C(case=case, agency=agency, contribution_type=kind, requested_date=requested, due_date=due, note=note)
            for agency in agencies]
    for contribution in made:
        problems = contribution_errors(contribution, clock.today())
        if problems:
            raise Refused(" ".join(problems.values()), errors=problems)
    session.add_all(made)
    return made


# --- what the lifecycle and the case page ask -----------------------------------------------------

def kind_in(case: Case, kind: ContributionType) -> str | None:
    """Why the case cannot move on until every requested `kind` is in (None when it can): each must be
    received (and not returned for more work) or withdrawn with a reason."""
    asked = [c for c in case.contributions if c.contribution_type == kind and c.archived_at is None]
    label = ContributionType(kind).label
    if not asked:
        return f"No {label} has been requested yet: request them from the case page first."
    owed = [c for c in asked if status(c, clock.today()) in OWED]
    if owed:
        names = ", ".join(sorted(c.agency.name for c in owed))
        return f"Still owed ({label}): {names}. Each must be received, or withdrawn with a reason."
    return None


@dataclass(frozen=True)
class Row:
    contribution: AgencyContribution
    status: ContributionStatus
    days_late: int


def case_summary(case: Case, today: date) -> list[Row]:
    """The case's contributions for its page: what is owed first, by due date."""
    rows = [Row(c, status(c, today), days_late(c, today)) for c in case.contributions if c.archived_at is None]
    return sorted(rows, key=lambda r: (r.status not in OWED, r.contribution.current_due))


# --- turnaround rules as versions ---------------------------------------------------------------

def new_version(session: Session, current: TurnaroundRule, *, offset: int, unit: DeadlineUnit | str,
                effective_from: date, reason: str | None) -> TurnaroundRule:
    """The next version of `current` (added to the session); `current` ends the day before."""
    reason = (reason or "").strip()
    if current.effective_to is not None:
        raise Refused("Only the newest version of a turnaround can be changed.", errors={"effective_from": "Only the newest version can be changed."})
    if effective_from <= current.effective_from:
        message = f"The new version must start after the current one, which started on {current.effective_from:%d %b %Y}."
        raise Refused(message, errors={"effective_from": message})
    if not reason:
        raise Refused("Say why the turnaround changes.", errors={"change_reason": "Say why the turnaround changes."})
    current.effective_to = effective_from - timedelta(days=1)
    version = TurnaroundRule(review_type=current.review_type, contribution_type=current.contribution_type,
                             offset=offset, unit=DeadlineUnit(unit), standing=current.standing, source=current.source,
                             effective_from=effective_from, change_reason=reason)
    session.add(version)
    return version


def refuse_turnaround_edits_in_place(session: Session) -> None:
    """On every write path: a turnaround's timing is changed by a new version, never in place, so a
    request keeps the due date it was given."""
    from sqlalchemy import inspect

    for rule in (o for o in session.dirty if isinstance(o, TurnaroundRule)):
        state = inspect(rule)
        if any(state.attrs[name].history.has_changes() for name in ("offset", "unit", "effective_from",
                                                                     "review_type", "contribution_type")):
            raise Refused("A turnaround is changed by a new version with an effective date, not edited in place "
                          "(requests already made keep their due dates).")
