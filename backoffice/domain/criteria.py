"""The statutory criteria a panel assesses for each review type (domain-reference 1 and 2.4)."""

from __future__ import annotations


def mandatory_sar_met(values: dict[str, str]) -> bool:
    """Care Act s44(1)-(3): care and support needs, concern about joint working, and condition 1 or 2."""
    met = {code for code, value in values.items() if value == "met"}
    return {"SAR_CARE_SUPPORT_NEEDS", "SAR_INTERAGENCY_CONCERN"} <= met and bool(
        met & {"SAR_COND1_DIED", "SAR_COND2_SERIOUS_ABUSE_ALIVE"}
    )
