"""Reading pages as a person (or a browser) sees them: tables by data-testid, the rows of a list
page, what an edit form would send back unchanged, and the events of a record's History table.

One parser reads a page once into its tables and forms; the functions below give the views the
tests ask for. Each takes the response of a request (a 200 where it reads a list or a form).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from werkzeug.test import TestResponse

from tests.helpers import text

# Inputs a browser does not send when a form is saved as it stands.
_NOT_SENT = {"submit", "button", "file", "image", "reset"}


@dataclass
class Cell:
    tag: str  # "td" or "th"
    attrs: dict[str, str]
    raw: str = ""  # the text as written, a <br> as a line break

    @property
    def text(self) -> str:
        """The text as a reader sees it on one line: white space (line breaks too) folded."""
        return " ".join(self.raw.split())


@dataclass
class Table:
    attrs: dict[str, str]
    rows: list[list[Cell]] = field(default_factory=list)  # every <tr>, heading rows too

    @property
    def body_rows(self) -> list[list[Cell]]:
        """The rows without heading cells (<th>)."""
        return [row for row in self.rows if all(cell.tag == "td" for cell in row)]

    @property
    def body(self) -> list[list[str]]:
        """The cell texts of the body rows."""
        return [[cell.text for cell in row] for row in self.body_rows]


@dataclass
class Form:
    attrs: dict[str, str]
    values: dict[str, list[str]] = field(default_factory=dict)  # what saving it unchanged would send
    hidden: dict[str, str] = field(default_factory=dict)  # the <input type="hidden"> among them


class _Page(HTMLParser):
    """A page's tables (nested ones apart) and forms."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.forms: list[Form] = []
        self._open_tables: list[Table] = []
        self._cell: Cell | None = None
        self._form: Form | None = None
        self._select: tuple[str, bool] | None = None  # (name, multiple)
        self._options: list[tuple[str, bool]] = []  # (value, selected) of the open <select>
        self._textarea: str | None = None
        self._textarea_text = ""

    def handle_starttag(self, tag, attrs):
        a = {name: value if value is not None else "" for name, value in attrs}
        table = self._open_tables[-1] if self._open_tables else None
        if tag == "table":
            self._open_tables.append(Table(a))
            self.tables.append(self._open_tables[-1])
        elif tag == "tr" and table is not None:
            table.rows.append([])
        elif tag in ("td", "th") and table is not None and table.rows:
            self._cell = Cell(tag, a)
            table.rows[-1].append(self._cell)
        elif tag == "br" and self._cell is not None:
            self._cell.raw += "\n"
        elif tag == "form":
            self._form = Form(a)
            self.forms.append(self._form)
        elif self._form is not None:
            self._form_field(tag, a)

    def _form_field(self, tag: str, a: dict[str, str]) -> None:
        name = a.get("name")
        if tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))
        elif not name:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._send(name, a.get("value", "on"))
            elif kind not in _NOT_SENT:
                self._send(name, a.get("value", ""))
                if kind == "hidden":
                    self._form.hidden[name] = a.get("value", "")
        elif tag == "select":
            self._select, self._options = (name, "multiple" in a), []
            self._form.values.setdefault(name, [])
        elif tag == "textarea":
            self._textarea, self._textarea_text = name, ""

    def _send(self, name: str, value: str) -> None:
        self._form.values.setdefault(name, []).append(value)

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._cell = None
        elif tag == "table" and self._open_tables:
            self._open_tables.pop()
            self._cell = None
        elif tag == "form":
            self._form = None
        elif tag == "select" and self._select:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]  # a browser sends a single select's first option
            for value in chosen if multiple else chosen[-1:]:
                self._send(name, value)
            self._select = None
        elif tag == "textarea" and self._textarea:
            # As in a browser: the one line break right after <textarea> is not part of the value.
            value = self._textarea_text
            self._send(self._textarea, value[2:] if value.startswith("\r\n") else value.removeprefix("\n"))
            self._textarea = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.raw += data
        if self._textarea:
            self._textarea_text += data


def _parse(response: TestResponse) -> _Page:
    page = _Page()
    page.feed(text(response))
    page.close()
    return page


def _ok(response: TestResponse) -> TestResponse:
    assert response.status_code == 200, text(response)[:2000]
    return response


# --- tables ------------------------------------------------------------------------------------


def tables(response: TestResponse) -> list[Table]:
    """Every table of the page, in order (a nested table on its own)."""
    return _parse(response).tables


def table(response: TestResponse, testid: str) -> list[list[str]]:
    """The body rows (cell texts) of the table with this data-testid; [] if the page has none."""
    for found in tables(response):
        if found.attrs.get("data-testid") == testid:
            return found.body
    return []


def _list_table(response: TestResponse) -> Table:
    for found in tables(_ok(response)):
        if "model-list" in found.attrs.get("class", "").split():
            return found
    raise AssertionError("no list table on the page")


def list_rows(response: TestResponse) -> list[list[str]]:
    """The rows of a Flask-Admin list page as cell texts (first cell: the row buttons)."""
    return [row for row in _list_table(response).body if len(row) > 1]


def list_records(response: TestResponse) -> list[dict[str, str]]:
    """The rows of a Flask-Admin list page: column name (its "col-…" class) to the text shown."""
    records = []
    for row in _list_table(response).body_rows:
        record = {
            cell.attrs["class"].split("col-", 1)[1].split()[0]: cell.text
            for cell in row
            if "col-" in cell.attrs.get("class", "")
        }
        if record:
            records.append(record)
    return records


def work(response: TestResponse) -> set[tuple[str, str, str]]:
    """The dashboard's "Your deadlines": (case reference, milestone, status)."""
    return {(row[0].split()[0], row[1], row[3]) for row in table(response, "work")}


@dataclass
class HistoryEvent:
    when: str
    who: str
    what: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after)

    @property
    def fields(self) -> dict[str, tuple[str, str]]:
        return {name: (before, after) for name, before, after in self.changes}


def history_events(response: TestResponse) -> list[HistoryEvent]:
    """The History table: one entry per event, top to bottom, with its (field, before, after) rows.

    Texts are as written, trimmed; a <br> stays a line break (who: the actor, then their roles)."""
    events: list[HistoryEvent] = []
    for found in tables(response):
        if found.attrs.get("data-testid") != "history":
            continue
        for cells in found.body_rows:
            texts = [cell.raw.strip() for cell in cells]
            if len(texts) >= 3 and "rowspan" in cells[0].attrs:
                events.append(HistoryEvent(*texts[:3]))
                texts = texts[3:]
            if len(texts) == 3 and events:
                events[-1].changes.append((texts[0], texts[1], texts[2]))
    return events


# --- forms -------------------------------------------------------------------------------------


def _admin_form(response: TestResponse) -> Form:
    for form in _parse(_ok(response)).forms:
        if "admin-form" in form.attrs.get("class", "").split():
            return form
    raise AssertionError("no admin form on the page")


def form_fields(response: TestResponse) -> dict[str, str | list[str]]:
    """What a browser would post back from the page's admin form saved unchanged: hidden inputs
    (loaded_version) and selected options included, a field sent several times as a list, a
    multiple select with nothing chosen as []. The CSRF token is left out (SignedIn.post adds one)."""
    fields = {name: values if len(values) != 1 else values[0] for name, values in _admin_form(response).values.items()}
    fields.pop("csrf_token", None)
    return fields


def hidden_value(response: TestResponse, name: str) -> str | None:
    """The value of the admin form's hidden input `name`, if the form carries one."""
    return _admin_form(response).hidden.get(name)


# --- lists ------------------------------------------------------------------------------------


class _ListItems(HTMLParser):
    """The text of each <li> directly inside the element marked data-testid=`testid`."""

    def __init__(self, testid: str) -> None:
        super().__init__(convert_charrefs=True)
        self.testid, self.items, self._depth, self._inside, self._item = testid, [], 0, False, None

    def handle_starttag(self, tag, attrs):
        if dict(attrs).get("data-testid") == self.testid:
            self._inside, self._depth = True, 0
        if not self._inside:
            return
        self._depth += 1
        if tag == "li" and self._item is None:
            self._item = ""

    def handle_endtag(self, tag):
        if not self._inside:
            return
        if tag == "li" and self._item is not None:
            self.items.append(" ".join(self._item.split()))
            self._item = None
        self._depth -= 1
        if self._depth == 0:
            self._inside = False

    def handle_data(self, data):
        if self._item is not None:
            self._item += data


def list_items(response: TestResponse, testid: str) -> list[str]:
    """The items of the list marked `data-testid`, as a reader sees them (whitespace collapsed)."""
    parser = _ListItems(testid)
    parser.feed(text(_ok(response)))
    parser.close()
    return parser.items
