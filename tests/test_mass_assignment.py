"""Mass assignment: a form only writes the fields the role's form shows.

Every create and edit form is posted with its normal fields plus keys it does not have (ids,
references, states, versions, who-did-what, archive fields, approval fields, file facts, password
hashes and session identifiers...). The extra keys must be ignored: the stored record keeps the
values the server chose. Roles that may not edit get a 403 and nothing changes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import NamedTuple

import pytest
from flask_security import verify_password
from sqlalchemy import select

from backoffice.models import (
    AbuseCategory,
    Agency,
    ApprovalStatus,
    Case,
    DeadlineRule,
    DocumentStatus,
    FamilyEvent,
    FamilyInvolvement,
    Hold,
    Notification,
    PanelDecision,
    PublishedDocument,
    Role,
    User,
)
from tests import factories
from tests.conftest import PASSWORD
from tests.helpers import case_form, count, decision_form, reload, text
from tests.html_pages import form_fields

FAR_PAST = "2000-01-01 00:00:00"


def extras(other_user, other_case=None) -> dict:
    """Keys the forms under test do not have: each names a value the server must choose itself."""
    data = {
        "id": "9999",
        "reference": "EVIL-2000-999",
        "state": "PUBLISHED",
        "version": "42",
        "created_by_id": str(other_user.id),
        "updated_by_id": str(other_user.id),
        "created_at": FAR_PAST,
        "updated_at": FAR_PAST,
        "archived_at": FAR_PAST,
        "archived_by_id": str(other_user.id),
        "archive_reason": "mass assigned",
        "approval_status": "approved",
        "approval_round": "7",
        "approved_at": FAR_PAST,
        "recorded_by_id": str(other_user.id),
        "stored_name": "../../../etc/passwd",
        "sha256": "0" * 64,
        "size_bytes": "1",
        "content_type": "text/html",
        "original_filename": "evil.html",
        "status": "published",
        "publication_date": "2020-01-01",
        "planned_publication_date": "2020-01-01",
        "learning_retained": "mass assigned",
        "decision_date": "2020-01-01",
        "acknowledged_date": "2020-01-01",
        "parent_id": "1",
        "due_date": "2020-01-01",
        "roles": "1",
        "fs_uniquifier": "evil-uniquifier",
        "password": "plain-text-password",
        "failed_logins": "99",
        "locked_until": "2999-01-01 00:00:00",
        "confirmed_at": FAR_PAST,
        "waived_reason": "mass assigned",
        "engagement_status": "engaged",
        "invited_date": "2020-01-01",
        "told_publication_date": "2020-01-01",
        "advocacy_offered": "y",
        "publication_approved_at": FAR_PAST,
        "publication_approved_by_id": str(other_user.id),
        "file_version": "9",
        "file_uploaded_by_id": str(other_user.id),
        "family_id": "1",
    }
    if other_case is not None:
        data["case_id"] = str(other_case.id)
    return data


@pytest.fixture
def other(session):
    """Someone else, whose id the posted extras try to put on the record."""
    return factories.UserFactory(roles=["admin"], full_name="Someone Else")


def assert_untouched_tracking(record, user, *, created: bool, version: int = 1) -> None:
    assert record.id != 9999
    assert record.version == version
    if created:
        assert record.created_by_id == user.id
        assert record.created_at.year != 2000
    assert record.updated_by_id in (user.id, None) or not created
    if hasattr(record, "archived_at"):
        assert record.archived_at is None
        assert record.archive_reason is None
        assert record.archived_by_id is None


# --- cases --------------------------------------------------------------------------------------


def test_business_support_creating_a_case_cannot_choose_its_reference_state_or_author(session, login_as, other):
    signed_in = login_as("business_support")

    response = signed_in.post("/admin/case/new/", {**case_form(), **extras(other)})

    assert response.status_code == 302, text(response)[:2000]
    case = session.scalars(select(Case)).one()
    assert case.reference == "CSPR-2025-001"
    assert case.state == "INCIDENT_REPORTED"
    assert case.created_by_id == signed_in.user.id
    assert case.updated_by_id == signed_in.user.id
    assert_untouched_tracking(case, signed_in.user, created=True)
    assert case.publication_date is None and case.planned_publication_date is None
    assert case.learning_retained is None and case.decision_date is None and case.acknowledged_date is None
    assert case.parent_id is None


def test_business_support_editing_a_case_cannot_change_its_reference_state_or_type(session, login_as, other):
    case = factories.CaseFactory(subject_pseudonym="Child Q")
    reference, state, review_type = case.reference, case.state, case.review_type
    signed_in = login_as("business_support")
    fields = form_fields(signed_in.get(f"/admin/case/edit/?id={case.id}"))

    response = signed_in.post(
        f"/admin/case/edit/?id={case.id}",
        {**fields, **extras(other), "subject_pseudonym": "Child R", "review_type": "DHR"},
    )

    assert response.status_code == 302, text(response)[:2000]
    case = reload(session, case)
    assert case.subject_pseudonym == "Child R"  # the form's own field is saved
    assert (case.reference, case.state, case.review_type) == (reference, state, review_type)
    assert case.version == 2  # one save, whatever version was posted
    assert case.created_by_id is None  # the factory created it; the post cannot claim it
    assert case.updated_by_id == signed_in.user.id
    assert case.archived_at is None and case.archive_reason is None
    assert case.publication_date is None and case.learning_retained is None and case.parent_id is None


# --- decisions ----------------------------------------------------------------------------------


def test_the_panel_recording_a_decision_cannot_approve_it_or_name_another_recorder(session, login_as, other):
    case = factories.CaseFactory()
    signed_in = login_as("panel")

    response = signed_in.post("/admin/decision/new/", {**decision_form(case), **extras(other)})

    assert response.status_code == 302, text(response)[:2000]
    decision = session.scalars(select(PanelDecision)).one()
    assert decision.approval_status == ApprovalStatus.PENDING
    assert decision.approval_round == 1
    assert decision.approved_at is None
    assert decision.recorded_by_id == signed_in.user.id
    assert_untouched_tracking(decision, signed_in.user, created=True)


def test_the_panel_editing_a_decision_leaves_its_approval_fields_alone(session, login_as, other):
    recorder = factories.UserFactory(roles=["panel"])
    decision = factories.DecisionFactory(recorded_by_id=recorder.id)
    case_id = decision.case_id
    signed_in = login_as("panel")
    fields = form_fields(signed_in.get(f"/admin/decision/edit/?id={decision.id}"))
    other_case = factories.CaseFactory()

    response = signed_in.post(
        f"/admin/decision/edit/?id={decision.id}",
        {**fields, **extras(other, other_case), "rationale": "Amended rationale."},
    )

    assert response.status_code == 302, text(response)[:2000]
    decision = reload(session, decision)
    assert decision.rationale == "Amended rationale."
    assert decision.approval_status == ApprovalStatus.PENDING
    assert decision.approval_round == 1
    assert decision.approved_at is None
    assert decision.recorded_by_id == recorder.id
    assert decision.case_id == case_id
    assert decision.version == 2
    assert decision.archived_at is None and decision.archive_reason is None


# --- family ---------------------------------------------------------------------------------------


def family_form(case, **overrides) -> dict:
    data = {
        "case": str(case.id),
        "relationship_to_subject": "Mother",
        "name": "Jane Example",
        "contact_details": "07700 900123",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_business_support_logging_an_event_cannot_choose_whose_it_is_by_id_or_who_logged_it(session, login_as, other):
    member, someone_else = factories.FamilyFactory(), factories.FamilyFactory()
    signed_in = login_as("business_support")

    response = signed_in.post("/admin/family_event/new/", {
        "member": str(member.id), "event_type": "comments_received", "event_date": "2026-01-05",
        **extras(other), "family_id": str(someone_else.id),
    })

    assert response.status_code == 302, text(response)[:2000]
    event = session.scalars(select(FamilyEvent)).one()
    session.commit()
    assert event.family_id == member.id
    assert_untouched_tracking(event, signed_in.user, created=True)


def test_business_support_editing_the_publication_record_cannot_approve_or_publish_it(session, login_as, other):
    case = factories.CaseFactory()
    signed_in = login_as("business_support")
    fields = form_fields(signed_in.get(f"/admin/publication/edit/?id={case.id}"))

    response = signed_in.post(f"/admin/publication/edit/?id={case.id}", {
        **fields, **extras(other), "publication_decision": "full", "anonymised_title": "Child Q",
    })

    assert response.status_code == 302, text(response)[:2000]
    case = reload(session, case)
    assert (case.publication_decision, case.anonymised_title) == ("full", "Child Q")
    assert (case.publication_approved_at, case.publication_approved_by_id) == (None, None)
    assert (case.publication_date, case.state) == (None, "INCIDENT_REPORTED")


# --- documents --------------------------------------------------------------------------------------


def test_business_support_uploading_a_document_cannot_choose_its_status_or_file_facts(session, login_as, other):
    case = factories.CaseFactory()
    signed_in = login_as("business_support")
    content = factories.pdf_bytes()

    response = signed_in.post(
        "/admin/document/new/",
        data={
            **extras(other),
            "case": str(case.id),
            "title": "Overview report",
            "document_type": "overview_report",
            "upload": (io.BytesIO(content), "overview.pdf"),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 302, text(response)[:2000]
    document = session.scalars(select(PublishedDocument)).one()
    import hashlib

    assert document.status == DocumentStatus.DRAFT
    assert document.publication_date is None
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.size_bytes == len(content)
    assert document.content_type == "application/pdf"
    assert document.original_filename == "overview.pdf"
    assert "/" not in document.stored_name and document.stored_name.endswith(".pdf")
    assert_untouched_tracking(document, signed_in.user, created=True)


def test_business_support_editing_a_document_leaves_status_and_file_facts_alone(session, login_as, other):
    document = factories.DocumentFactory(title="Overview report")
    before = (document.status, document.stored_name, document.sha256, document.size_bytes, document.content_type,
              document.original_filename, document.publication_date, document.case_id)
    signed_in = login_as("business_support")
    fields = form_fields(signed_in.get(f"/admin/document/edit/?id={document.id}"))
    other_case = factories.CaseFactory()

    response = signed_in.post(
        f"/admin/document/edit/?id={document.id}", {**fields, **extras(other, other_case), "title": "Overview report v2"}
    )

    assert response.status_code == 302, text(response)[:2000]
    document = reload(session, document)
    assert document.title == "Overview report v2"
    after = (document.status, document.stored_name, document.sha256, document.size_bytes, document.content_type,
             document.original_filename, document.publication_date, document.case_id)
    assert after == before
    assert document.version == 2
    assert document.archived_at is None


# --- the other records: of a case (family, notifications, holds) and reference data -----------------


class Form(NamedTuple):
    """A create form and its edit: who uses it, what it sends for a case, what an edit changes, and
    the values the server keeps whatever is posted."""

    role: str
    endpoint: str
    model: type
    fields: Callable[[Case], dict]
    change: dict
    kept: Callable[[Case], dict] = lambda case: {}


FORMS = {
    "family": Form("business_support", "family", FamilyInvolvement, family_form, {"notes": "Spoke on the phone."},
                   lambda case: {"case_id": case.id, "engagement_status": "not_yet_invited", "invited_date": None,
                                 "told_publication_date": None}),
    "notification": Form("business_support", "notification", Notification, lambda case: {
        "case": str(case.id), "recipient": "dfe", "purpose": "other", "sent_date": "2025-12-01",
        "reference": "DFE-1", "note": ""}, {"reference": "DFE-2"},
        lambda case: {"case_id": case.id, "due_date": None}),  # not in the form: only the deadline rules set it
    "hold": Form("business_support", "hold", Hold, lambda case: {
        "case": str(case.id), "reason": "inquest", "detail": "Inquest listed.", "start_date": "2025-12-01",
        "end_date": ""}, {"detail": "Adjourned."}, lambda case: {"case_id": case.id}),
    **{f"agency ({role})": Form(role, "agency", Agency, lambda case: {
        "name": "West Marches Police", "agency_type": "police", "safeguarding_lead": "DI Marsh",
        "safeguarding_lead_contact": "", "active": "y"}, {"safeguarding_lead": "DI Lee"})
       for role in ("business_support", "admin")},
    "abuse category": Form("admin", "abuse_category", AbuseCategory, lambda case: {"name": "Cuckooing", "active": "y"},
                           {"name": "County lines"}),
    "deadline rule": Form("admin", "deadline_rule", DeadlineRule, lambda case: {
        "review_type": "SAR", "stage": "referral", "milestone": "LOCAL_ACK", "label": "Local acknowledgement",
        "anchor": "referral_date", "offset": "5", "unit": "working_days", "met_by": "acknowledged_date",
        "responsible_role": "business_support", "source": "Local procedure", "effective_from": "2020-01-01",
        "effective_to": ""}, {"label": "Local acknowledgement of a referral"}),
}


@pytest.mark.parametrize("form", FORMS)
def test_creating_and_editing_a_record_ignore_extra_keys(session, login_as, other, form):
    role, endpoint, model, fields_for, change, kept = FORMS[form]
    case, other_case = factories.CaseFactory(), factories.CaseFactory()
    signed_in = login_as(role)

    created = signed_in.post(f"/admin/{endpoint}/new/", {**fields_for(case), **extras(other, other_case)})

    assert created.status_code == 302, text(created)[:2000]
    record = session.scalars(select(model).where(model.created_by_id == signed_in.user.id)).one()
    session.commit()
    assert {name: getattr(record, name) for name in kept(case)} == kept(case)
    assert_untouched_tracking(record, signed_in.user, created=True)

    fields = form_fields(signed_in.get(f"/admin/{endpoint}/edit/?id={record.id}"))
    edited = signed_in.post(f"/admin/{endpoint}/edit/?id={record.id}",
                            {**fields, **extras(other, other_case), **{k: str(v) for k, v in change.items()}})

    assert edited.status_code == 302, text(edited)[:2000]
    record = reload(session, record)
    assert {name: getattr(record, name) for name in change} == change
    assert {name: getattr(record, name) for name in kept(case)} == kept(case)
    assert_untouched_tracking(record, signed_in.user, created=True, version=2)


def test_the_agency_inline_edit_only_changes_the_inline_column(session, login_as, other):
    agency = factories.AgencyFactory(name="West Marches Police", safeguarding_lead="DI Marsh")
    signed_in = login_as("business_support")

    response = signed_in.post(
        "/admin/agency/ajax/update/",
        {"list_form_pk": str(agency.id), "active": "", "name": "Renamed", "safeguarding_lead": "Someone",
         **extras(other)},
    )

    assert response.status_code == 200, text(response)[:2000]
    agency = reload(session, agency)
    assert agency.active is False
    assert (agency.name, agency.safeguarding_lead) == ("West Marches Police", "DI Marsh")
    assert agency.version == 2 and agency.created_by_id is None


# --- users ------------------------------------------------------------------------------------------


def role_id(session, name: str) -> str:
    value = session.scalars(select(Role.id).where(Role.name == name)).one()
    session.commit()
    return str(value)


def test_admin_creating_a_user_cannot_set_the_hash_uniquifier_or_lock(app, session, login_as, other):
    signed_in = login_as("admin")
    new_password = "a long enough new password 42"

    response = signed_in.post(
        "/admin/user/new/",
        {
            **extras(other),
            "email": "new.user@example.org",
            "full_name": "New User",
            "roles": role_id(session, "panel"),
            "streams": "children",
            "active": "y",
            "new_password": new_password,
        },
    )

    assert response.status_code == 302, text(response)[:2000]
    user = session.scalars(select(User).where(User.email == "new.user@example.org")).one()
    session.commit()
    assert user.id != 9999
    assert user.fs_uniquifier != "evil-uniquifier"
    assert user.password != "plain-text-password"
    with app.app_context():
        assert verify_password(new_password, user.password)
    assert user.failed_logins == 0 and user.locked_until is None and user.confirmed_at is None
    assert user.created_at.year != 2000
    assert user.role_names == ["panel"] and [str(s) for s in user.streams] == ["children"]


def test_admin_editing_a_user_keeps_the_password_and_uniquifier_unless_a_new_password_is_given(
    app, session, login_as, other
):
    user = factories.UserFactory(roles=["panel"], full_name="Pat Panel")
    password, uniquifier = user.password, user.fs_uniquifier
    signed_in = login_as("admin")
    page = f"/admin/user/edit/?id={user.id}"

    # "roles" is a field of the admin's form: the extras leave it as the form shows it.
    extra = {k: v for k, v in extras(other).items() if k != "roles"}
    response = signed_in.post(page, {**form_fields(signed_in.get(page)), **extra, "full_name": "Pat P. Panel"})

    assert response.status_code == 302, text(response)[:2000]
    user = reload(session, user)
    assert user.full_name == "Pat P. Panel"
    assert (user.password, user.fs_uniquifier) == (password, uniquifier)
    assert user.failed_logins == 0 and user.locked_until is None and user.confirmed_at is None
    assert user.role_names == ["panel"]

    new_password = "another long enough password 7"
    response = signed_in.post(page, {**form_fields(signed_in.get(page)), **extra, "new_password": new_password})

    assert response.status_code == 302, text(response)[:2000]
    user = reload(session, user)
    session.commit()
    with app.app_context():
        assert verify_password(new_password, user.password)
        assert not verify_password(PASSWORD, user.password)
    assert user.password != "plain-text-password"
    assert user.fs_uniquifier not in (uniquifier, "evil-uniquifier")
    assert user.failed_logins == 0 and user.locked_until is None


# --- roles that may not edit -------------------------------------------------------------------------


def _records(session):
    case = factories.CaseFactory(subject_legal_name="Quinn Example", is_restricted=False)
    return {
        "case": case,
        "decision": factories.DecisionFactory(case=case),
        "family": factories.FamilyFactory(case=case),
        "document": factories.DocumentFactory(case=case),
        "notification": _notification(session, case),
        "hold": factories.HoldFactory(case=case),
        "agency": factories.AgencyFactory(),
        "abuse_category": session.scalars(select(AbuseCategory)).first(),
        "user": factories.UserFactory(roles=["panel"], full_name="Pat Panel"),
        "deadline_rule": factories.DeadlineRuleFactory(),
    }


def _notification(session, case):
    notification = Notification(case=case, recipient="dfe", purpose="other", reference="DFE-1")
    session.add(notification)
    session.commit()
    return notification


def _snapshot(session, record) -> dict:
    session.expire_all()
    fresh = session.get(type(record), record.id)
    values = {c.key: getattr(fresh, c.key) for c in type(record).__mapper__.column_attrs}
    session.commit()
    return values


HOSTILE = {
    "subject_legal_name": "Changed Name", "subject_pseudonym": "Changed", "is_restricted": "y", "rationale": "Changed",
    "relationship_to_subject": "Changed", "title": "Changed", "reference": "Changed", "detail": "Changed",
    "name": "Changed", "full_name": "Changed", "email": "changed@example.org", "active": "", "label": "Changed",
    "offset": "99", "new_password": "a long enough new password 42", "roles": "5",
}

REFUSED = [
    # (role, endpoint) for roles without edit (and create) rights on it
    ("auditor", "case"), ("auditor", "decision"), ("auditor", "family"), ("auditor", "document"),
    ("auditor", "notification"), ("auditor", "hold"), ("auditor", "agency"), ("auditor", "abuse_category"),
    ("auditor", "user"), ("auditor", "deadline_rule"),
    ("board", "case"), ("board", "decision"), ("board", "family"), ("board", "document"), ("board", "notification"),
    ("board", "hold"), ("board", "agency"), ("board", "abuse_category"), ("board", "user"), ("board", "deadline_rule"),
    ("panel", "case"), ("panel", "family"), ("panel", "document"), ("panel", "user"),
    ("business_support", "decision"), ("business_support", "user"), ("business_support", "deadline_rule"),
    ("admin", "case"), ("admin", "decision"),
]


@pytest.mark.parametrize(("role", "endpoint"), REFUSED, ids=[f"{r}-{e}" for r, e in REFUSED])
def test_roles_without_edit_rights_get_403_and_nothing_changes(session, login_as, other, role, endpoint):
    records = _records(session)
    record = records[endpoint]
    signed_in = login_as(role)
    before = _snapshot(session, record)
    total = count(session, type(record))

    edited = signed_in.post(f"/admin/{endpoint}/edit/?id={record.id}", {**HOSTILE, **extras(other)})
    created = signed_in.post(f"/admin/{endpoint}/new/", {**HOSTILE, **extras(other)})

    assert edited.status_code == 403, text(edited)[:500]
    assert created.status_code == 403, text(created)[:500]
    assert _snapshot(session, record) == before
    assert count(session, type(record)) == total


@pytest.mark.parametrize("role", ["auditor", "board", "panel"])
def test_roles_without_edit_rights_cannot_use_the_agency_inline_edit(session, login_as, other, role):
    agency = factories.AgencyFactory(name="West Marches Police")
    before = _snapshot(session, agency)
    signed_in = login_as(role)

    response = signed_in.post(
        "/admin/agency/ajax/update/", {"list_form_pk": str(agency.id), "active": "", "name": "Renamed", **extras(other)}
    )

    assert response.status_code == 403, text(response)[:500]
    assert _snapshot(session, agency) == before
