"""`next` (sign-in) and `url` (Flask-Admin) only ever lead back into this site."""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

import pytest

from tests import factories
from tests.conftest import PASSWORD, csrf_token, current_code

MALICIOUS = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "////evil.example/",
    "http:evil.example",
    "https:/\\evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/%2F%2Fevil.example",
    "/%5Cevil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://localhost.evil.example/",
    "https://evil.example@localhost/",
    " //evil.example",
    "\t//evil.example",
    "%09//evil.example",
    "/\t/evil.example",
]


def host_a_browser_would_visit(location: str) -> str | None:
    """Where a browser goes for this Location, from a page on http://localhost (None: nowhere).

    Browsers strip surrounding spaces and control characters, drop tabs and newlines inside a URL,
    read a backslash as a slash, and for http(s) ignore any number of slashes before the host.
    """
    location = re.sub(r"[\t\r\n]", "", location.strip(" \x00\x01\x08\x0b\x0c\x1f")).replace("\\", "/")
    parts = urlsplit(location)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None  # javascript:, data:, ...: never a place on this site
    if parts.scheme and parts.netloc:
        return parts.netloc.rsplit("@", 1)[-1].split(":")[0]
    if parts.scheme:  # "http:/evil" and "http:///evil" name a host; "http:evil" is a relative path
        return parts.path.lstrip("/").split("/")[0] if parts.path.startswith("/") else "localhost"
    if location.startswith("//"):
        return location.lstrip("/").split("/")[0]
    return "localhost"


def stays_on_site(location: str) -> bool:
    return host_a_browser_would_visit(location) == "localhost"


@pytest.mark.parametrize("target", MALICIOUS)
def test_sign_in_never_follows_a_next_off_site(app, session, target):
    user = factories.UserFactory(roles=["panel"])
    client = app.test_client()
    response = client.post(
        "/login?" + urlencode({"next": target}),
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    # Either the bad `next` is refused outright (400), or the sign-in stays on the site.
    assert response.status_code in (302, 400)
    assert stays_on_site(response.headers.get("Location", "/")), response.headers["Location"]


@pytest.mark.parametrize("target", MALICIOUS)
def test_admin_return_urls_never_lead_off_site(login_as, session, target):
    case = factories.CaseFactory()
    signed_in = login_as("business_support")
    response = signed_in.post(
        f"/admin/case/edit/?id={case.id}&" + urlencode({"url": target}),
        data={"subject_pseudonym": case.subject_pseudonym, "incident_date": "2025-11-03", "aware_date": "2025-11-04",
              "referral_date": "2025-11-05", "loaded_version": "1"},
    )
    assert response.status_code in (302, 400)
    assert stays_on_site(response.headers.get("Location", "/")), response.headers["Location"]


def test_a_safe_next_is_followed_through_the_second_factor(app, session):
    user = factories.UserFactory(roles=["panel"])
    client = app.test_client()
    response = client.post(
        "/login?next=/admin/decision/",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    second_factor = response.headers["Location"]
    assert urlsplit(second_factor).path == "/tf-validate"
    response = client.post(second_factor, data={
        "code": current_code(app, user.email), "csrf_token": csrf_token(client, second_factor),
    })
    assert urlsplit(response.headers["Location"]).path == "/admin/decision/"
