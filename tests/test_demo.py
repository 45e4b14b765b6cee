"""`flask demo load`: a realistic fictional data set, loaded once into an empty database."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from backoffice.vocabulary import ReviewType
from backoffice.models import Case, FamilyInvolvement, PanelDecision, PublishedDocument, User
from backoffice.policy import RoleName
from tests.conftest import sign_in
from tests.helpers import page_text


def run(app, *args):
    return app.test_cli_runner().invoke(args=["demo", *args])


def test_demo_load_fills_an_empty_database_and_prints_each_password_once(app, session):
    result = run(app, "load")
    assert result.exit_code == 0, result.output
    by_type = Counter(session.scalars(select(Case.review_type)))
    assert set(by_type) == set(ReviewType) and 25 <= sum(by_type.values()) <= 40
    assert len(set(session.scalars(select(Case.state)))) >= 15
    roles = {role for user in session.scalars(select(User)) for role in user.role_names}
    assert roles == {r.value for r in RoleName}
    assert session.scalar(select(func.count()).select_from(PanelDecision)) > 0
    assert session.scalar(select(func.count()).select_from(PublishedDocument)) > 0
    email, password = next(
        (line.split()[1], line.split()[2]) for line in result.output.splitlines() if "business_support" in line
    )
    client = app.test_client()
    assert sign_in(client, email, password).status_code == 302
    assert client.get("/admin/").status_code == 200  # signed in, the authenticator code included


def test_demo_load_refuses_a_second_time_with_a_clear_message(app, session):
    run(app, "load")
    cases = session.scalar(select(func.count()).select_from(Case))
    again = run(app, "load")
    assert again.exit_code != 0
    assert "already has cases or users" in again.output
    assert session.scalar(select(func.count()).select_from(Case)) == cases


def test_demo_load_if_empty_is_quiet_when_data_exists(app, session):
    run(app, "load")
    quiet = run(app, "load", "--if-empty")
    assert quiet.exit_code == 0 and quiet.output == ""


def test_the_demo_publishes_reviews_on_the_public_page_while_they_are_online(app, session):
    run(app, "load")

    shown = page_text(app.test_client().get("/reviews/"))

    for title in ("CSPR Child W: mental health", "SAR Graham: self-neglect", "DHR Amira", "DHR Bethany"):
        assert title in shown
    assert "Young Person S" not in shown  # published with the twelve-month minimum, now over
    statuses = set(session.scalars(select(FamilyInvolvement.engagement_status)))
    assert {"invited", "engaged", "declined", "withdrawn", "not_contactable"} <= statuses  # from their events


def test_the_demo_decides_at_panel_meetings_with_and_without_quorum(app, session):
    from backoffice.domain.meetings import quorum
    from backoffice.models import Meeting

    run(app, "load")

    held = session.scalars(select(Meeting)).all()
    assert {m.meeting_type.name for m in held} == {"Rapid review panel", "SAR review panel", "DHR review panel"}
    assert {quorum(m).met for m in held} == {True, False}
    assert all(d.meeting is not None and d.meeting.held_on == d.meeting_date for d in session.scalars(select(PanelDecision)))


def test_the_demo_has_actions_in_every_state_and_rag_colour_across_the_review_types(app, session):
    from backoffice.domain.learning import rag
    from backoffice.models import Rag, ReviewAction
    from tests.helpers import today

    run(app, "load")

    actions = session.scalars(select(ReviewAction)).all()
    assert {a.case.review_type for a in actions} == set(ReviewType)
    assert {str(a.status) for a in actions} == {"not_started", "in_progress", "completed", "not_implemented"}
    assert {rag(a, today()) for a in actions} == set(Rag)


def test_the_demo_repeats_a_lesson_the_detector_finds(app, session):
    from backoffice.domain.library import similar
    from backoffice.models import Finding

    run(app, "load")

    dhr = session.scalars(select(Finding).join(Case).where(Case.review_type == "DHR")).first()
    found = similar(session, f"{dhr.title} {dhr.text}", [t.value for t in ReviewType], exclude_id=dhr.id)
    assert "CSPR" in {session.get(Case, h.case_id).review_type for h in found}
