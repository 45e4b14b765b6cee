"""Retention and disposal: which records are past their retention period, and what a person's decision
does with them. Nothing is disposed of without a decision, and nothing while a legal hold is on.

The schedule is data (`RetentionRule`, one line per record class). A record past its period joins the
disposal queue until someone decides: retain it (with a reason and a new review date), anonymise it
(the personal details go, the record stays) or destroy it (the case and everything in it go; a
tombstone says it existed, who authorised its destruction and why). Either way the audit trail keeps
no personal value of what was disposed of, and still verifies (`audit.redact`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from backoffice.domain import audit, files
from backoffice.domain.calendar import add_months
from backoffice.models import (
    AgendaItem, Case, ConflictDeclaration, FamilyInvolvement, Finding, Meeting, PublishedDocument, Recommendation,
    RecommendationSet, ReviewAction,
)
from backoffice.models.retention import (
    DisposalAction, DisposalDecision, LegalHold, RecordClass, RetentionRule, Tombstone, Trigger,
)
from backoffice.refusals import Refused
from backoffice.vocabulary import FINAL_STATES

# What anonymising removes (the case's restricted details, who referred it, the narrative), and the
# family details that go a set time after closure.
CASE_PERSONAL = (*Case.RESTRICTED, "referrer_name", "concerns", "other_children")
FAMILY_PERSONAL = ("name", "contact_details", "safety_notes")
# What each record class may be: family contact details are anonymised, never destroyed on their own.
ALLOWED = {
    RecordClass.NOT_PROGRESSED: tuple(DisposalAction),
    RecordClass.REVIEW_RECORD: tuple(DisposalAction),
    RecordClass.FAMILY_CONTACTS: (DisposalAction.RETAIN, DisposalAction.ANONYMISE),
}


class DisposalRefused(Refused):
    """A disposal decision that cannot be made; the message says why."""


@dataclass(frozen=True)
class Due:
    """One record past its retention period, awaiting a person's decision."""

    case: Case
    rule: RetentionRule
    since: date  # the trigger: closure or publication
    due_on: date
    hold: LegalHold | None  # on: listed, but nothing may be done until it is lifted

    @property
    def key(self) -> str:
        return f"{self.case.id}:{self.rule.record_class}"

    def what_goes(self, action: DisposalAction | str) -> list[str]:
        """In words, what the action would remove."""
        action = DisposalAction(action)
        members = [m for m in self.case.family if _has_family_details(m)]
        family = f"the names, contact details and safety notes of {len(members)} family member(s)"
        if action is DisposalAction.RETAIN:
            return []
        if action is DisposalAction.ANONYMISE and self.rule.record_class == RecordClass.FAMILY_CONTACTS:
            return [family]
        if action is DisposalAction.ANONYMISE:
            return ["the subject's legal name, date of birth, sex and ethnicity, the referrer's name, the concerns "
                    "narrative and the notes on other children", family, "those values in the audit trail"]
        return [f"case {self.case.reference} and everything recorded in it: {len(self.case.decisions)} decision(s), "
                f"{len(self.case.family)} family member(s), {len(self.case.documents)} document(s) and their files, "
                f"{len(self.case.notifications)} notification(s), {len(self.case.timeline)} timeline entries",
                "every value the audit trail holds about it (who did what, and when, stays)"]


def schedule(session: Session) -> dict[RecordClass, RetentionRule]:
    return {RecordClass(rule.record_class): rule for rule in session.scalars(select(RetentionRule))}


def closed_on(case: Case) -> date | None:
    """The day the case was closed, if it is."""
    if case.state not in FINAL_STATES:
        return None
    closing = [entry.at for entry in case.timeline if entry.to_state in FINAL_STATES]
    return max(closing).date() if closing else None


def classes_of(case: Case) -> list[RecordClass]:
    """The record classes a case's records fall in."""
    found = []
    if case.state in FINAL_STATES and case.publication_date is None and case.stage not in ("review", "local_review"):
        found.append(RecordClass.NOT_PROGRESSED)
    elif case.state in FINAL_STATES or case.publication_date is not None:
        found.append(RecordClass.REVIEW_RECORD)
    if case.state in FINAL_STATES and any(_has_family_details(m) for m in case.family):
        found.append(RecordClass.FAMILY_CONTACTS)
    return found


def review(session: Session, today: date, among=None) -> list[Due]:
    """Every record past its retention period with no decision keeping it, oldest first; `among` (a
    SELECT of case ids, e.g. the cases a user may see) narrows it in the database."""
    rules = schedule(session)
    decisions = _latest_decisions(session)
    holds: dict[int, list[LegalHold]] = {}
    for hold in session.scalars(select(LegalHold).where(LegalHold.lifted_on.is_(None))):
        holds.setdefault(hold.case_id, []).append(hold)
    due = []
    for case in _candidates(session, among):
        for record_class in classes_of(case):
            rule = rules.get(record_class)
            since = _trigger(case, rule.trigger) if rule else None
            if since is None:
                continue
            due_on = add_months(since, rule.months)
            last = decisions.get((case.id, record_class))
            if due_on > today or (last is not None and _settled(last, today)):
                continue
            due.append(Due(case, rule, since, due_on, next(iter(holds.get(case.id, ())), None)))
    return sorted(due, key=lambda d: (d.due_on, d.case.reference))


def find(session: Session, case_id: int, record_class: str, today: date, among=None) -> Due | None:
    """The queue's item for this case and class, if it is due (worked out for that case alone)."""
    one = select(Case.id).where(Case.id == case_id)
    if among is not None:
        one = one.where(Case.id.in_(among))
    return next((d for d in review(session, today, one) if d.rule.record_class == record_class), None)


def decide(session: Session, item: Due, action: DisposalAction | str, reason: str | None, review_on: date | None,
           actor_id: int, today: date, upload_dir: Path) -> DisposalDecision:
    """Carry out a person's decision on a due record; raises `DisposalRefused` and changes nothing."""
    action, reason = DisposalAction(action), (reason or "").strip()
    if not reason:
        raise DisposalRefused("Give the reason for the decision.", {"reason": "Give the reason for the decision."})
    if item.hold is not None:
        raise DisposalRefused(f"{item.hold}: nothing may be disposed of until it is lifted ({item.hold.reason}).")
    if action not in ALLOWED[RecordClass(item.rule.record_class)]:
        raise DisposalRefused(f"{RecordClass(item.rule.record_class).label} may not be destroyed: anonymise or retain it.",
                              {"action": "Choose retain or anonymise."})
    if action is DisposalAction.RETAIN and (review_on is None or review_on <= today):
        raise DisposalRefused("Give the date to review it again, after today.",
                              {"review_on": "Give the date to review it again, after today."})
    case = item.case
    decision = DisposalDecision(case=case, case_reference=case.reference, review_type=case.review_type,
                                record_class=item.rule.record_class,
                                action=action, reason=reason, review_on=review_on if action is DisposalAction.RETAIN else None,
                                decided_by_id=actor_id)
    session.add(decision)
    if action is DisposalAction.ANONYMISE:
        _anonymise(session, case, family_only=item.rule.record_class == RecordClass.FAMILY_CONTACTS)
    elif action is DisposalAction.DESTROY:
        _destroy(session, item, decision, reason, actor_id, upload_dir)
    return decision


def refuse_disposal_under_hold(session: Session) -> None:
    """On every write path: a case under a legal hold is not deleted."""
    deleted = [case for case in session.deleted if isinstance(case, Case)]
    with session.no_autoflush:
        for case in deleted:
            if any(h.is_on for h in _holds(session, case)):
                raise DisposalRefused(f"Case {case.reference} is under a legal hold: nothing may be disposed of.")


# --- what the decisions do --------------------------------------------------------------------


def _anonymise(session: Session, case: Case, family_only: bool) -> None:
    fields = {"family": FAMILY_PERSONAL}
    for member in case.family:
        for name in FAMILY_PERSONAL:
            setattr(member, name, None)
    if not family_only:
        for name in CASE_PERSONAL:
            setattr(case, name, None)
        fields["case"] = CASE_PERSONAL
    session.flush()  # the audit rows of these changes hold the old values: they are redacted too
    audit.redact(session, case.reference, fields, "Anonymised under the retention schedule")


def _destroy(session: Session, item: Due, decision: DisposalDecision, reason: str, actor_id: int,
             upload_dir: Path) -> None:
    case = item.case
    if case.children:
        raise DisposalRefused(f"Case {case.reference} has a local review recorded under it: dispose of that first.")
    tombstone = Tombstone(reference=case.reference, review_type=case.review_type, record_class=item.rule.record_class,
                          referral_date=case.referral_date, closed_on=closed_on(case), published_on=case.publication_date,
                          authorised_by_id=actor_id, reason=reason)
    session.add(tombstone)
    earlier = session.scalars(select(DisposalDecision).where(DisposalDecision.case_id == case.id)).all()
    for kept in (*earlier, decision):  # the decisions stay on record, by reference, without the case
        kept.case = None
    store = files.document_store(upload_dir)
    for document in case.documents:
        for stored in (document, *document.previous_versions):
            store.remove(session, stored.stored_name)
    for record in _contents(session, case):
        session.delete(record)
    session.flush()
    tombstone.audit_rows_redacted = audit.redact(session, case.reference, None, "Destroyed under the retention schedule")


def _contents(session: Session, case: Case) -> list:
    """Everything recorded in a case, children before parents, the case last."""
    records = []
    for member in case.family:
        records += [*member.events, member]
    for decision in case.decisions:
        records += [*decision.approvals, *decision.criteria]
    records += [*case.contributions, *case.appointments, *case.notifications, *case.decisions]  # contributions name documents
    for document in case.documents:
        records += [*document.previous_versions, document]
    records += [*case.deadlines, *case.holds, *case.timeline, *case.agency_links, *_holds(session, case)]
    return [*_learning_records(session, case), *_meeting_records(session, case), *records, case]


def _learning_records(session: Session, case: Case) -> list:
    """The review's learning loop, actions before their recommendations before their findings."""
    def of_case(model):
        return list(session.scalars(select(model).where(model.case_id == case.id)))

    actions = of_case(ReviewAction)
    sets = of_case(RecommendationSet)
    return [*(u for a in actions for u in a.updates), *actions, *(a for s in sets for a in s.approvals), *sets,
            *of_case(Recommendation), *of_case(Finding)]


def _meeting_records(session: Session, case: Case) -> list:
    """The case's places on meeting agendas and the conflicts declared on it; a meeting whose minutes
    were filed on the case keeps no link to them."""
    document_ids = [d.id for d in case.documents]
    if document_ids:
        for meeting in session.scalars(select(Meeting).where(Meeting.minutes_id.in_(document_ids))):
            meeting.minutes = None
    return [*session.scalars(select(ConflictDeclaration).where(ConflictDeclaration.case_id == case.id)),
            *session.scalars(select(AgendaItem).where(AgendaItem.case_id == case.id))]


# --- reading ------------------------------------------------------------------------------------


def _has_family_details(member: FamilyInvolvement) -> bool:
    return any(getattr(member, name) for name in FAMILY_PERSONAL)


def _trigger(case: Case, trigger: Trigger) -> date | None:
    return closed_on(case) if Trigger(trigger) is Trigger.CASE_CLOSED else case.publication_date


def _settled(decision: DisposalDecision, today: date) -> bool:
    """Whether a decision keeps the record out of the queue: retained until a later date, or anonymised
    (what is left has no personal details; new ones bring it back through `classes_of`)."""
    if decision.action == DisposalAction.RETAIN:
        return decision.review_on is not None and decision.review_on > today
    return decision.action == DisposalAction.ANONYMISE


def _candidates(session: Session, among=None) -> list[Case]:
    query = select(Case).where(or_(Case.state.in_(FINAL_STATES), Case.publication_date.is_not(None)))
    if among is not None:
        query = query.where(Case.id.in_(among))
    return list(session.scalars(
        query
        .options(selectinload(Case.timeline), selectinload(Case.family), selectinload(Case.decisions),
                 selectinload(Case.documents).selectinload(PublishedDocument.previous_versions),
                 selectinload(Case.notifications), selectinload(Case.children))
        .order_by(Case.id)
    ).unique())


def _latest_decisions(session: Session) -> dict[tuple[int, RecordClass], DisposalDecision]:
    latest = {}
    for decision in session.scalars(select(DisposalDecision).where(DisposalDecision.case_id.is_not(None))
                                    .order_by(DisposalDecision.decided_at, DisposalDecision.id)):
        latest[(decision.case_id, RecordClass(decision.record_class))] = decision
    return latest


def _holds(session: Session, case: Case) -> list[LegalHold]:
    if case.id is None:
        return []
    return list(session.scalars(select(LegalHold).where(LegalHold.case_id == case.id)))

