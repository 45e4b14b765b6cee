"""The save pipeline runs its steps in the written order, from one listener per event: a new step, or
a module registering a listener of its own, shows up here first."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.domain import pipeline
from backoffice.models import Notification
from tests import factories


def listeners(event_name: str) -> list[str]:
    """The back-office's own listeners on every Session for `event_name`."""
    return [f"{fn.__module__}.{fn.__name__}" for fn in getattr(Session().dispatch, event_name)
            if fn.__module__.startswith("backoffice")]


def test_the_steps_before_a_flush_run_in_the_written_order():
    assert [step.__name__ for step in pipeline.BEFORE_FLUSH] == [
        "refuse_overlong_text", "refuse_unlawful_mandates", "refuse_edits_in_place",
        "refuse_turnaround_edits_in_place", "refuse_disposal_under_hold",
        "link_decisions_told",
        "summarise_changed_members", "fill_due_dates", "reopen_returned_on_resubmission",
        "recompute_changed_cases", "stamp_actor"]


def test_each_event_has_the_pipelines_one_listener_and_no_other():
    assert listeners("before_flush") == ["backoffice.domain.pipeline.before_flush"]
    assert listeners("after_flush") == ["backoffice.domain.pipeline.after_flush"]
    assert listeners("after_flush_postexec") == []


def test_what_the_deadline_step_adds_is_stamped_with_who_caused_it(session):
    """Stamping runs after the deadlines: the notifications a new CSPR is due to send are records made
    by the person who logged the case."""
    clerk = factories.UserFactory(roles=["business_support"])
    session.info["actor_id"] = clerk.id
    case = factories.CaseFactory(review_type="CSPR")

    expected = session.scalars(select(Notification).where(Notification.case_id == case.id)).all()

    assert expected, "a new CSPR is due to notify the National Panel and Ofsted"
    assert {(n.created_by_id, n.updated_by_id) for n in expected} == {(clerk.id, clerk.id)}
