"""Stored cross-site scripting and spreadsheet formula injection, through the real pages.

A script payload is stored in every free-text field of every model (through the factories and the
test's own session), then every page that shows those fields is fetched as a role that may see
them: lists, details, edit forms, the case page (timeline, deadlines, notifications, holds),
History pages, the audit log, the home page, the approve and transition pages, and the flash
messages of failed saves that echo a value. The raw payload must never reach the HTML unescaped,
and each value must still be shown (escaped) where the page shows it.

CSV exports must neutralise cells a spreadsheet would run as a formula (= + - @ tab, carriage
return) with a leading single quote.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select


from backoffice.models import (
    AbuseCategory,
    AuditAction,
    AuditEvent,
    CaseAgency,
    CriterionAssessment,
    Deadline,
    DecisionApproval,
    DocumentStatus,
    Notification,
    TransitionLog,
    utcnow,
)
from tests import factories
from tests.helpers import csv_rows, text, today

RAW_MARKERS = ("<script>alert(", "<img src=x onerror", "<script", "onerror=alert(1)>")


def xss(tag: str) -> str:
    """A payload that runs script if shown unescaped; `tag` tells the fields apart."""
    return f'<script>alert("{tag}")</script><img src=x onerror=alert(1)>"\''


def assert_no_raw_payload(response) -> None:
    body = text(response)
    assert "<script>alert(" not in body, _around(body, "<script>alert(")
    assert "<img src=x onerror" not in body, _around(body, "<img src=x onerror")
    # An attribute value broken out of by the payload's quotes would leave this behind.
    assert "onerror=alert(1)>" not in body, _around(body, "onerror=alert(1)>")


def _around(body: str, needle: str) -> str:
    at = body.find(needle)
    return body[max(0, at - 300): at + 300]


def shown_escaped(response, tag: str) -> bool:
    """Whether the page shows the payload of `tag` as text (escaped in the HTML, readable once unescaped)."""
    body = text(response)
    readable = html.unescape(body).replace('\\"', '"')  # lookups carry it JSON-encoded in data-json
    return f'<script>alert("{tag}")' in readable and f'<script>alert("{tag}")' not in body


def check(response, *tags: str, absent: tuple[str, ...] = ()) -> None:
    assert response.status_code == 200, text(response)[:2000]
    assert_no_raw_payload(response)
    for tag in tags:
        assert shown_escaped(response, tag), f"{tag!r} is not shown (escaped) on the page"
    for tag in absent:
        assert f'alert("{tag}")' not in html.unescape(text(response)), f"{tag!r} should not be shown"
    assert "&lt;script&gt;" in text(response) or not tags


# --- the stored payloads -------------------------------------------------------------------------


@pytest.fixture
def world(session):
    """Every free-text field of every model holding a payload, on one CSPR case in progress."""
    with factories.in_one_commit():
        recent = today() - timedelta(days=21)
        author = factories.UserFactory(roles=["panel"], full_name=xss("author"), email="author@example.org")
        parent_agency = factories.AgencyFactory(name=xss("parent"))
        agency = factories.AgencyFactory(
            name=xss("agency"), safeguarding_lead=xss("lead"), safeguarding_lead_contact=xss("leadc"), parent=parent_agency
        )
        category = AbuseCategory(name=xss("cat"), active=True)
        session.add(category)
        session.commit()
        case = factories.CaseFactory(
            review_type="CSPR",
            subject_pseudonym=xss("pseud"),
            subject_legal_name=xss("legal"),
            referrer_name=xss("rname"),
            referrer_role=xss("rrole"),
            concerns=xss("concerns"),
            external_reference=xss("ext"),
            learning_retained=xss("learn"),
            incident_date=recent,
            aware_date=recent,
            referral_date=recent,
            referrer_agency=agency,
            abuse_categories=[category],
            agency_links=[CaseAgency(agency=agency, role="lead")],
        )
        decision = factories.DecisionFactory(
            case=case,
            meeting_date=recent,
            rationale=xss("rationale"),
            conflicts_declared=xss("conflicts"),
            delay_reasons=xss("delay"),
            recorded_by_id=author.id,
            criteria=[CriterionAssessment(criterion="CSPR_ABUSE_SUSPECTED", value="met", evidence=xss("evid"))],
        )
        session.add(DecisionApproval(decision=decision, approver=author, round=1, outcome="request_info", comment=xss("comment")))
        session.commit()
        family = factories.FamilyFactory(
            case=case,
            relationship_to_subject=xss("rel"),
            name=xss("fname"),
            contact_details=xss("contact"),
            notes=xss("fnotes"),
            safety_notes=xss("safety"),
            accessibility_needs=xss("access"),
            preferred_language=xss("lang"),
        )
        factories.FamilyEventFactory(member=family, event_type="advocacy_offered", advocate_organisation=xss("adv"))
        event = factories.FamilyEventFactory(
            member=family, event_type="meeting_not_attended", note=xss("enote"), reason=xss("ereason"),
            support_offered=xss("esupport"), advocate_organisation=xss("eorg"),
        )
        case.anonymised_title, case.publication_reason = xss("atitle"), xss("preason")
        document = factories.DocumentFactory(case=case, title=xss("title"), original_filename=xss("file") + ".pdf")
        notification = Notification(case=case, recipient="dfe", purpose="other", reference=xss("nref"), note=xss("nnote"))
        session.add(notification)
        session.commit()
        hold = factories.HoldFactory(case=case, start_date=recent, end_date=recent + timedelta(days=1), detail=xss("hold"))
        archived_hold = factories.HoldFactory(case=case, start_date=recent, end_date=recent, detail="old")
        archived_hold.archive(xss("arch"), None)
        session.add(TransitionLog(case=case, transition="submit_sin", from_state="INCIDENT_REPORTED",
                                  to_state="INCIDENT_REPORTED", actor=author, note=xss("tnote")))
        session.commit()
        rule = factories.DeadlineRuleFactory(label=xss("rlabel"), source=xss("rsource"))
        deadlines = session.scalars(select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.due_date)).all()
        assert len(deadlines) >= 2, "the CSPR should have its notification deadlines"
        waived = deadlines[-1]
        waived.waived_at = utcnow()
        waived.waived_reason = xss("waived")
        session.commit()
    return {
        "author": author, "agency": agency, "parent_agency": parent_agency, "category": category, "case": case,
        "decision": decision, "family": family, "event": event, "document": document, "notification": notification,
        "hold": hold, "archived_hold": archived_hold, "rule": rule, "waived": waived,
    }


CASE_TAGS = ("ext", "pseud", "rname", "rrole", "concerns", "cat", "agency")

# (role, page, tags the page must show escaped, tags it must not show at all)
PAGES = [
    # business support: cases and everything that hangs off them, restricted fields included
    ("business_support", lambda w: "/admin/", ("pseud",), ()),
    ("business_support", lambda w: "/admin/case/", ("pseud", "agency"), ("legal",)),
    ("business_support", lambda w: f"/admin/case/details/?id={w['case'].id}",
     (*CASE_TAGS, "legal", "tnote", "author", "waived", "nref", "hold", "rel"), ()),
    ("business_support", lambda w: f"/admin/case/edit/?id={w['case'].id}", (*CASE_TAGS, "legal"), ()),
    ("business_support", lambda w: f"/admin/case/history/?id={w['case'].id}",
     ("ext", "pseud", "rname", "rrole", "concerns", "legal", "learn"), ()),
    ("business_support", lambda w: f"/admin/case/transition/?id={w['case'].id}&step=submit_sin", ("pseud",), ()),
    ("business_support", lambda w: "/admin/family/", ("rel", "pseud"), ("fname", "contact")),
    ("business_support", lambda w: f"/admin/family/details/?id={w['family'].id}",
     ("rel", "fname", "contact", "adv", "fnotes", "safety", "access", "lang", "enote", "ereason", "esupport", "eorg"), ()),
    ("business_support", lambda w: f"/admin/family/edit/?id={w['family'].id}",
     ("rel", "fname", "contact", "fnotes", "pseud", "safety", "access", "lang"), ()),
    ("business_support", lambda w: "/admin/family_event/", ("rel",), ()),
    ("business_support", lambda w: f"/admin/family_event/details/?id={w['event'].id}",
     ("rel", "enote", "ereason", "esupport", "eorg"), ()),
    ("business_support", lambda w: f"/admin/family_event/edit/?id={w['event'].id}", ("enote", "ereason", "esupport", "eorg"), ()),
    ("business_support", lambda w: "/admin/publication/", ("atitle",), ()),
    ("business_support", lambda w: f"/admin/publication/details/?id={w['case'].id}", ("atitle", "preason"), ()),
    ("business_support", lambda w: f"/admin/publication/edit/?id={w['case'].id}", ("atitle", "preason"), ()),
    ("business_support", lambda w: f"/admin/family/history/?id={w['family'].id}", ("rel", "fname", "adv", "fnotes"), ()),
    ("business_support", lambda w: "/admin/document/", ("title", "file", "pseud"), ()),
    ("business_support", lambda w: f"/admin/document/details/?id={w['document'].id}", ("title", "file"), ()),
    ("business_support", lambda w: f"/admin/document/edit/?id={w['document'].id}", ("title", "pseud"), ()),
    ("business_support", lambda w: f"/admin/document/history/?id={w['document'].id}", ("title", "file"), ()),
    ("business_support", lambda w: "/admin/notification/", ("nref", "pseud"), ()),
    ("business_support", lambda w: f"/admin/notification/details/?id={w['notification'].id}", ("nref", "nnote"), ()),
    ("business_support", lambda w: f"/admin/notification/edit/?id={w['notification'].id}", ("nref", "nnote"), ()),
    ("business_support", lambda w: f"/admin/notification/history/?id={w['notification'].id}", ("nref", "nnote"), ()),
    ("business_support", lambda w: "/admin/hold/", ("pseud",), ()),
    ("business_support", lambda w: f"/admin/hold/details/?id={w['hold'].id}", ("hold", "pseud"), ()),
    ("business_support", lambda w: f"/admin/hold/edit/?id={w['hold'].id}", ("hold", "pseud"), ()),
    ("business_support", lambda w: "/admin/deadline/", ("pseud",), ()),
    ("business_support", lambda w: f"/admin/deadline/details/?id={w['waived'].id}", ("waived",), ()),
    ("business_support", lambda w: "/admin/agency/", ("agency", "parent"), ()),
    ("business_support", lambda w: f"/admin/agency/details/?id={w['agency'].id}", ("agency", "parent", "lead", "leadc"), ()),
    ("business_support", lambda w: f"/admin/agency/edit/?id={w['agency'].id}", ("agency", "parent", "lead", "leadc"), ()),
    # the panel: decisions; family without the restricted fields
    ("panel", lambda w: "/admin/decision/", ("pseud", "author"), ()),
    ("panel", lambda w: f"/admin/decision/details/?id={w['decision'].id}",
     ("pseud", "rationale", "conflicts", "delay", "evid", "comment", "author"), ()),
    ("panel", lambda w: f"/admin/decision/edit/?id={w['decision'].id}", ("rationale", "conflicts", "delay", "evid", "pseud"), ()),
    ("panel", lambda w: f"/admin/decision/history/?id={w['decision'].id}", ("rationale", "conflicts", "delay"), ()),
    ("panel", lambda w: f"/admin/family/details/?id={w['family'].id}", ("rel", "adv", "fnotes"), ("fname", "contact")),
    ("panel", lambda w: f"/admin/case/details/?id={w['case'].id}", (*CASE_TAGS, "tnote", "waived", "nref", "hold"), ("legal",)),
    ("panel", lambda w: f"/admin/case/transition/?id={w['case'].id}&step=close_not_notifiable", ("pseud",), ()),
    # the board: approving a decision
    ("board", lambda w: f"/admin/publication/details/?id={w['case'].id}", ("atitle", "preason"), ()),
    ("board", lambda w: f"/admin/decision/approve/?id={w['decision'].id}", ("pseud", "rationale", "evid", "comment", "author"), ()),
    ("board", lambda w: "/admin/decision/", ("pseud",), ()),
    ("board", lambda w: "/admin/document/", ("title", "file"), ()),
    ("board", lambda w: "/admin/", (), ()),
    # auditors: the audit trail, archived records, users
    ("auditor", lambda w: "/admin/audit/?page_size=100", ("arch",), ()),
    ("auditor", lambda w: f"/admin/hold/details/?id={w['archived_hold'].id}", ("arch",), ()),
    ("auditor", lambda w: "/admin/user/", ("author",), ()),
    ("auditor", lambda w: f"/admin/user/details/?id={w['author'].id}", ("author",), ()),
    ("auditor", lambda w: f"/admin/case/history/?id={w['case'].id}", ("pseud", "concerns", "learn"), ("legal",)),
    ("auditor", lambda w: "/admin/deadline_rule/", ("rlabel",), ()),
    # admins: users and reference data
    ("admin", lambda w: "/admin/user/", ("author",), ()),
    ("admin", lambda w: f"/admin/user/edit/?id={w['author'].id}", ("author",), ()),
    ("admin", lambda w: "/admin/abuse_category/", ("cat",), ()),
    ("admin", lambda w: f"/admin/abuse_category/details/?id={w['category'].id}", ("cat",), ()),
    ("admin", lambda w: f"/admin/abuse_category/edit/?id={w['category'].id}", ("cat",), ()),
    ("admin", lambda w: "/admin/deadline_rule/", ("rlabel",), ()),
    ("admin", lambda w: f"/admin/deadline_rule/details/?id={w['rule'].id}", ("rlabel", "rsource"), ()),
    ("admin", lambda w: f"/admin/deadline_rule/edit/?id={w['rule'].id}", ("rlabel", "rsource"), ()),
    ("admin", lambda w: "/admin/agency/", ("agency", "parent"), ()),
    ("admin", lambda w: "/admin/audit/?page_size=100", (), ("arch",)),  # a case's archive reason is case content
]


def _page_id(page) -> str:
    role, url, _, _ = page
    fake = {k: type("Fake", (), {"id": "ID"})() for k in (
        "case", "family", "event", "document", "notification", "hold", "archived_hold", "waived", "agency",
        "decision", "author", "category", "rule")}
    return f"{role}:{url(fake)}"


@pytest.mark.parametrize("page", PAGES, ids=[_page_id(p) for p in PAGES])
def test_stored_payloads_are_escaped_on_every_page(session, login_as, world, page):
    role, url, tags, absent = page
    signed_in = login_as(role)

    response = signed_in.get(url(world))

    check(response, *tags, absent=absent)


def test_the_public_page_escapes_what_staff_wrote(session, client):
    case = factories.published_case(anonymised_title=xss("ptitle"))
    factories.DocumentFactory(case=case, title=xss("pdoc"), status=DocumentStatus.PUBLISHED)

    check(client.get("/reviews/"), "ptitle", "pdoc")


def test_the_audit_log_details_escape_the_recorded_changes(session, login_as, world):
    auditor = login_as("auditor")
    session.expire_all()
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.CREATE, AuditEvent.object_type.in_(["case", "decision"]))
    ).all()
    session.commit()
    assert events

    for event in events:
        check(auditor.get(f"/admin/audit/details/?id={event.id}"))
    case_event = next(e for e in events if e.object_type == "case")
    check(auditor.get(f"/admin/audit/details/?id={case_event.id}"), "pseud", "concerns", "ext", absent=("legal",))
    archive = session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.ARCHIVE)).first()
    session.commit()
    check(auditor.get(f"/admin/audit/details/?id={archive.id}"), "arch")


def test_a_user_name_is_escaped_in_the_navigation_bar(session, login_as):
    signed_in = login_as("business_support", full_name=xss("me"))

    check(signed_in.get("/admin/"), "me")
    check(signed_in.get("/admin/case/"), "me")


# --- data attributes of the inline edit and the lookups --------------------------------------------


def _data_attributes(body: str) -> list[tuple[str, str]]:
    return re.findall(r'\s(data-[\w-]+)=(?:"([^"]*)"|\'([^\']*)\')', body) and [
        (name, double or single) for name, double, single in re.findall(r'\s(data-[\w-]+)=(?:"([^"]*)"|\'([^\']*)\')', body)
    ]


@pytest.mark.parametrize("role", ["business_support", "admin"])
def test_inline_edit_and_lookup_attributes_on_the_agency_pages_are_escaped(session, login_as, world, role):
    signed_in = login_as(role)

    for url in ("/admin/agency/", f"/admin/agency/edit/?id={world['agency'].id}", f"/admin/case/edit/?id={world['case'].id}"):
        if role == "admin" and url.startswith("/admin/case/"):
            continue
        response = signed_in.get(url)
        check(response, "agency")
        attributes = _data_attributes(text(response))
        assert attributes, f"no data attributes on {url}"
        for name, value in attributes:
            assert "<" not in value and ">" not in value, f"{url}: {name}={value[:200]!r}"
    listing = text(signed_in.get("/admin/agency/"))
    # The inline edit of "active" is offered, one editable cell per agency, each with its record's pk.
    assert re.search(r'data-pk="%d"' % world["agency"].id, listing), "no inline edit for the agency"


# --- flash messages and re-shown forms after a failed save --------------------------------------------


def test_a_duplicate_agency_name_is_echoed_escaped_in_the_message(session, login_as, world):
    signed_in = login_as("business_support")

    response = signed_in.post(
        "/admin/agency/new/", data={"name": xss("agency"), "agency_type": "police", "active": "y",
                                    "safeguarding_lead": xss("newlead")}
    )

    check(response, "agency", "newlead")
    assert "There is already a record named" in text(response)


def test_a_duplicate_abuse_category_is_echoed_escaped_in_the_message(session, login_as, world):
    signed_in = login_as("admin")

    response = signed_in.post("/admin/abuse_category/new/", data={"name": xss("cat"), "active": "y"})

    check(response, "cat")
    assert "There is already a record named" in text(response)


def test_a_refused_new_case_shows_the_posted_values_escaped(session, login_as):
    from tests.helpers import case_form

    signed_in = login_as("business_support")
    future = (today() + timedelta(days=30)).isoformat()

    response = signed_in.post(
        "/admin/case/new/",
        case_form(
            subject_pseudonym=xss("newpseud"), subject_legal_name=xss("newlegal"), external_reference=xss("newext"),
            referrer_name=xss("newrname"), referrer_role=xss("newrrole"), concerns=xss("newconcerns"),
            incident_date=future,
        ),
    )

    check(response, "newpseud", "newlegal", "newext", "newrname", "newrrole", "newconcerns")


def test_a_refused_transition_shows_the_posted_note_escaped(session, login_as, world):
    signed_in = login_as("panel")

    response = signed_in.post(
        f"/admin/case/transition/?id={world['case'].id}&step=close_not_notifiable",
        {"learning_retained": xss("newlearn"), "note": xss("newnote"), "referrer_informed_date": ""},
    )

    check(response, "pseud", "newlearn", "newnote")


def test_archiving_a_family_record_flashes_its_name_escaped(session, login_as, world):
    signed_in = login_as("business_support")

    response = signed_in.post(
        f"/admin/family/archive/?id={world['family'].id}", {"reason": xss("why")}, follow_redirects=True
    )

    check(response, "rel")
    assert "Archived" in text(response)


def test_approving_a_document_flashes_its_title_escaped(session, login_as, world):
    signed_in = login_as("board")

    response = signed_in.post(
        "/admin/document/action/", {"action": "approve", "rowid": str(world["document"].id)}, follow_redirects=True
    )

    check(response, "title")
    assert "Approve:" in text(response)


def test_an_archive_page_and_a_waive_page_show_the_record_escaped(session, login_as, world):
    bs = login_as("business_support")
    check(bs.get(f"/admin/family/archive/?id={world['family'].id}"), "rel")
    check(bs.get(f"/admin/document/archive/?id={world['document'].id}"), "title")
    board = login_as("board")
    open_deadline = next(d for d in world["case"].deadlines if d.waived_at is None)
    session.commit()
    check(board.get(f"/admin/deadline/waive/?id={open_deadline.id}"))
    too_long = xss("waive") + "x" * 2000  # refused (over 2,000 characters): the form comes back with it
    check(board.post(f"/admin/deadline/waive/?id={open_deadline.id}", {"reason": too_long}), "waive")


# --- CSV exports: formulas neutralised ------------------------------------------------------------------


FORMULAS = {
    "pseud": '=HYPERLINK("http://evil")',
    "agency": "+cmd|' /C calc'!A0",
    "lead": "-2+3+cmd|' /C calc'!A0",
    "rel": "@SUM(1+1)*cmd|' /C calc'!A0",
    "adv": "\t=1+1",
    "rationale": '=HYPERLINK("http://evil/rationale")',
    "title": '=HYPERLINK("http://evil/title")',
    "nref": "=1+1",
    "waived": "-1+1",
    "arch": "@evil",
    "cr": "\r=1+1",
}
PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def formula_world(session):
    recent = today() - timedelta(days=21)
    agency = factories.AgencyFactory(name=FORMULAS["agency"], safeguarding_lead=FORMULAS["lead"])
    factories.AgencyFactory(name="Northshire Police, east division", parent=agency)  # exported as its parent
    case = factories.CaseFactory(
        review_type="CSPR", subject_pseudonym=FORMULAS["pseud"], referrer_agency=agency,
        incident_date=recent, aware_date=recent, referral_date=recent,
    )
    factories.DecisionFactory(case=case, meeting_date=recent, rationale=FORMULAS["rationale"])
    factories.FamilyFactory(case=case, relationship_to_subject=FORMULAS["rel"], advocacy_provider=FORMULAS["adv"])
    factories.DocumentFactory(case=case, title=FORMULAS["title"])
    session.add(Notification(case=case, recipient="dfe", purpose="other", reference=FORMULAS["nref"]))
    session.add(Notification(case=case, recipient="ofsted", purpose="other", reference=FORMULAS["cr"]))
    session.commit()
    hold = factories.HoldFactory(case=case, start_date=recent, end_date=recent)
    hold.archive(FORMULAS["arch"], None)
    deadline = session.scalars(select(Deadline).where(Deadline.case_id == case.id)).first()
    deadline.waived_at = utcnow()
    deadline.waived_reason = FORMULAS["waived"]
    session.commit()
    return case


EXPORTS = [
    ("business_support", "/admin/case/export/csv/", ("pseud", "agency")),
    ("auditor", "/admin/case/export/csv/", ("pseud", "agency")),
    ("auditor", "/admin/decision/export/csv/", ("rationale",)),
    ("auditor", "/admin/family/export/csv/", ("rel", "adv")),
    ("auditor", "/admin/document/export/csv/", ("title",)),
    ("auditor", "/admin/notification/export/csv/", ("nref", "cr")),
    ("auditor", "/admin/deadline/export/csv/", ("waived",)),
    ("business_support", "/admin/agency/export/csv/", ("agency", "lead")),
    ("admin", "/admin/agency/export/csv/", ("agency", "lead")),
    ("auditor", "/admin/audit/export/csv/", ("arch",)),
]


@pytest.mark.parametrize(("role", "url", "keys"), EXPORTS, ids=[f"{r}:{u}" for r, u, _ in EXPORTS])
def test_csv_exports_neutralise_formulas(session, login_as, formula_world, role, url, keys):
    signed_in = login_as(role)

    response = signed_in.get(url)

    rows = csv_rows(response)
    assert rows, f"{url} exported nothing"
    cells = [value for row in rows for value in row.values() if isinstance(value, str)]
    for key in keys:
        assert "'" + FORMULAS[key] in cells, f"{key}: {FORMULAS[key]!r} not exported as a quoted text cell"
    dangerous = [cell for cell in cells if cell.startswith(PREFIXES)]
    assert not dangerous, f"cells a spreadsheet would run as formulas: {dangerous}"
    headings = list(rows[0].keys())
    assert not [h for h in headings if h.startswith(PREFIXES)]


def test_csv_export_of_script_payloads_is_plain_text(session, login_as, world):
    """A CSV is not HTML: the payload is exported as it is stored, and the response is not HTML."""
    signed_in = login_as("business_support")

    response = signed_in.get("/admin/case/export/csv/")

    assert response.mimetype != "text/html"
    assert xss("pseud") in [cell for row in csv_rows(response) for cell in row.values()]


def test_viewing_a_notification_records_its_case_reference_not_the_payload(session, login_as, world):
    """The read is audited against the case; the notification's own reference (free text) is not a case reference."""
    signed_in = login_as("business_support")

    response = signed_in.get(f"/admin/notification/details/?id={world['notification'].id}")

    assert response.status_code == 200, text(response)[:500]
    session.expire_all()
    viewed = session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.VIEW, AuditEvent.object_type == "notification")
    ).one()
    session.commit()
    assert viewed.object_ref == world["case"].reference
