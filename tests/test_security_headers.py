"""The exact security headers, on pages, error pages and downloads."""

from __future__ import annotations

import re

from tests import factories


def assert_security_headers(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert re.search(r"script-src 'self' 'nonce-[\w-]{16,}'", csp)
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_login_page_carries_the_headers_and_a_fresh_nonce_each_time(client):
    first, second = client.get("/login"), client.get("/login")
    assert_security_headers(first)
    assert first.headers["Content-Security-Policy"] != second.headers["Content-Security-Policy"]
    assert first.headers["Cache-Control"] == "no-store"


def test_every_script_on_an_admin_page_carries_the_nonce(login_as):
    response = login_as("business_support").get("/admin/case/new/")
    nonce = re.search(r"'nonce-([\w-]+)'", response.headers["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script\b[^>]*>", response.get_data(as_text=True))
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts), scripts
    assert response.headers["Cache-Control"] == "no-store"


def test_a_404_and_a_403_carry_the_headers(login_as):
    signed_in = login_as("panel")
    for path, status in (("/admin/no-such-page/", 404), ("/admin/user/", 403)):
        response = signed_in.get(path)
        assert response.status_code == status
        assert_security_headers(response)
        assert "Traceback" not in response.get_data(as_text=True)


def test_a_500_carries_the_headers_and_no_framework_details(app, login_as, monkeypatch):
    from backoffice.views.home import HomeView

    def explode(self):
        raise RuntimeError("sqlalchemy flask werkzeug internals")

    monkeypatch.setattr(HomeView, "_case_counts", explode)
    response = login_as("business_support").get("/admin/")
    assert response.status_code == 500
    assert_security_headers(response)
    page = response.get_data(as_text=True).lower()
    for leak in ("traceback", "sqlalchemy", "werkzeug", "runtimeerror", "flask"):
        assert leak not in page


def test_downloads_are_sandboxed_attachments_never_cached(login_as, session):
    document = factories.DocumentFactory()
    response = login_as("business_support").get(f"/documents/{document.id}/download")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_is_sent_outside_local_development():
    from backoffice import create_app
    from config import TestConfig

    secure = TestConfig()
    secure.SESSION_COOKIE_SECURE = True
    app = create_app(secure, overrides={"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    local = create_app(TestConfig(), overrides={"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "Strict-Transport-Security" not in local.test_client().get("/login").headers


def test_exports_are_capped_at_the_configured_number_of_rows(app, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_MAX_ROWS", 3)
    for _ in range(5):
        factories.CaseFactory()
    response = login_as("business_support").get("/admin/case/export/csv/")
    assert response.status_code == 200
    rows = [line for line in response.get_data(as_text=True).splitlines() if line.strip()]
    assert len(rows) == 1 + 3  # the header and three cases


def test_the_auditor_exports_every_row_streamed_a_batch_at_a_time(app, login_as, monkeypatch, count_queries):
    """Past EXPORT_MAX_ROWS for the role that may export everything; the rows come in the list's order,
    a batch at a time (the ids first, then each batch loaded), never all at once."""
    from backoffice.views import admin_parts

    monkeypatch.setitem(app.config, "EXPORT_MAX_ROWS", 3)
    monkeypatch.setattr(admin_parts, "EXPORT_BATCH", 2)
    agency = factories.AgencyFactory(name="West Marches Police")
    references = [factories.CaseFactory(referrer_agency=agency).reference for _ in range(5)]
    auditor = login_as("auditor")

    with count_queries() as counter:
        response = auditor.get("/admin/case/export/csv/?sort=0")  # by reference
        body = response.get_data(as_text=True)
        response.close()
    batches = [s for s in counter.statements if '"case".id IN' in s]

    rows = [line for line in body.splitlines() if line.strip()]
    assert [row.split(",")[0] for row in rows[1:]] == sorted(references)
    assert all("West Marches Police" in row for row in rows[1:])
    assert len(batches) == 3  # 2 + 2 + 1


def test_exports_are_rate_limited_per_user(app, session):
    from backoffice import create_app
    from config import TestConfig
    from tests.conftest import sign_in

    user = factories.UserFactory(roles=["business_support"])
    limited = create_app(TestConfig(), overrides={
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "RATELIMIT_ENABLED": True,
        "EXPORT_RATE_LIMIT": "2 per hour",
    })
    client = limited.test_client()
    sign_in(client, user.email)
    assert [client.get("/admin/case/export/csv/").status_code for _ in range(3)] == [200, 200, 429]


def test_stylesheets_and_scripts_may_be_kept_by_the_browser_while_pages_may_not(app, login_as):
    """Static files hold nothing of a user's: signed in, they are cached (for STATIC_CACHE_SECONDS),
    so pages do not fetch them all again; the pages themselves are never stored."""
    signed_in = login_as("business_support")
    page = signed_in.get("/admin/case/")
    scripts = re.findall(r'<script[^>]+src="(/[^"?]+)', page.get_data(as_text=True))
    assert page.headers["Cache-Control"] == "no-store" and scripts
    for src in scripts:
        response = signed_in.get(src)
        assert response.status_code == 200, src
        assert response.headers["Cache-Control"] == f"public, max-age={app.config['SEND_FILE_MAX_AGE_DEFAULT']}", src
