"""The audit trail records every change, read and sign-in, whatever path made it.

Changes are captured at flush from attribute history and written in the same transaction: a form,
an inline edit, an action, a lifecycle step, a board approval, an archive, the command line and
the demo loader all leave exactly the events they should, with the values before and after.
Restricted values are kept apart from ordinary ones and secrets are never written. If the audit
row cannot be written the change is not made; bulk statements that would bypass the trail are
refused. Reads of case data, exports, downloads, sign-ins and refusals are recorded too.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import delete, func, select, update

from backoffice.domain import audit
from backoffice.domain.audit import AuditError, verify
from backoffice.models import AuditAction, AuditEvent, Case, PanelDecision, User
from tests import factories
from tests.conftest import PASSWORD, csrf_token, sign_in
from tests.helpers import case_form, count, reload, text
from tests.html_pages import form_fields

SYSTEM_FIELDS = {"updated_at", "updated_by_id", "version"}  # stamped on every update of a tracked record


# --- helpers -----------------------------------------------------------------------------------


def last_event_id(session) -> int:
    """The id of the newest audit event now (0 if none): events after it are the ones a step wrote."""
    session.expire_all()
    newest = session.scalar(select(func.max(AuditEvent.id))) or 0
    session.commit()
    return newest


def events_since(session, after_id: int, **where) -> list[AuditEvent]:
    """The audit events written after `after_id`, oldest first, optionally only those matching `where`."""
    session.expire_all()
    query = select(AuditEvent).where(AuditEvent.id > after_id).order_by(AuditEvent.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    rows = list(session.scalars(query))
    session.commit()
    return rows


def changes_of(event: AuditEvent) -> dict:
    return json.loads(event.changes) if event.changes else {}


def restricted_of(event: AuditEvent) -> dict:
    return json.loads(event.restricted_changes) if event.restricted_changes else {}


def business_fields(event: AuditEvent) -> set[str]:
    """The fields an update changed, leaving out the stamps every update carries."""
    return set(changes_of(event)) - SYSTEM_FIELDS


def row_text(event: AuditEvent) -> str:
    """Every column of the stored audit row, as one string (to look for what must never be there)."""
    return " ".join(str(getattr(event, c.key)) for c in AuditEvent.__table__.columns)


def edit_url(case: Case) -> str:
    """The case's edit form (opened with form_fields, saved by posting it back)."""
    return f"/admin/case/edit/?id={case.id}"


# --- changes through the forms -------------------------------------------------------------------


def test_a_case_created_through_the_form_writes_one_create_event_with_who_when_and_where(session, login_as):
    signed_in = login_as("business_support", "auditor")
    before = last_event_id(session)

    response = signed_in.post(
        "/admin/case/new/",
        case_form(subject_legal_name="Quinn Example", subject_dob="2015-01-02"),
        headers={"X-Request-ID": "trace-create-case-1"},
    )

    assert response.status_code == 302, text(response)[:2000]
    case = session.scalars(select(Case)).one()
    (event,) = events_since(session, before, object_type="case")
    assert event.action == AuditAction.CREATE
    assert (event.object_id, event.object_ref) == (case.id, "CSPR-2025-001")
    assert (event.actor_id, event.actor) == (signed_in.user.id, signed_in.user.email)
    assert event.actor_roles == "auditor,business_support"
    assert event.request_id == response.headers["X-Request-ID"] == "trace-create-case-1"
    assert event.ip == "127.0.0.1"
    changes = changes_of(event)
    assert changes["subject_pseudonym"] == [None, "Child Q"]
    assert changes["reference"] == [None, "CSPR-2025-001"]
    assert changes["state"] == [None, "INCIDENT_REPORTED"]
    assert changes["incident_date"] == [None, "2025-03-01"]
    assert changes["version"] == [None, 1]
    # Restricted values are kept apart, never among the ordinary changes.
    assert "subject_legal_name" not in changes and "subject_dob" not in changes
    assert "Quinn Example" not in event.changes
    assert restricted_of(event) == {"subject_legal_name": [None, "Quinn Example"], "subject_dob": [None, "2015-01-02"]}


def test_every_event_of_a_request_carries_the_request_id_the_app_gave_it(session, login_as):
    signed_in = login_as("business_support")
    before = last_event_id(session)

    response = signed_in.post("/admin/case/new/", case_form())

    assert response.status_code == 302, text(response)[:2000]
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 36  # a generated UUID when the caller sent none
    written = events_since(session, before)
    assert written, "the request wrote no audit events"
    assert {e.request_id for e in written} == {request_id}
    # Whatever else the request created belongs to the new case.
    assert {e.object_ref for e in written} == {"CSPR-2025-001"}
    assert {e.action for e in written} == {AuditAction.CREATE}


def test_a_form_edit_records_only_the_fields_changed_with_before_and_after_and_the_version_moves_on(session, login_as):
    case = factories.CaseFactory(subject_pseudonym="Child Old", referrer_name="A Referrer")
    signed_in = login_as("business_support")
    form = form_fields(signed_in.get(edit_url(case)))
    assert form["loaded_version"] == "1"
    before = last_event_id(session)

    response = signed_in.post(edit_url(case), {**form, "subject_pseudonym": "Child New", "referrer_name": "B Referrer"})

    assert response.status_code == 302, text(response)[:3000]
    assert reload(session, case).version == 2
    session.commit()
    (event,) = events_since(session, before, object_type="case")
    assert event.action == AuditAction.UPDATE
    assert (event.object_id, event.object_ref, event.actor) == (case.id, case.reference, signed_in.user.email)
    assert business_fields(event) == {"subject_pseudonym", "referrer_name"}
    changes = changes_of(event)
    assert changes["subject_pseudonym"] == ["Child Old", "Child New"]
    assert changes["referrer_name"] == ["A Referrer", "B Referrer"]
    assert event.restricted_changes is None  # no restricted value changed
    assert [e.object_type for e in events_since(session, before)] == ["case"]  # and nothing else was written


def test_an_update_event_records_the_version_it_produced(session, login_as):
    """The version travels in the trail: refusing a stale save names who changed what from it."""
    case = factories.CaseFactory(subject_pseudonym="Child Old")
    signed_in = login_as("business_support")
    form = form_fields(signed_in.get(edit_url(case)))
    before = last_event_id(session)

    response = signed_in.post(edit_url(case), {**form, "subject_pseudonym": "Child New"})

    assert response.status_code == 302, text(response)[:3000]
    assert reload(session, case).version == 2
    session.commit()
    (event,) = events_since(session, before, object_type="case")
    assert changes_of(event).get("version") == [1, 2]


def test_a_form_edit_of_a_restricted_field_records_it_only_among_the_restricted_changes(session, login_as):
    case = factories.CaseFactory(subject_legal_name="Old Legal Name")
    signed_in = login_as("business_support")
    form = form_fields(signed_in.get(edit_url(case)))
    before = last_event_id(session)

    response = signed_in.post(edit_url(case), {**form, "subject_legal_name": "New Legal Name"})

    assert response.status_code == 302, text(response)[:3000]
    (event,) = events_since(session, before, object_type="case")
    assert event.action == AuditAction.UPDATE
    assert business_fields(event) == set()
    assert restricted_of(event) == {"subject_legal_name": ["Old Legal Name", "New Legal Name"]}
    assert "Legal Name" not in (event.changes or "")


def test_an_inline_edit_on_the_list_writes_an_update_event(session, login_as):
    agency = factories.AgencyFactory(name="West Marches Police", active=True)
    signed_in = login_as("business_support")
    before = last_event_id(session)

    response = signed_in.post("/admin/agency/ajax/update/", {"list_form_pk": str(agency.id), "active": ""})

    assert response.status_code == 200, text(response)
    assert reload(session, agency).active is False
    session.commit()
    (event,) = events_since(session, before)
    assert (event.action, event.object_type, event.object_id) == (AuditAction.UPDATE, "agency", agency.id)
    assert event.actor == signed_in.user.email
    assert business_fields(event) == {"active"}
    assert changes_of(event)["active"] == [True, False]


def test_a_board_action_approving_a_document_writes_an_update_event_for_its_status(session, login_as):
    document = factories.DocumentFactory(status="draft")
    board = login_as("board")
    before = last_event_id(session)

    response = board.post("/admin/document/action/", {"action": "approve", "rowid": str(document.id)})

    assert response.status_code == 302, text(response)[:2000]
    assert reload(session, document).status == "approved"
    session.commit()
    (event,) = events_since(session, before, object_type="document")
    assert (event.action, event.object_id, event.object_ref) == (AuditAction.UPDATE, document.id, document.case.reference)
    assert event.actor == board.user.email
    assert changes_of(event)["status"] == ["draft", "approved"]
    assert business_fields(event) == {"status"}
    assert [e.object_type for e in events_since(session, before)] == ["document"]


def test_a_lifecycle_step_writes_a_transition_event_for_the_case_and_one_for_its_timeline_entry(session, login_as):
    case = factories.CaseFactory(review_type="SAR", state="REFERRAL_RECEIVED", subject_dob=date(1950, 1, 1))
    signed_in = login_as("business_support")
    before = last_event_id(session)

    response = signed_in.post(
        f"/admin/case/transition/?id={case.id}&step=acknowledge", {"acknowledged_date": "2025-11-10", "note": ""}
    )

    assert response.status_code == 302, text(response)[:3000]
    assert reload(session, case).state == "ACKNOWLEDGED"
    session.commit()
    (case_event,) = events_since(session, before, object_type="case")
    assert case_event.action == AuditAction.TRANSITION
    assert (case_event.object_id, case_event.object_ref) == (case.id, case.reference)
    assert changes_of(case_event)["state"] == ["REFERRAL_RECEIVED", "ACKNOWLEDGED"]
    assert changes_of(case_event)["acknowledged_date"] == [None, "2025-11-10"]
    (log_event,) = events_since(session, before, object_type="transition_log")
    assert log_event.action == AuditAction.TRANSITION
    assert log_event.object_ref == case.reference
    log_changes = changes_of(log_event)
    assert log_changes["transition"] == [None, "acknowledge"]
    assert (log_changes["from_state"], log_changes["to_state"]) == ([None, "REFERRAL_RECEIVED"], [None, "ACKNOWLEDGED"])
    assert log_changes["actor_id"] == [None, signed_in.user.id]
    assert {case_event.actor, log_event.actor} == {signed_in.user.email}
    # Anything else the step wrote is the case's own clock (deadlines, notifications), and says so.
    others = [e for e in events_since(session, before) if e.object_type not in ("case", "transition_log")]
    assert {e.object_type for e in others} <= {"deadline", "notification"}
    assert {e.object_ref for e in others} <= {case.reference}


def test_a_board_approval_of_a_decision_writes_an_approve_event_and_the_status_change(session, login_as):
    recorder = factories.UserFactory(roles=["panel"])
    decision = factories.DecisionFactory(recorded_by_id=recorder.id)
    board = login_as("board")
    before = last_event_id(session)

    response = board.post(f"/admin/decision/approve/?id={decision.id}", {"outcome": "approve", "comment": ""})

    assert response.status_code == 302, text(response)[:3000]
    assert reload(session, decision).approval_status == "approved"
    session.commit()
    (approval,) = events_since(session, before, object_type="decision_approval")
    assert approval.action == AuditAction.APPROVE
    assert approval.object_ref == decision.case.reference
    assert approval.actor == board.user.email
    assert changes_of(approval)["outcome"] == [None, "approve"]
    assert changes_of(approval)["approver_id"] == [None, board.user.id]
    (status,) = events_since(session, before, object_type="decision")
    assert (status.action, status.object_id) == (AuditAction.UPDATE, decision.id)
    assert changes_of(status)["approval_status"] == ["pending", "approved"]
    assert sorted(e.object_type for e in events_since(session, before)) == ["decision", "decision_approval"]


def test_archiving_a_case_writes_an_archive_event_with_the_reason(session, login_as):
    case = factories.CaseFactory()
    signed_in = login_as("business_support")
    before = last_event_id(session)

    response = signed_in.post(f"/admin/case/archive/?id={case.id}", {"reason": "Duplicate of another referral."})

    assert response.status_code == 302, text(response)[:2000]
    session.commit()
    (event,) = events_since(session, before, object_type="case")
    assert (event.action, event.object_id, event.object_ref) == (AuditAction.ARCHIVE, case.id, case.reference)
    assert event.reason == "Duplicate of another referral."
    assert event.actor == signed_in.user.email
    changes = changes_of(event)
    assert changes["archive_reason"] == [None, "Duplicate of another referral."]
    assert changes["archived_at"][0] is None and changes["archived_at"][1]
    assert changes["archived_by_id"] == [None, signed_in.user.id]
    # Anything archived along with the case is one of its own records, archived with a reason too.
    others = [e for e in events_since(session, before) if e.object_type != "case"]
    assert {(e.action, e.object_ref) for e in others} <= {(AuditAction.ARCHIVE, case.reference)}
    assert all(e.reason for e in others)


def test_a_change_to_a_record_loaded_before_a_commit_still_records_the_value_before(session):
    """After a commit every loaded record is expired; whatever path changes it next, the trail
    must still say what the value was, not that there was none."""
    case = factories.CaseFactory(subject_pseudonym="Child Old")  # committed, so expired
    before = last_event_id(session)

    case.subject_pseudonym = "Child New"
    session.commit()

    (event,) = events_since(session, before, object_type="case")
    assert event.action == AuditAction.UPDATE
    assert changes_of(event)["subject_pseudonym"] == ["Child Old", "Child New"]


# --- changes outside a request -------------------------------------------------------------------


def test_a_user_created_on_the_command_line_is_audited_without_the_password_or_its_hash(app, session):
    before = last_event_id(session)

    result = app.test_cli_runner().invoke(
        args=["users", "create", "chair@example.org", "--role", "board", "--password-stdin"],
        input="a long enough passphrase\n",
    )

    assert result.exit_code == 0, result.output
    user = session.scalars(select(User).where(User.email == "chair@example.org")).one()
    (event,) = events_since(session, before, object_type="user")
    assert (event.action, event.object_id) == (AuditAction.CREATE, user.id)
    assert event.actor == "system (command line)" and event.request_id is None
    changes = changes_of(event)
    assert changes["email"] == [None, "chair@example.org"]
    assert changes["password"] == [None, "(changed)"]
    assert changes["roles"][0] == [] and [name.lower() for name in changes["roles"][1]] == ["board"]
    assert user.password and user.password not in row_text(event)
    assert "a long enough passphrase" not in row_text(event)


def test_loading_the_demo_writes_audit_events_that_verify(app, session, engine):
    result = app.test_cli_runner().invoke(args=["demo", "load"])

    assert result.exit_code == 0, result.output
    session.expire_all()
    cases = set(session.scalars(select(Case.id)))
    created = set(
        session.scalars(select(AuditEvent.object_id).where(AuditEvent.object_type == "case", AuditEvent.action == "create"))
    )
    session.commit()
    assert count(session, AuditEvent) > 0
    assert cases and cases <= created  # every demo case was audited as it was created
    with engine.connect() as connection:
        assert verify(connection, app.config["AUDIT_KEY"].encode()) is None


# --- a change whose audit row cannot be written is not made --------------------------------------


def _refuse(*args, **kwargs):
    raise RuntimeError("the audit store is unavailable")


@pytest.mark.parametrize("broken", ["row_hash", "write"])
def test_a_form_save_whose_audit_row_cannot_be_written_saves_nothing_and_says_so(
    session, login_as, monkeypatch, broken
):
    signed_in = login_as("business_support")  # signed in (and audited) before the trail breaks
    token = signed_in.csrf()
    events_before = count(session, AuditEvent)
    monkeypatch.setattr(audit, broken, _refuse)

    response = signed_in.client.post("/admin/case/new/", data={**case_form(), "csrf_token": token})

    monkeypatch.undo()
    assert count(session, Case) == 0
    assert count(session, AuditEvent) == events_before
    body = text(response)
    assert response.status_code == 200  # the form again, with the message above it
    assert "Nothing was saved because of an unexpected error" in body
    assert 'name="subject_pseudonym"' in body
    assert "Traceback" not in body and "RuntimeError" not in body and "audit store" not in body


def test_a_lifecycle_step_whose_audit_row_cannot_be_written_leaves_the_case_where_it_was(session, login_as, monkeypatch):
    case = factories.CaseFactory(review_type="SAR", state="REFERRAL_RECEIVED", subject_dob=date(1950, 1, 1))
    signed_in = login_as("business_support")
    token = signed_in.csrf()
    monkeypatch.setattr(audit, "row_hash", _refuse)

    response = signed_in.client.post(
        f"/admin/case/transition/?id={case.id}&step=acknowledge",
        data={"acknowledged_date": "2025-11-10", "note": "", "csrf_token": token},
    )

    monkeypatch.undo()
    session.expire_all()
    assert session.get(Case, case.id).state == "REFERRAL_RECEIVED"
    assert session.get(Case, case.id).acknowledged_date is None
    session.commit()
    body = text(response)
    assert response.status_code == 500
    assert "Nothing was saved" in body and "Traceback" not in body and "RuntimeError" not in body


# --- bulk statements that would bypass the trail -------------------------------------------------


def test_a_bulk_update_of_cases_is_refused_and_changes_nothing(session):
    case = factories.CaseFactory(subject_pseudonym="Child Kept")

    with pytest.raises(AuditError):
        session.execute(update(Case).values(subject_pseudonym="Child Renamed in bulk"))
    session.rollback()
    with pytest.raises(AuditError):
        session.execute(update(Case).where(Case.id == case.id).values(state="CLOSED"))
    session.rollback()
    with pytest.raises(AuditError):
        session.query(Case).filter(Case.id == case.id).update({"subject_pseudonym": "Legacy query"})
    session.rollback()

    kept = reload(session, case)
    assert (kept.subject_pseudonym, kept.state, kept.version) == ("Child Kept", "INCIDENT_REPORTED", 1)


def test_a_bulk_delete_of_cases_is_refused_and_deletes_nothing(session):
    factories.CaseFactory()
    factories.CaseFactory()

    with pytest.raises(AuditError):
        session.execute(delete(Case))
    session.rollback()
    with pytest.raises(AuditError):
        session.execute(delete(PanelDecision).where(PanelDecision.id > 0))
    session.rollback()

    assert count(session, Case) == 2


# --- reads, exports, downloads, sign-ins and refusals --------------------------------------------


def test_business_support_opening_a_case_is_recorded_with_the_restricted_fields_shown(session, login_as):
    case = factories.CaseFactory(subject_legal_name="Quinn Example", subject_dob=date(2015, 1, 2))
    signed_in = login_as("business_support")
    before = last_event_id(session)

    response = signed_in.get(f"/admin/case/details/?id={case.id}")

    assert response.status_code == 200
    (event,) = events_since(session, before)
    assert (event.action, event.object_type, event.object_id, event.object_ref) == (
        AuditAction.VIEW, "case", case.id, case.reference
    )
    assert event.actor == signed_in.user.email
    assert event.request_id == response.headers["X-Request-ID"]
    before, shown = changes_of(event)["restricted fields shown"]
    assert before is None and sorted(shown) == ["subject_dob", "subject_legal_name"]
    assert "Quinn Example" not in row_text(event)  # which fields were shown, never their values


def test_the_panel_opening_a_case_is_recorded_with_no_restricted_fields_shown(session, login_as):
    case = factories.CaseFactory(subject_legal_name="Quinn Example")
    signed_in = login_as("panel")
    before = last_event_id(session)

    response = signed_in.get(f"/admin/case/details/?id={case.id}")

    assert response.status_code == 200
    assert "Quinn Example" not in text(response)
    (event,) = events_since(session, before)
    assert (event.action, event.object_id, event.actor) == (AuditAction.VIEW, case.id, signed_in.user.email)
    assert "restricted fields shown" not in changes_of(event)


def test_opening_a_case_outside_the_users_streams_is_not_recorded_as_a_view(session, login_as):
    case = factories.CaseFactory()  # a CSPR: the children stream
    signed_in = login_as("business_support", streams=["adults"])
    before = last_event_id(session)

    signed_in.get(f"/admin/case/details/?id={case.id}")

    assert events_since(session, before, action=AuditAction.VIEW) == []


def test_a_csv_export_is_recorded(session, login_as):
    factories.CaseFactory()
    signed_in = login_as("business_support")
    before = last_event_id(session)

    response = signed_in.get("/admin/case/export/csv/?search=CSPR")

    assert response.status_code == 200
    (event,) = events_since(session, before)
    assert (event.action, event.object_type, event.actor) == (AuditAction.EXPORT, "case", signed_in.user.email)
    assert event.reason == "search=CSPR"  # what was exported: the list's search and filters


def test_a_document_download_is_recorded(session, login_as):
    document = factories.DocumentFactory()
    signed_in = login_as("panel")
    before = last_event_id(session)

    response = signed_in.get(f"/documents/{document.id}/download")

    assert response.status_code == 200
    (event,) = events_since(session, before)
    assert (event.action, event.object_type, event.object_id, event.object_ref) == (
        AuditAction.DOWNLOAD, "document", document.id, document.case.reference
    )
    assert event.actor == signed_in.user.email


def test_a_sign_in_is_recorded(app, session):
    user = factories.UserFactory(roles=["panel"])
    before = last_event_id(session)

    response = sign_in(app.test_client(), user.email)

    assert response.status_code == 302
    (event,) = events_since(session, before)
    assert (event.action, event.object_type, event.object_id) == (AuditAction.LOGIN, "user", user.id)
    assert (event.actor_id, event.actor, event.actor_roles) == (user.id, user.email, "panel")
    assert event.ip == "127.0.0.1" and event.request_id


def test_a_wrong_password_is_recorded_as_a_failed_sign_in_without_the_password(app, session):
    user = factories.UserFactory(roles=["panel"])
    client = app.test_client()
    before = last_event_id(session)
    wrong = "not the right passphrase 42"

    response = client.post("/login", data={"email": user.email, "password": wrong, "csrf_token": csrf_token(client)})

    assert response.status_code == 200  # the form again, not the back office
    counted, event = events_since(session, before)  # the account's failed-attempt count, then the failure
    assert (counted.action, counted.object_id, changes_of(counted)["failed_logins"]) == (AuditAction.UPDATE, user.id, [0, 1])
    assert (event.action, event.object_type, event.object_id) == (AuditAction.FAILED_LOGIN, "user", user.id)
    assert event.actor_id is None
    assert user.email in event.reason
    stored = row_text(event)
    assert wrong not in stored and PASSWORD not in stored and user.password not in stored


def test_a_failed_sign_in_from_the_web_is_not_attributed_to_the_command_line(app, session):
    user = factories.UserFactory(roles=["panel"])
    client = app.test_client()
    before = last_event_id(session)

    client.post("/login", data={"email": user.email, "password": "wrong passphrase 42", "csrf_token": csrf_token(client)})

    events = events_since(session, before)
    assert [e.action for e in events] == [AuditAction.UPDATE, AuditAction.FAILED_LOGIN]  # the count, the failure
    for event in events:
        assert event.ip == "127.0.0.1" and event.request_id  # it came over the web...
        assert "command line" not in (event.actor or "")  # ...so the trail must not say it came from the CLI


def test_a_refused_request_is_recorded_as_access_denied_with_its_path(session, login_as):
    signed_in = login_as("panel")
    before = last_event_id(session)

    response = signed_in.get("/admin/audit/?search=CSPR")

    assert response.status_code == 403
    (event,) = events_since(session, before)
    assert event.action == AuditAction.ACCESS_DENIED
    assert (event.actor_id, event.actor, event.actor_roles) == (signed_in.user.id, signed_in.user.email, "panel")
    assert event.reason == "GET /admin/audit/"
    assert event.request_id == response.headers["X-Request-ID"]


def test_a_refused_form_post_is_recorded_and_writes_nothing_else(session, login_as):
    signed_in = login_as("panel")
    before = last_event_id(session)

    response = signed_in.post("/admin/case/new/", case_form())

    assert response.status_code == 403
    assert count(session, Case) == 0
    assert [(e.action, e.reason) for e in events_since(session, before)] == [
        (AuditAction.ACCESS_DENIED, "POST /admin/case/new/")
    ]
