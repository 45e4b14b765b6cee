"""Lost-update protection: a save made from an out-of-date form is refused, never silently applied.

Every edit form carries the version of the record it was opened on (`loaded_version`). When two
people open the same record and both save, the first save wins; the second is refused with a
message saying who changed which field since it was opened, and nothing of it is saved. After
reloading, the second person can make their change on top of the first.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from backoffice.models import Case
from tests import factories
from tests.helpers import page_text, reload, text
from tests.html_pages import form_fields, hidden_value

CHANGED = "changed after you opened it"


# --- helpers -----------------------------------------------------------------------------------


def edit_url(endpoint: str, record) -> str:
    return f"/admin/{endpoint}/edit/?id={record.id}"


def open_form(signed_in, endpoint: str, record) -> dict:
    """Open the record's edit form: the values it would save unchanged, with the version it carries."""
    values = form_fields(signed_in.get(edit_url(endpoint, record)))
    assert values.get("loaded_version"), "the edit form carries no loaded_version"
    return values


def save(signed_in, endpoint: str, record, form: dict, **changes):
    """Save the record's edit form, as opened (`form`), with `changes` made to it."""
    return signed_in.post(edit_url(endpoint, record), {**form, **changes})


def refusal(response) -> str:
    """The refusal message the page shows ('' if none)."""
    match = re.search(r"Nothing was saved: this record changed after you opened it[^<]*", page_text(response))
    return match.group(0) if match else ""


def two_business_support_users(login_as):
    return (
        login_as("business_support", email="alice@example.org", full_name="Alice Archer"),
        login_as("business_support", email="bob@example.org", full_name="Bob Baker"),
    )


# --- cases ----------------------------------------------------------------------------------------


def test_the_second_of_two_saves_from_the_same_version_is_refused_and_the_first_survives(session, login_as):
    case = factories.CaseFactory(subject_pseudonym="Child Q")
    alice, bob = two_business_support_users(login_as)
    alices_form = open_form(alice, "case", case)
    bobs_form = open_form(bob, "case", case)
    assert alices_form["loaded_version"] == bobs_form["loaded_version"] == "1"

    first = save(alice, "case", case, alices_form, subject_pseudonym="Child Alice")
    second = save(bob, "case", case, bobs_form, subject_pseudonym="Child Bob")

    assert first.status_code == 302, text(first)[:2000]
    assert second.status_code == 200
    saved = reload(session, case)
    assert saved.subject_pseudonym == "Child Alice"
    assert saved.version == 2  # one save, one new version
    assert saved.updated_by_id == alice.user.id
    message = refusal(second)
    assert CHANGED in message
    assert "Reload it to see the current version" in page_text(second)


def test_the_refusal_names_who_changed_which_field(session, login_as):
    case = factories.CaseFactory(subject_pseudonym="Child Q", referrer_name="A Referrer")
    alice, bob = two_business_support_users(login_as)
    alices_form = open_form(alice, "case", case)
    bobs_form = open_form(bob, "case", case)

    assert save(alice, "case", case, alices_form, subject_pseudonym="Child Alice").status_code == 302
    second = save(bob, "case", case, bobs_form, subject_pseudonym="Child Bob")

    message = refusal(second)
    assert CHANGED in message
    assert "alice@example.org" in message
    assert "subject_pseudonym" in message
    assert "referrer_name" not in message  # only what Alice actually changed
    assert "someone else saved it" not in message


def test_a_stale_save_of_a_different_field_is_refused_too_and_changes_nothing(session, login_as):
    case = factories.CaseFactory(subject_pseudonym="Child Q", referrer_name="A Referrer")
    alice, bob = two_business_support_users(login_as)
    alices_form = open_form(alice, "case", case)
    bobs_form = open_form(bob, "case", case)

    assert save(alice, "case", case, alices_form, subject_pseudonym="Child Alice").status_code == 302
    # Bob's form still holds the old pseudonym: saving it would quietly undo Alice's change.
    second = save(bob, "case", case, bobs_form, referrer_name="B Referrer")

    assert second.status_code == 200
    assert CHANGED in refusal(second)
    saved = reload(session, case)
    assert (saved.subject_pseudonym, saved.referrer_name, saved.version) == ("Child Alice", "A Referrer", 2)


def test_after_reloading_the_second_person_saves_on_top_of_the_first(session, login_as):
    case = factories.CaseFactory(subject_pseudonym="Child Q", referrer_name="A Referrer")
    alice, bob = two_business_support_users(login_as)
    alices_form = open_form(alice, "case", case)
    bobs_form = open_form(bob, "case", case)
    assert save(alice, "case", case, alices_form, subject_pseudonym="Child Alice").status_code == 302
    assert save(bob, "case", case, bobs_form, referrer_name="B Referrer").status_code == 200

    reloaded = open_form(bob, "case", case)
    response = save(bob, "case", case, reloaded, referrer_name="B Referrer")

    assert reloaded["loaded_version"] == "2"
    assert reloaded["subject_pseudonym"] == "Child Alice"
    assert response.status_code == 302, text(response)[:2000]
    saved = reload(session, case)
    assert (saved.subject_pseudonym, saved.referrer_name, saved.version) == ("Child Alice", "B Referrer", 3)


def test_one_person_saving_twice_from_fresh_forms_is_not_refused(session, login_as):
    case = factories.CaseFactory(subject_pseudonym="Child Q")
    alice, _ = two_business_support_users(login_as)

    for version, name in ((1, "Child R"), (2, "Child S")):
        form = open_form(alice, "case", case)
        assert form["loaded_version"] == str(version)
        assert save(alice, "case", case, form, subject_pseudonym=name).status_code == 302

    saved = reload(session, case)
    assert (saved.subject_pseudonym, saved.version) == ("Child S", 3)


def test_a_save_from_a_form_opened_before_a_lifecycle_step_is_refused(session, login_as):
    """A lifecycle step moves the version on too: a form opened before it is out of date."""
    case = factories.CaseFactory(review_type="SAR", state="REFERRAL_RECEIVED", subject_dob=date(1950, 1, 1))
    alice, bob = two_business_support_users(login_as)
    bobs_form = open_form(bob, "case", case)

    step = alice.post(f"/admin/case/transition/?id={case.id}&step=acknowledge", {"acknowledged_date": "2025-11-10"})
    assert step.status_code == 302, text(step)[:2000]
    response = save(bob, "case", case, bobs_form, referrer_name="B Referrer")

    assert response.status_code == 200
    assert CHANGED in refusal(response)
    saved = reload(session, case)
    assert (saved.state, saved.referrer_name) == ("ACKNOWLEDGED", "A Referrer")


# --- decisions and agencies carry the version too --------------------------------------------------


def test_a_decisions_edit_form_carries_the_version_it_was_opened_on(session, login_as):
    decision = factories.DecisionFactory(rationale="First rationale.")
    decision = session.merge(decision)
    decision.rationale = "Second rationale."
    session.commit()
    assert reload(session, decision).version == 2

    form = open_form(login_as("panel"), "decision", decision)

    assert form["loaded_version"] == "2"


# (the view, the role that edits it, the record, the first and the second person's change, what to read
# back and what it must say: the first save stands, the second changes nothing)
STALE_SAVES = [
    pytest.param("decision", "panel", lambda: factories.DecisionFactory(rationale="First rationale."),
                 {"rationale": "Rationale A."}, {"rationale": "Rationale B."},
                 lambda saved: (saved.rationale, saved.version), ("Rationale A.", 2), id="decision"),
    pytest.param("agency", "business_support",
                 lambda: factories.AgencyFactory(name="West Marches Police", safeguarding_lead="DI Jane Marsh"),
                 {"safeguarding_lead": "DI Sam Patel"}, {"name": "West Marches Constabulary"},
                 lambda saved: (saved.name, saved.safeguarding_lead, saved.version),
                 ("West Marches Police", "DI Sam Patel", 2), id="agency"),
]


@pytest.mark.parametrize("endpoint, role, make, first_change, second_change, read, expected", STALE_SAVES)
def test_a_stale_save_is_refused_and_the_first_save_stands(
    session, login_as, endpoint, role, make, first_change, second_change, read, expected
):
    record = make()
    first_person = login_as(role, email="first.person@example.org")
    second_person = login_as(role, email="second.person@example.org")
    firsts_form, seconds_form = open_form(first_person, endpoint, record), open_form(second_person, endpoint, record)

    first = save(first_person, endpoint, record, firsts_form, **first_change)
    second = save(second_person, endpoint, record, seconds_form, **second_change)

    assert first.status_code == 302, text(first)[:2000]
    assert second.status_code == 200
    assert CHANGED in refusal(second)
    assert read(reload(session, record)) == expected


def test_an_agencys_edit_form_carries_the_version_it_was_opened_on(session, login_as):
    agency = factories.AgencyFactory(name="West Marches Police")
    signed_in = login_as("business_support")
    assert signed_in.post("/admin/agency/ajax/update/", {"list_form_pk": str(agency.id), "active": ""}).status_code == 200
    assert reload(session, agency).version == 2

    page = signed_in.get(edit_url("agency", agency))

    assert page.status_code == 200
    assert hidden_value(page, "loaded_version") == "2"


def test_the_case_form_carries_the_current_version(session, login_as):
    case = factories.CaseFactory()
    case = session.merge(case)
    case.concerns = "Updated concerns."
    session.commit()

    form = open_form(login_as("business_support"), "case", case)

    assert form["loaded_version"] == str(reload(session, case).version) == "2"


# --- two saves at the same moment ------------------------------------------------------------------


def _someone_saves_while_the_form_is_checked(monkeypatch, session, case_id: int) -> None:
    """While Bob's save is being checked, someone else's save of the same case commits first."""
    from backoffice.views import cases

    checked = cases.case_errors

    def racing_check(**kwargs):
        other = session.get(Case, case_id)
        other.subject_pseudonym = "Child Racer"
        session.commit()
        monkeypatch.setattr(cases, "case_errors", checked)  # only once
        return checked(**kwargs)

    monkeypatch.setattr(cases, "case_errors", racing_check)


def test_a_save_overtaken_between_its_version_check_and_its_write_saves_nothing(session, login_as, monkeypatch):
    case = factories.CaseFactory(subject_pseudonym="Child Q", referrer_name="A Referrer")
    _, bob = two_business_support_users(login_as)
    bobs_form = open_form(bob, "case", case)
    _someone_saves_while_the_form_is_checked(monkeypatch, session, case.id)

    response = save(bob, "case", case, bobs_form, referrer_name="B Referrer")

    assert response.status_code == 200
    assert "Nothing was saved" in page_text(response)
    saved = reload(session, case)
    assert (saved.subject_pseudonym, saved.referrer_name, saved.version) == ("Child Racer", "A Referrer", 2)


def test_a_save_overtaken_between_its_version_check_and_its_write_is_told_why(session, login_as, monkeypatch):
    case = factories.CaseFactory(subject_pseudonym="Child Q")
    _, bob = two_business_support_users(login_as)
    bobs_form = open_form(bob, "case", case)
    _someone_saves_while_the_form_is_checked(monkeypatch, session, case.id)

    response = save(bob, "case", case, bobs_form, referrer_name="B Referrer")

    assert CHANGED in page_text(response)
    assert "unexpected error" not in page_text(response)


# --- a save must say which version it was opened at -------------------------------------------------


def test_a_save_without_the_version_it_was_opened_at_is_refused_and_overwrites_nothing(session, login_as):
    case = factories.CaseFactory(subject_pseudonym="Child Q")
    alice, bob = two_business_support_users(login_as)
    bobs_form = open_form(bob, "case", case)
    save(alice, "case", case, open_form(alice, "case", case), subject_pseudonym="Child Alice")
    del bobs_form["loaded_version"]

    response = save(bob, "case", case, bobs_form, subject_pseudonym="Child Bob")

    assert response.status_code == 200
    assert "the form did not say which version of the record it was opened at" in page_text(response)
    assert reload(session, case).subject_pseudonym == "Child Alice"


def test_a_save_with_a_made_up_version_is_refused(session, login_as):
    case = factories.CaseFactory(subject_pseudonym="Child Q")
    alice = login_as("business_support")

    response = save(alice, "case", case, open_form(alice, "case", case), loaded_version="latest",
                    subject_pseudonym="Child Alice")

    assert "Nothing was saved" in page_text(response)
    assert reload(session, case).subject_pseudonym == "Child Q"
