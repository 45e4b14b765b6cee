"""Validation rules for the records staff enter. Each returns {field name: message}; empty means valid.

Views show the messages beside the fields and write nothing; the CLI and the demo loader call the
same functions, so no path stores a record these rules refuse.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from backoffice.domain.criteria import mandatory_sar_met
from backoffice.models.decision import CriterionAssessment, DecisionOutcome, LegalMandate, PanelDecision
from backoffice.refusals import Refused
from backoffice.vocabulary import CRITERIA, ReviewType

# Who a review type is about: (youngest age at the incident, oldest age at the incident or None).
SUBJECT_AGE_RANGE = {
    ReviewType.CSPR: (0, 17),  # a child: under 18
    ReviewType.SAR: (18, None),  # an adult with care and support needs
    ReviewType.DHR: (16, None),  # DVCVA 2004 s9: a person aged 16 or over
}


def _not_future(errors: dict[str, str], field: str, value: date | None, today: date, what: str) -> None:
    if value is not None and value > today:
        errors[field] = f"The {what} cannot be in the future."


def age_on(dob: date, day: date) -> int:
    """Whole years between `dob` and `day`."""
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def case_errors(
    *,
    review_type: ReviewType | None,
    incident_date: date | None,
    aware_date: date | None,
    referral_date: date | None,
    subject_dob: date | None,
    today: date,
    incident: dict[str, object] | None = None,
    scope: tuple[date | None, date | None] = (None, None),
) -> dict[str, str]:
    """Dates of a case must be in the past and in order (its scope period too); the subject's age must fit the review type;
    the serious incident notification's facts (`incident`, Case.INCIDENT_FIELDS) belong to CSPRs."""
    errors: dict[str, str] = _incident_errors(review_type, aware_date, incident or {}, today)
    _not_future(errors, "incident_date", incident_date, today, "date of incident")
    _not_future(errors, "aware_date", aware_date, today, "date the partnership became aware")
    _not_future(errors, "referral_date", referral_date, today, "referral date")
    _not_future(errors, "subject_dob", subject_dob, today, "date of birth")
    if incident_date and aware_date and aware_date < incident_date and "aware_date" not in errors:
        errors["aware_date"] = "The partnership cannot have become aware before the incident."
    if scope[0] and scope[1] and scope[1] < scope[0]:
        errors["scope_to"] = "The scope period ends before it starts."
    if incident_date and referral_date and referral_date < incident_date and "referral_date" not in errors:
        errors["referral_date"] = "The referral cannot predate the incident."
    if subject_dob and incident_date and "subject_dob" not in errors:
        if subject_dob > incident_date:
            errors["subject_dob"] = "The date of birth is after the date of incident."
        elif review_type is not None:
            youngest, oldest = SUBJECT_AGE_RANGE[ReviewType(review_type)]
            age = age_on(subject_dob, incident_date)
            if age < youngest or (oldest is not None and age > oldest):
                errors["subject_dob"] = (
                    f"A {ReviewType(review_type).value} is about someone aged {youngest}"
                    f"{'-' + str(oldest) if oldest is not None else ' or over'} at the incident; "
                    f"this date of birth gives {age}."
                )
    return errors


def _incident_errors(review_type: ReviewType | None, aware_date: date | None, incident: dict[str, object],
                     today: date) -> dict[str, str]:
    if review_type is not None and ReviewType(review_type) is not ReviewType.CSPR:
        return {name: "This is recorded for children's reviews (CSPR) only: leave it empty."
                for name, value in incident.items() if value not in (None, "", False)}
    errors: dict[str, str] = {}
    told = incident.get("partners_told_date")
    _not_future(errors, "partners_told_date", told, today, "date the safeguarding partners were told")
    if told and aware_date and told < aware_date and "partners_told_date" not in errors:
        errors["partners_told_date"] = "The safeguarding partners cannot have been told before the partnership was aware."
    return errors


def decision_errors(
    *,
    review_type: ReviewType | None,
    outcome: DecisionOutcome | None,
    legal_mandate: LegalMandate | None,
    rationale: str | None,
    meeting_date: date | None,
    referral_date: date | None,
    today: date,
    criteria: dict[str, str] | None = None,
    criteria_count: int = 0,
) -> dict[str, str]:
    """A decision needs its reasons recorded, criteria of its review type, and a commissioned SAR its
    legal mandate, which the criteria must support."""
    errors: dict[str, str] = {}
    criteria = criteria or {}
    if criteria_count > len(criteria):
        errors["criteria"] = "Assess each criterion once."
    if review_type is not None:
        foreign = set(criteria) - set(CRITERIA[ReviewType(review_type)])
        if foreign:
            errors["criteria"] = (
                f"{', '.join(sorted(foreign))} do not apply to a {ReviewType(review_type).value}."
            )
    if not (rationale or "").strip():
        errors["rationale"] = "Record the rationale for the decision: reasons must be recorded."
    _not_future(errors, "meeting_date", meeting_date, today, "meeting date")
    if meeting_date and referral_date and meeting_date < referral_date and "meeting_date" not in errors:
        errors["meeting_date"] = "The panel cannot have met on this case before it was referred."
    errors.update(mandate_errors(review_type, outcome, legal_mandate, criteria))
    return errors


def mandate_errors(
    review_type: ReviewType | None, outcome: DecisionOutcome | None, legal_mandate: LegalMandate | None,
    criteria: dict[str, str],
) -> dict[str, str]:
    """Care Act s44: a commissioned SAR names its mandate, a mandatory one only where the criteria
    recorded meet s44(1)-(3), and no other review has one. Held on every write (see
    `refuse_unlawful_mandates`), not in the form only."""
    if review_type is not None and ReviewType(review_type) is ReviewType.SAR:
        if outcome == DecisionOutcome.REVIEW_COMMISSIONED and legal_mandate is None:
            return {"legal_mandate": (
                "A commissioned SAR needs its legal mandate: mandatory s44(1)-(3) or discretionary s44(4).")}
        if legal_mandate == LegalMandate.SAR_MANDATORY and criteria and not mandatory_sar_met(criteria):
            return {"legal_mandate": (
                "The criteria recorded do not meet s44(1)-(3) (care and support needs, concern about how "
                "agencies worked together, and condition 1 or 2): consider a discretionary SAR under s44(4).")}
    elif legal_mandate is not None:
        return {"legal_mandate": "A Care Act s44 mandate applies only to Safeguarding Adult Reviews."}
    return {}


def refuse_unlawful_mandates(session: Session) -> None:
    """Whatever path writes a decision or its criteria (a form, an inline edit, a script, an import),
    the s44 mandate rule holds: the flush is refused, and nothing is written."""
    decisions = {id(d): d for d in (*session.new, *session.dirty) if isinstance(d, PanelDecision)}
    decisions |= {id(c.decision): c.decision for c in (*session.new, *session.dirty)
                  if isinstance(c, CriterionAssessment) and c.decision is not None}
    with session.no_autoflush:
        for decision in decisions.values():
            criteria = {c.criterion: str(c.value or "unknown") for c in decision.criteria}
            review_type = decision.case.review_type if decision.case is not None else None
            errors = mandate_errors(review_type, decision.outcome, decision.legal_mandate, criteria)
            if errors:
                raise Refused(" ".join(errors.values()), errors)


def family_errors(*, review_type: ReviewType | None, side: str | None) -> dict[str, str]:
    """For a DHR, family members are on the victim's or the perpetrator's side; for other reviews, neither."""
    if review_type is None:
        return {}
    is_dhr = ReviewType(review_type) is ReviewType.DHR
    if is_dhr and not side:
        return {"side": "For a DHR, say whether they are the victim's or the perpetrator's family or friends."}
    if not is_dhr and side:
        return {"side": "Victim's or perpetrator's side applies to DHRs only."}
    return {}
