"""Form fields the back-office's forms share."""

from __future__ import annotations

from datetime import date, datetime

from markupsafe import Markup, escape
from wtforms import DateField, SelectMultipleField, widgets
from wtforms.widgets import TextInput, html_params

DATE_HINT = "Day, month and year, for example 20/11/2026."
# As people in England type a date, and ISO (what browsers and other systems send).
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y", "%Y-%m-%d")


class UKDateField(DateField):
    """A date typed as people in England write it (20/11/2026, or 2026-11-20), in a plain text box:
    no picker rewrites what is typed, so it works by keyboard; the hint says the format."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, description: str = "", **kwargs) -> None:
        description = description or ""  # Flask-Admin passes None for a column with no description
        description = f"{description} {DATE_HINT}".strip() if DATE_HINT not in description else description
        render_kw = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, format=list(DATE_FORMATS), description=description, render_kw=render_kw, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)  # what was typed, kept when the form comes back with an error
        return self.data.strftime("%d/%m/%Y") if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist) -> None:
        typed = " ".join(valuelist or ()).strip()
        self.data = None
        if not typed:
            return
        for pattern in DATE_FORMATS:
            try:
                self.data = datetime.strptime(typed, pattern).date()
                return
            except ValueError:
                continue
        raise ValueError(f"Enter {self.label.text.lower()} as a real date, for example 20/11/2026.")


class Checkboxes:
    """A choice of several as a group of checkboxes: each is chosen with a click or the space bar,
    where a multi-select needs Ctrl-click and hides what is chosen."""

    def __call__(self, field, **kwargs) -> Markup:
        kwargs.pop("class", None)  # Bootstrap's form-control is for boxes, not a group
        described = kwargs.pop("aria-describedby", None)
        invalid = kwargs.pop("aria-invalid", None)
        items = []
        for index, (value, label, checked, _render_kw) in enumerate(field.iter_choices()):
            box_id = f"{field.id}-{index}"
            items.append(Markup(
                '<div class="form-check"><input class="form-check-input" type="checkbox" {}> '
                '<label class="form-check-label" for="{}">{}</label></div>'
            ).format(html_params(id=box_id, name=field.name, value=value, checked=checked,
                                 **({"aria-invalid": invalid} if invalid else {})), box_id, label))
        group = html_params(id=field.id, role="group", **{"aria-label": field.label.text},
                            **({"aria-describedby": described} if described else {}))
        return Markup(f'<div class="checkbox-group" {group}>') + Markup("").join(items) + Markup("</div>")


class JoinedChoicesField(SelectMultipleField):
    """Several choices kept in one text column, sorted and comma-joined (a meeting's streams, a quorum's
    agency types), chosen as a group of checkboxes."""

    widget = Checkboxes()

    def process_data(self, value) -> None:
        if isinstance(value, str):
            value = [v for v in value.split(",") if v]
        super().process_data(value)

    def populate_obj(self, obj, name: str) -> None:
        setattr(obj, name, ",".join(sorted(self.data or [])) or None)


_wtforms_render_option = widgets.Select.render_option


@classmethod
def _render_option(cls, choice, **kwargs) -> str:
    """WTForms' option, written as WTForms writes it (`<option selected value="1">Police</option>`) but
    as one string, not attribute by attribute: the case form offers every agency on each agency row,
    and rendering those options option by option was a third of the edit page's time."""
    if kwargs or choice.render_kw:
        return _wtforms_render_option.__func__(cls, choice, **kwargs)
    value = str(choice.value) if isinstance(choice.value, bool) else choice.value
    selected = "selected " if choice.selected else ""
    return f'<option {selected}value="{escape(value)}">{escape(choice.label or choice.value)}</option>'


widgets.Select.render_option = _render_option  # every select (Flask-Admin's Select2 ones inherit it)
