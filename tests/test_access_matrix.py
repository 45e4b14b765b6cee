"""Every route, for every role and for anonymous visitors, answers as the policy table says.

The routes come from `app.url_map`, so a new endpoint is covered the moment it exists; one the
policy does not mention fails this test. CSRF stays on: POSTs carry a real token. A refused POST
must leave the database exactly as it was.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import cast, func, literal, null, select, union_all

from backoffice import clock
from backoffice.models import AuditEvent, Base, PublicText, Theme, TurnaroundRule
from backoffice.models.base import UTCDateTime
from backoffice.policy import PUBLIC, ROUTES, SIGN_IN_STEP, SIGNED_IN, RoleName, roles_allowed
from tests import factories
from tests.conftest import SignedIn, csrf_token
from tests.helpers import csv_rows, text

ROLES = [r.value for r in RoleName]


def admin_views(app) -> dict:
    return {view.endpoint: view for view in app.extensions["admin"][0]._views}


def expected_roles(app, endpoint: str) -> str | frozenset:
    """PUBLIC, SIGNED_IN, or the roles allowed to use `endpoint`; fails for an unlisted endpoint."""
    if endpoint in ROUTES:
        rule = ROUTES[endpoint]
        return rule if isinstance(rule, str) else roles_allowed(*rule)
    view_endpoint, _, method = endpoint.partition(".")
    view = admin_views(app).get(view_endpoint)
    assert view is not None, f"{endpoint} is in no policy: add it to policy.ROUTES or a secure view"
    actions = view.required_actions(method)
    return frozenset().union(*(roles_allowed(view.resource, a) for a in actions)) if actions else frozenset()


@pytest.fixture
def records(session):
    """One record of every kind, in a stream every test user works in."""
    recorder = factories.UserFactory(roles=["panel"])
    decision = factories.DecisionFactory(recorded_by_id=recorder.id)
    family = factories.FamilyFactory(case=decision.case)
    action = factories.ActionFactory(status="completed", completed_date=clock.today(), evidence_outcome="Done.")
    meeting = factories.quorate(factories.AgendaItemFactory(case=decision.case).meeting)
    factories.AttendeeFactory(meeting=meeting, member_role="board")  # so every role "papers" allows may read them
    return {
        "case": decision.case,
        "publication": decision.case,
        "decision": decision,
        "family": family,
        "family_event": factories.FamilyEventFactory(member=family),
        "public_text": session.scalars(select(PublicText)).first(),
        "document": factories.DocumentFactory(case=decision.case),
        "agency": factories.AgencyFactory(),
        "user": recorder,
        "abuse_category": None,
        "contribution": factories.ContributionFactory(case=decision.case, contribution_type="record_check"),
        "turnaround_rule": session.scalars(select(TurnaroundRule)).first(),
        "appointment": factories.AppointmentFactory(case=decision.case),
        "meeting": meeting,
        "meeting_conflict": factories.ConflictFactory(meeting=meeting, case=decision.case),
        "meeting_type": factories.meeting_type(),
        "finding": action.recommendation.finding,
        "recommendation": action.recommendation,
        "action": action,
        "theme": session.scalars(select(Theme)).first(),
        "intake": factories.IncomingReferralFactory(),
    }


def requests_for(app, rule, records) -> list[tuple[str, str, dict]]:
    """The (method, url, form data) to try for one rule: every method it accepts."""
    endpoint = rule.endpoint
    view_endpoint, _, method_name = endpoint.partition(".")
    record = records.get(view_endpoint)
    record_id = getattr(record, "id", 1)
    args: dict = {}
    data: dict = {}
    if "filename" in rule.arguments:
        args["filename"] = "missing.css"
    if "export_type" in rule.arguments:
        args["export_type"] = "csv"
    if "token" in rule.arguments:
        args["token"] = "not-a-valid-token"
    if "document_id" in rule.arguments:
        args["document_id"] = records["document"].id
    if "number" in rule.arguments:
        args["number"] = 1
    if "slug" in rule.arguments:
        args["slug"] = "sar"
    if "page_slug" in rule.arguments:
        args["page_slug"] = "the-adult"
    view = admin_views(app).get(view_endpoint)
    if method_name in ("request_view", "send_view", "approve_set_view"):  # asked of a case, from its page
        args["case_id"] = records["case"].id
    if method_name in {"details_view", "edit_view", "archive_view", "approve_view", "new_version_view", "papers_view",
                       "evidence_view", "reject_view", "duplicate_view", "tell_referrer_view"}:
        args["id"] = record_id
    if method_name == "ajax_lookup":
        args.update(name=next(iter(getattr(view, "_form_ajax_refs", {}) or {"none": 0})), query="a")
    if method_name == "delete_view":
        data["id"] = record_id
    if method_name == "action_view":
        actions = list(getattr(view, "_actions_data", {}) or ["none"])
        data.update(action=actions[0], rowid=record_id)
    if method_name == "ajax_update":
        data["list_form_pk"] = record_id
        for column in view.inline_edit_columns:
            data[column] = "y"
    with app.test_request_context():
        from flask import url_for

        url = url_for(endpoint, **args)
    return [(m, url, data) for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]


def fingerprint(session) -> dict:
    """Row counts and latest change per table: any write a refused request made shows here.
    (The audit trail is left out: a refusal is itself audited, which `last_event` checks.) One
    statement for every table, as this is asked before and after each refused POST."""
    session.expire_all()
    tables = [table for table in Base.metadata.sorted_tables if table.name != "audit_event"]
    counted = union_all(*(
        select(literal(table.name).label("name"), func.count().label("rows"),
               func.max(table.c.updated_at).label("latest") if "updated_at" in table.c
               else cast(null(), UTCDateTime()).label("latest"))
        .select_from(table)
        for table in tables
    ))
    result = {name: (rows, str(latest) if latest is not None else None)
              for name, rows, latest in session.execute(counted)}
    session.commit()
    return result


def last_event(session) -> tuple:
    """The action and reason of the newest audit event."""
    row = session.execute(select(AuditEvent.action, AuditEvent.reason).order_by(AuditEvent.id.desc()).limit(1)).first()
    session.commit()
    return (str(row[0]), row[1]) if row else None


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers.get("Location", "")


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_every_route_answers_as_the_policy_says(app, session, login_as, records, role):
    if role == "anonymous":
        client = app.test_client()
        signed_in = SignedIn(client, None)
        token = csrf_token(client)
    else:
        signed_in = login_as(role)
        token = signed_in.csrf()
    # Steps that change the sign-in itself (second factor, re-verification, signing out) go last.
    steps = {e for e, rule in ROUTES.items() if rule == SIGN_IN_STEP}
    rules = sorted(
        app.url_map.iter_rules(),
        key=lambda r: (r.endpoint == "security.logout", r.endpoint in steps, r.endpoint),
    )
    problems = []
    for rule in rules:
        expected = expected_roles(app, rule.endpoint)
        for method, url, data in requests_for(app, rule, records):
            before = fingerprint(session) if method == "POST" else None
            if method == "POST":
                response = signed_in.client.post(url, data={"csrf_token": token, **data})
            else:
                response = signed_in.client.get(url)
            status = response.status_code
            where = f"{method} {url} ({rule.endpoint}) as {role}: {status}"
            if status >= 500:
                problems.append(f"{where}: server error")
            elif expected == SIGN_IN_STEP:
                if status == 403:
                    problems.append(f"{where}: a step of signing in refused")
            elif expected == PUBLIC:
                if status in (401, 403) or is_login_redirect(response) and rule.endpoint != "security.logout":
                    problems.append(f"{where}: a public page refused")
            elif role == "anonymous":
                if not is_login_redirect(response):
                    problems.append(f"{where}: anonymous visitors must be sent to sign in")
            elif expected == SIGNED_IN or role in expected:
                signed_out = rule.endpoint == "security.logout"  # it signs out, then shows the login page
                if status in (401, 403) or is_login_redirect(response) and not signed_out:
                    problems.append(f"{where}: the policy allows {role}")
            else:
                if status != 403:
                    problems.append(f"{where}: the policy refuses {role}, expected 403")
                if before is not None and fingerprint(session) != before:
                    problems.append(f"{where}: a refused request changed the database")
                if last_event(session) != ("access_denied", f"{method} {url.split('?')[0]}"):
                    problems.append(f"{where}: the refusal was not audited")
    assert not problems, "\n".join(problems)


def test_every_route_is_in_the_policy(app):
    missing = []
    for rule in app.url_map.iter_rules():
        try:
            expected_roles(app, rule.endpoint)
        except AssertionError as exc:
            missing.append(str(exc))
    assert not missing, "\n".join(missing)


def test_nobody_may_hard_delete_anything():
    from backoffice.policy import POLICY

    assert all(not actions.get("delete") for actions in POLICY.values())


def test_admin_alone_does_not_read_case_data():
    for resource in ("case", "decision", "family", "document"):
        assert RoleName.ADMIN not in roles_allowed(resource, "read")


# --- audit rows: the audit log shows each reader only events about records they may read ---------

# Written out by hand rather than read from POLICY, so a change to the policy has to change this too.
# (role, streams) -> the kinds of event its audit log shows.
AUDIT_ROWS_SHOWN = {
    ("auditor", ("children",)): {"children case", "agency", "user", "sign-in"},
    ("auditor", ("adults",)): {"adults case", "agency", "user", "sign-in"},
    ("auditor", ("children", "adults")): {"children case", "adults case", "both streams' export", "agency", "user", "sign-in"},
    ("admin", ("children", "adults", "domestic_abuse")): {"agency", "user", "sign-in"},
}


@pytest.fixture
def audit_rows(app, session, login_as) -> dict[str, set[int]]:
    """Events of every kind, by kind: the audit row ids each kind wrote."""
    def new_rows(make) -> set[int]:
        session.expire_all()
        before = set(session.scalars(select(AuditEvent.id)))
        make()
        session.expire_all()
        rows = set(session.scalars(select(AuditEvent.id))) - before
        session.commit()
        assert rows
        return rows

    exporter = login_as("business_support", streams=["children", "adults"])
    return {
        "children case": new_rows(lambda: factories.CaseFactory(review_type="CSPR", subject_pseudonym="Child K")),
        "adults case": new_rows(lambda: factories.CaseFactory(review_type="SAR", subject_pseudonym="Mr K",
                                                              concerns="A narrative admins must not read")),
        "both streams' export": new_rows(lambda: exporter.get("/admin/case/export/csv/")),
        "agency": new_rows(lambda: factories.AgencyFactory(name="West Marches Police")),
        "user": new_rows(lambda: factories.UserFactory(roles=["panel"])),
        "sign-in": new_rows(lambda: login_as("panel")),
    }


def shown_kinds(audit_rows, ids) -> set[str]:
    return {kind for kind, rows in audit_rows.items() if rows & ids}


@pytest.mark.parametrize("role, streams", AUDIT_ROWS_SHOWN, ids=lambda v: v if isinstance(v, str) else "+".join(v))
def test_the_audit_log_list_details_search_and_export_show_only_readable_events(app, session, login_as, audit_rows,
                                                                                role, streams):
    reader = login_as(role, streams=streams)
    expected = AUDIT_ROWS_SHOWN[(role, streams)]
    every_row = set().union(*audit_rows.values())

    listed = {int(i) for i in re.findall(r"/admin/audit/details/\?id=(\d+)", text(reader.get("/admin/audit/?page_size=100")))}
    opened = {i for i in every_row if reader.get(f"/admin/audit/details/?id={i}").status_code == 200}
    case_refs = [r for r in re.findall(r"(?:CSPR|SAR)-\d{4}-\d{3}", str(session.scalars(select(AuditEvent.object_ref)).all()))]
    session.commit()
    searched = {int(i) for ref in set(case_refs)
                for i in re.findall(r"/admin/audit/details/\?id=(\d+)", text(reader.get(f"/admin/audit/?search={ref}")))}

    assert shown_kinds(audit_rows, listed & every_row) == expected
    assert shown_kinds(audit_rows, opened) == expected
    assert shown_kinds(audit_rows, searched) <= expected
    if role == "auditor":
        exported = csv_rows(reader.get("/admin/audit/export/csv/"))
        readable_types = {{"children": "CSPR", "adults": "SAR"}[s] for s in streams}
        assert {row["Case"].split("-")[0] for row in exported if row["Case"]} == readable_types
    else:
        assert "A narrative admins must not read" not in text(reader.get("/admin/audit/?page_size=100"))
