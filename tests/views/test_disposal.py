"""The retention screens through real requests: the disposal queue and its decisions (business support
and the board decide; only the board destroys), legal holds, the schedule an admin keeps, the
tombstones, and `flask retention review` for the scheduled job."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from backoffice.models import AuditEvent, Case, DisposalDecision, LegalHold, RetentionRule, Tombstone
from tests.domain.test_retention import LEGAL_NAME, closed_case
from tests.helpers import count, reload, shows, text, today
from tests.html_pages import form_fields, table

QUEUE = "/admin/disposal/"


def decide_url(case: Case, record_class: str = "not_progressed") -> str:
    return f"/admin/disposal/decide/?item={case.id}:{record_class}"


def test_the_queue_lists_what_is_due_with_the_proposed_action(session, login_as):
    case = closed_case(7)

    rows = table(login_as("business_support").get(QUEUE), "disposal-queue")

    assert [row[0].split()[0] for row in rows] == [case.reference, case.reference]
    assert {row[1] for row in rows} == {"Referral not progressed (closed with no review held)",
                                        "Family members' contact details and safety notes"}
    assert {row[4] for row in rows} == {"Destroy", "Anonymise"}


def test_the_decide_page_says_what_each_choice_removes(session, login_as):
    case = closed_case(7)

    page = login_as("board").get(decide_url(case))

    assert page.status_code == 200
    shown = " ".join(text(page).split())
    assert f"Destroy</strong>: case {case.reference} and everything recorded in it" in shown
    assert "Retain</strong>: nothing; the record stays as it is" in shown


def test_the_board_destroys_a_record_and_a_tombstone_remains(session, login_as):
    case = closed_case(7)
    reference, board = case.reference, login_as("board")

    response = board.post(decide_url(case), {"action": "destroy", "reason": "Past retention; nothing outstanding",
                                             "review_on": ""})

    assert response.status_code == 302, text(response)[:3000]
    assert session.scalars(select(Case).where(Case.reference == reference)).first() is None
    assert shows(board.get(QUEUE), "destroyed. A tombstone records that it existed")
    tombstones = text(board.get("/admin/tombstone/"))
    assert reference in tombstones and "Past retention; nothing outstanding" in tombstones
    assert LEGAL_NAME not in text(login_as("auditor").get(f"/admin/audit/?search={reference}"))


def test_business_support_may_retain_or_anonymise_but_never_destroy(session, login_as):
    case = closed_case(7)
    signed_in = login_as("business_support")

    offered = form_fields(signed_in.get(decide_url(case)))
    forged = signed_in.post(decide_url(case), {"action": "destroy", "reason": "Tidy up", "review_on": ""})

    assert 'value="destroy"' not in text(signed_in.get(decide_url(case)))
    assert offered["action"] in ("retain", "anonymise")
    assert forged.status_code == 200 and shows(forged, "Select the decision from the list")
    assert reload(session, case) is not None and count(session, DisposalDecision) == 0


def test_retaining_asks_for_a_review_date(session, login_as):
    case = closed_case(7)
    signed_in = login_as("business_support")

    refused = signed_in.post(decide_url(case), {"action": "retain", "reason": "Related inquiry likely", "review_on": ""})
    kept = signed_in.post(decide_url(case), {"action": "retain", "reason": "Related inquiry likely",
                                             "review_on": (today() + timedelta(days=365)).strftime("%d/%m/%Y")})

    assert shows(refused, "Give the date to review it again, after today.")
    assert kept.status_code == 302
    decision = session.scalars(select(DisposalDecision)).one()
    assert (str(decision.action), decision.review_on) == ("retain", today() + timedelta(days=365))
    assert [row[1] for row in table(signed_in.get(QUEUE), "disposal-queue")] == [
        "Family members' contact details and safety notes"]


def test_the_auditor_reads_the_queue_but_decides_nothing(session, login_as):
    case = closed_case(7)
    auditor = login_as("auditor")

    listed = auditor.get(QUEUE)

    assert table(listed, "disposal-queue") and "/admin/disposal/decide/" not in text(listed)
    assert auditor.post(decide_url(case), {"action": "retain", "reason": "x", "review_on": "01/01/2030"}).status_code == 403
    assert count(session, DisposalDecision) == 0


def test_a_case_on_legal_hold_shows_why_and_offers_no_decision(session, login_as):
    case = closed_case(7)
    signed_in = login_as("business_support")
    created = signed_in.post("/admin/legal_hold/new/", {"case": str(case.id), "kind": "inquest",
                                                        "reason": "Coroner's inquest opened",
                                                        "placed_on": today().strftime("%d/%m/%Y")})
    assert created.status_code == 302, text(created)[:2000]

    rows = table(signed_in.get(QUEUE), "disposal-queue")
    page = signed_in.get(decide_url(case))
    refused = signed_in.post(decide_url(case), {"action": "anonymise", "reason": "Past retention", "review_on": ""})

    assert all("On legal hold" in row[5] for row in rows)
    assert shows(page, "Coroner&#39;s inquest opened") or shows(page, "Coroner's inquest opened")
    assert refused.status_code == 200 and count(session, DisposalDecision) == 0


def test_lifting_a_hold_needs_a_reason(session, login_as):
    case = closed_case(7)
    hold = LegalHold(case_id=case.id, kind="litigation", reason="Claim", placed_on=today() - timedelta(days=5))
    session.add(hold)
    session.commit()
    signed_in = login_as("board")
    form = form_fields(signed_in.get(f"/admin/legal_hold/edit/?id={hold.id}"))

    refused = signed_in.post(f"/admin/legal_hold/edit/?id={hold.id}", {**form, "lifted_on": today().strftime("%d/%m/%Y")})

    assert shows(refused, "Say why the hold is lifted.")
    assert reload(session, hold).lifted_on is None


def test_an_admin_changes_the_schedule_and_the_change_is_audited(session, login_as):
    rule = session.scalars(select(RetentionRule).where(RetentionRule.record_class == "family_contacts")).one()
    session.commit()
    admin = login_as("admin")
    form = form_fields(admin.get(f"/admin/retention_rule/edit/?id={rule.id}"))

    response = admin.post(f"/admin/retention_rule/edit/?id={rule.id}", {**form, "months": "24"})

    assert response.status_code == 302, text(response)[:2000]
    assert reload(session, rule).months == 24
    assert session.scalars(select(AuditEvent).where(AuditEvent.object_type == "retention_rule",
                                                    AuditEvent.action == "update")).one().changes.count("24")


def test_flask_retention_review_lists_what_is_due_and_changes_nothing(app, session):
    case = closed_case(7)
    tombstones = count(session, Tombstone)

    result = app.test_cli_runner().invoke(args=["retention", "review"])

    assert result.exit_code == 0, result.output
    assert f"{case.reference}" in result.output and "not_progressed" in result.output and "proposed: destroy" in result.output
    assert reload(session, case) is not None and count(session, Tombstone) == tombstones
