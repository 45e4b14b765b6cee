"""Online referrals: a visitor's draft, its submission to the triage queue, and what business support
makes of it (accept into a case, reject, or mark as a duplicate of a case).

A referral stays apart from the cases until an officer accepts it; the case is then made from its
answers, which the officer checks and corrects first, and its statutory clock starts from the day the
referral was received (domain-reference 5.1: the day it arrived, not the day it was triaged).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice.models import AbuseCategory, Agency, Case, IncomingReferral, IntakeStatus
from backoffice.models.base import utcnow
from backoffice.refusals import Refused
from backoffice.vocabulary import ReviewType

# A draft nobody has touched for this long is deleted: the visitor has gone, and what they typed about
# someone should not wait in the database for no one.
DRAFT_LIFETIME = timedelta(hours=24)
# Unambiguous characters for a reference read out over the phone (no 0/O, 1/I/L).
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

# Answers that are free text about the case, as labelled when they are gathered into the case's
# "concerns" on acceptance (nothing the referrer wrote is dropped).
NARRATIVE_ANSWERS: dict[str, str] = {
    "concerns": "Why a review",
    "care_needs": "Care and support needs",
    "address": "Address",
    "enquiries": "Enquiries already made",
    "agencies_involved": "Agencies involved",
    "family_aware": "Family aware of the referral",
    "delay_reason": "Reason for any delay in referring",
    "in_area": "Happened in the partnership's area",
    "outcome": "Outcome for the adult",
    "other_processes": "Other processes (police, coroner, child death review, NHS)",
    "relationship": "Relationship to the suspect",
    "suspect": "Suspected perpetrator",
    "children_in_household": "Children in the household",
    "death_place": "Place of death",
    "victim_age": "Age",
    "victim_gender": "Gender",
    "police_force": "Police force",
    "other_reviews": "Links to other reviews",
    "nhs_number": "NHS number",
    "gender": "Gender",
    "referrer_phone": "Referrer's telephone",
    "lead_authorised": "Authorised by the agency's safeguarding lead",
}
# Answers copied to the case field of the same meaning.
CASE_FIELD_ANSWERS: dict[str, str] = {
    "subject_name": "subject_legal_name",
    "subject_dob": "subject_dob",
    "incident_date": "incident_date",
    "referrer_name": "referrer_name",
    "referrer_role": "referrer_role",
    "referrer_email": "referrer_email",
    "child_sex": "child_sex",
    "child_ethnicity": "child_ethnicity",
    "la_of_residence": "la_of_residence",
    "la_of_incident": "la_of_incident",
    "child_care_status": "child_care_status",
    "child_protection_status": "child_protection_status",
    "incident_nature": "incident_nature",
    "abuse_known": "abuse_known",
    "other_children": "other_children",
}


def token_hash(token: str) -> str:
    """What the database keeps of a draft's token (the browser keeps the token itself)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_reference(session: Session) -> str:
    """A reference the referrer can quote ("REF-7K3M-Q9X2"): random, and unused."""
    while True:
        code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"REF-{code[:4]}-{code[4:]}"
        if session.scalar(select(IncomingReferral.id).where(IncomingReferral.reference == reference)) is None:
            return reference


def start_draft(session: Session, review_type: ReviewType) -> tuple[IncomingReferral, str]:
    """A new draft and the token that lets its browser (and only it) carry on with it; stale drafts of
    others are cleared out on the way."""
    clear_stale_drafts(session)
    token = secrets.token_urlsafe(32)
    draft = IncomingReferral(review_type=review_type, status=IntakeStatus.DRAFT, draft_token=token_hash(token),
                             reference=new_reference(session), answers={})
    session.add(draft)
    return draft, token


def draft_for(session: Session, token: str | None, review_type: ReviewType) -> IncomingReferral | None:
    """The browser's draft of `review_type`, if its token names one still being filled in."""
    if not token:
        return None
    draft = session.scalar(select(IncomingReferral).where(IncomingReferral.draft_token == token_hash(token)))
    if draft is None or draft.status != IntakeStatus.DRAFT or draft.review_type != review_type:
        return None
    if draft.updated_at < utcnow() - DRAFT_LIFETIME:
        return None
    return draft


def clear_stale_drafts(session: Session) -> None:
    """Delete drafts untouched for DRAFT_LIFETIME (one by one, so that each deletion is audited)."""
    stale = session.scalars(select(IncomingReferral).where(
        IncomingReferral.status == IntakeStatus.DRAFT, IncomingReferral.updated_at < utcnow() - DRAFT_LIFETIME,
    ).limit(100)).all()
    for draft in stale:
        session.delete(draft)


def save_answers(draft: IncomingReferral, answers: dict) -> None:
    """Keep one page's answers (dates as ISO strings) with the draft's others."""
    draft.answers = {**(draft.answers or {}), **answers}
    draft.referrer_email = draft.answer("referrer_email")


def submit(draft: IncomingReferral, today: date) -> None:
    """Send a complete draft to the triage queue, received today."""
    if draft.status != IntakeStatus.DRAFT:
        raise Refused("This referral has already been sent.")
    draft.status = IntakeStatus.NEW
    draft.draft_token = None
    draft.submitted_at = utcnow()
    draft.received_date = today


def case_fields(session: Session, referral: IncomingReferral) -> dict:
    """The case the referral describes, as values of the case form: the officer checks and corrects
    them before anything is saved. Its clock counts from the day the referral was received."""
    fields: dict = {"review_type": referral.review_type, "referral_date": referral.received_date,
                    "aware_date": _date(referral.answer("aware_date")) or referral.received_date}
    for answer, field in CASE_FIELD_ANSWERS.items():
        value = referral.answer(answer)
        fields[field] = _date(value) if field.endswith("_date") or field.endswith("_dob") else value
    if referral.review_type == ReviewType.DHR:
        fields["incident_date"] = _date(referral.answer("death_date"))
    if referral.review_type == ReviewType.CSPR:
        fields["media_interest"] = referral.answer("media_interest") == "yes"
    fields["referrer_agency"] = _agency_named(session, referral.answer("referrer_agency"))
    fields["abuse_categories"] = _categories_named(session, referral.answer("abuse_types", []))
    fields["concerns"] = concerns_text(referral)
    return fields


def concerns_text(referral: IncomingReferral) -> str:
    """Every free-text answer, labelled, so nothing the referrer wrote is lost when the case is made."""
    parts = []
    for name, label in NARRATIVE_ANSWERS.items():
        value = referral.answer(name)
        if value is not None:
            parts.append(f"{label}: {value}")
    unmatched = referral.answer("referrer_agency")
    if unmatched:
        parts.append(f"Referring agency (as given): {unmatched}")
    return "\n\n".join(parts)


def _date(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _agency_named(session: Session, name: str | None) -> Agency | None:
    if not name:
        return None
    # Compared whole, case aside (not a LIKE pattern: a "%" typed by a visitor matches only itself).
    return session.scalar(select(Agency).where(func.lower(Agency.name) == name.strip().lower()).limit(1))


def _categories_named(session: Session, names: list[str]) -> list[AbuseCategory]:
    if not names:
        return []
    return list(session.scalars(select(AbuseCategory).where(AbuseCategory.name.in_(names)).order_by(AbuseCategory.name)))


def _waiting(referral: IncomingReferral) -> None:
    if referral.status != IntakeStatus.NEW:
        raise Refused(f"This referral has already been triaged ({IntakeStatus(referral.status).label.lower()}).")


def _triaged(referral: IncomingReferral, status: IntakeStatus, actor_id: int | None) -> None:
    referral.status, referral.triaged_at, referral.triaged_by_id = status, utcnow(), actor_id


def accept(referral: IncomingReferral, case: Case, actor_id: int | None) -> None:
    """Link the referral to the case made from it."""
    _waiting(referral)
    if case.review_type != referral.review_type:
        raise Refused("A referral is accepted into a case of its own review type.")
    referral.case = case
    _triaged(referral, IntakeStatus.ACCEPTED, actor_id)


def reject(referral: IncomingReferral, reason: str, told_date: date | None, today: date, actor_id: int | None) -> None:
    """Reject the referral, recording why and whether (and when) the referrer was told."""
    _waiting(referral)
    if not (reason or "").strip():
        raise Refused("Say why the referral is rejected.", errors={"reason": "Say why the referral is rejected."})
    if told_date is not None and (told_date > today or (referral.received_date and told_date < referral.received_date)):
        message = "The referrer was told on or after the day it was received, and not in the future."
        raise Refused(message, errors={"told_date": message})
    referral.reject_reason, referral.referrer_told_date = reason.strip(), told_date
    _triaged(referral, IntakeStatus.REJECTED, actor_id)


def mark_duplicate(referral: IncomingReferral, case: Case | None, actor_id: int | None) -> None:
    """Link the referral to the existing case it repeats."""
    _waiting(referral)
    if case is None:
        raise Refused("Give the reference of a case you can see.", errors={"case_reference": "No such case."})
    if case.review_type != referral.review_type:
        raise Refused("A referral duplicates a case of its own review type.",
                      errors={"case_reference": "That case is of another review type."})
    referral.case = case
    _triaged(referral, IntakeStatus.DUPLICATE, actor_id)


def acknowledgement(referral: IncomingReferral, contact: str) -> tuple[str, str]:
    """(subject, body) of the email acknowledging a referral: its reference and what happens next,
    never a detail of the case (email is not a secure channel)."""
    subject = f"Your referral {referral.reference} has been received"
    body = "\n".join([
        f"Thank you. Your referral ({ReviewType(referral.review_type).label}) was received on "
        f"{referral.received_date:%d %B %Y}. Its reference is {referral.reference}.",
        "",
        "The partnership's business support team will look at it and may contact you for more information. "
        "You will be told the decision and the reasons for it.",
        "",
        f"Quote the reference if you contact us: {contact}. Do not reply to this email with any details of the case.",
    ])
    return subject, body



def decision_letter(case: Case, decision, contact: str) -> tuple[str, str]:
    """(subject, body) telling a SAR referrer the board's decision and its reasons (Care Act 2014 s44
    guidance: the referrer is told whatever the outcome). The officer reads and edits it before it goes."""
    subject = f"Decision on your referral {case.reference}"
    body = "\n".join([
        f"Thank you for your referral, received on {case.referral_date:%d %B %Y} (our reference {case.reference}).",
        "",
        f"The Safeguarding Adults Board has decided: {decision.outcome.label}.",
        "",
        "The reasons:",
        decision.rationale or "",
        "",
        f"If you have questions about this decision, contact {contact} and quote the reference.",
    ])
    return subject, body


def personal_details_in(text: str, case: Case) -> list[str]:
    """What of the case's restricted details (the subject's and family members' names, the date of
    birth) a message would carry: email is not a secure channel."""
    found = []
    names = [case.subject_legal_name] + [member.name for member in case.family if member.name]
    for name in filter(None, names):
        if any(len(part) > 2 and re.search(rf"\b{re.escape(part)}\b", text or "", re.IGNORECASE) for part in name.split()):
            found.append("a name")
            break
    if case.subject_dob and any(case.subject_dob.strftime(f) in (text or "") for f in ("%d/%m/%Y", "%d %B %Y", "%Y-%m-%d")):
        found.append("the date of birth")
    return found


def told_referrer(case: Case, today: date) -> None:
    """Record that the referrer was told the decision and its reasons (the first time counts)."""
    if case.referrer_informed_date is None:
        case.referrer_informed_date = today
