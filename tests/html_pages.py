"""Reading pages as a user sees them: tables by data-testid, list rows, and a form's fields."""

from __future__ import annotations

from html.parser import HTMLParser

from tests.helpers import text


class _Page(HTMLParser):
    """The tables (attributes and body rows as cell texts) and the named form fields of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[dict, list[list[str]]]] = []
        self.fields: dict[str, str] = {}
        self._table = self._row = self._cell = None
        self._row_has_th = False
        self._select: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None
        self._textarea_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "table":
            self._table = (a, [])
            self.tables.append(self._table)
        elif tag == "tr" and self._table is not None:
            self._row, self._row_has_th = [], False
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._row_has_th |= tag == "th"
        elif tag == "input" and a.get("name") and a.get("type") != "submit":
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[a["name"]] = a.get("value", "on")
            else:
                self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select, self._first_option = a.get("name"), None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self.fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea, self._textarea_text = a.get("name"), []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if not self._row_has_th:
                self._table[1].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "select" and self._select:
            if self._select not in self.fields and self._first_option is not None:
                self.fields[self._select] = self._first_option
            self._select = None
        elif tag == "textarea" and self._textarea:
            value = "".join(self._textarea_text)
            self.fields[self._textarea] = value[1:] if value.startswith("\n") else value
            self._textarea = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._textarea:
            self._textarea_text.append(data)


def parse(response) -> _Page:
    page = _Page()
    page.feed(text(response))
    return page


def table(response, testid: str) -> list[list[str]]:
    """The body rows (cell texts) of the table with this data-testid; [] if the page has none."""
    for attrs, rows in parse(response).tables:
        if attrs.get("data-testid") == testid:
            return rows
    return []


def list_rows(response) -> list[list[str]]:
    """The rows of a Flask-Admin list page (first cell: the row buttons)."""
    assert response.status_code == 200, text(response)[:500]
    for attrs, rows in parse(response).tables:
        if "model-list" in attrs.get("class", ""):
            return [row for row in rows if len(row) > 1]
    raise AssertionError("no list table on the page")


def form_fields(response) -> dict[str, str]:
    """What a browser would post back from the page's form, unchanged (CSRF added by SignedIn.post)."""
    assert response.status_code == 200, text(response)[:500]
    fields = parse(response).fields
    fields.pop("csrf_token", None)
    return fields


def work(response) -> set[tuple[str, str, str]]:
    """The dashboard's "Your deadlines": (case reference, milestone, status)."""
    return {(row[0].split()[0], row[1], row[3]) for row in table(response, "work")}
