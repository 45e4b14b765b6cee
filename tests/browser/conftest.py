"""A real browser (Debian's Chromium, driven by Playwright) against the app served on loopback."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from backoffice.extensions import db as flask_db

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent.parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


AXE_PATH = "/__tests__/axe.min.js"  # where the test server serves axe-core, beside the app


@functools.cache
def axe_source() -> bytes:
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run `make test` (npm ci installs it from package-lock.json)")
    return AXE.read_bytes()


def with_axe(app):
    """The app, and axe-core at AXE_PATH: a script from the page's own origin, which its CSP allows,
    and which Chromium keeps (compiled) between pages instead of being sent it for every check."""

    def serve(environ, start_response):
        if environ.get("PATH_INFO") != AXE_PATH:
            return app(environ, start_response)
        start_response("200 OK", [("Content-Type", "text/javascript"), ("Cache-Control", "max-age=3600")])
        return [axe_source()]

    return serve


def serious_accessibility_findings(page) -> list[str]:
    """axe-core's serious and critical findings (WCAG 2.0-2.2 A and AA) on the page as it is now."""
    page.add_script_tag(url=AXE_PATH)
    result = page.evaluate("options => axe.run(document, options)",
                           {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture
def live_server(app, session):
    """The app served on 127.0.0.1 on a free port, for the test's duration."""
    server = make_server("127.0.0.1", 0, with_axe(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()  # waits for requests still being answered, so none holds a lock at cleanup
    with app.app_context():
        flask_db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI and was not found at {CHROMIUM}")
        pytest.skip(f"Chromium not installed at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(app, browser, live_server):
    """A fresh browser tab on the app; `page.problems` collects console errors and CSP violations."""
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    page.app = app  # so a test can read what a user's authenticator app would show
    page.base_url = live_server
    page.problems = []
    page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("response", lambda r: r.status >= 400 and page.problems.append(f"{r.status} {r.request.method} {r.url}"))
    yield page
    context.close()
