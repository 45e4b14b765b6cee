"""Reports in Chromium: a board member opens Reports from the menu by keyboard, picks 2025-26, and
downloads the Safeguarding Adults Board's annual report section as Word from the demo data; the file's
figures are the ones the page listed."""

from __future__ import annotations

import io
import re
import zipfile

from tests.browser.conftest import serious_accessibility_findings
from tests.browser.test_journeys import tab_to
from tests.browser.test_roles_in_the_browser import sign_in_as


def test_a_board_member_downloads_the_sab_annual_report_section_for_2025_26(app, page, session):
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    sign_in_as(page, "board")

    tab_to(page, "a.nav-link[href='/admin/reports/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/reports/")
    page.select_option("#year", "2025")
    tab_to(page, "form[aria-label] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**year=2025**")
    assert page.locator("h1").inner_text() == "Reports: 2025-26"
    assert serious_accessibility_findings(page) == [] and page.problems == []

    page.click("a:has-text('Safeguarding Adults Board annual report section')")
    page.wait_for_url("**/admin/reports/sab/**")
    concluded = int(page.locator("[data-testid=summary-1]").inner_text())
    ongoing = int(page.locator("[data-testid=summary-2]").inner_text())
    assert serious_accessibility_findings(page) == [] and page.problems == []
    with page.expect_download() as download:
        page.click("a:has-text('Download as Word')")
    content = open(download.value.path(), "rb").read()

    document = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    words = re.sub(r"<[^>]+>", "", document).replace("&apos;", "'")
    assert "Safeguarding Adults Reviews, 2025-26" in words
    assert f"Reviews concluded in the year ({concluded})" in words
    assert f"Reviews ongoing at the year's end ({ongoing})" in words
