"""Errors in the GOV.UK pattern. A form sent back lists its problems in a summary at the top, each
linking to its field; each field shows one plain message that names it, tied to it for screen
readers; what was typed is kept; maximum lengths are shown in the hint and enforced with a message,
and the browser is never told to cut text short."""

from __future__ import annotations

import re

from backoffice.models import Case
from tests.helpers import case_form, count, page_text, text


def summary_links(response) -> list[tuple[str, str]]:
    """The error summary's (field id, message) links, in order."""
    summary = text(response).split('data-testid="error-summary"')[1].split("</div>")[0]
    return re.findall(r'<a href="#([\w-]+)" data-field="[\w-]+">([^<]+)</a>', summary)


def test_each_problem_is_listed_once_in_a_summary_linking_to_its_field(session, login_as):
    response = login_as("business_support").post(
        "/admin/case/new/", case_form(subject_pseudonym="", external_reference="R" * 61))

    assert response.status_code == 200
    assert summary_links(response) == [
        ("external_reference", "The external reference (SIN / Home Office / StEIS) must be 60 characters or fewer (it has 61)"),
        ("subject_pseudonym", "Enter the subject (pseudonym)"),
    ]
    assert "Failed to create record." not in page_text(response)  # the summary says it
    assert count(session, Case) == 0


def test_each_field_shows_its_one_message_tied_to_it_and_keeps_what_was_typed(session, login_as):
    response = login_as("business_support").post("/admin/case/new/", case_form(external_reference="R" * 61))

    page = text(response)
    assert page.count("must be 60 characters or fewer") == 2  # the summary and the field, nowhere else
    field = re.search(r'<input[^>]*id="external_reference"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="external_reference-hint external_reference-error"' in field
    assert f'value="{"R" * 61}"' in field  # all 61 characters, to be shortened by the person


def test_maximum_lengths_are_in_the_hint_and_never_a_browser_limit(session, login_as):
    page = text(login_as("business_support").get("/admin/case/new/"))

    assert 'id="external_reference-hint"' in page and "Up to 60 characters." in page
    assert "Up to 20,000 characters." in page  # the concerns
    assert "maxlength" not in page  # a browser limit would cut pasted text without a word


def test_a_domain_rule_is_shown_beside_its_field_and_in_the_summary_not_repeated_in_a_banner(session, login_as):
    response = login_as("business_support").post(
        "/admin/case/new/", case_form(incident_date="2025-03-02", aware_date="2025-03-01", referral_date="2025-03-03"))

    message = "The partnership cannot have become aware before the incident."
    assert ("aware_date", message) in summary_links(response)
    assert page_text(response).count(message) == 2
    assert "Nothing was saved." in page_text(response)
