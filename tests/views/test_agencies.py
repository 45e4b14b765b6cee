"""Agencies: business support and admins keep the list; names are unique; lookups stay small."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backoffice.models import Agency, AgencyType
from tests import factories
from tests.helpers import opened_at, page_text, text

CREATE = "/admin/agency/new/"
UPDATE = "/admin/agency/ajax/update/"
LOOKUP = "/admin/agency/ajax/lookup/"
DUPLICATE = "There is already a record named"


def agencies(session) -> list[Agency]:
    """Every agency as the database holds it now, oldest first."""
    session.expire_all()
    rows = list(session.execute(select(Agency).order_by(Agency.id)).scalars())
    session.commit()
    return rows


def create_agency(signed_in, name: str, **overrides):
    data = {
        "name": name,
        "agency_type": AgencyType.POLICE.value,
        "is_statutory_partner": "y",
        "safeguarding_lead": "DI Jane Marsh",
        "safeguarding_lead_contact": "safeguarding@police.example.org",
        "active": "y",
        **overrides,
    }
    return signed_in.post(CREATE, data=data)


def edit_inline(signed_in, agency, **fields):
    """Post the list page's inline edit of `agency`: field name to submitted value."""
    return signed_in.post(UPDATE, data={"list_form_pk": str(agency.id), **fields})


@pytest.mark.parametrize("role", ["business_support", "admin"])
def test_business_support_and_admin_create_an_agency(app, session, login_as, role):
    signed_in = login_as(role)

    response = create_agency(signed_in, "West Marches Police")

    assert response.status_code == 302, page_text(response)[:2000]
    (agency,) = agencies(session)
    assert agency.name == "West Marches Police"
    assert agency.agency_type == AgencyType.POLICE
    assert agency.is_statutory_partner is True
    assert agency.safeguarding_lead == "DI Jane Marsh"
    assert agency.active is True
    assert agency.created_by_id == signed_in.user.id


def test_an_agency_can_have_a_parent_agency(app, session, login_as):
    parent = factories.AgencyFactory(name="West Marches NHS Trust", agency_type=AgencyType.NHS_TRUST)
    signed_in = login_as("business_support")

    response = create_agency(
        signed_in, "West Marches Hospital Safeguarding Team", agency_type=AgencyType.NHS_TRUST.value, parent=str(parent.id)
    )

    assert response.status_code == 302, page_text(response)[:2000]
    child = [a for a in agencies(session) if a.name == "West Marches Hospital Safeguarding Team"][0]
    assert child.parent_id == parent.id


@pytest.mark.parametrize("role", ["panel", "board", "auditor"])
def test_other_roles_cannot_create_an_agency(app, session, login_as, role):
    signed_in = login_as(role)

    response = create_agency(signed_in, "West Marches Police")

    assert response.status_code == 403
    assert agencies(session) == []


@pytest.mark.parametrize(
    "duplicate",
    [
        "West Marches Police",
        "west marches police",
        "WEST MARCHES POLICE",
        "  West Marches Police  ",
        "West  Marches   Police",
        "\tWest Marches Police\n",
    ],
    ids=["same", "lower-case", "upper-case", "surrounding-spaces", "inner-spaces", "tabs-and-newlines"],
)
def test_a_duplicate_agency_name_is_refused_with_a_clear_message(app, session, login_as, duplicate):
    existing = factories.AgencyFactory(name="West Marches Police")
    signed_in = login_as("business_support")

    response = create_agency(signed_in, duplicate)

    assert response.status_code == 200
    shown = page_text(response)
    assert DUPLICATE in shown
    assert "Nothing was saved" in shown
    assert [a.name for a in agencies(session)] == [existing.name]


def test_renaming_an_agency_to_another_agencys_name_is_refused(app, session, login_as):
    factories.AgencyFactory(name="West Marches Police")
    other = factories.AgencyFactory(name="West Marches Probation", agency_type=AgencyType.PROBATION)
    signed_in = login_as("business_support")

    response = signed_in.post(
        f"/admin/agency/edit/?id={other.id}",
        data={"name": "west marches police", "agency_type": AgencyType.PROBATION.value, "active": "y",
              "loaded_version": str(other.version)},
    )

    assert response.status_code == 200
    assert DUPLICATE in page_text(response)
    assert sorted(a.name for a in agencies(session)) == ["West Marches Police", "West Marches Probation"]


def test_saving_an_agency_under_its_own_name_is_not_a_duplicate(app, session, login_as):
    agency = factories.AgencyFactory(name="West Marches Police", safeguarding_lead="Old lead")
    signed_in = login_as("business_support")

    response = signed_in.post(
        f"/admin/agency/edit/?id={agency.id}",
        data=opened_at(session, agency, {"name": "West Marches Police", "agency_type": AgencyType.POLICE.value,
                                         "safeguarding_lead": "New lead", "active": "y"}),
    )

    assert response.status_code == 302, page_text(response)[:2000]
    (saved,) = agencies(session)
    assert saved.safeguarding_lead == "New lead"


def test_surrounding_spaces_are_not_stored_in_a_name(app, session, login_as):
    signed_in = login_as("business_support")

    response = create_agency(signed_in, "   West Marches Police  ")

    assert response.status_code == 302, page_text(response)[:2000]
    assert [a.name for a in agencies(session)] == ["West Marches Police"]


# --- inline edit --------------------------------------------------------------------------------


def test_business_support_deactivates_and_reactivates_an_agency_inline(app, session, login_as):
    agency = factories.AgencyFactory(active=True)
    signed_in = login_as("business_support")

    response = edit_inline(signed_in, agency, active="")

    assert response.status_code == 200, text(response)
    assert agencies(session)[0].active is False

    response = edit_inline(signed_in, agency, active="1")

    assert response.status_code == 200, text(response)
    assert agencies(session)[0].active is True


@pytest.mark.parametrize("role", ["panel", "board", "auditor"])
def test_inline_edit_is_refused_for_roles_that_may_not_edit(app, session, login_as, role):
    agency = factories.AgencyFactory(active=True)
    signed_in = login_as(role)

    response = edit_inline(signed_in, agency, active="")

    assert response.status_code == 403
    assert agencies(session)[0].active is True


def test_inline_edit_cannot_change_a_column_that_is_not_editable_inline(app, session, login_as):
    agency = factories.AgencyFactory(name="West Marches Police", active=True)
    signed_in = login_as("business_support")

    edit_inline(signed_in, agency, name="Renamed inline")

    assert agencies(session)[0].name == "West Marches Police"


# --- parent lookup ------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [None, "1000", "-5", "0"])
def test_the_parent_lookup_returns_json_and_never_more_than_20_results(app, session, login_as, limit):
    for n in range(30):
        factories.AgencyFactory(name=f"Lookup Agency {n:02d}")
    signed_in = login_as("business_support")
    url = f"{LOOKUP}?name=parent&query=Lookup" + (f"&limit={limit}" if limit is not None else "")

    response = signed_in.get(url)

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    results = response.get_json()
    assert isinstance(results, list)
    assert 1 <= len(results) <= 20
    if limit == "1000":
        assert len(results) == 20
    names = {name for _, name in results}
    assert all(name.startswith("Lookup Agency ") for name in names)


def test_the_parent_lookup_finds_agencies_by_name(app, session, login_as):
    wanted = factories.AgencyFactory(name="Marchford Borough Council Housing")
    factories.AgencyFactory(name="West Marches Police")
    signed_in = login_as("admin")

    response = signed_in.get(f"{LOOKUP}?name=parent&query=borough")

    assert response.status_code == 200
    assert response.get_json() == [[wanted.id, "Marchford Borough Council Housing"]]


@pytest.mark.parametrize("role", ["panel", "board", "auditor"])
def test_the_parent_lookup_is_refused_for_roles_that_may_not_edit_agencies(app, session, login_as, role):
    factories.AgencyFactory(name="West Marches Police")
    signed_in = login_as(role)

    response = signed_in.get(f"{LOOKUP}?name=parent&query=Police")

    assert response.status_code == 403
    assert "West Marches Police" not in text(response)
