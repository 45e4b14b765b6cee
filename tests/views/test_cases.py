"""Cases through the real admin screens: creating, validating, scoping, exporting and archiving.

Every request goes through the real forms with CSRF on; what the request wrote is read back with
the test's own session. Refused requests must write nothing.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from backoffice.models import AbuseCategory, Case
from tests import factories
from tests.helpers import case_form, count, csv_rows, opened_at, reload, shows, text, tomorrow

READERS = ["business_support", "panel", "board", "auditor"]


# --- helpers -----------------------------------------------------------------------------------


def children_and_adults_cases():
    """One case in each review stream, with recognisable pseudonyms."""
    return {
        "CSPR": factories.CaseFactory(review_type="CSPR", subject_pseudonym="Child Visible"),
        "SAR": factories.CaseFactory(
            review_type="SAR", subject_pseudonym="Adult Hidden", subject_dob=date(1950, 1, 1)
        ),
        "DHR": factories.CaseFactory(
            review_type="DHR", subject_pseudonym="Person Hidden", subject_dob=date(1980, 1, 1)
        ),
    }


# --- creating a case ---------------------------------------------------------------------------


def test_business_support_creates_a_case_through_the_form_and_gets_the_next_reference(session, login_as):
    signed_in = login_as("business_support")
    referrer = factories.AgencyFactory(name="Northshire Police")
    involved = factories.AgencyFactory(name="Northshire Children's Services")
    categories = session.scalars(
        select(AbuseCategory).where(AbuseCategory.name.in_(["Neglect or acts of omission", "Physical abuse"]))
    ).all()
    category_ids = sorted(c.id for c in categories)
    assert len(category_ids) == 2

    response = signed_in.post(
        "/admin/case/new/",
        case_form(
            subject_pseudonym="Child Q",
            subject_legal_name="Quinn Example",
            subject_dob="2015-01-02",
            referrer_agency=str(referrer.id),
            abuse_categories=[str(i) for i in category_ids],
            **{"agency_links-0-agency": str(involved.id), "agency_links-0-role": "lead"},
        ),
    )

    assert response.status_code == 302, text(response)[:2000]
    case = session.scalars(select(Case)).one()
    assert case.reference == "CSPR-2025-001"
    assert case.subject_pseudonym == "Child Q"
    assert case.subject_legal_name == "Quinn Example"
    assert case.subject_dob == date(2015, 1, 2)
    assert case.incident_date == date(2025, 3, 1)
    assert case.referrer_agency_id == referrer.id
    assert sorted(c.id for c in case.abuse_categories) == category_ids
    assert [(link.agency_id, link.role) for link in case.agency_links] == [(involved.id, "lead")]
    assert case.created_by_id == signed_in.user.id

    second = signed_in.post("/admin/case/new/", case_form(subject_pseudonym="Child R"))
    assert second.status_code == 302, text(second)[:2000]
    session.expire_all()
    assert session.scalars(select(Case.reference).order_by(Case.id)).all() == ["CSPR-2025-001", "CSPR-2025-002"]


def test_the_reference_year_is_the_referral_year(session, login_as):
    signed_in = login_as("business_support")
    response = signed_in.post(
        "/admin/case/new/",
        case_form(incident_date="2025-12-20", aware_date="2025-12-30", referral_date="2026-01-04"),
    )
    assert response.status_code == 302, text(response)[:2000]
    assert session.scalars(select(Case.reference)).one() == "CSPR-2026-001"


def test_a_sar_gets_a_sar_reference_numbered_separately_from_cspr(session, login_as):
    factories.CaseFactory(review_type="CSPR")  # CSPR-2025-001 exists already
    signed_in = login_as("business_support")

    response = signed_in.post(
        "/admin/case/new/", case_form(review_type="SAR", subject_pseudonym="Adult A", subject_dob="1950-05-05")
    )

    assert response.status_code == 302, text(response)[:2000]
    session.expire_all()
    assert session.scalars(select(Case.reference).where(Case.review_type == "SAR")).one() == "SAR-2025-001"


def test_the_reference_is_not_on_the_form(login_as):
    page = login_as("business_support").get("/admin/case/new/")
    assert page.status_code == 200
    assert 'name="subject_pseudonym"' in text(page)  # the form is there...
    for field in ("reference", "state", "created_by_id", "archived_at", "archive_reason"):
        assert f'name="{field}"' not in text(page)  # ...without the fields the system sets


def test_posted_reference_state_creator_and_archive_fields_are_ignored(session, login_as):
    someone_else = factories.UserFactory(roles=["business_support"])
    signed_in = login_as("business_support")

    response = signed_in.post(
        "/admin/case/new/",
        case_form(
            reference="CSPR-1999-123",
            state="CLOSED",
            created_by_id=str(someone_else.id),
            archived_at="2025-01-01 00:00:00",
            archive_reason="sneaky",
        ),
    )

    assert response.status_code == 302, text(response)[:2000]
    case = session.scalars(select(Case)).one()
    assert case.reference == "CSPR-2025-001"
    assert case.state == "INCIDENT_REPORTED"
    assert case.created_by_id == signed_in.user.id
    assert case.archived_at is None
    assert case.archive_reason is None


@pytest.mark.parametrize(
    "review_type, dob, initial_state",
    [
        ("CSPR", "2015-01-02", "INCIDENT_REPORTED"),
        ("SAR", "1950-05-05", "REFERRAL_RECEIVED"),
        ("DHR", "1980-05-05", "NOTIFIED_BY_POLICE"),
    ],
)
def test_a_new_case_starts_in_the_first_state_of_its_review_type(session, login_as, review_type, dob, initial_state):
    signed_in = login_as("business_support")
    response = signed_in.post("/admin/case/new/", case_form(review_type=review_type, subject_dob=dob))
    assert response.status_code == 302, text(response)[:2000]
    case = session.scalars(select(Case)).one()
    assert case.review_type == review_type
    assert case.state == initial_state


# --- bad input: a clear message and nothing written --------------------------------------------


@pytest.mark.parametrize(
    "overrides, message",
    [
        pytest.param(
            {"incident_date": None},  # filled in below: tomorrow
            "The date of incident cannot be in the future.",
            id="incident-in-the-future",
        ),
        pytest.param(
            {"incident_date": "2025-03-02", "aware_date": "2025-03-01", "referral_date": "2025-03-03"},
            "The partnership cannot have become aware before the incident.",
            id="aware-before-incident",
        ),
        pytest.param({"subject_pseudonym": ""}, "Enter the subject (pseudonym)", id="missing-pseudonym"),
        pytest.param(
            {"subject_dob": "2005-01-01"},
            "A CSPR is about someone aged 0-17 at the incident; this date of birth gives 20.",
            id="cspr-subject-aged-18-or-over",
        ),
    ],
)
def test_bad_case_input_is_refused_with_a_message_and_nothing_is_saved(session, login_as, overrides, message):
    if overrides.get("incident_date", "") is None:
        overrides = {"incident_date": tomorrow().isoformat()}
    signed_in = login_as("business_support")
    before = count(session, Case)

    response = signed_in.post("/admin/case/new/", case_form(**overrides))

    assert response.status_code == 200
    assert shows(response, message), text(response)[:3000]
    assert count(session, Case) == before


def test_a_duplicate_external_reference_for_the_same_review_type_is_refused(session, login_as):
    factories.CaseFactory(review_type="CSPR", external_reference="SIN-0042")
    signed_in = login_as("business_support")
    before = count(session, Case)

    response = signed_in.post("/admin/case/new/", case_form(external_reference="SIN-0042"))

    assert response.status_code == 200
    assert shows(response, "this conflicts with an existing record"), text(response)[:3000]
    assert count(session, Case) == before


def test_the_same_external_reference_is_allowed_for_another_review_type(session, login_as):
    factories.CaseFactory(review_type="CSPR", external_reference="REF-7")
    signed_in = login_as("business_support")

    response = signed_in.post(
        "/admin/case/new/", case_form(review_type="SAR", external_reference="REF-7", subject_dob="1950-05-05")
    )

    assert response.status_code == 302, text(response)[:2000]
    assert count(session, Case) == 2


def test_cases_without_external_reference_do_not_conflict(session, login_as):
    signed_in = login_as("business_support")
    for pseudonym in ("Child A", "Child B"):
        response = signed_in.post("/admin/case/new/", case_form(subject_pseudonym=pseudonym, external_reference=""))
        assert response.status_code == 302, text(response)[:2000]
    assert count(session, Case) == 2


def test_a_user_cannot_create_a_case_outside_their_streams(session, login_as):
    signed_in = login_as("business_support", streams=["children"])
    form_page = signed_in.get("/admin/case/new/")
    assert 'value="CSPR"' in text(form_page)
    assert 'value="SAR"' not in text(form_page)
    before = count(session, Case)

    response = signed_in.post("/admin/case/new/", case_form(review_type="SAR", subject_dob="1950-05-05"))

    assert response.status_code == 200
    assert shows(response, "Select the type from the list"), text(response)[:3000]
    assert count(session, Case) == before


# --- stream scoping on every path --------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_the_case_list_and_its_count_show_only_the_users_streams(session, login_as, role):
    cases = children_and_adults_cases()
    factories.CaseFactory(review_type="CSPR", subject_pseudonym="Child Also Visible")
    signed_in = login_as(role, streams=["children"])

    page = signed_in.get("/admin/case/")

    assert page.status_code == 200
    assert cases["CSPR"].reference in text(page)
    assert "Child Visible" in text(page)
    assert "Adult Hidden" not in text(page)
    assert "Person Hidden" not in text(page)
    assert cases["SAR"].reference not in text(page)
    assert "List (2)" in text(page)


@pytest.mark.parametrize("role", READERS)
def test_details_of_a_case_in_another_stream_are_not_shown(session, login_as, role):
    cases = children_and_adults_cases()
    signed_in = login_as(role, streams=["children"])

    visible = signed_in.get(f"/admin/case/details/?id={cases['CSPR'].id}")
    assert visible.status_code == 200
    assert "Child Visible" in text(visible)

    for review_type, pseudonym in (("SAR", "Adult Hidden"), ("DHR", "Person Hidden")):
        response = signed_in.get(f"/admin/case/details/?id={cases[review_type].id}", follow_redirects=True)
        assert response.status_code in (200, 404)
        assert pseudonym not in text(response)
        if response.status_code == 200:
            assert "Record does not exist." in text(response)


def test_a_case_in_another_stream_cannot_be_edited(session, login_as):
    cases = children_and_adults_cases()
    signed_in = login_as("business_support", streams=["children"])
    sar = cases["SAR"]

    form = signed_in.get(f"/admin/case/edit/?id={sar.id}", follow_redirects=True)
    assert "Adult Hidden" not in text(form)
    assert "Record does not exist." in text(form)

    response = signed_in.post(
        f"/admin/case/edit/?id={sar.id}",
        opened_at(session, sar, case_form(subject_pseudonym="Renamed", subject_dob="1950-01-01"))
    )
    assert response.status_code in (302, 404)
    assert reload(session, sar).subject_pseudonym == "Adult Hidden"


def test_the_csv_export_holds_only_the_users_streams(session, login_as):
    cases = children_and_adults_cases()
    signed_in = login_as("business_support", streams=["children"])

    rows = csv_rows(signed_in.get("/admin/case/export/csv/"))

    assert [row["Reference"] for row in rows] == [cases["CSPR"].reference]


def test_the_decision_forms_case_lookup_finds_only_cases_in_the_users_streams(session, login_as):
    children_and_adults_cases()
    signed_in = login_as("panel", streams=["children"])

    def lookup(query: str) -> list[str]:
        response = signed_in.get(f"/admin/decision/ajax/lookup/?name=case&query={query}")
        assert response.status_code == 200
        return [label for _id, label in response.get_json()]

    assert any("Child Visible" in label for label in lookup("Child"))
    assert lookup("Adult") == []
    assert lookup("Person") == []
    assert lookup("SAR") == []


# --- restricted data ---------------------------------------------------------------------------

DATE_OF_BIRTH = r"2014-02-03|03 Feb 2014"  # as stored or as displayed


def test_business_support_sees_the_legal_name_and_date_of_birth_on_the_details_page(session, login_as):
    case = factories.CaseFactory(subject_legal_name="Quinn Legalname", subject_dob=date(2014, 2, 3))
    page = login_as("business_support").get(f"/admin/case/details/?id={case.id}")
    assert page.status_code == 200
    assert "Quinn Legalname" in text(page)
    assert "03 Feb 2014" in text(page)


@pytest.mark.parametrize("role", ["panel", "board", "auditor"])
def test_other_roles_do_not_see_the_legal_name_or_date_of_birth(session, login_as, role):
    case = factories.CaseFactory(subject_legal_name="Quinn Legalname", subject_dob=date(2014, 2, 3))
    page = login_as(role).get(f"/admin/case/details/?id={case.id}")
    assert page.status_code == 200
    assert case.subject_pseudonym in text(page)
    assert "Quinn Legalname" not in text(page)
    assert not re.search(DATE_OF_BIRTH, text(page))
    assert "legal name" not in text(page)


@pytest.mark.parametrize("role", READERS)
def test_the_case_list_never_shows_the_legal_name_or_date_of_birth(session, login_as, role):
    case = factories.CaseFactory(subject_legal_name="Quinn Legalname", subject_dob=date(2014, 2, 3))
    page = login_as(role).get("/admin/case/")
    assert page.status_code == 200
    assert case.subject_pseudonym in text(page)
    assert "Quinn Legalname" not in text(page)
    assert not re.search(DATE_OF_BIRTH, text(page))


@pytest.mark.parametrize("role", ["business_support", "auditor"])
def test_the_csv_export_never_holds_the_legal_name_or_date_of_birth(session, login_as, role):
    case = factories.CaseFactory(subject_legal_name="Quinn Legalname", subject_dob=date(2014, 2, 3))
    response = login_as(role).get("/admin/case/export/csv/")
    rows = csv_rows(response)
    assert [row["Reference"] for row in rows] == [case.reference]
    assert "Quinn Legalname" not in text(response)
    assert not re.search(DATE_OF_BIRTH, text(response))


@pytest.mark.parametrize("role", ["business_support", "auditor"])
def test_restricted_cases_are_never_exported(session, login_as, role):
    open_case = factories.CaseFactory(subject_pseudonym="Child Open")
    factories.CaseFactory(subject_pseudonym="Child Restricted", is_restricted=True)

    response = login_as(role).get("/admin/case/export/csv/")

    assert [row["Reference"] for row in csv_rows(response)] == [open_case.reference]
    assert "Child Restricted" not in text(response)


def test_restricted_cases_still_appear_in_the_list(session, login_as):
    factories.CaseFactory(subject_pseudonym="Child Restricted", is_restricted=True)
    page = login_as("business_support").get("/admin/case/")
    assert "Child Restricted" in text(page)


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_the_export_neutralises_cells_a_spreadsheet_would_run_as_formulas(session, login_as, prefix):
    pseudonym = f'{prefix}HYPERLINK("http://evil.example","Child X")'
    factories.CaseFactory(subject_pseudonym=pseudonym)

    rows = csv_rows(login_as("business_support").get("/admin/case/export/csv/"))

    assert [row["Subject (pseudonym)"] for row in rows] == ["'" + pseudonym]


# --- archiving, never deleting -----------------------------------------------------------------


def test_business_support_archives_a_case_with_a_reason(session, login_as):
    case = factories.CaseFactory(subject_pseudonym="Child Archived")
    signed_in = login_as("business_support")

    form = signed_in.get(f"/admin/case/archive/?id={case.id}")
    assert form.status_code == 200
    assert 'name="reason"' in text(form)

    response = signed_in.post(f"/admin/case/archive/?id={case.id}", {"reason": "Duplicate of another referral."})

    assert response.status_code == 302
    archived = reload(session, case)
    assert archived.archived_at is not None
    assert archived.archive_reason == "Duplicate of another referral."
    assert archived.archived_by_id == signed_in.user.id


@pytest.mark.parametrize("reason", ["", "   "])
def test_archiving_without_a_reason_changes_nothing(session, login_as, reason):
    case = factories.CaseFactory()
    signed_in = login_as("business_support")

    response = signed_in.post(f"/admin/case/archive/?id={case.id}", {"reason": reason})

    assert response.status_code == 200
    assert shows(response, "Give a reason for archiving.")
    archived = reload(session, case)
    assert archived.archived_at is None
    assert archived.archive_reason is None


def test_an_archived_case_leaves_the_business_support_list_and_details(session, login_as):
    case = factories.CaseFactory(subject_pseudonym="Child Archived")
    kept = factories.CaseFactory(subject_pseudonym="Child Kept")
    signed_in = login_as("business_support")
    archived = signed_in.post(
        f"/admin/case/archive/?id={case.id}", {"reason": "Opened in error."}, follow_redirects=True
    )
    assert shows(archived, f"Archived {case.reference} Child Archived.")  # the confirmation, once

    page = signed_in.get("/admin/case/")
    assert kept.subject_pseudonym in text(page)
    assert "Child Archived" not in text(page)

    details = signed_in.get(f"/admin/case/details/?id={case.id}", follow_redirects=True)
    assert "Child Archived" not in text(details)


def test_the_auditor_still_sees_an_archived_case_and_the_reason(session, login_as):
    case = factories.CaseFactory(subject_pseudonym="Child Archived")
    assert (
        login_as("business_support")
        .post(f"/admin/case/archive/?id={case.id}", {"reason": "Opened in error by mistake."})
        .status_code
        == 302
    )
    auditor = login_as("auditor")

    page = auditor.get("/admin/case/")
    assert "Child Archived" in text(page)

    details = auditor.get(f"/admin/case/details/?id={case.id}")
    assert details.status_code == 200
    assert "Child Archived" in text(details)
    assert "Opened in error by mistake." in text(details)


@pytest.mark.parametrize("role", ["business_support", "panel", "board", "auditor", "admin"])
def test_nobody_can_delete_a_case(session, login_as, role):
    case = factories.CaseFactory()
    signed_in = login_as(role)

    response = signed_in.post("/admin/case/delete/", {"id": str(case.id)})

    assert response.status_code == 403
    assert reload(session, case) is not None
    assert count(session, Case) == 1


def test_an_archived_case_cannot_be_edited(session, login_as):
    case = factories.CaseFactory(subject_pseudonym="Child Archived")
    case.archive("Opened in error.", None)
    session.commit()
    signed_in = login_as("business_support")

    response = signed_in.post(f"/admin/case/edit/?id={case.id}", opened_at(session, case, case_form(subject_pseudonym="Renamed")))

    assert response.status_code == 302
    assert "Record does not exist." in text(signed_in.get("/admin/case/"))
    assert reload(session, case).subject_pseudonym == "Child Archived"


def test_an_archived_case_cannot_be_edited_even_by_someone_who_can_see_it(session, login_as):
    case = factories.CaseFactory(subject_pseudonym="Child Archived")
    case.archive("Opened in error.", None)
    session.commit()
    signed_in = login_as("business_support", "auditor")  # may edit cases and read archived ones

    response = signed_in.post(f"/admin/case/edit/?id={case.id}", opened_at(session, case, case_form(subject_pseudonym="Renamed")))

    assert response.status_code == 200
    assert shows(response, "This record is archived and cannot be changed."), text(response)[:3000]
    assert reload(session, case).subject_pseudonym == "Child Archived"


def test_business_support_edits_a_live_case(session, login_as):
    case = factories.CaseFactory(subject_pseudonym="Child Old")
    signed_in = login_as("business_support")

    response = signed_in.post(
        f"/admin/case/edit/?id={case.id}",
        opened_at(session, case, case_form(subject_pseudonym="Child New", subject_legal_name=case.subject_legal_name,
                                           subject_dob="2015-06-01")),
    )

    assert response.status_code == 302, text(response)[:3000]
    edited = reload(session, case)
    assert edited.subject_pseudonym == "Child New"
    assert edited.reference == case.reference
    assert edited.updated_by_id == signed_in.user.id


def test_after_creating_a_case_the_user_lands_on_its_page_with_its_reference(session, login_as):
    signed_in = login_as("business_support")

    response = signed_in.post("/admin/case/new/", case_form())

    assert response.status_code == 302
    case = session.scalars(select(Case)).one()
    assert response.headers["Location"].startswith(f"/admin/case/details/?id={case.id}")
    assert case.reference in text(signed_in.get(response.headers["Location"]))
