"""Every state machine has one shape: a table of moves (states left, state reached, guards) and one
way to take a move, which refuses with the reason or gives the state reached."""

from __future__ import annotations

import pytest

from backoffice.domain import approval, family, lifecycle, publication, states
from backoffice.domain.states import Guard, Move
from backoffice.models import ApprovalStatus, DocumentStatus, EngagementStatus, EventType
from backoffice.refusals import Refused
from backoffice.vocabulary import STATES, ReviewType

# Each machine's moves, and the states they may name.
MACHINES = {
    **{f"case ({t.value})": (lifecycle.transitions_for(t), set(STATES[t])) for t in ReviewType},
    "document": (tuple(publication.DOCUMENT_MOVES.values()), set(DocumentStatus)),
    "board approval": (tuple(approval.MOVES.values()), set(ApprovalStatus)),
    "family engagement": (tuple(m for ms in family.ENGAGEMENT_MOVES.values() for m in ms), set(EngagementStatus)),
}


@pytest.mark.parametrize("machine", MACHINES)
def test_every_machine_is_a_table_of_moves_between_its_own_states(machine):
    moves, known = MACHINES[machine]
    assert moves and all(isinstance(move, Move) for move in moves)
    for move in moves:
        assert move.sources and set(move.sources) <= known, move.name
        assert move.target in known, move.name
        assert all(isinstance(guard, Guard) and guard.needs for guard in move.guards), move.name


def test_a_move_not_leaving_the_state_is_refused_with_the_message_given():
    move = Move("approve", "Approve", ("draft",), "approved")
    with pytest.raises(Refused, match="It is already approved."):
        states.take(move, "approved", None, "It is already approved.")


def test_a_guard_that_says_no_refuses_the_move_with_its_reason_in_the_refusal_type_asked_for():
    class Refusal(Refused):
        pass

    checked = Guard(("checked",), lambda subject: None if subject["checked"] else "Run the check first.")
    move = Move("approve", "Approve", ("draft",), "approved", (checked,))
    with pytest.raises(Refusal, match="Run the check first."):
        states.take(move, "draft", {"checked": False}, "unused", Refusal)
    assert states.take(move, "draft", {"checked": True}, "unused") == "approved"


def test_the_first_guard_to_say_no_gives_the_reason():
    first = Guard(("a",), lambda _: "First.")
    second = Guard(("b",), lambda _: "Second.")
    assert states.blocked(Move("m", "M", ("s",), "t", (first, second)), None) == "First."
    assert states.blocked(Move("m", "M", ("s",), "t"), None) is None


def test_sources_keep_the_order_the_table_lists_them_in():
    assert Move("m", "M", ["b", "a", "c"], "t").sources == ("b", "a", "c")


@pytest.mark.parametrize(("answers", "required", "settled"), [
    ([], 1, ApprovalStatus.PENDING),
    (["approve"], 2, ApprovalStatus.PENDING),
    (["approve", "approve"], 2, ApprovalStatus.APPROVED),
    (["approve", "reject"], 1, ApprovalStatus.REJECTED),
    (["approve", "request_info"], 2, ApprovalStatus.INFO_REQUESTED),
    (["request_info", "reject"], 1, ApprovalStatus.REJECTED),  # a rejection is final, whatever else
])
def test_a_decisions_status_settles_from_its_rounds_answers(answers, required, settled):
    class Answered:
        def __init__(self, outcome):
            self.outcome = outcome

    class Decision:
        approval_status = ApprovalStatus.PENDING

        def current_approvals(self):
            return [Answered(a) for a in answers]

    assert approval.status_after(Decision(), required) is settled


@pytest.mark.parametrize(("status", "kind", "failed", "after"), [
    (EngagementStatus.NOT_YET_INVITED, EventType.INVITATION, 0, EngagementStatus.INVITED),
    (EngagementStatus.ENGAGED, EventType.INVITATION, 0, EngagementStatus.ENGAGED),  # a second invitation
    (EngagementStatus.INVITED, EventType.CONTACT_ATTEMPT, 1, EngagementStatus.INVITED),
    (EngagementStatus.INVITED, EventType.CONTACT_ATTEMPT, 2, EngagementStatus.NOT_CONTACTABLE),
    (EngagementStatus.NOT_CONTACTABLE, EventType.CONTACT_ATTEMPT, 0, EngagementStatus.INVITED),
    (EngagementStatus.ENGAGED, EventType.CONTACT_ATTEMPT, 3, EngagementStatus.ENGAGED),
    (EngagementStatus.DECLINED, EventType.MEETING_ATTENDED, 0, EngagementStatus.ENGAGED),
    (EngagementStatus.ENGAGED, EventType.WITHDRAWN, 0, EngagementStatus.WITHDRAWN),
    (EngagementStatus.INVITED, EventType.TOLD_PUBLICATION_DATE, 0, EngagementStatus.INVITED),
])
def test_a_family_members_engagement_follows_each_event_by_the_table(status, kind, failed, after):
    assert family.status_after(status, kind, failed) is after
