"""Error pages explain without leaking: no stack trace, SQL or framework names; and a database that
cannot be reached gives a 503 page, not a crash."""

from __future__ import annotations

from backoffice import create_app
from config import TestConfig
from tests.conftest import csrf_token

LEAKS = ("traceback", "sqlalchemy", "psycopg", "werkzeug", "flask", "operationalerror", "select ")


def test_an_unreachable_database_gives_a_503_page_with_the_security_headers():
    app = create_app(TestConfig(), overrides={"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:9/none"})
    client = app.test_client()
    response = client.post(
        "/login", data={"email": "someone@example.org", "password": "x" * 12, "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "temporarily unavailable" in page and "Nothing was saved" in page
    assert not any(leak in page.lower() for leak in LEAKS)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_post_without_a_csrf_token_is_refused_with_a_plain_message(client):
    response = client.post("/login", data={"email": "someone@example.org", "password": "x" * 12})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "not sent from this site" in page
    assert not any(leak in page.lower() for leak in LEAKS)


def test_an_oversized_upload_gets_a_413_page(login_as, app):
    signed_in = login_as("business_support")
    too_big = b"%PDF-" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = signed_in.client.post("/admin/document/new/", data={"upload": (__import__("io").BytesIO(too_big), "big.pdf")})
    assert response.status_code == 413
    assert "File too large" in response.get_data(as_text=True)
