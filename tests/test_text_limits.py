"""Every text field has a maximum, in the form and in the column, with a clear message when it is
exceeded; nothing oversized is stored and nothing is silently cut, on any write path."""

from __future__ import annotations

import pytest
from sqlalchemy import String, text
from sqlalchemy.exc import DBAPIError
from wtforms import SelectMultipleField
from wtforms.validators import Length

from backoffice.models import Base, Case
from backoffice.models.base import TextTooLong
from tests import factories
from tests.helpers import case_form, count, page_text
from tests.test_access_matrix import admin_views

# The audit trail records what was written; its size follows from the limits of everything else.
UNBOUNDED_ON_PURPOSE = {("audit_event", "changes"), ("audit_event", "restricted_changes"), ("audit_event", "reason")}


def text_columns():
    """Every column holding free text (strings that are not enums)."""
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            column_type = getattr(column.type, "impl", column.type)
            if hasattr(column_type, "enums") or column.type.__class__.__name__ == "JSON":
                continue
            try:
                if column_type.python_type is str:
                    yield table.name, column
            except NotImplementedError:
                continue


def test_every_text_column_has_a_maximum():
    unbounded = [f"{table}.{column.name}" for table, column in text_columns()
                 if not isinstance(column.type, String) or not column.type.length
                 if (table, column.name) not in UNBOUNDED_ON_PURPOSE]
    assert unbounded == []


def test_every_form_field_of_a_text_column_has_the_columns_maximum(app):
    problems = []
    with app.test_request_context():
        for endpoint, view in admin_views(app).items():
            if not hasattr(view, "model") or not getattr(view, "form_columns", None):
                continue
            form_class = view.scaffold_form()
            for column in view.model.__table__.columns:
                field = getattr(form_class, column.key, None)
                limit = getattr(column.type, "length", None)
                if field is None or not isinstance(limit, int) or not hasattr(field, "kwargs"):
                    continue
                if issubclass(field.field_class, SelectMultipleField):  # fixed choices, joined: all must fit
                    if len(",".join(value for value, _ in field.kwargs.get("choices") or ())) > limit:
                        problems.append(f"{endpoint}.{column.key}: every choice together exceeds {limit}")
                    continue
                lengths = [v.max for v in field.kwargs.get("validators") or () if isinstance(v, Length)]
                if not lengths or min(lengths) > limit:
                    problems.append(f"{endpoint}.{column.key}: no Length(max<={limit})")
    assert problems == []


def test_an_overlong_narrative_is_refused_with_a_clear_message_and_nothing_is_saved(session, login_as):
    signed_in = login_as("business_support")

    response = signed_in.post("/admin/case/new/", case_form(concerns="x" * 20_001))

    assert response.status_code == 200
    assert "must be 20,000 characters or fewer (it has 20,001)" in page_text(response)
    assert "x" * 20_001 in response.get_data(as_text=True)  # what was typed is kept, whole, to be shortened
    assert count(session, Case) == 0


def test_a_five_megabyte_field_is_refused_whole(session, login_as):
    signed_in = login_as("business_support")

    response = signed_in.post("/admin/case/new/", case_form(concerns="x" * 5 * 1024 * 1024))

    assert response.status_code == 413
    assert "larger than the limit" in page_text(response) and "Nothing was saved" in page_text(response)
    assert count(session, Case) == 0


def test_any_other_write_path_is_refused_too_with_the_field_and_the_limit(session):
    with pytest.raises(TextTooLong, match=r"Concerns is 20,001 characters long; at most 20,000 can be kept"):
        factories.CaseFactory(concerns="x" * 20_001)
    session.rollback()
    assert count(session, Case) == 0


def test_postgresql_refuses_an_overlong_value_in_the_column_itself(engine, session):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite does not enforce a column's length; the flush check above does")
    factories.AgencyFactory(name="West Marches Police")
    with engine.connect() as conn:
        with pytest.raises(DBAPIError, match="too long"):
            conn.execute(text("UPDATE agency SET safeguarding_lead_contact = :v"), {"v": "x" * 5_001})
        conn.rollback()
