"""The public page in a real browser: it loads with no script or style refused by its policy, the
skip link is the first thing the keyboard reaches, and "Leave this site quickly" leaves no way back."""

from __future__ import annotations

from backoffice.models import DocumentStatus
from tests import factories


def test_a_visitor_reads_downloads_and_can_leave_quickly(session, page):
    case = factories.published_case(anonymised_title="Child Q: neglect and missed appointments")
    factories.DocumentFactory(case=case, title="Child Q overview report", status=DocumentStatus.PUBLISHED)
    session.commit()
    refused = []  # anything the page's Content-Security-Policy blocked
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)

    page.goto("/reviews/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Child Q overview report (PDF, ").click()
    page.route("https://www.bbc.co.uk/**", lambda route: route.fulfill(status=200, body="Weather"))
    page.get_by_role("link", name="Leave this site quickly").click()
    page.wait_for_url("https://www.bbc.co.uk/weather")
    page.go_back()

    assert "/reviews/" not in page.url  # Back does not return to the page they left
    assert focused == "Skip to the published reviews"
    assert download.value.suggested_filename == "overview-report.pdf"
    assert refused == []
