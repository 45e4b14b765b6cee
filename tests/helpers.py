"""Small helpers the view and browser tests share: reading responses, reading back the database,
and the forms a browser posts."""

from __future__ import annotations

import csv
import html
import io
from datetime import date, timedelta
from typing import TypeVar

from markupsafe import escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from backoffice import clock

T = TypeVar("T")


def text(response: TestResponse) -> str:
    """The response body as text, exactly as sent (HTML entities still escaped)."""
    return response.get_data(as_text=True)


def page_text(response: TestResponse) -> str:
    """The response body as text with HTML entities unescaped, as a reader sees it."""
    return html.unescape(text(response))


def shows(response: TestResponse, message: str) -> bool:
    """Whether the page shows `message` (as the template escapes it)."""
    return str(escape(message)) in text(response)


def csv_rows(response: TestResponse) -> list[dict]:
    """The rows of a successful CSV export, keyed by column heading."""
    assert response.status_code == 200, text(response)[:300]
    return list(csv.DictReader(io.StringIO(text(response))))


def reload(session: Session, obj: T) -> T | None:
    """The row as the database holds it now (after a request changed it, or did not)."""
    session.expire_all()
    return session.get(type(obj), obj.id)


def count(session: Session, model: type) -> int:
    """How many rows of `model` the database holds now (committed by any session)."""
    session.expire_all()
    number = session.execute(select(func.count()).select_from(model)).scalar_one()
    session.commit()
    return number


def opened_at(session: Session, record, data: dict) -> dict:
    """An edit form's data as a browser sends it: with the version of the record the form was opened at
    (the current one, as if it had just been opened)."""
    return {**data, "loaded_version": str(reload(session, record).version)}


def today() -> date:
    """Today in England, asked when the test runs: a module-level constant goes stale past midnight."""
    return clock.today()


def tomorrow() -> date:
    """Tomorrow's date: the nearest date that is in the future."""
    return clock.today() + timedelta(days=1)


def case_form(**overrides) -> dict:
    """A valid new-case form for a CSPR referred in 2025, as the browser posts it."""
    data = {
        "review_type": "CSPR",
        "external_reference": "",
        "subject_pseudonym": "Child Q",
        "subject_legal_name": "",
        "subject_dob": "",
        "incident_date": "2025-03-01",
        "aware_date": "2025-03-02",
        "referral_date": "2025-03-03",
        "referrer_name": "A Referrer",
        "referrer_role": "Designated safeguarding lead",
        "referrer_agency": "",
        "concerns": "How agencies shared information.",
    }
    data.update(overrides)
    return data


def decision_form(case, **overrides) -> dict:
    """A valid new-decision form for `case` (referred 2025-11-05 by the factory)."""
    data = {
        "case": str(case.id),
        "meeting_date": "2025-12-01",
        "outcome": "criteria_not_met_learning_retained",
        "legal_mandate": "__None",
        "rationale": "The criteria are not met; the partnership keeps the learning.",
        "conflicts_declared": "",
        "delay_reasons": "",
    }
    data.update(overrides)
    return data


def stored_bytes(app, stored_name: str) -> bytes | None:
    """A document file's bytes as the app keeps them (in its folder or its database); None if gone."""
    from backoffice.extensions import db
    from tests import factories

    with app.app_context():
        data = factories.document_store().read(db.session, stored_name)
        db.session.remove()
    return data
