"""The validation rules staff meet on every path (forms, CLI, demo loader): pure functions, no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backoffice.vocabulary import ReviewType
from backoffice.domain.rules import age_on, case_errors, decision_errors, family_errors
from backoffice.models import DecisionOutcome, LegalMandate

TODAY = date(2026, 1, 5)


def case(**overrides) -> dict:
    """The fields of a valid CSPR: a child aged 10 at an incident last year."""
    fields = dict(
        review_type=ReviewType.CSPR,
        incident_date=date(2025, 11, 3),
        aware_date=date(2025, 11, 4),
        referral_date=date(2025, 11, 5),
        subject_dob=date(2015, 6, 1),
        today=TODAY,
    )
    fields.update(overrides)
    return fields


def decision(**overrides) -> dict:
    fields = dict(
        review_type=ReviewType.CSPR,
        outcome=DecisionOutcome.CRITERIA_NOT_MET_LEARNING_RETAINED,
        legal_mandate=None,
        rationale="Criteria not met; learning retained.",
        meeting_date=date(2025, 12, 1),
        referral_date=date(2025, 11, 5),
        today=TODAY,
    )
    fields.update(overrides)
    return fields


def born_years_before(day: date, years: int) -> date:
    return day.replace(year=day.year - years)


# --- age_on ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dob, day, age",
    [
        (date(2008, 1, 5), date(2026, 1, 5), 18),  # the 18th birthday itself
        (date(2008, 1, 6), date(2026, 1, 5), 17),  # the day before it
        (date(2008, 12, 31), date(2026, 1, 5), 17),
        (date(2026, 1, 5), date(2026, 1, 5), 0),  # born that day
        (date(2008, 2, 29), date(2026, 2, 28), 17),  # a leap-day birthday is not yet reached on 28 Feb
        (date(2008, 2, 29), date(2026, 3, 1), 18),
    ],
)
def test_age_is_counted_in_whole_years(dob, day, age):
    assert age_on(dob, day) == age


# --- case_errors -------------------------------------------------------------------------------


def test_a_valid_case_has_no_errors():
    assert case_errors(**case()) == {}


def test_a_case_without_a_date_of_birth_is_valid():
    assert case_errors(**case(subject_dob=None)) == {}


@pytest.mark.parametrize(
    "field, message",
    [
        ("incident_date", "The date of incident cannot be in the future."),
        ("aware_date", "The date the partnership became aware cannot be in the future."),
        ("referral_date", "The referral date cannot be in the future."),
        ("subject_dob", "The date of birth cannot be in the future."),
    ],
)
def test_no_date_of_a_case_may_be_in_the_future(field, message):
    fields = case(
        incident_date=TODAY, aware_date=TODAY, referral_date=TODAY, subject_dob=date(2015, 6, 1)
    )
    fields[field] = TODAY + timedelta(days=1)
    assert case_errors(**fields)[field] == message


def test_dates_of_today_are_not_in_the_future():
    assert case_errors(**case(incident_date=TODAY, aware_date=TODAY, referral_date=TODAY)) == {}


def test_the_partnership_cannot_become_aware_before_the_incident():
    errors = case_errors(**case(incident_date=date(2025, 11, 3), aware_date=date(2025, 11, 2)))
    assert errors == {"aware_date": "The partnership cannot have become aware before the incident."}


def test_the_referral_cannot_predate_the_incident():
    errors = case_errors(
        **case(incident_date=date(2025, 11, 3), aware_date=date(2025, 11, 3), referral_date=date(2025, 11, 2))
    )
    assert errors == {"referral_date": "The referral cannot predate the incident."}


def test_awareness_and_referral_on_the_day_of_the_incident_are_fine():
    day = date(2025, 11, 3)
    assert case_errors(**case(incident_date=day, aware_date=day, referral_date=day)) == {}


def test_a_future_awareness_date_is_reported_as_future_rather_than_out_of_order():
    errors = case_errors(
        **case(incident_date=TODAY + timedelta(days=5), aware_date=TODAY + timedelta(days=3), referral_date=TODAY)
    )
    assert errors["aware_date"] == "The date the partnership became aware cannot be in the future."


def test_an_incident_in_the_future_makes_earlier_dates_out_of_order_too():
    errors = case_errors(**case(incident_date=TODAY + timedelta(days=1), aware_date=TODAY, referral_date=TODAY))
    assert errors == {
        "incident_date": "The date of incident cannot be in the future.",
        "aware_date": "The partnership cannot have become aware before the incident.",
        "referral_date": "The referral cannot predate the incident.",
    }


def test_the_subject_cannot_be_born_after_the_incident():
    errors = case_errors(**case(incident_date=date(2025, 11, 3), subject_dob=date(2025, 11, 4)))
    assert errors == {"subject_dob": "The date of birth is after the date of incident."}


@pytest.mark.parametrize(
    "review_type, age, valid",
    [
        (ReviewType.CSPR, 0, True),
        (ReviewType.CSPR, 17, True),
        (ReviewType.CSPR, 18, False),
        (ReviewType.SAR, 17, False),
        (ReviewType.SAR, 18, True),
        (ReviewType.SAR, 101, True),
        (ReviewType.DHR, 15, False),
        (ReviewType.DHR, 16, True),
        (ReviewType.DHR, 90, True),
    ],
)
def test_the_subjects_age_at_the_incident_must_fit_the_review_type(review_type, age, valid):
    incident = date(2025, 11, 3)
    errors = case_errors(**case(review_type=review_type, incident_date=incident, subject_dob=born_years_before(incident, age)))
    assert ("subject_dob" not in errors) is valid
    if not valid:
        assert errors["subject_dob"].endswith(f"this date of birth gives {age}.")


def test_the_age_message_names_the_range_for_the_review_type():
    incident = date(2025, 11, 3)
    cspr = case_errors(**case(incident_date=incident, subject_dob=born_years_before(incident, 20)))
    assert cspr["subject_dob"] == "A CSPR is about someone aged 0-17 at the incident; this date of birth gives 20."
    sar = case_errors(
        **case(review_type=ReviewType.SAR, incident_date=incident, subject_dob=born_years_before(incident, 17))
    )
    assert sar["subject_dob"] == "A SAR is about someone aged 18 or over at the incident; this date of birth gives 17."


def test_a_child_turning_18_the_day_after_the_incident_is_still_a_child():
    incident = date(2025, 11, 3)
    assert case_errors(**case(incident_date=incident, subject_dob=date(2007, 11, 4))) == {}
    assert "subject_dob" in case_errors(**case(incident_date=incident, subject_dob=date(2007, 11, 3)))


def test_the_review_type_may_be_given_as_its_stored_value():
    incident = date(2025, 11, 3)
    errors = case_errors(**case(review_type="CSPR", incident_date=incident, subject_dob=born_years_before(incident, 30)))
    assert "subject_dob" in errors


def test_without_a_review_type_the_age_is_not_checked():
    incident = date(2025, 11, 3)
    assert case_errors(**case(review_type=None, incident_date=incident, subject_dob=born_years_before(incident, 40))) == {}


def test_missing_dates_are_left_to_the_form_to_require():
    assert case_errors(
        review_type=ReviewType.CSPR, incident_date=None, aware_date=None, referral_date=None, subject_dob=None, today=TODAY
    ) == {}


# --- decision_errors ---------------------------------------------------------------------------


def test_a_valid_decision_has_no_errors():
    assert decision_errors(**decision()) == {}


@pytest.mark.parametrize("rationale", [None, "", "   \n "])
def test_a_decision_needs_its_rationale(rationale):
    errors = decision_errors(**decision(rationale=rationale))
    assert errors == {"rationale": "Record the rationale for the decision: reasons must be recorded."}


def test_the_meeting_cannot_be_in_the_future():
    errors = decision_errors(**decision(meeting_date=TODAY + timedelta(days=1)))
    assert errors == {"meeting_date": "The meeting date cannot be in the future."}


def test_a_meeting_today_is_fine():
    assert decision_errors(**decision(meeting_date=TODAY)) == {}


def test_the_panel_cannot_meet_before_the_referral():
    errors = decision_errors(**decision(meeting_date=date(2025, 11, 4), referral_date=date(2025, 11, 5)))
    assert errors == {"meeting_date": "The panel cannot have met on this case before it was referred."}


def test_the_panel_may_meet_on_the_day_of_the_referral():
    assert decision_errors(**decision(meeting_date=date(2025, 11, 5), referral_date=date(2025, 11, 5))) == {}


def test_a_commissioned_sar_needs_its_legal_mandate():
    errors = decision_errors(
        **decision(review_type=ReviewType.SAR, outcome=DecisionOutcome.REVIEW_COMMISSIONED, legal_mandate=None)
    )
    assert errors == {
        "legal_mandate": "A commissioned SAR needs its legal mandate: mandatory s44(1)-(3) or discretionary s44(4)."
    }


@pytest.mark.parametrize("mandate", list(LegalMandate))
def test_a_commissioned_sar_with_either_mandate_is_valid(mandate):
    assert (
        decision_errors(
            **decision(review_type=ReviewType.SAR, outcome=DecisionOutcome.REVIEW_COMMISSIONED, legal_mandate=mandate)
        )
        == {}
    )


@pytest.mark.parametrize(
    "outcome", [o for o in DecisionOutcome if o is not DecisionOutcome.REVIEW_COMMISSIONED]
)
def test_a_sar_not_commissioned_needs_no_mandate(outcome):
    assert decision_errors(**decision(review_type=ReviewType.SAR, outcome=outcome, legal_mandate=None)) == {}


def test_stored_values_are_understood_as_well_as_members():
    errors = decision_errors(**decision(review_type="SAR", outcome="review_commissioned", legal_mandate=None))
    assert "legal_mandate" in errors


@pytest.mark.parametrize("review_type", [ReviewType.CSPR, ReviewType.DHR])
@pytest.mark.parametrize("mandate", list(LegalMandate))
def test_a_care_act_mandate_applies_only_to_sars(review_type, mandate):
    errors = decision_errors(
        **decision(review_type=review_type, outcome=DecisionOutcome.REVIEW_COMMISSIONED, legal_mandate=mandate)
    )
    assert errors == {"legal_mandate": "A Care Act s44 mandate applies only to Safeguarding Adult Reviews."}


def test_every_problem_with_a_decision_is_reported_together():
    errors = decision_errors(
        **decision(
            review_type=ReviewType.SAR,
            outcome=DecisionOutcome.REVIEW_COMMISSIONED,
            legal_mandate=None,
            rationale="",
            meeting_date=TODAY + timedelta(days=2),
        )
    )
    assert set(errors) == {"rationale", "meeting_date", "legal_mandate"}


# --- family_errors -----------------------------------------------------------------------------


@pytest.mark.parametrize("side", [None, "victim", "perpetrator"])
@pytest.mark.parametrize("review_type", [ReviewType.CSPR, ReviewType.SAR, ReviewType.DHR])
def test_only_a_dhr_family_member_has_a_side_and_a_dhr_one_must(review_type, side):
    errors = family_errors(review_type=review_type, side=side)

    if review_type is ReviewType.DHR and side is None:
        assert errors == {"side": "For a DHR, say whether they are the victim's or the perpetrator's family or friends."}
    elif review_type is not ReviewType.DHR and side is not None:
        assert errors == {"side": "Victim's or perpetrator's side applies to DHRs only."}
    else:
        assert errors == {}
