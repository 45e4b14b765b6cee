"""Panel decisions through the real admin screens: recording, validating, board approval.

The panel records what it decided and why; another board member approves or rejects it. Refused
requests must leave the decision exactly as it was.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from backoffice.models import ApprovalStatus, PanelDecision
from tests import factories
from tests.helpers import count, csv_rows, decision_form, opened_at, reload, shows, text, tomorrow

# --- helpers -----------------------------------------------------------------------------------


def sar_case(**fields):
    return factories.CaseFactory(review_type="SAR", subject_dob=date(1950, 1, 1), **fields)


def approval_page(decision) -> str:
    """The board's approve-or-reject page for `decision`."""
    return f"/admin/decision/approve/?id={decision.id}"


def decide(signed_in, decision, **form):
    """Post the board's answer on `decision`: outcome="approve"/"reject"/"request_info", comment=..."""
    return signed_in.post(approval_page(decision), form)


def approval_snapshot(decision) -> tuple:
    answers = [(a.approver_id, a.round, a.outcome, a.comment) for a in decision.approvals]
    return (decision.approval_status, decision.approval_round, decision.approved_at, answers)


@pytest.fixture
def recorder(session):
    """The panel member who recorded the decisions the board is asked to approve."""
    return factories.UserFactory(roles=["panel"])


@pytest.fixture
def pending(session, recorder):
    """A pending decision on a CSPR, recorded by another panel member."""
    return factories.DecisionFactory(recorded_by_id=recorder.id)


# --- recording a decision ----------------------------------------------------------------------


def test_panel_records_a_decision_through_the_form(session, login_as):
    case = factories.CaseFactory()
    signed_in = login_as("panel")

    response = signed_in.post(
        "/admin/decision/new/",
        decision_form(case, conflicts_declared="None declared.", delay_reasons="Awaiting police records."),
    )

    assert response.status_code == 302, text(response)[:3000]
    decision = session.scalars(select(PanelDecision)).one()
    assert decision.case_id == case.id
    assert decision.meeting_date == date(2025, 12, 1)
    assert decision.outcome == "criteria_not_met_learning_retained"
    assert decision.legal_mandate is None
    assert decision.rationale == "The criteria are not met; the partnership keeps the learning."
    assert decision.conflicts_declared == "None declared."
    assert decision.recorded_by_id == signed_in.user.id
    assert decision.approval_status == ApprovalStatus.PENDING
    assert decision.approvals == []
    assert decision.approved_at is None


def test_posted_approval_and_recorder_fields_are_ignored(session, login_as):
    case = factories.CaseFactory()
    board_member = factories.UserFactory(roles=["board"])
    signed_in = login_as("panel")

    response = signed_in.post(
        "/admin/decision/new/",
        decision_form(
            case,
            approval_status="approved",
            approval_round="7",
            approvals=str(board_member.id),
            recorded_by=str(board_member.id),
            recorded_by_id=str(board_member.id),
            approved_at="2025-12-02 10:00:00",
        ),
    )

    assert response.status_code == 302, text(response)[:3000]
    decision = session.scalars(select(PanelDecision)).one()
    assert decision.recorded_by_id == signed_in.user.id
    assert decision.approval_status == ApprovalStatus.PENDING
    assert (decision.approval_round, decision.approvals, decision.approved_at) == (1, [], None)


def test_a_commissioned_sar_with_its_legal_mandate_is_recorded(session, login_as):
    case = sar_case()
    signed_in = login_as("panel")

    response = signed_in.post(
        "/admin/decision/new/", decision_form(case, outcome="review_commissioned", legal_mandate="s44_4")
    )

    assert response.status_code == 302, text(response)[:3000]
    decision = session.scalars(select(PanelDecision)).one()
    assert decision.legal_mandate == "s44_4"


@pytest.mark.parametrize(
    "review_type, overrides, message",
    [
        pytest.param(
            "CSPR", {"rationale": ""}, "Record the rationale for the decision.", id="missing-rationale"
        ),
        pytest.param(
            "CSPR", {"rationale": "   "}, "Record the rationale for the decision.", id="blank-rationale"
        ),
        pytest.param(
            "CSPR",
            {"meeting_date": None},  # filled in below: tomorrow
            "The meeting date cannot be in the future.",
            id="meeting-in-the-future",
        ),
        pytest.param(
            "CSPR",
            {"meeting_date": "2025-11-01"},
            "The panel cannot have met on this case before it was referred.",
            id="meeting-before-referral",
        ),
        pytest.param(
            "SAR",
            {"outcome": "review_commissioned", "legal_mandate": "__None"},
            "A commissioned SAR needs its legal mandate: mandatory s44(1)-(3) or discretionary s44(4).",
            id="sar-commissioned-without-mandate",
        ),
        pytest.param(
            "CSPR",
            {"outcome": "review_commissioned", "legal_mandate": "s44_1_3"},
            "A Care Act s44 mandate applies only to Safeguarding Adult Reviews.",
            id="cspr-with-s44-mandate",
        ),
    ],
)
def test_bad_decision_input_is_refused_with_a_message_and_nothing_is_saved(
    session, login_as, review_type, overrides, message
):
    if overrides.get("meeting_date", "") is None:
        overrides = {"meeting_date": tomorrow().isoformat()}
    case = sar_case() if review_type == "SAR" else factories.CaseFactory()
    signed_in = login_as("panel")
    before = count(session, PanelDecision)

    response = signed_in.post("/admin/decision/new/", decision_form(case, **overrides))

    assert response.status_code == 200
    assert shows(response, message), text(response)[:3000]
    assert count(session, PanelDecision) == before


def test_panel_cannot_record_a_decision_on_a_case_outside_their_streams(session, login_as):
    case = sar_case(subject_pseudonym="Adult Hidden")
    signed_in = login_as("panel", streams=["children"])
    before = count(session, PanelDecision)

    response = signed_in.post("/admin/decision/new/", decision_form(case))

    assert response.status_code == 200
    assert shows(response, "Select the case from the list")
    assert count(session, PanelDecision) == before
    assert "Adult Hidden" not in text(response)


# --- board approval ----------------------------------------------------------------------------


def test_another_board_member_approves_a_pending_decision(session, login_as, pending):
    board = login_as("board")

    page = board.get(approval_page(pending))
    assert page.status_code == 200
    assert 'name="outcome"' in text(page)

    response = decide(board, pending, outcome="approve", comment="  Agreed by the board. ")

    assert response.status_code == 302, text(response)[:3000]
    decision = reload(session, pending)
    assert decision.approval_status == ApprovalStatus.APPROVED
    assert decision.approved_at is not None
    [answer] = decision.approvals
    assert (answer.approver_id, answer.outcome, answer.comment) == (board.user.id, "approve", "Agreed by the board.")


def test_a_board_member_rejects_a_decision_with_a_reason(session, login_as, pending):
    board = login_as("board")

    response = decide(board, pending, outcome="reject", comment="Rationale too thin.")

    assert response.status_code == 302, text(response)[:3000]
    decision = reload(session, pending)
    assert decision.approval_status == ApprovalStatus.REJECTED
    [answer] = decision.approvals
    assert (answer.approver_id, answer.outcome, answer.comment) == (board.user.id, "reject", "Rationale too thin.")


def test_the_board_member_who_recorded_a_decision_cannot_approve_it(session, login_as):
    case = factories.CaseFactory()
    both = login_as("panel", "board")
    assert both.post("/admin/decision/new/", decision_form(case)).status_code == 302
    decision = session.scalars(select(PanelDecision)).one()
    assert decision.recorded_by_id == both.user.id
    before = approval_snapshot(decision)

    response = decide(both, decision, outcome="approve", comment="Fine.")

    assert response.status_code == 200
    assert shows(response, "You recorded this decision, so other board members must approve it.")
    assert approval_snapshot(reload(session, decision)) == before


@pytest.mark.parametrize("comment", ["", "   "])
def test_rejecting_without_a_comment_is_refused(session, login_as, pending, comment):
    before = approval_snapshot(pending)
    board = login_as("board")

    response = decide(board, pending, outcome="reject", comment=comment)

    assert response.status_code == 200
    assert shows(response, "Say why the decision is rejected.")
    assert approval_snapshot(reload(session, pending)) == before


def test_choosing_neither_approve_nor_reject_is_refused(session, login_as, pending):
    before = approval_snapshot(pending)
    board = login_as("board")

    response = decide(board, pending, comment="Hmm.")

    assert response.status_code == 200
    assert shows(response, "Choose approve, reject or ask for more information.")
    assert approval_snapshot(reload(session, pending)) == before


def test_an_approved_decision_cannot_be_approved_again(session, login_as, pending):
    first = login_as("board")
    assert decide(first, pending, outcome="approve").status_code == 302
    before = approval_snapshot(reload(session, pending))
    assert before[0] == ApprovalStatus.APPROVED

    second = login_as("board")
    response = decide(second, pending, outcome="reject", comment="I disagree.")

    assert response.status_code == 200
    assert shows(response, "This decision is approved; it is not awaiting approval.")
    assert approval_snapshot(reload(session, pending)) == before


@pytest.mark.parametrize("role", ["business_support", "panel", "auditor"])
def test_only_the_board_may_use_the_approval_page(session, login_as, pending, role):
    before = approval_snapshot(pending)
    signed_in = login_as(role)

    assert signed_in.get(approval_page(pending)).status_code == 403
    response = decide(signed_in, pending, outcome="approve")

    assert response.status_code == 403
    assert approval_snapshot(reload(session, pending)) == before


def test_the_board_cannot_approve_a_decision_outside_their_streams(session, login_as, recorder):
    decision = factories.DecisionFactory(case=sar_case(), recorded_by_id=recorder.id)
    before = approval_snapshot(decision)
    board = login_as("board", streams=["children"])

    response = decide(board, decision, outcome="approve")

    assert response.status_code == 404
    assert approval_snapshot(reload(session, decision)) == before


def test_an_archived_decision_cannot_be_approved(session, login_as, pending):
    pending.archive("Recorded against the wrong case.", None)
    session.commit()
    before = approval_snapshot(pending)
    board = login_as("board")

    response = decide(board, pending, outcome="approve")

    assert response.status_code == 404
    assert approval_snapshot(reload(session, pending)) == before


# --- several approvers, requests for information -----------------------------------------------


@pytest.fixture
def two_approvals_for_cspr(app, monkeypatch):
    monkeypatch.setitem(app.config["DECISION_APPROVALS_REQUIRED"], "CSPR", 2)


def test_a_decision_needing_two_approvals_stays_pending_after_the_first(
    session, login_as, pending, two_approvals_for_cspr
):
    first, second = login_as("board"), login_as("board")
    assert decide(first, pending, outcome="approve").status_code == 302
    assert reload(session, pending).approval_status == ApprovalStatus.PENDING
    assert awaiting_approval(first.get("/admin/")) == 0  # they have answered
    assert awaiting_approval(second.get("/admin/")) == 1

    assert decide(second, pending, outcome="approve").status_code == 302
    decision = reload(session, pending)
    assert decision.approval_status == ApprovalStatus.APPROVED
    assert {a.approver_id for a in decision.approvals} == {first.user.id, second.user.id}


def test_a_board_member_answers_only_once(session, login_as, pending, two_approvals_for_cspr):
    board = login_as("board")
    decide(board, pending, outcome="approve")
    before = approval_snapshot(reload(session, pending))

    response = decide(board, pending, outcome="approve")

    assert shows(response, "You have already given your answer on this decision.")
    assert approval_snapshot(reload(session, pending)) == before


def test_asking_for_more_information_sends_the_decision_back_to_the_panel(session, login_as, pending):
    board, panel = login_as("board"), login_as("panel")
    assert decide(board, pending, outcome="request_info", comment="Which agencies were consulted?").status_code == 302
    assert reload(session, pending).approval_status == ApprovalStatus.INFO_REQUESTED

    response = panel.post(
        f"/admin/decision/edit/?id={pending.id}",
        opened_at(session, pending, decision_form(pending.case, rationale="Police, health and social care were consulted.")),
    )

    assert response.status_code == 302, text(response)[:3000]
    decision = reload(session, pending)
    assert (decision.approval_status, decision.approval_round) == (ApprovalStatus.PENDING, 2)
    assert [(a.round, a.outcome) for a in decision.approvals] == [(1, "request_info")]  # the history stays
    assert decide(board, decision, outcome="approve").status_code == 302
    assert reload(session, pending).approval_status == ApprovalStatus.APPROVED


def test_asking_for_information_needs_the_question(session, login_as, pending):
    before = approval_snapshot(pending)
    response = decide(login_as("board"), pending, outcome="request_info", comment=" ")
    assert shows(response, "Say what information is needed.")
    assert approval_snapshot(reload(session, pending)) == before


# --- the statutory criteria --------------------------------------------------------------------


def criteria(*rows) -> dict:
    """Inline criterion rows for the decision form."""
    data = {}
    for index, (criterion, value) in enumerate(rows):
        data.update({f"criteria-{index}-criterion": criterion, f"criteria-{index}-value": value,
                     f"criteria-{index}-evidence": f"Evidence for {criterion}."})
    return data


MANDATORY_MET = [
    ("SAR_CARE_SUPPORT_NEEDS", "met"), ("SAR_INTERAGENCY_CONCERN", "met"), ("SAR_COND1_DIED", "met"),
]


def test_each_statutory_criterion_is_recorded_with_its_evidence(session, login_as):
    case = sar_case()
    response = login_as("panel").post("/admin/decision/new/", {
        **decision_form(case, outcome="review_commissioned", legal_mandate="s44_1_3"), **criteria(*MANDATORY_MET),
    })
    assert response.status_code == 302, text(response)[:3000]
    decision = session.scalars(select(PanelDecision)).one()
    assert {(c.criterion, c.value, c.evidence) for c in decision.criteria} == {
        (code, value, f"Evidence for {code}.") for code, value in MANDATORY_MET
    }


def test_a_mandatory_sar_needs_criteria_that_meet_section_44(session, login_as):
    case = sar_case()
    response = login_as("panel").post("/admin/decision/new/", {
        **decision_form(case, outcome="review_commissioned", legal_mandate="s44_1_3"),
        **criteria(("SAR_CARE_SUPPORT_NEEDS", "met"), ("SAR_INTERAGENCY_CONCERN", "not_met"), ("SAR_COND1_DIED", "met")),
    })
    assert response.status_code == 200
    assert "consider a discretionary SAR under s44(4)" in text(response)
    assert count(session, PanelDecision) == 0


def test_criteria_of_another_review_type_are_refused(session, login_as):
    response = login_as("panel").post("/admin/decision/new/", {
        **decision_form(factories.CaseFactory()), **criteria(("DHR_AGE_16_PLUS", "met")),
    })
    assert response.status_code == 200
    assert "do not apply to a CSPR" in text(response)
    assert count(session, PanelDecision) == 0


# --- editing after the board has decided -------------------------------------------------------


def test_panel_edits_a_pending_decision(session, login_as, pending):
    panel = login_as("panel")

    response = panel.post(
        f"/admin/decision/edit/?id={pending.id}",
        opened_at(session, pending, decision_form(pending.case, rationale="A fuller rationale."))
    )

    assert response.status_code == 302, text(response)[:3000]
    assert reload(session, pending).rationale == "A fuller rationale."


@pytest.mark.parametrize("status", [ApprovalStatus.APPROVED, ApprovalStatus.REJECTED])
def test_a_decision_the_board_has_decided_on_cannot_be_edited_by_the_panel(session, login_as, recorder, status):
    decision = factories.DecisionFactory(recorded_by_id=recorder.id, approval_status=status)
    original_rationale = decision.rationale
    panel = login_as("panel")

    response = panel.post(
        f"/admin/decision/edit/?id={decision.id}",
        opened_at(session, decision, decision_form(decision.case, rationale="Rewritten afterwards."))
    )

    assert response.status_code == 200
    assert shows(response, "The board has already decided on this decision, so it cannot be changed.")
    after = reload(session, decision)
    assert after.rationale == original_rationale
    assert after.approval_status == status


# --- the home page -----------------------------------------------------------------------------


def awaiting_approval(response) -> int:
    match = re.search(r'data-testid="awaiting-approval">\s*(\d+) decisions? awaiting approval', text(response))
    assert match, text(response)[:3000]
    return int(match.group(1))


def test_the_home_page_shows_a_board_member_how_many_decisions_await_their_approval(session, login_as, recorder):
    board = login_as("panel", "board", streams=["children"])
    factories.DecisionFactory(recorded_by_id=recorder.id)  # awaiting
    factories.DecisionFactory(recorded_by_id=recorder.id)  # awaiting
    factories.DecisionFactory(recorded_by_id=board.user.id)  # their own: someone else approves it
    factories.DecisionFactory(recorded_by_id=recorder.id, approval_status=ApprovalStatus.APPROVED)
    factories.DecisionFactory(case=sar_case(), recorded_by_id=recorder.id)  # not their stream
    archived = factories.DecisionFactory(recorded_by_id=recorder.id)
    archived.archive("Wrong case.", None)
    session.commit()

    assert awaiting_approval(board.get("/admin/")) == 2


def test_the_home_page_count_falls_when_a_decision_is_approved(session, login_as, pending):
    board = login_as("board")
    assert awaiting_approval(board.get("/admin/")) == 1
    assert decide(board, pending, outcome="approve").status_code == 302
    assert awaiting_approval(board.get("/admin/")) == 0


@pytest.mark.parametrize("role", ["business_support", "panel", "auditor"])
def test_the_home_page_shows_no_approval_count_to_other_roles(session, login_as, pending, role):
    page = login_as(role).get("/admin/")
    assert page.status_code == 200
    assert 'data-testid="awaiting-approval"' not in text(page)


# --- export ------------------------------------------------------------------------------------


def test_decisions_on_restricted_cases_are_never_exported(session, login_as, recorder):
    factories.DecisionFactory(case=factories.CaseFactory(subject_pseudonym="Child Open"), recorded_by_id=recorder.id)
    factories.DecisionFactory(
        case=factories.CaseFactory(subject_pseudonym="Child Restricted", is_restricted=True),
        recorded_by_id=recorder.id,
    )

    response = login_as("auditor").get("/admin/decision/export/csv/")

    rows = csv_rows(response)
    assert len(rows) == 1
    assert "Child Open" in text(response)
    assert "Child Restricted" not in text(response)


def test_only_a_board_member_who_may_answer_sees_the_answer_button_on_the_decisions_page(session, login_as):
    recorder = factories.UserFactory(roles=["panel"])
    decision = factories.DecisionFactory(recorded_by_id=recorder.id)

    for role, shown in (("board", True), ("panel", False), ("auditor", False)):
        page = text(login_as(role).get(f"/admin/decision/details/?id={decision.id}"))
        assert ('data-testid="answer-decision"' in page) is shown, role
