"""Reading the trail back: each record's History page, and the audit log auditors and admins search.

A History page lists the record's events oldest first, with the value before and after each change
side by side; restricted values are shown only to the roles that may see them. The audit log is
read-only, filtered by actor, record type, action and date, searched by case reference, exported
by auditors (an export that is itself audited), and built to stay fast on millions of rows: no
COUNT over the table, and no more SQL for a longer page.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from backoffice.domain import audit
from backoffice.domain.audit import Entry
from backoffice.models import AbuseCategory, AuditAction, AuditEvent, Deadline, Notification
from tests import factories
from tests.conftest import sign_in
from tests.helpers import csv_rows, page_text, text
from tests.html_pages import form_fields, history_events, list_records

HIDDEN = "(restricted: changed)"
BLANK = "(blank)"
LOG = "/admin/audit/"


# --- helpers -----------------------------------------------------------------------------------


def history_page(signed_in, endpoint: str, record_id: int):
    return signed_in.get(f"/admin/{endpoint}/history/?id={record_id}")


def history_of(signed_in, endpoint: str, record_id: int):
    response = history_page(signed_in, endpoint, record_id)
    assert response.status_code == 200, text(response)[:2000]
    return history_events(response)


def stored_actions(session, object_type: str, object_id: int) -> list[str]:
    """The labels of a record's audit events as stored, oldest first."""
    session.expire_all()
    actions = [
        AuditAction(a).label
        for a in session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
            .order_by(AuditEvent.id)
        )
    ]
    session.commit()
    return actions


def change(session, record, **fields):
    """Load `record`, change it and commit, as the forms do (the flush hook audits the change)."""
    record = session.merge(record)
    session.refresh(record)
    for name, value in fields.items():
        setattr(record, name, value)
    session.commit()
    return record


def shown(value) -> str:
    """A value as the History page shows it: dates in words, nothing as "(blank)"."""
    if value is None or value == "":
        return BLANK
    return value.strftime("%d %b %Y") if isinstance(value, date) else str(value)


def _case(session):
    return factories.CaseFactory(subject_pseudonym="Child Old"), "subject_pseudonym", "Child Old", "Child New"


def _decision(session):
    return factories.DecisionFactory(rationale="Old rationale."), "rationale", "Old rationale.", "New rationale."


def _family(session):
    return factories.FamilyFactory(relationship_to_subject="Mother"), "relationship_to_subject", "Mother", "Aunt"


def _document(session):
    return factories.DocumentFactory(title="Old title"), "title", "Old title", "New title"


def _notification(session):
    notification = Notification(case=factories.CaseFactory(), recipient="dfe", purpose="other", reference="OLD-1")
    session.add(notification)
    session.commit()
    return notification, "reference", "OLD-1", "NEW-2"


def _hold(session):
    return factories.HoldFactory(detail="Old detail"), "detail", "Old detail", "New detail"


def _deadline(session):
    case = factories.CaseFactory()
    deadline = session.scalars(select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.id)).first()
    assert deadline is not None, "a new case should have deadlines"
    return deadline, "due_date", deadline.due_date, date(2030, 1, 2)


def _agency(session):
    return factories.AgencyFactory(name="Old Agency"), "name", "Old Agency", "New Agency"


def _abuse_category(session):
    category = AbuseCategory(name="Old category")
    session.add(category)
    session.commit()
    return category, "name", "Old category", "New category"


def _deadline_rule(session):
    return factories.DeadlineRuleFactory(label="Old label"), "label", "Old label", "New label"


def _user(session):
    return factories.UserFactory(full_name="Old Name"), "full_name", "Old Name", "New Name"


# (endpoint, audit object type, a role that reads it, how to make one)
RECORDS = [
    ("case", "case", "business_support", _case),
    ("decision", "decision", "panel", _decision),
    ("family", "family", "business_support", _family),
    ("document", "document", "business_support", _document),
    ("notification", "notification", "business_support", _notification),
    ("hold", "hold", "business_support", _hold),
    ("deadline", "deadline", "business_support", _deadline),
    ("agency", "agency", "business_support", _agency),
    ("abuse_category", "abuse_category", "admin", _abuse_category),
    ("deadline_rule", "deadline_rule", "admin", _deadline_rule),
    ("user", "user", "admin", _user),
]
# The changed field as its record's screen labels it: the History page uses the same words.
LABELS = {"case": "Subject (pseudonym)", "decision": "Rationale", "family": "Relationship to the subject",
          "document": "Title", "notification": "Reference", "hold": "Detail", "deadline": "Due", "agency": "Name",
          "abuse_category": "Name", "deadline_rule": "Milestone", "user": "Full name"}


# --- every record's History page -----------------------------------------------------------------


@pytest.mark.parametrize("endpoint, object_type, reader, make", RECORDS, ids=[r[0] for r in RECORDS])
def test_a_records_history_lists_its_events_in_order_with_before_and_after_side_by_side(
    session, login_as, endpoint, object_type, reader, make
):
    record, field, old, new = make(session)
    record = change(session, record, **{field: new})
    record_id = record.id
    signed_in = login_as(reader)
    label = LABELS[endpoint]

    events = history_of(signed_in, endpoint, record_id)

    stored = stored_actions(session, object_type, record_id)
    assert [e.what for e in events] == stored[:-1]
    assert stored[-1] == "View"  # opening the history is itself recorded
    assert events[0].what == "Create"
    assert events[0].fields[label] == (BLANK, shown(old))  # nothing before, the first value after
    assert events[-1].what == "Update"
    assert events[-1].fields[label] == (shown(old), shown(new))
    stamps = [datetime.strptime(e.when, "%d %b %Y %H:%M:%S") for e in events]
    assert stamps == sorted(stamps)


def test_the_history_names_who_made_each_change(session, login_as):
    case = factories.CaseFactory(subject_pseudonym="Child Old")
    editor = login_as("business_support")
    form = form_fields(editor.get(f"/admin/case/edit/?id={case.id}"))
    assert editor.post(f"/admin/case/edit/?id={case.id}", {**form, "subject_pseudonym": "Child New"}).status_code == 302

    events = history_of(login_as("auditor"), "case", case.id)

    (update,) = [e for e in events if e.what == "Update"]
    assert update.who.splitlines() == [editor.user.email, "Business support"]
    assert update.fields["Subject (pseudonym)"] == ("Child Old", "Child New")


@pytest.fixture
def renamed_case(session):
    """A case whose restricted legal name was changed after it was created."""
    case = factories.CaseFactory(subject_legal_name="Quinn Example", subject_pseudonym="Child Q")
    return change(session, case, subject_legal_name="Quinn Renamed")


@pytest.mark.parametrize("role", ["auditor", "panel"])
def test_restricted_values_in_a_cases_history_are_hidden_from_roles_that_may_not_see_them(
    session, login_as, renamed_case, role
):
    response = history_page(login_as(role), "case", renamed_case.id)

    assert response.status_code == 200
    events = history_events(response)
    assert events[-1].fields["Subject's legal name"] == (HIDDEN, HIDDEN)
    assert events[0].fields["Subject's legal name"] == (HIDDEN, HIDDEN)
    assert events[0].fields["Subject (pseudonym)"] == (BLANK, "Child Q")  # ordinary values are still shown
    assert "Quinn" not in page_text(response)


def test_business_support_sees_the_restricted_values_in_a_cases_history(session, login_as, renamed_case):
    events = history_of(login_as("business_support"), "case", renamed_case.id)

    assert events[0].fields["Subject's legal name"] == (BLANK, "Quinn Example")
    assert events[-1].fields["Subject's legal name"] == ("Quinn Example", "Quinn Renamed")


def test_opening_a_cases_history_is_recorded_as_a_read_of_the_case(session, login_as, renamed_case):
    """The History page shows case data (for business support, the legal names too): reading it
    is a read of the case, recorded like opening the case itself."""
    signed_in = login_as("business_support")
    session.expire_all()
    newest = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    session.commit()

    assert history_page(signed_in, "case", renamed_case.id).status_code == 200

    session.expire_all()
    reads = list(session.scalars(select(AuditEvent).where(AuditEvent.id > newest)))
    session.commit()
    assert [(e.action, e.object_type, e.object_id, e.actor) for e in reads] == [
        (AuditAction.VIEW, "case", renamed_case.id, signed_in.user.email)
    ]


@pytest.mark.parametrize("role, shown", [("business_support", True), ("panel", False), ("auditor", False)])
def test_a_family_members_contact_details_in_the_history_follow_the_same_rule(session, login_as, role, shown):
    member = factories.FamilyFactory(contact_details="07700 900123")
    member = change(session, member, contact_details="07700 900999")

    response = history_page(login_as(role), "family", member.id)

    assert response.status_code == 200
    change_row = history_events(response)[-1].fields["Contact details"]
    if shown:
        assert change_row == ("07700 900123", "07700 900999")
    else:
        assert change_row == (HIDDEN, HIDDEN)
        assert "07700" not in page_text(response)


@pytest.mark.parametrize("role", ["business_support", "auditor"])
def test_a_view_that_showed_one_restricted_field_does_not_break_the_history_page(session, login_as, role):
    """A case with a date of birth but no legal name: opening it shows one restricted field."""
    case = factories.CaseFactory(subject_legal_name=None, subject_dob=date(2015, 6, 1))
    assert login_as("business_support").get(f"/admin/case/details/?id={case.id}").status_code == 200

    response = history_page(login_as(role), "case", case.id)

    assert response.status_code == 200, page_text(response)[:500]
    assert [e.what for e in history_events(response)][-1] == "View"


@pytest.mark.parametrize("page", ["details", "export"])
def test_a_view_that_showed_one_restricted_field_does_not_break_the_audit_log(session, login_as, page):
    case = factories.CaseFactory(subject_legal_name=None, subject_dob=date(2015, 6, 1))
    assert login_as("business_support").get(f"/admin/case/details/?id={case.id}").status_code == 200
    session.expire_all()
    view = session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.VIEW)).one()
    session.commit()
    auditor = login_as("auditor")

    response = auditor.get(f"{LOG}details/?id={view.id}" if page == "details" else f"{LOG}export/csv/")

    assert response.status_code == 200, page_text(response)[:500]
    assert "Subject's date of birth" in page_text(response)


def test_a_cases_history_is_not_found_for_a_user_outside_its_stream(session, login_as):
    case = factories.CaseFactory()  # a CSPR: the children stream
    signed_in = login_as("business_support", streams=["adults", "domestic_abuse"])

    response = history_page(signed_in, "case", case.id)

    assert response.status_code == 404
    assert "Child" not in page_text(response)


def test_a_case_records_history_is_not_found_for_a_user_outside_the_cases_stream(session, login_as):
    decision = factories.DecisionFactory()  # on a CSPR
    signed_in = login_as("panel", streams=["adults"])

    assert history_page(signed_in, "decision", decision.id).status_code == 404


def test_a_history_is_refused_to_a_role_that_may_not_read_the_record(session, login_as):
    member = factories.FamilyFactory()

    assert history_page(login_as("board"), "family", member.id).status_code == 403


def test_a_history_of_a_record_that_does_not_exist_is_not_found(session, login_as):
    assert history_page(login_as("business_support"), "case", 999_999).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in_instead_of_a_history(session, client):
    case = factories.CaseFactory()

    response = client.get(f"/admin/case/history/?id={case.id}")

    assert response.status_code == 302
    assert response.headers["Location"].split("?")[0].endswith("/login")


# --- the audit log -------------------------------------------------------------------------------


PAST = datetime(2024, 3, 15, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def trail(app, session, monkeypatch):
    """Known events: two cases, two agencies recorded on 15 March 2024, and two people signing in."""
    monkeypatch.setattr(audit, "utcnow", lambda: PAST)
    old_agencies = [factories.AgencyFactory(name="Archive Agency 1"), factories.AgencyFactory(name="Archive Agency 2")]
    monkeypatch.undo()
    first = factories.CaseFactory(subject_pseudonym="Child One")
    second = factories.CaseFactory(subject_pseudonym="Child Two")
    alice = factories.UserFactory(email="alice@example.org", roles=["panel"])
    bob = factories.UserFactory(email="bob@example.org", roles=["board"])
    for user in (alice, bob, alice):
        assert sign_in(app.test_client(), user.email).status_code == 302
    return {"cases": (first, second), "old_agencies": old_agencies, "alice": alice, "bob": bob}


def log_rows(signed_in, query: str = "") -> list[dict[str, str]]:
    response = signed_in.get(f"{LOG}?{query}")
    assert response.status_code == 200, page_text(response)[:1000]
    return list_records(response)


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_auditors_and_admins_read_the_audit_log_newest_first(session, login_as, trail, role):
    rows = log_rows(login_as(role))

    assert rows, "the log shows no events"
    assert rows[0]["action"] == "Login"  # this reader's own sign-in is the newest event
    assert {"Create", "Login"} <= {row["action"] for row in rows}


@pytest.mark.parametrize("role", ["business_support", "panel", "board"])
def test_other_roles_may_not_read_or_export_the_audit_log(session, login_as, trail, role):
    signed_in = login_as(role)

    assert signed_in.get(LOG).status_code == 403
    assert signed_in.get(f"{LOG}export/csv/").status_code == 403
    assert signed_in.get(f"{LOG}details/?id=1").status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in_instead_of_the_audit_log(session, client):
    response = client.get(LOG)

    assert response.status_code == 302
    assert response.headers["Location"].split("?")[0].endswith("/login")


def test_the_audit_log_filters_by_actor(session, login_as, trail):
    rows = log_rows(login_as("auditor"), "flt0_actor_email_equals=alice@example.org")

    assert [row["action"] for row in rows] == ["Login", "Login"]
    assert {row["actor"] for row in rows} == {"alice@example.org"}


def test_the_audit_log_filters_by_record_type(session, login_as, trail):
    rows = log_rows(login_as("auditor"), "flt0_record_type_equals=agency")

    assert len(rows) == 2
    assert {row["object_type"] for row in rows} == {"Agency"}
    assert sorted(row["object_id"] for row in rows) == sorted(str(a.id) for a in trail["old_agencies"])


def test_the_audit_log_filters_by_action(session, login_as, trail):
    auditor = login_as("auditor")

    rows = log_rows(auditor, "flt0_action_equals=login")

    assert [row["actor"] for row in rows] == [auditor.user.email, "alice@example.org", "bob@example.org", "alice@example.org"]
    assert {row["action"] for row in rows} == {"Login"}


def test_the_audit_log_filters_combine(session, login_as, trail):
    rows = log_rows(login_as("auditor"), "flt0_action_equals=login&flt1_actor_email_equals=bob@example.org")

    assert [(row["actor"], row["action"]) for row in rows] == [("bob@example.org", "Login")]


def test_the_audit_log_filters_by_a_date_range(session, login_as, trail):
    auditor = login_as("auditor")

    in_march = log_rows(auditor, "flt0_when_between=2024-03-01+to+2024-03-31")
    in_2023 = log_rows(auditor, "flt0_when_between=2023-01-01+to+2023-12-31")

    assert sorted(row["object_id"] for row in in_march) == sorted(str(a.id) for a in trail["old_agencies"])
    assert {row["at"] for row in in_march} == {"15 Mar 2024 10:00 UTC"}
    assert in_2023 == []


def test_a_single_day_date_range_includes_the_events_of_that_day(session, login_as, trail):
    rows = log_rows(login_as("auditor"), "flt0_when_between=2024-03-15+to+2024-03-15")

    assert len(rows) == 2 and {row["object_type"] for row in rows} == {"Agency"}


def test_the_audit_log_is_searched_by_case_reference(session, login_as, trail):
    first, second = trail["cases"]

    rows = log_rows(login_as("auditor"), f"search={first.reference}")

    assert rows and {row["object_ref"] for row in rows} == {first.reference}
    assert "Case" in {row["object_type"] for row in rows}
    assert first.reference != second.reference


def test_the_audit_log_filters_by_case_reference(session, login_as, trail):
    first, _ = trail["cases"]

    rows = log_rows(login_as("auditor"), f"flt0_case_reference_contains={first.reference}")

    assert rows and {row["object_ref"] for row in rows} == {first.reference}


def test_the_audit_log_page_runs_no_count_over_the_table(session, login_as, trail, count_queries):
    auditor = login_as("auditor")

    with count_queries() as counter:
        response = auditor.get(f"{LOG}?flt0_action_equals=login")

    assert response.status_code == 200 and list_records(response)
    reading_the_log = [s.lower() for s in counter.statements if "audit_event" in s.lower()]
    assert reading_the_log, "the page did not read the audit log at all"
    assert not [s for s in reading_the_log if "count(" in s]


def test_the_audit_log_runs_no_more_sql_for_a_longer_page(app, session, engine, login_as, count_queries):
    with app.app_context(), engine.begin() as connection:
        audit.write(
            connection,
            [Entry(AuditAction.VIEW, "case", n, f"CSPR-2025-{n:03d}", {"restricted fields shown": []}, streams="children")
             for n in range(1, 131)],
        )
    auditor = login_as("auditor")
    auditor.get(f"{LOG}?page_size=10")  # warm up: anything loaded once per process is loaded now

    with count_queries() as ten:
        short = auditor.get(f"{LOG}?page_size=10")
    with count_queries() as hundred:
        long = auditor.get(f"{LOG}?page_size=100")

    assert (short.status_code, long.status_code) == (200, 200)
    assert len(list_records(short)) == 10
    assert len(list_records(long)) == 100
    assert hundred.count == ten.count, (ten.statements, hundred.statements)


def test_an_auditor_exports_the_audit_log_and_the_export_is_itself_audited(session, login_as, trail):
    auditor = login_as("auditor")

    response = auditor.get(f"{LOG}export/csv/?flt0_action_equals=login")

    rows = csv_rows(response)
    assert [row["Actor"] for row in rows] == [auditor.user.email, "alice@example.org", "bob@example.org", "alice@example.org"]
    assert {row["Action"].lower() for row in rows} == {"login"}
    assert all(row["Request Id"] and row["Ip"] == "127.0.0.1" for row in rows)
    session.expire_all()
    exported = session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.EXPORT).order_by(AuditEvent.id.desc())
    ).first()
    session.commit()
    assert exported is not None
    assert (exported.object_type, exported.actor) == ("audit", auditor.user.email)
    assert exported.reason == "flt0_action_equals=login"


def test_an_export_of_the_audit_log_shows_no_restricted_values(session, login_as):
    case = factories.CaseFactory(subject_legal_name="Quinn Example")
    change(session, case, subject_legal_name="Quinn Renamed")
    auditor = login_as("auditor")

    response = auditor.get(f"{LOG}export/csv/?search={case.reference}")

    assert response.status_code == 200
    assert "Quinn" not in text(response)
    assert "Subject's legal name" in page_text(response)  # that it changed, by its label


def test_an_admin_reads_but_may_not_export_the_audit_log(session, login_as, trail):
    admin = login_as("admin")

    assert admin.get(LOG).status_code == 200
    assert admin.get(f"{LOG}export/csv/").status_code == 403


def test_the_audit_log_cannot_be_changed_through_the_interface(session, login_as, trail):
    admin = login_as("admin")
    event_id = session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).first()
    session.commit()

    assert admin.get(f"{LOG}new/").status_code == 403
    assert admin.get(f"{LOG}edit/?id={event_id}").status_code == 403
    assert admin.post(f"{LOG}delete/", {"id": str(event_id)}).status_code == 403
    session.expire_all()
    assert session.get(AuditEvent, event_id) is not None
