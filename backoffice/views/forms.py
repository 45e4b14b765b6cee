"""Form errors and hints in the GOV.UK pattern: one plain message per field that names the field, a
hint that says the format and the maximum length, and an error summary linking to each field."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Field, Form
from wtforms.fields import BooleanField, FieldList, FileField, FormField, SelectFieldBase


@dataclass(frozen=True)
class FieldError:
    """One message of the error summary: the field it links to and what to do."""

    field_id: str
    message: str


def _label(field: Field) -> str:
    """The field's label as it reads inside a sentence ("the incident date", "DHR reference")."""
    text = (field.label.text or field.name.replace("_", " ")).strip().rstrip(":")
    if len(text) > 1 and text[1].islower():
        text = text[0].lower() + text[1:]
        if not text.startswith(("the ", "a ", "an ", "your ")):
            text = "the " + text
    return text


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _chooses(field: Field) -> bool:
    return isinstance(field, (SelectFieldBase, BooleanField)) or "Select" in type(field).__name__


def plain_message(field: Field, message: str) -> str:
    """WTForms' and Flask-Admin's generic messages, rewritten to name the field and say what to do."""
    label = _label(field)
    generic = message.strip()
    if generic in ("This field is required.", "Required", "This field is required"):
        if isinstance(field, FileField):
            return f"Choose a file for {label}"
        return f"Select {label}" if _chooses(field) else f"Enter {label}"
    if generic.startswith("Field cannot be longer than") or generic.startswith("Field must be between"):
        limit = field.flags.maxlength if hasattr(field.flags, "maxlength") else None
        typed = len(field.data or "") if isinstance(field.data, str) else None
        extra = f" (it has {typed:,})" if typed else ""
        return f"{_sentence(label)} must be {limit:,} characters or fewer{extra}" if limit else f"{_sentence(label)} is too long"
    if generic.startswith("Not a valid choice"):
        return f"Select {label} from the list"
    if generic in ("Not a valid integer value.", "Not a valid integer value"):
        return f"{_sentence(label)} must be a whole number, like 12"
    if generic in ("Not a valid date value.", "Not a valid date value"):
        return f"Enter {label} as a real date, for example 20/11/2026"
    if generic in ("Already exists.", "Already exists"):
        return f"{_sentence(label)} is already used by another record"
    if generic in ("Invalid email address.",):
        return f"Enter {label} in the right form, like name@example.org"
    return message


def _leaves(form: Form) -> Iterator[Field]:
    """Every field that holds a value, sub-forms' fields included, in the order they are shown."""
    for field in form:
        if isinstance(field, FormField):
            yield from _leaves(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                yield from (_leaves(entry.form) if isinstance(entry, FormField) else (entry,))
        else:
            yield field


def name_messages(form: Form) -> None:
    """Rewrite each field's generic messages to name the field, and keep one copy of each."""
    for field in _leaves(form):
        if isinstance(field.errors, list) and field.errors:
            messages = [plain_message(field, m) if isinstance(m, str) else m for m in field.errors]
            field.errors = list(dict.fromkeys(messages))


def error_summary(form) -> list[FieldError]:
    """What the summary at the top of a page lists: each field's messages, linked to the field."""
    if form is None or not isinstance(getattr(form, "errors", None), dict) or not form.errors:
        return []
    return [
        FieldError(field.id, message)
        for field in _leaves(form)
        if isinstance(field.errors, (list, tuple))
        for message in field.errors
        if isinstance(message, str)
    ]


def field_hint(field: Field) -> Markup:
    """The field's description and, for text, its maximum length: shown above the box, always."""
    hint = escape(field.description or "")
    limit = getattr(field.flags, "maxlength", None)
    if limit:
        hint = Markup(f"{hint} Up to {limit:,} characters.").strip()
    return Markup(hint)


class PlainForm(FlaskForm):
    """Every back-office form: Flask-WTF's CSRF, and messages that name their field."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        name_messages(self)
        return valid
