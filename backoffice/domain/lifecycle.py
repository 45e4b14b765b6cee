"""Review types and the states each review passes through (domain-reference section 5).

The states are data: a label per state, in the order a review usually meets them. Guarded
transitions between them arrive with the lifecycle work; until then a case starts in its type's
initial state.
"""

from __future__ import annotations

from enum import StrEnum

from backoffice.policy import Stream


class ReviewType(StrEnum):
    """The three statutory review families."""

    CSPR = "CSPR"
    SAR = "SAR"
    DHR = "DHR"

    @property
    def label(self) -> str:
        return REVIEW_TYPE_LABELS[self]

    @property
    def stream(self) -> Stream:
        return STREAM_OF[self]


REVIEW_TYPE_LABELS = {
    ReviewType.CSPR: "Child Safeguarding Practice Review",
    ReviewType.SAR: "Safeguarding Adult Review",
    ReviewType.DHR: "Domestic Homicide Review",
}

STREAM_OF = {
    ReviewType.CSPR: Stream.CHILDREN,
    ReviewType.SAR: Stream.ADULTS,
    ReviewType.DHR: Stream.DOMESTIC_ABUSE,
}


def types_in_streams(streams) -> list[ReviewType]:
    """The review types a user working in `streams` may see."""
    return [t for t in ReviewType if t.stream in set(streams)]


def _states(*pairs: tuple[str, str]) -> dict[str, str]:
    return dict(pairs)


STATES: dict[ReviewType, dict[str, str]] = {
    ReviewType.CSPR: _states(
        ("INCIDENT_REPORTED", "Incident reported"),
        ("SIN_SUBMITTED", "Serious incident notification submitted"),
        ("NOT_NOTIFIABLE_LOCAL_REFERRAL", "Not notifiable: local referral"),
        ("CLOSED_NOT_NOTIFIABLE", "Closed: not notifiable"),
        ("RAPID_REVIEW_IN_PROGRESS", "Rapid review in progress"),
        ("RAPID_REVIEW_AWAITING_PARTNER_SIGNOFF", "Rapid review awaiting partner sign-off"),
        ("RAPID_REVIEW_SENT_TO_PANEL", "Rapid review sent to National Panel"),
        ("AWAITING_PANEL_RESPONSE", "Awaiting National Panel response"),
        ("PANEL_RESPONSE_RECEIVED", "National Panel response received"),
        ("NO_FURTHER_REVIEW_LEARNING_RETAINED", "No further review: learning retained"),
        ("ALTERNATIVE_LEARNING_ACTIVITY", "Alternative learning activity"),
        ("NATIONAL_REVIEW", "National review"),
        ("LCSPR_COMMISSIONED", "Local CSPR commissioned"),
        ("LCSPR_IN_PROGRESS", "Local CSPR in progress"),
        ("DRAFT_REPORT", "Draft report"),
        ("FAMILY_PREVIEW", "Family preview"),
        ("PARTNER_SIGNOFF", "Partner sign-off"),
        ("PRE_PUBLICATION_NOTIFIED", "Pre-publication notice sent"),
        ("PUBLISHED", "Published"),
        ("PUBLISHED_IMPROVEMENTS_ONLY", "Published: improvements only"),
        ("EMBARGOED", "Embargoed"),
        ("ACTION_PLAN_MONITORING", "Action plan monitoring"),
        ("CLOSED", "Closed"),
    ),
    ReviewType.SAR: _states(
        ("REFERRAL_RECEIVED", "Referral received"),
        ("ACKNOWLEDGED", "Acknowledged"),
        ("INFORMATION_GATHERING", "Information gathering"),
        ("DECISION_PENDING", "Decision pending"),
        ("CHAIR_DECISION", "Chair's decision"),
        ("NOT_MET_NO_FURTHER_ACTION", "Criteria not met: no further action"),
        ("NOT_MET_ALTERNATIVE_LEARNING", "Criteria not met: alternative learning"),
        ("SAR_MANDATORY_COMMISSIONED", "Mandatory SAR commissioned"),
        ("SAR_DISCRETIONARY_COMMISSIONED", "Discretionary SAR commissioned"),
        ("REFERRED_TO_OTHER_PROCESS", "Referred to another process"),
        ("IN_PROGRESS", "Review in progress"),
        ("DRAFT_REPORT", "Draft report"),
        ("FAMILY_PREVIEW", "Family preview"),
        ("SAB_APPROVAL", "Board approval"),
        ("PUBLISHED", "Published"),
        ("NOT_PUBLISHED_WITH_REASONS", "Not published, with reasons"),
        ("EMBARGOED", "Embargoed"),
        ("ACTION_PLAN_MONITORING", "Action plan monitoring"),
        ("CLOSED", "Closed"),
    ),
    ReviewType.DHR: _states(
        ("NOTIFIED_BY_POLICE", "Notified by police"),
        ("SCOPING", "Scoping"),
        ("DECISION_PENDING", "Decision pending"),
        ("DECISION_MADE", "Decision made"),
        ("HOME_OFFICE_NOTIFIED", "Home Office notified"),
        ("PANEL_ESTABLISHED", "Review panel established"),
        ("IMRS_REQUESTED", "IMRs requested"),
        ("IMRS_RECEIVED", "IMRs received"),
        ("DRAFT_OVERVIEW_REPORT", "Draft overview report"),
        ("CSP_SIGNOFF", "CSP sign-off"),
        ("SUBMITTED_TO_HO_QA", "Submitted to Home Office QA"),
        ("HO_QA_RESUBMIT_REQUIRED", "Home Office QA: resubmission required"),
        ("HO_QA_APPROVED", "Home Office QA approved"),
        ("PUBLICATION_PENDING", "Publication pending"),
        ("PUBLISHED", "Published"),
        ("ACTION_PLAN_MONITORING", "Action plan monitoring"),
        ("CLOSED", "Closed"),
    ),
}


def initial_state(review_type: ReviewType) -> str:
    """The state a new case of `review_type` starts in."""
    return next(iter(STATES[ReviewType(review_type)]))


def state_label(review_type: ReviewType, state: str) -> str:
    """The human label of `state` for `review_type` (the code itself if unknown)."""
    return STATES[ReviewType(review_type)].get(state, state)


ALL_STATES: dict[str, str] = {
    code: label for states in STATES.values() for code, label in states.items()
}
