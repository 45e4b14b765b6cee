"""The words the whole system shares: the review types, the states each passes through, and the
statutory criteria a panel assesses (domain-reference sections 1, 2.4 and 5). A leaf module: models,
the domain rules and the views all read it, and it reads nothing of theirs.
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


# A closed case has no open deadlines left.
FINAL_STATES = frozenset({"CLOSED", "CLOSED_NOT_NOTIFIABLE"})

# A local CSPR converted from a rapid review starts here, as a new case linked to the rapid review.
CONVERTED_LOCAL_REVIEW_STATE = "LCSPR_IN_PROGRESS"


def initial_state(review_type: ReviewType) -> str:
    """The state a new case of `review_type` starts in."""
    return next(iter(STATES[ReviewType(review_type)]))


def state_label(review_type: ReviewType, state: str) -> str:
    """The human label of `state` for `review_type` (the code itself if unknown)."""
    return STATES[review_type].get(state, state)  # a str or the member: StrEnum keys hash as their values


ALL_STATES: dict[str, str] = {
    code: label for states in STATES.values() for code, label in states.items()
}


# The statutory criteria a panel assesses, per review type.
CRITERIA: dict[ReviewType, dict[str, str]] = {
    ReviewType.CSPR: {
        "CSPR_ABUSE_SUSPECTED": "Abuse or neglect of the child is known or suspected",
        "CSPR_DIED_OR_SERIOUS_HARM": "The child has died or been seriously harmed",
    },
    ReviewType.SAR: {
        "SAR_CARE_SUPPORT_NEEDS": "The adult has needs for care and support (s44(1))",
        "SAR_INTERAGENCY_CONCERN": "Reasonable cause for concern about how agencies worked together (s44(1)(a))",
        "SAR_COND1_DIED": "Condition 1: the adult died and abuse or neglect is known or suspected (s44(2))",
        "SAR_COND2_SERIOUS_ABUSE_ALIVE": "Condition 2: the adult is alive and experienced serious abuse or neglect (s44(3))",
    },
    ReviewType.DHR: {
        "DHR_AGE_16_PLUS": "The person who died was aged 16 or over",
        "DHR_RELATIONSHIP": "The death appears to have resulted from a relative, partner or household member",
        "DHR_DOMESTIC_ABUSE": "The death has, or appears to have, resulted from violence, abuse or neglect",
    },
}

ALL_CRITERIA: dict[str, str] = {code: label for group in CRITERIA.values() for code, label in group.items()}


def criterion_label(code: str) -> str:
    return ALL_CRITERIA.get(code, code)
