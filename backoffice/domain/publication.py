"""Publishing a review (domain-reference 2.7): the gates that must all be closed before the board
publishes, the anonymisation check of every document going out, and document status (draft,
approved by the board, published, withdrawn).

A review is published by its lifecycle's publish step, which these gates guard; publishing moves
the review's approved documents to published. Nothing reaches the public page unless it passed here.
"""

from __future__ import annotations

from collections import OrderedDict

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import object_session

from backoffice.domain import anonymisation, files
from backoffice.domain.calendar import add_months, add_working_days
from backoffice.domain.family import still_to_tell
from backoffice.domain.states import Guard, Move, open_from, take
from backoffice.vocabulary import ReviewType
from backoffice.models.case import Case, PublicationDecision
from backoffice.models.lifecycle import DeadlineRule
from backoffice.refusals import Refused
from backoffice.models.document import WORKING_PAPERS, DocumentStatus, DocumentType, PublishedDocument

D = PublicationDecision

# The document each decision publishes.
DOCUMENT_FOR = {
    D.FULL: DocumentType.OVERVIEW_REPORT,
    D.EXECUTIVE_SUMMARY: DocumentType.EXECUTIVE_SUMMARY,
    D.IMPROVEMENTS_ONLY: DocumentType.IMPROVEMENTS_STATEMENT,
}
NATIONAL_LIBRARY = {
    ReviewType.CSPR: "NSPCC National Case Review Repository",
    ReviewType.SAR: "National SAR Library",
    ReviewType.DHR: "Home Office DHR library",
}
MIN_ONLINE_MONTHS = 12  # published reports stay online for at least a year (practice)
# The deadline rule that says how many working days before publication a CSPR's notices must go (the
# National Panel and the Secretary of State): its offset is the one number, which an admin may change.
NOTICE_MILESTONE = "PRE_PUBLICATION_NOTICE"
# Changing any of these after the board approved the publication means the board must approve again.
APPROVAL_COVERS = ("publication_decision", "publication_reason", "anonymised_title", "planned_publication_date")


@dataclass(frozen=True)
class Gate:
    """One condition of publication: closed (problem None) or open, with what still has to happen."""

    label: str
    problem: str | None = None


class PublicationRefused(Refused):
    """The document or publication step cannot be taken; the message says why."""


# --- the publication record --------------------------------------------------------------------


def embargoed(case: Case, today: date) -> bool:
    """An embargo holds while it has a reason and its end date (if known) has not come."""
    return bool((case.embargo_reason or "").strip()) and (case.embargo_until is None or case.embargo_until > today)


def earliest_online_until(published: date) -> date:
    return add_months(published, MIN_ONLINE_MONTHS)


def record_errors(case: Case) -> dict[str, str]:
    """What is wrong with a publication record as staff enter it."""
    errors: dict[str, str] = {}
    decision = D(case.publication_decision) if case.publication_decision else None
    if decision not in (None, D.FULL) and not (case.publication_reason or "").strip():
        errors["publication_reason"] = f"Record the reason for the decision: {decision.label.lower()}."
    if case.embargo_until and not (case.embargo_reason or "").strip():
        errors["embargo_reason"] = "Say why publication is embargoed (for example, until a trial ends)."
    if case.online_until and case.publication_date and case.online_until < earliest_online_until(case.publication_date):
        errors["online_until"] = (
            f"A published review stays online for at least {MIN_ONLINE_MONTHS} months: "
            f"not before {earliest_online_until(case.publication_date):%d %b %Y}."
        )
    if case.library_submitted_date and case.publication_date and case.library_submitted_date < case.publication_date:
        errors["library_submitted_date"] = "A review is submitted to the national library once it is published."
    return errors


def approval_void(case: Case, changed: set[str]) -> bool:
    """Clear the board's approval if what it approved has changed; say whether it did."""
    if case.publication_approved_at is None or not changed & set(APPROVAL_COVERS):
        return False
    case.publication_approved_at = None
    case.publication_approved_by_id = None
    return True


def approve(case: Case, actor_id: int | None, now: datetime, upload_dir: Path) -> None:
    """The board approves what will be published; refused while the record or its documents are not ready."""
    problems = [g.problem for g in record_gates(case) + document_gates(case, upload_dir) if g.problem]
    if problems:
        raise PublicationRefused("The publication cannot be approved yet: " + " ".join(problems))
    case.publication_approved_at = now
    case.publication_approved_by_id = actor_id


# --- gates ----------------------------------------------------------------------------------


def gates(case: Case, today: date, upload_dir: Path, dardr_from: str | None = None) -> list[Gate]:
    """Every condition of publishing `case` today, in the order staff usually close them."""
    return [
        *record_gates(case),
        Gate("The board approved the publication",
             None if case.publication_approved_at else "The board has not approved the publication."),
        Gate("No embargo in force", _embargo_problem(case, today)),
        *notice_gates(case, today, dardr_from),
        Gate("Family told the publication date", _family_problem(case)),
        *document_gates(case, upload_dir),
    ]


def problems(case: Case, today: date, upload_dir: Path, dardr_from: str | None = None) -> list[str]:
    """Why `case` cannot be published today (empty when it can)."""
    return [g.problem for g in gates(case, today, upload_dir, dardr_from) if g.problem]


def record_gates(case: Case) -> list[Gate]:
    decision = D(case.publication_decision) if case.publication_decision else None
    if decision is None:
        decided = "Record the publication decision."
    elif decision is D.NOT_PUBLISHED:
        decided = "The publication decision is not to publish."
    else:
        decided = record_errors(case).get("publication_reason")
    title = (case.anonymised_title or "").strip()
    return [
        Gate("Publication decision recorded, with the reason", decided),
        Gate("Anonymised title", _title_problem(case) if title else "Give the review its anonymised title."),
    ]


def notice_gates(case: Case, today: date, dardr_from: str | None) -> list[Gate]:
    """The pre-publication notices the review type requires."""
    kind = ReviewType(case.review_type)
    if kind is ReviewType.CSPR:
        days = notice_working_days(case, today)
        return [
            Gate(f"The {who} told at least {days} working days before",
                 _notice_problem(case, key, f"the {who}", today, days))
            for key, who in (("national_panel:pre_publication", "National Panel"),
                             ("secretary_of_state:pre_publication", "Secretary of State"))
        ]
    if kind is ReviewType.DHR:
        qa = None if str(case.ho_qa_outcome) == "approved" else (
            "A DHR is published only after the Home Office quality assurance panel has approved it."
        )
        found = [Gate("Home Office quality assurance approved", qa)]
        if case.is_dardr(dardr_from):
            found += [
                Gate(f"Report copied to the {who}", _notice_problem(case, key, f"the {who}", None))
                for key, who in (("secretary_of_state:dardr_report", "Secretary of State"),
                                 ("domestic_abuse_commissioner:dardr_report", "Domestic Abuse Commissioner"))
            ]
        return found
    return []


def publication_date_problem(case: Case, published_on: date, dardr_from: str | None) -> str | None:
    """Why the review cannot be recorded as published on `published_on` (None if it can): a DHR not
    before the Home Office approved it, a CSPR only the notice period after its notices went (judged
    on that date, not on the day it is recorded)."""
    letter = case.ho_qa_letter_date
    if ReviewType(case.review_type) is ReviewType.DHR and str(case.ho_qa_outcome) == "approved" and letter:
        if published_on < letter:
            return (f"The publication date cannot be before the Home Office's quality assurance approval "
                    f"({letter:%d %b %Y}).")
    if ReviewType(case.review_type) is ReviewType.CSPR:
        found = [gate.problem for gate in notice_gates(case, published_on, dardr_from) if gate.problem]
        return " ".join(found) or None
    return None


def document_gates(case: Case, upload_dir: Path) -> list[Gate]:
    """The document the decision publishes is approved, and every document going out passes the
    anonymisation check."""
    decision = D(case.publication_decision) if case.publication_decision else None
    outgoing = going_out(case)
    wanted = DOCUMENT_FOR.get(decision) if decision else None
    if wanted is None:
        have = "Record the publication decision first: it says which document is published."
    elif not any(DocumentType(d.document_type) is wanted for d in outgoing):
        have = f"Publishing needs the {wanted.label.lower()} approved by the board (see Documents)."
    else:
        have = None
    found = [f"'{d.title}': {problem}" for d in outgoing if (problem := check_problem(case, d, upload_dir))]
    return [
        Gate("The document to publish is approved", have),
        Gate("Anonymisation check passed", " ".join(found) or None),
    ]


def going_out(case: Case) -> list[PublishedDocument]:
    """The documents publication makes public: approved (or already published) and not archived."""
    return [
        d for d in case.documents
        if d.archived_at is None and DocumentStatus(d.status) in (DocumentStatus.APPROVED, DocumentStatus.PUBLISHED)
    ]


def _embargo_problem(case: Case, today: date) -> str | None:
    if not embargoed(case, today):
        return None
    until = f" until {case.embargo_until:%d %b %Y}" if case.embargo_until else " until it is lifted"
    return (
        f"Publication is embargoed{until}: {case.embargo_reason.strip().rstrip('.')}. "
        "When it ends, clear the embargo on the publication record."
    )


def _notice_problem(case: Case, key: str, who: str, published_on: date | None, days: int = 0) -> str | None:
    """The notice `key` must have been sent, and (given a publication date) `days` working days before it:
    counted from the day after it was sent, so a notice sent on a Saturday counts from Monday."""
    sent = case.sent_on(key)
    if sent is None:
        return f"Record the date the report was sent to {who}."
    follows = add_working_days(sent, days)
    if published_on is not None and follows > published_on:
        return f"{who[0].upper()}{who[1:]} was told on {sent:%d %b %Y}; publication may follow from {follows:%d %b %Y}."
    return None


def notice_working_days(case: Case, today: date) -> int:
    """How many working days before publication the case's notices must go: the deadline rule's, in
    the version the case's notice deadline follows, or else the one in force today."""
    deadline = next((d for d in case.deadlines if d.milestone == NOTICE_MILESTONE), None)
    if deadline is not None:
        return abs(deadline.rule.offset)
    rule = object_session(case).scalars(
        select(DeadlineRule)
        .where(DeadlineRule.review_type == case.review_type, DeadlineRule.milestone == NOTICE_MILESTONE,
               DeadlineRule.effective_from <= today,
               or_(DeadlineRule.effective_to.is_(None), DeadlineRule.effective_to >= today))
        .order_by(DeadlineRule.effective_from.desc())
    ).first()
    if rule is None:
        raise LookupError(f"No deadline rule {NOTICE_MILESTONE} is in force for {case.review_type}.")
    return abs(rule.offset)


def _family_problem(case: Case) -> str | None:
    waiting = still_to_tell(case.family)
    if not waiting:
        return None
    who = ", ".join(m.relationship_to_subject for m in waiting)
    return f"Tell the family the publication date first (not yet told: {who})."


# --- the anonymisation check ----------------------------------------------------------------------


def identifiers(case: Case) -> tuple[tuple[anonymisation.Identifier, ...], tuple[tuple[str, date], ...], tuple[str, ...]]:
    """What must not appear in the case's published documents, and the words that may."""
    names = []
    if case.subject_legal_name:
        names.append(anonymisation.Identifier("the subject's legal name", case.subject_legal_name))
    for member in case.family:
        if member.name:
            names.append(anonymisation.Identifier(f"a family member's name ({member.relationship_to_subject})", member.name))
    births = (("the subject's date of birth", case.subject_dob),) if case.subject_dob else ()
    return tuple(names), births, (case.subject_pseudonym,) if case.subject_pseudonym else ()


# A file never changes, so its text is read once (per process), whether it could be read or not: a
# file that fails to read is not parsed again at every page view.
_TEXTS: OrderedDict[str, tuple | anonymisation.Unreadable] = OrderedDict()
_TEXTS_KEPT = 64


def document_text(document: PublishedDocument, upload_dir: Path) -> tuple[tuple[str, str], ...]:
    """The document's text segments, read once per file. Raises anonymisation.Unreadable."""
    text = _TEXTS.get(document.sha256)
    if text is None:
        data = files.document_store(upload_dir).read(object_session(document), document.stored_name)
        if data is None:
            raise FileNotFoundError(document.stored_name)
        try:
            text = tuple(anonymisation.extract_text(data, document.content_type))
        except anonymisation.Unreadable as exc:
            text = exc
        _TEXTS[document.sha256] = text
        while len(_TEXTS) > _TEXTS_KEPT:
            _TEXTS.popitem(last=False)
    _TEXTS.move_to_end(document.sha256)
    if isinstance(text, anonymisation.Unreadable):
        raise text
    return text


def findings(case: Case, document: PublishedDocument, upload_dir: Path) -> list[anonymisation.Finding]:
    """Where the document names someone or gives a date of birth. Raises anonymisation.Unreadable."""
    names, births, allowed = identifiers(case)
    return anonymisation.search(document_text(document, upload_dir), names, births, allowed)


def check_problem(case: Case, document: PublishedDocument, upload_dir: Path) -> str | None:
    """What the anonymisation check found in the document, as one message (None if clean)."""
    try:
        found = findings(case, document, upload_dir)
    except anonymisation.Unreadable as exc:
        return str(exc)
    except OSError:
        return "The file could not be read, so it cannot be checked."
    if not found:
        return None
    return "found " + "; ".join(f"{f.what} in {f.where} (“{f.context}”)" for f in found) + "."


def _title_problem(case: Case) -> str | None:
    names, _, _ = identifiers(case)
    title = case.anonymised_title.casefold()
    if any(n.text.strip().casefold() in title for n in names if n.text.strip()):
        return "The anonymised title contains a real name."
    return None


# --- document status ------------------------------------------------------------------------

class DocumentChange(NamedTuple):
    """What a document's guards are asked about: the document, today, and where its file is (None:
    the anonymisation check is not run)."""

    document: PublishedDocument
    today: date
    upload_dir: Path | None


def _review_published(change: DocumentChange) -> str | None:
    if is_published(change.document.case, change.today):
        return None
    return f"'{change.document.title}' is published with its review: publish the review from the case page."


def _passes_the_check(change: DocumentChange) -> str | None:
    if change.upload_dir is None:
        return None
    problem = check_problem(change.document.case, change.document, change.upload_dir)
    return f"'{change.document.title}' failed the anonymisation check: {problem}" if problem else None


def _publishable(change: DocumentChange) -> str | None:
    if DocumentType(change.document.document_type) in WORKING_PAPERS:
        return (f"'{change.document.title}' is an agency's working paper "
                f"({DocumentType(change.document.document_type).label}): it is never published.")
    return None


publishable = Guard(("publishable_type",), _publishable)
review_published = Guard(("review_published",), _review_published)
passes_the_check = Guard(("anonymisation_check",), _passes_the_check)

S = DocumentStatus
DOCUMENT_MOVES: dict[str, Move] = {move.name: move for move in (
    Move("approve", "Approve", (S.DRAFT,), S.APPROVED, (publishable, passes_the_check)),
    Move("publish", "Publish", (S.APPROVED,), S.PUBLISHED, (review_published, passes_the_check)),
    Move("withdraw", "Withdraw", (S.APPROVED, S.PUBLISHED), S.WITHDRAWN),
)}


def actions_open(document: PublishedDocument) -> list[str]:
    """The status actions (approve, publish, withdraw) the document's status allows now."""
    return [] if document.is_archived else [m.name for m in open_from(DOCUMENT_MOVES.values(), S(document.status))]


def apply(action: str, document: PublishedDocument, today: date, upload_dir: Path | None = None) -> None:
    """Move `document` on by `action`, or refuse with the reason. Approving and publishing run the
    anonymisation check; a document is published on its own only once its review is."""
    move = DOCUMENT_MOVES[action]
    current = S(document.status)
    if document.is_archived:
        raise PublicationRefused(f"'{document.title}' is archived.")
    not_from = f"'{document.title}' is {current.label.lower()}; it cannot be {S(move.target).label.lower()} from there."
    document.status = take(move, current, DocumentChange(document, today, upload_dir), not_from, PublicationRefused)
    if document.status == S.PUBLISHED and document.publication_date is None:
        document.publication_date = today


def publish_review(case: Case, today: date) -> None:
    """The review has been published: its approved documents go out with it, and it stays online for
    at least a year."""
    published_on = case.publication_date or today
    case.publication_date = published_on
    if case.online_until is None or case.online_until < earliest_online_until(published_on):
        case.online_until = earliest_online_until(published_on)
    for document in going_out(case):
        if DocumentStatus(document.status) is DocumentStatus.APPROVED:
            document.status = DocumentStatus.PUBLISHED
            document.publication_date = published_on


def public_condition(today: date):
    """SQL for `is_published`: the cases the public page may show today."""
    no_embargo = or_(
        func.coalesce(func.trim(Case.embargo_reason), "") == "",
        and_(Case.embargo_until.is_not(None), Case.embargo_until <= today),
    )
    return and_(
        Case.publication_date.is_not(None),
        Case.publication_date <= today,
        Case.archived_at.is_(None),
        Case.publication_decision.is_not(None),
        Case.publication_decision != D.NOT_PUBLISHED,
        no_embargo,
        or_(Case.online_until.is_(None), Case.online_until >= today),
    )


def is_published(case: Case, today: date) -> bool:
    """Whether the review is public today: published, not embargoed since, still within its online
    period (public_condition says the same in SQL)."""
    return (
        case.publication_date is not None
        and case.publication_date <= today
        and case.archived_at is None
        and case.publication_decision is not None
        and D(case.publication_decision) is not D.NOT_PUBLISHED
        and not embargoed(case, today)
        and (case.online_until is None or case.online_until >= today)
    )


def is_editable(document: PublishedDocument) -> bool:
    """Only drafts change; an approved or published document is fixed."""
    return DocumentStatus(document.status) == DocumentStatus.DRAFT
