"""The one shape of every state machine here: a case's lifecycle (`lifecycle.TRANSITIONS`), a
document's status (`publication.DOCUMENT_MOVES`), a decision's board approval (`approval.MOVES`) and
a family member's engagement (`family.ENGAGEMENT_MOVES`).

Each is a table of `Move`s: a name, the states it leaves, the state it reaches and the guards that
must hold, as data. `take` is the one way a move is checked: it refuses, with a `Refused` that gives
the reason, or returns the state reached. A state machine library would add a second vocabulary for
the same four tables; these stay plain data that the views, the tests and the demo read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from backoffice.refusals import Refused


@dataclass(frozen=True)
class Guard:
    """A condition a move needs. Called with what the move is about, it gives the reason the
    condition does not hold (None when it does); `needs` says, as data, what would satisfy it (for
    tests and tools)."""

    needs: tuple
    check: Callable[[Any], str | None]

    def __call__(self, subject: Any) -> str | None:
        return self.check(subject)


@dataclass(frozen=True)
class Move:
    """One step of a state machine: from any of `sources` to `target`, when every guard holds."""

    name: str
    label: str
    sources: tuple[Any, ...]
    target: Any
    guards: tuple[Guard, ...] = ()

    def __post_init__(self) -> None:
        # In the order the table lists them (the first is the usual one), whatever it lists them in.
        object.__setattr__(self, "sources", tuple(self.sources))

    def leaves(self, state: Any) -> bool:
        return state in self.sources


def open_from(moves: Iterable[Move], state: Any) -> list[Move]:
    """The moves that leave `state` (before their guards are asked)."""
    return [move for move in moves if move.leaves(state)]


def blocked(move: Move, subject: Any) -> str | None:
    """The first guard's reason for refusing the move now, or None when every guard holds."""
    return next((reason for guard in move.guards if (reason := guard(subject))), None)


def take(move: Move, state: Any, subject: Any, not_from: str, refusal: type[Refused] = Refused) -> Any:
    """The state `move` reaches from `state`; or `refusal`, saying `not_from` when the move does not
    leave that state, or the guard's reason when one says no. Nothing is changed here: the caller
    sets the state it is given."""
    if not move.leaves(state):
        raise refusal(not_from)
    reason = blocked(move, subject)
    if reason:
        raise refusal(reason)
    return move.target
