"""Reading the admin's pages as a person (or a browser) would: what an edit form would send back
unchanged, the rows of a list page, and the rows of a record's History table."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


class _FormReader(HTMLParser):
    """The values the admin's edit form (class "admin-form") would submit if saved unchanged."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_form = False
        self.values: dict[str, list[str]] = {}
        self.select: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def _add(self, name: str, value: str) -> None:
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "admin-form" in (a.get("class") or ""):
            self.in_form = True
        if not self.in_form or not a.get("name") and tag != "option":
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(a["name"], a.get("value") or "on")
                return
            self._add(a["name"], a.get("value") or "")
        elif tag == "select":
            self.select = a["name"]
            self.values.setdefault(self.select, [])
        elif tag == "option" and self.select and "selected" in a:
            self._add(self.select, a.get("value") or "")
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            # As in a browser: the one line break right after <textarea> is not part of the value.
            value = self.text[2:] if self.text.startswith("\r\n") else self.text[1:] if self.text.startswith("\n") else self.text
            self._add(self.textarea, value)
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text += data


def form_values(html: str) -> dict[str, str | list[str]]:
    """The admin form's fields as they would be posted unchanged (multi-valued fields as lists)."""
    reader = _FormReader()
    reader.feed(html)
    return {name: values if len(values) != 1 else values[0] for name, values in reader.values.items()}


def hidden_value(html: str, name: str) -> str | None:
    """The value of the admin form's hidden input `name`, if the form carries it."""
    value = form_values(html).get(name)
    return value if isinstance(value, str) else None


class _TableReader(HTMLParser):
    """Every <tr> of the page as a list of (cell class, cell text, cell attributes)."""

    def __init__(self, table_marker: tuple[str, str] | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.marker = table_marker
        self.depth = 0 if table_marker else 1
        self.rows: list[list[tuple[str, str, dict]]] = []
        self.cell: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and self.marker and a.get(self.marker[0]) == self.marker[1]:
            self.depth += 1
        if not self.depth:
            return
        if tag == "tr":
            self.rows.append([])
        elif tag == "td" and self.rows:
            self.cell = [a.get("class") or "", "", a]
        elif tag == "br" and self.cell is not None:
            self.cell[1] += "\n"

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.rows[-1].append((self.cell[0], self.cell[1].strip(), self.cell[2]))
            self.cell = None
        elif tag == "table" and self.marker and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1] += data


def list_rows(html: str) -> list[dict[str, str]]:
    """The rows of a Flask-Admin list page: column name to the text shown."""
    reader = _TableReader()
    reader.feed(html)
    rows = []
    for cells in reader.rows:
        row = {cls.split("col-", 1)[1].split()[0]: text for cls, text, _ in cells if "col-" in cls}
        if row:
            rows.append(row)
    return rows


@dataclass
class HistoryEvent:
    when: str
    who: str
    what: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after)

    @property
    def fields(self) -> dict[str, tuple[str, str]]:
        return {name: (before, after) for name, before, after in self.changes}


def history_events(html: str) -> list[HistoryEvent]:
    """The History table: one entry per event, top to bottom, with its (field, before, after) rows."""
    reader = _TableReader(("data-testid", "history"))
    reader.feed(html)
    events: list[HistoryEvent] = []
    for cells in reader.rows:
        texts = [text for _, text, _ in cells]
        if len(texts) >= 3 and "rowspan" in cells[0][2]:
            events.append(HistoryEvent(*texts[:3]))
            texts = texts[3:]
        if len(texts) == 3 and events:
            events[-1].changes.append((texts[0], texts[1], texts[2]))
    return events
