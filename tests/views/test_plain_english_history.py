"""History pages and the audit log speak the users' language: each field by the label its screen
uses, codes by their labels, linked records by their name or reference, dates in words. No column
name or internal code reaches the reader."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backoffice.models import AuditEvent
from tests import factories
from tests.helpers import page_text
from tests.html_pages import form_fields, history_events

RAW = ("referrer_agency_id", "review_type", "INCIDENT_REPORTED", "CSPR-", "subject_pseudonym")


@pytest.fixture
def edited_case(session, login_as):
    """A CSPR whose referrer agency business support set through the edit form."""
    case = factories.CaseFactory(subject_pseudonym="Child P", referrer_agency=None)
    agency = factories.AgencyFactory(name="West Marches Police")
    editor = login_as("business_support")
    form = form_fields(editor.get(f"/admin/case/edit/?id={case.id}"))
    response = editor.post(f"/admin/case/edit/?id={case.id}", {**form, "referrer_agency": str(agency.id)})
    assert response.status_code == 302, page_text(response)[:2000]
    return case


def test_a_history_shows_labels_names_and_words_not_columns_and_codes(session, login_as, edited_case):
    response = login_as("auditor").get(f"/admin/case/history/?id={edited_case.id}")

    created, *_, updated = history_events(response)
    assert created.fields["Type"] == ("(blank)", "Child Safeguarding Practice Review")
    assert created.fields["State"] == ("(blank)", "Incident reported")
    assert updated.fields["Referrer agency"] == ("(blank)", "West Marches Police")
    assert updated.who.splitlines()[1] == "Business support"
    shown = page_text(response).split('data-testid="history"')[1]
    assert not [raw for raw in RAW[:3] if raw in shown]


def test_the_audit_log_describes_the_same_change_in_the_same_words(session, login_as, edited_case):
    session.expire_all()
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "case", AuditEvent.object_id == edited_case.id)
        .order_by(AuditEvent.id.desc())
    ).first()
    session.commit()

    response = login_as("auditor").get(f"/admin/audit/details/?id={event.id}")

    assert "Referrer agency: (blank) → West Marches Police" in page_text(response)
    assert "referrer_agency_id" not in page_text(response)


def test_the_audit_log_export_names_linked_records_too(session, login_as, edited_case):
    response = login_as("auditor").get(f"/admin/audit/export/csv/?search={edited_case.reference}")

    assert response.status_code == 200
    assert "Referrer agency: (blank) → West Marches Police" in page_text(response)


def test_a_record_type_is_chosen_from_a_list_of_names_in_the_audit_log(session, login_as, edited_case):
    response = login_as("auditor").get("/admin/audit/")

    assert "Case agency" in page_text(response) and "Family event" in page_text(response)


def test_a_history_page_runs_the_same_sql_however_many_events_name_linked_records(
    session, login_as, count_queries
):
    auditor = login_as("auditor")
    counts = []
    for edits in (1, 12):
        case = factories.CaseFactory()
        for n in range(edits):
            case.referrer_agency = factories.AgencyFactory(name=f"Agency {edits}-{n}")
            session.commit()
        with count_queries() as counter:
            response = auditor.get(f"/admin/case/history/?id={case.id}")
        assert f"Agency {edits}-{edits - 1}" in page_text(response)
        counts.append(counter.count)
    assert counts[0] == counts[1], counts

