"""Two real app servers (gunicorn, on two ports) on one PostgreSQL database and one Redis, as a council
runs it behind a load balancer: a person signs in on one and carries on on the other, a document
uploaded on one downloads from the other, the sign-in throttle counts across both, and 50 cases
created at once through both get 50 different references."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from sqlalchemy import func, select

from backoffice.models import Case, PublishedDocument
from tests import factories
from tests.conftest import PASSWORD, current_code
from tests.generated_documents import report_pdf
from tests.helpers import case_form

ROOT = Path(__file__).parent.parent
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A person's browser: one cookie jar, whichever server the load balancer sends it to."""

    def __init__(self) -> None:
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), NoRedirects())

    def send(self, url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, dict, bytes]:
        try:
            with self.opener.open(Request(url, data=data, headers=headers or {}), timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def get(self, url: str):
        return self.send(url)

    def token(self, url: str) -> str:
        return TOKEN.search(self.get(url)[2].decode()).group(1)

    def post(self, url: str, fields: dict, form_at: str | None = None):
        fields = {**fields, "csrf_token": self.token(form_at or url)}
        return self.send(url, urlencode(fields).encode(), {"Content-Type": "application/x-www-form-urlencoded"})

    def upload(self, url: str, fields: dict, name: str, filename: str, content: bytes):
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in {**fields, "csrf_token": self.token(url)}.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f'Content-Type: application/pdf\r\n\r\n'.encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.send(url, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def servers(app, session, engine, tmp_path):
    """Two gunicorn servers on the test's PostgreSQL database and Redis, each with its own disk."""
    redis_url = os.environ.get("TEST_REDIS_URL")
    if engine.dialect.name != "postgresql" or not redis_url:
        if os.environ.get("CI") and engine.dialect.name == "postgresql":
            pytest.fail("CI must run the two-instance test: set TEST_REDIS_URL.")
        pytest.skip("two instances share PostgreSQL and Redis")
    config = app.config
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "PYTEST"))},
        "APP_ENV": "development", "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": config["SECRET_KEY"], "SECURITY_PASSWORD_SALT": config["SECURITY_PASSWORD_SALT"],
        "TOTP_SECRET": config["SECURITY_TOTP_SECRETS"]["1"], "AUDIT_KEY": config["AUDIT_KEY"],
        "RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_KEY_PREFIX": f"two-instances-{uuid.uuid4().hex}",
        "LOGIN_RATE_LIMIT_PER_ACCOUNT": "3 per minute", "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "8",
        "HOST": "127.0.0.1", "INSTANCE_PATH": str(tmp_path / "instance"),
    }
    processes, urls = [], []
    for name in ("a", "b"):
        port = free_port()
        env = {**environment, "PORT": str(port), "UPLOAD_DIR": str(tmp_path / f"uploads-{name}")}
        processes.append(subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
                                          cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url, process in zip(urls, processes):
            _wait_until_ready(url, process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def _wait_until_ready(url: str, process: subprocess.Popen) -> None:
    for _ in range(120):
        if process.poll() is not None:
            raise AssertionError(f"{url} did not start: {process.stderr.read().decode()[-2000:]}")
        try:
            if Browser().get(f"{url}/readyz")[0] == 200:
                return
        except URLError:  # not listening yet
            pass
        time.sleep(0.25)
    raise AssertionError(f"{url} never became ready")


def sign_in(app, browser: Browser, url: str, email: str) -> None:
    status, headers, _ = browser.post(f"{url}/login", {"email": email, "password": PASSWORD})
    assert status == 302 and "/tf-validate" in headers["Location"], status
    step = url + headers["Location"] if headers["Location"].startswith("/") else headers["Location"]
    status, headers, _ = browser.post(step, {"code": current_code(app, email)})
    assert status == 302 and "/tf-" not in headers["Location"], (status, headers.get("Location"))
    assert browser.get(f"{url}/admin/")[0] == 200


def test_a_person_signed_in_on_one_server_carries_on_on_the_other(app, servers):
    a, b = servers
    user = factories.UserFactory(roles=["business_support"])
    browser = Browser()

    sign_in(app, browser, a, user.email)
    status, _, page = browser.get(f"{b}/admin/")

    assert status == 200 and user.email.encode() in page


def test_a_document_uploaded_on_one_server_downloads_from_the_other(app, session, servers):
    a, b = servers
    user = factories.UserFactory(roles=["business_support"])
    case = factories.CaseFactory()
    content = report_pdf("Overview", ["What the review found."])
    browser = Browser()
    sign_in(app, browser, a, user.email)

    status, _, _ = browser.upload(f"{a}/admin/document/new/", {"case": case.id, "title": "Overview report",
                                  "document_type": "overview_report"}, "upload", "overview.pdf", content)
    assert status == 302
    document_id = session.execute(select(func.max(PublishedDocument.id))).scalar_one()
    status, _, downloaded = browser.get(f"{b}/documents/{document_id}/download")

    assert (status, downloaded) == (200, content)


def test_the_sign_in_throttle_counts_across_both_servers(app, servers):
    a, b = servers
    user = factories.UserFactory(roles=["panel"])
    statuses = [Browser().post(f"{url}/login", {"email": user.email, "password": "not the password"})[0]
                for url in (a, b, a, b)]

    assert statuses[:3] == [200, 200, 200] and statuses[3] == 429, statuses


def test_fifty_cases_created_at_once_through_both_servers_get_fifty_references(app, session, servers):
    user = factories.UserFactory(roles=["business_support"])
    browser = Browser()
    sign_in(app, browser, servers[0], user.email)
    token = browser.token(f"{servers[0]}/admin/case/new/")
    body = urlencode({**case_form(), "csrf_token": token}).encode()

    def create(n: int) -> int:
        return browser.send(f"{servers[n % 2]}/admin/case/new/", body,
                            {"Content-Type": "application/x-www-form-urlencoded"})[0]

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(create, range(50)))

    session.expire_all()
    references = session.scalars(select(Case.reference)).all()
    assert statuses == [302] * 50
    assert len(references) == len(set(references)) == 50
