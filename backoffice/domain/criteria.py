"""The statutory criteria a panel assesses for each review type (domain-reference 1 and 2.4)."""

from __future__ import annotations

from backoffice.domain.lifecycle import ReviewType

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


def mandatory_sar_met(values: dict[str, str]) -> bool:
    """Care Act s44(1)-(3): care and support needs, concern about joint working, and condition 1 or 2."""
    met = {code for code, value in values.items() if value == "met"}
    return {"SAR_CARE_SUPPORT_NEEDS", "SAR_INTERAGENCY_CONCERN"} <= met and bool(
        met & {"SAR_COND1_DIED", "SAR_COND2_SERIOUS_ABUSE_ALIVE"}
    )
