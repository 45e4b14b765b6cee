"""Case references: `<TYPE>-<YEAR>-<NNN>`, numbered per review type and referral year, never changed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from backoffice.vocabulary import ReviewType
from backoffice.domain.references import format_reference, reference_prefix
from backoffice.models import Case, utcnow
from tests import factories

# --- without a database ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number, reference", [(1, "CSPR-2025-001"), (42, "CSPR-2025-042"), (999, "CSPR-2025-999"), (1000, "CSPR-2025-1000")]
)
def test_numbers_are_padded_to_three_digits_and_grow_beyond(number, reference):
    assert format_reference("CSPR-2025-", number) == reference


@pytest.mark.parametrize("review_type", list(ReviewType))
def test_the_prefix_is_the_review_type_and_the_referral_year(review_type):
    case = Case(review_type=review_type, referral_date=date(2024, 12, 31))
    assert reference_prefix(case) == f"{review_type.value}-2024-"


def test_the_prefix_accepts_the_review_type_as_a_form_posts_it():
    case = Case(review_type="SAR", referral_date=date(2025, 3, 3))
    assert reference_prefix(case) == "SAR-2025-"


def test_without_a_referral_date_the_prefix_uses_this_year():
    assert reference_prefix(Case(review_type=ReviewType.DHR)) == f"DHR-{utcnow().year}-"


def test_a_reference_once_set_cannot_be_changed():
    case = Case(review_type=ReviewType.CSPR, reference="CSPR-2025-001")
    with pytest.raises(ValueError, match="never changes"):
        case.reference = "CSPR-2025-002"
    assert case.reference == "CSPR-2025-001"


def test_setting_the_same_reference_again_is_harmless():
    case = Case(review_type=ReviewType.CSPR, reference="CSPR-2025-001")
    case.reference = "CSPR-2025-001"
    assert case.reference == "CSPR-2025-001"


# --- numbering as cases are saved --------------------------------------------------------------


def test_cases_are_numbered_in_order_within_their_type_and_year(session):
    references = [factories.CaseFactory(review_type=ReviewType.CSPR).reference for _ in range(3)]
    assert references == ["CSPR-2025-001", "CSPR-2025-002", "CSPR-2025-003"]


def test_each_review_type_has_its_own_numbering(session):
    cspr = factories.CaseFactory(review_type=ReviewType.CSPR)
    sar = factories.CaseFactory(review_type=ReviewType.SAR, subject_dob=date(1950, 1, 1))
    dhr = factories.CaseFactory(review_type=ReviewType.DHR, subject_dob=date(1980, 1, 1))
    second_cspr = factories.CaseFactory(review_type=ReviewType.CSPR)
    assert [cspr.reference, sar.reference, dhr.reference, second_cspr.reference] == [
        "CSPR-2025-001",
        "SAR-2025-001",
        "DHR-2025-001",
        "CSPR-2025-002",
    ]


def test_each_referral_year_starts_again_at_one(session):
    factories.CaseFactory(referral_date=date(2025, 11, 5))
    factories.CaseFactory(referral_date=date(2025, 12, 1))
    next_year = factories.CaseFactory(
        incident_date=date(2025, 12, 20), aware_date=date(2025, 12, 21), referral_date=date(2026, 1, 2)
    )
    back_in_2025 = factories.CaseFactory(referral_date=date(2025, 12, 30))
    assert next_year.reference == "CSPR-2026-001"
    assert back_in_2025.reference == "CSPR-2025-003"


def test_after_999_comes_1000_and_then_1001(session):
    factories.CaseFactory(reference="CSPR-2025-998")
    factories.CaseFactory(reference="CSPR-2025-999")
    assert factories.CaseFactory().reference == "CSPR-2025-1000"
    assert factories.CaseFactory().reference == "CSPR-2025-1001"


def test_an_explicit_reference_is_kept(session):
    assert factories.CaseFactory(reference="CSPR-2025-050").reference == "CSPR-2025-050"
    assert factories.CaseFactory().reference == "CSPR-2025-051"


def test_an_archived_cases_number_is_never_reused(session):
    first = factories.CaseFactory()
    first.archive("Opened in error.", None)
    session.commit()
    assert factories.CaseFactory().reference == "CSPR-2025-002"


def test_a_saved_reference_cannot_be_changed(session):
    case = factories.CaseFactory()
    with pytest.raises(ValueError, match="never changes"):
        case.reference = "CSPR-2025-777"
    session.commit()
    session.expire_all()
    assert session.scalars(select(Case.reference)).all() == ["CSPR-2025-001"]


def test_cases_saved_together_get_consecutive_references(session):
    cases = [
        Case(
            review_type=ReviewType.SAR,
            subject_pseudonym=f"Adult {n}",
            incident_date=date(2025, 3, 1),
            aware_date=date(2025, 3, 2),
            referral_date=date(2025, 3, 3),
        )
        for n in range(3)
    ]
    session.add_all(cases)
    session.commit()
    assert [c.reference for c in cases] == ["SAR-2025-001", "SAR-2025-002", "SAR-2025-003"]


def test_a_disposed_of_cases_number_is_never_issued_again(session):
    """The counter remembers the last number issued, not the highest still stored."""
    factories.CaseFactory()
    second = factories.CaseFactory()
    assert second.reference == "CSPR-2025-002"
    for table in ("deadline", "notification"):  # as a disposal removes the case and its records
        session.execute(text(f"DELETE FROM {table} WHERE case_id = :id"), {"id": second.id})
    session.execute(text('DELETE FROM "case" WHERE id = :id'), {"id": second.id})
    session.commit()
    assert factories.CaseFactory().reference == "CSPR-2025-003"


def test_a_new_reference_reads_its_counter_not_the_cases_under_its_prefix(session, count_queries):
    """Once a prefix has its counter, a new reference is its row's read and write: no search of the
    prefix's cases, so the cost is the same with 1 case under it or 40."""
    counts = []
    for existing in (1, 39):
        with factories.in_one_commit():
            factories.CaseFactory.create_batch(existing)
        with count_queries() as counter:
            factories.CaseFactory()
        assert not [s for s in counter.statements if " LIKE " in s.upper()]
        counts.append(len(counter.statements))
    assert counts[0] == counts[1], counts


def test_a_reference_written_around_the_counter_is_stepped_over(session):
    """A case restored or imported with raw SQL does not move the counter; its number is skipped."""
    factories.CaseFactory()
    session.execute(Case.__table__.insert().values(
        reference="CSPR-2025-002", review_type="CSPR", state="NOTIFIED", subject_pseudonym="Imported",
        incident_date=date(2025, 1, 1), aware_date=date(2025, 1, 1), referral_date=date(2025, 1, 1), version=1))
    session.commit()
    assert factories.CaseFactory().reference == "CSPR-2025-003"
