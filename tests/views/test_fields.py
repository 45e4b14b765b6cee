"""The form fields the back-office shares, as a browser receives them."""

from __future__ import annotations

import pytest
from wtforms import SelectField, SelectMultipleField
from wtforms.form import Form

from backoffice.views import fields  # noqa: F401  (installs the one-string option)
from backoffice.views.fields import _wtforms_render_option


class Choices(Form):
    agency = SelectField(choices=[("1", "Police & <Crime>"), ('say "x"', "Quoted"), (True, "Yes"), ("", "")])
    categories = SelectMultipleField(choices=[("a", "Neglect"), ("b", "Physical")])
    flagged = SelectField(choices=[("1", "One", {"disabled": True}), ("2", "Two")])


def wtforms_own(field) -> str:
    """The select as WTForms itself writes it, option by option."""
    options = "".join(_wtforms_render_option(choice) for choice in field._iter_choices_normalized())
    return str(field()).split(">", 1)[0] + ">" + options + "</select>"


@pytest.mark.parametrize("data", [{"agency": 'say "x"'}, {"agency": "1", "categories": ["a", "b"]}, {}])
def test_options_are_written_exactly_as_wtforms_writes_them(data):
    form = Choices(data=data)
    for field in (form.agency, form.categories, form.flagged):
        assert str(field()) == wtforms_own(field)


def test_an_option_escapes_its_value_and_label_and_marks_the_chosen_one():
    html = str(Choices(data={"agency": 'say "x"'}).agency())
    assert '<option value="1">Police &amp; &lt;Crime&gt;</option>' in html
    assert '<option selected value="say &#34;x&#34;">Quoted</option>' in html
    assert '<option value="True">Yes</option>' in html
