"""Family involvement: business support records who was invited; names and contact details stay restricted.

Only business support sees a family member's name and contact details. Panel members and
auditors see the rest of the record; lists and exports never carry the restricted values.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backoffice.vocabulary import ReviewType
from backoffice.models import EngagementStatus, FamilyInvolvement
from tests import factories
from tests.helpers import page_text, reload, text

CREATE = "/admin/family/new/"
NAME = "Philippa Quillfeather"
CONTACT = "pq.contact@example.net 07700 900456"
RELATIONSHIP = "Maternal grandmother"


def record_family_member(signed_in, case, **overrides):
    data = {
        "case": str(case.id),
        "relationship_to_subject": RELATIONSHIP,
        "name": NAME,
        "contact_details": CONTACT,
        "preferred_language": "Polish",
        "interpreter_needed": "y",
        "accessibility_needs": "Large print letters.",
        "safety_notes": "Lives with the subject's stepfather.",
        "notes": "Prefers to be contacted by email.",
        **overrides,
    }
    return signed_in.post(CREATE, data=data)


@pytest.fixture
def family_member(session):
    """A family member with restricted details, on a children's case."""
    return factories.FamilyFactory(relationship_to_subject=RELATIONSHIP, name=NAME, contact_details=CONTACT)


def assert_no_restricted_values(shown: str) -> None:
    assert NAME not in shown
    assert "Quillfeather" not in shown
    assert CONTACT not in shown
    assert "pq.contact@example.net" not in shown
    assert "07700 900456" not in shown


def test_business_support_records_a_family_member_with_name_and_contact_details(app, session, login_as):
    case = factories.CaseFactory()
    signed_in = login_as("business_support")

    response = record_family_member(signed_in, case)

    assert response.status_code == 302, page_text(response)[:2000]
    session.expire_all()
    record = session.execute(select(FamilyInvolvement)).scalar_one()
    assert record.case_id == case.id
    assert record.relationship_to_subject == RELATIONSHIP
    assert record.name == NAME
    assert record.contact_details == CONTACT
    assert (record.preferred_language, record.interpreter_needed) == ("Polish", True)
    assert record.accessibility_needs == "Large print letters."
    assert record.safety_notes == "Lives with the subject's stepfather."
    assert record.side is None  # not a DHR
    assert record.engagement_status == EngagementStatus.NOT_YET_INVITED  # until an invitation is recorded
    assert record.created_by_id == signed_in.user.id


def test_a_dhr_family_member_needs_their_side(app, session, login_as):
    case = factories.CaseFactory(review_type=ReviewType.DHR)
    signed_in = login_as("business_support", streams=["domestic_abuse"])

    refused = record_family_member(signed_in, case)
    accepted = record_family_member(signed_in, case, side="perpetrator")

    assert "For a DHR, say whether they are the victim's or the perpetrator's family or friends." in page_text(refused)
    assert accepted.status_code == 302
    assert session.execute(select(FamilyInvolvement.side)).scalar_one() == "perpetrator"


@pytest.mark.parametrize("role", ["panel", "auditor"])
def test_panel_and_auditors_see_the_details_page_without_name_or_contact_details(
    app, session, login_as, family_member, role
):
    signed_in = login_as(role)

    response = signed_in.get(f"/admin/family/details/?id={family_member.id}")

    assert response.status_code == 200
    shown = page_text(response)
    assert RELATIONSHIP in shown  # the page does show the record
    assert family_member.case.reference in shown
    assert_no_restricted_values(shown)


def test_business_support_sees_name_and_contact_details(app, session, login_as, family_member):
    signed_in = login_as("business_support")

    response = signed_in.get(f"/admin/family/details/?id={family_member.id}")

    assert response.status_code == 200
    shown = page_text(response)
    assert NAME in shown
    assert CONTACT in shown


@pytest.mark.parametrize("role", ["panel", "auditor"])
def test_panel_and_auditors_cannot_open_the_form_that_holds_the_restricted_fields(
    app, session, login_as, family_member, role
):
    signed_in = login_as(role)

    response = signed_in.get(f"/admin/family/edit/?id={family_member.id}")

    assert response.status_code == 403
    assert_no_restricted_values(page_text(response))


@pytest.mark.parametrize("role", ["business_support", "panel", "auditor"])
def test_the_list_page_never_shows_name_or_contact_details(app, session, login_as, family_member, role):
    signed_in = login_as(role)

    response = signed_in.get("/admin/family/")

    assert response.status_code == 200
    shown = page_text(response)
    assert RELATIONSHIP in shown  # the record is listed
    assert_no_restricted_values(shown)


def test_the_csv_export_never_contains_name_or_contact_details(app, session, login_as, family_member):
    signed_in = login_as("auditor")

    response = signed_in.get("/admin/family/export/csv/")

    assert response.status_code == 200
    shown = text(response)
    assert RELATIONSHIP in shown  # the record is exported
    assert_no_restricted_values(shown)


@pytest.mark.parametrize("role", ["panel", "auditor"])
def test_restricted_values_are_not_found_by_searching_the_list(app, session, login_as, family_member, role):
    signed_in = login_as(role)

    found = signed_in.get(f"/admin/family/?search={family_member.case.reference}")
    response = signed_in.get("/admin/family/?search=Quillfeather")

    assert RELATIONSHIP in page_text(found)  # search works, by the case
    assert response.status_code == 200
    assert RELATIONSHIP not in page_text(response)


# --- archiving --------------------------------------------------------------------------------


def test_business_support_archives_a_record_with_a_reason(app, session, login_as, family_member):
    signed_in = login_as("business_support")

    form = signed_in.get(f"/admin/family/archive/?id={family_member.id}")
    assert form.status_code == 200
    response = signed_in.post(
        f"/admin/family/archive/?id={family_member.id}", data={"reason": "Recorded against the wrong case."}
    )

    assert response.status_code == 302
    assert f"Archived {RELATIONSHIP}" in page_text(signed_in.get(response.headers["Location"]))
    record = reload(session, family_member)
    assert record.archived_at is not None
    assert record.archive_reason == "Recorded against the wrong case."
    assert record.archived_by_id == signed_in.user.id
    assert RELATIONSHIP not in page_text(signed_in.get("/admin/family/"))


def test_archiving_without_a_reason_is_refused(app, session, login_as, family_member):
    signed_in = login_as("business_support")

    response = signed_in.post(f"/admin/family/archive/?id={family_member.id}", data={"reason": "   "})

    assert response.status_code == 200
    assert "Give a reason for archiving." in page_text(response)
    assert reload(session, family_member).archived_at is None


@pytest.mark.parametrize("role", ["panel", "auditor"])
def test_only_business_support_archives(app, session, login_as, family_member, role):
    signed_in = login_as(role)

    response = signed_in.post(f"/admin/family/archive/?id={family_member.id}", data={"reason": "Not mine to archive."})

    assert response.status_code == 403
    assert reload(session, family_member).archived_at is None


def test_auditors_still_see_archived_records(app, session, login_as):
    record = factories.FamilyFactory(
        relationship_to_subject=RELATIONSHIP,
        name=NAME,
        contact_details=CONTACT,
        archived_at=factories.NOW,
        archive_reason="Duplicate of another record.",
    )
    auditor = login_as("auditor")
    business_support = login_as("business_support")

    listed = page_text(auditor.get("/admin/family/"))
    details = auditor.get(f"/admin/family/details/?id={record.id}")

    assert RELATIONSHIP in listed
    assert details.status_code == 200
    assert "Duplicate of another record." in page_text(details)
    assert_no_restricted_values(page_text(details))
    assert RELATIONSHIP not in page_text(business_support.get("/admin/family/"))
