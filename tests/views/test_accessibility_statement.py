"""The accessibility statement the 2018 Regulations require: public, linked from every kind of page,
and saying who to contact."""

from __future__ import annotations

import pytest

from tests.helpers import page_text

STATEMENT = "/accessibility"
LINK = f'href="{STATEMENT}">Accessibility statement</a>'


def test_anyone_reads_the_statement_without_signing_in(client):
    response = client.get(STATEMENT)

    assert response.status_code == 200
    statement = page_text(response)
    for heading in ("How accessible this service is", "Feedback and contact information", "Enforcement procedure",
                    "Content that is not accessible", "How we test"):
        assert f"<h2>{heading}</h2>" in statement
    assert "the partnership's business support team" in statement  # no contact configured


def test_the_statement_gives_the_configured_contact(app, client):
    app.config["ACCESSIBILITY_CONTACT"] = "access@partnership.example"

    assert 'href="mailto:access@partnership.example"' in page_text(client.get(STATEMENT))


@pytest.mark.parametrize("address", ["/reviews/", "/login", "/no-such-page"])
def test_the_public_sign_in_and_error_pages_link_to_the_statement(client, address):
    assert LINK in page_text(client.get(address))


def test_every_back_office_page_links_to_the_statement(login_as):
    signed_in = login_as("business_support")

    for address in ("/admin/", "/admin/case/", "/admin/case/new/", "/admin/agency/"):
        assert LINK in page_text(signed_in.get(address)), address
