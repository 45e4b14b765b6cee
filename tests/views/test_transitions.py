"""Every lifecycle step, through the case page's real form with CSRF on: the role allowed succeeds
(state, timeline and deadlines updated), a role refused gets 403, a failing guard and a missing
required answer are refused with a message, and in each refusal nothing changes.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from backoffice import clock
from backoffice.domain.deadlines import event_date
from backoffice.domain.lifecycle import TRANSITIONS
from backoffice.vocabulary import ReviewType
from backoffice.models import (
    ApprovalStatus,
    Case,
    LegalMandate,
    Notification,
    TransitionLog,
)
from backoffice.policy import RoleName
from tests import factories
from tests.helpers import page_text, today

STEPS = [(review_type, step) for review_type, steps in TRANSITIONS.items() for step in steps]
STEP_IDS = [f"{rt.value}-{step.name}" for rt, step in STEPS]
ROLES = [RoleName.BUSINESS_SUPPORT, RoleName.PANEL, RoleName.BOARD, RoleName.AUDITOR]


def aware_date() -> date:
    """60 days ago, asked afresh (a run may cross midnight)."""
    return today() - timedelta(days=60)


DOB = {ReviewType.CSPR: date(2015, 6, 1), ReviewType.SAR: date(1950, 6, 1), ReviewType.DHR: date(1980, 6, 1)}


def case_in(review_type: ReviewType, state: str) -> Case:
    return factories.CaseFactory(
        review_type=review_type,
        state=state,
        subject_dob=DOB[review_type],
        incident_date=aware_date() - timedelta(days=2),
        aware_date=aware_date(),
        referral_date=aware_date(),
    )


def satisfy(session, case: Case, step) -> None:
    """Make every guard of `step` hold for `case`, from what each guard says it needs."""
    for guard in step.guards:
        need, *details = guard.needs
        if need == "approved_decision":
            outcomes, mandate = details
            factories.DecisionFactory(
                case=case,
                meeting_date=aware_date() + timedelta(days=5),
                outcome=outcomes[0],
                legal_mandate=LegalMandate(mandate) if mandate else None,
                approval_status=ApprovalStatus.APPROVED,
            )
        elif need == "decision_recorded":
            factories.DecisionFactory(case=case, meeting_date=aware_date() + timedelta(days=5))
        elif need == "notified":  # the rules already expect the notification: record it as sent
            recipient, purpose = details[0].split(":")
            expected = [n for n in case.notifications if str(n.recipient) == recipient and n.purpose == purpose]
            notification = expected[0] if expected else Notification(case=case, recipient=recipient, purpose=purpose)
            notification.sent_date = aware_date() + timedelta(days=3)
            session.add(notification)
        elif need == "ready_to_publish":
            factories.ready_to_publish(case, details[0][0])
        elif need == "publication_decision":
            case.publication_decision, case.publication_reason = details[0], "The family asked us not to publish."
        elif need == "contributions_in":  # asked of one agency, and in
            factories.ContributionFactory(case=case, contribution_type=details[0],
                                          received_date=aware_date() + timedelta(days=4))
        elif need == "actions_settled":  # one action, completed with evidence the board accepted
            factories.ActionFactory(recommendation=factories.RecommendationFactory(
                finding=factories.FindingFactory(case=case)), case=case, status="completed",
                completed_date=clock.today(), evidence_outcome="Audit shows the change.", evidence_decision="accepted")
        elif need in ("ho_qa_outcome", "panel_response"):
            setattr(case, need, details[0])
        else:  # pragma: no cover - a new kind of guard needs a line here
            raise AssertionError(f"no test set-up for guard {need}")
    session.commit()


def answers(step) -> dict:
    """Valid answers to every field the step asks for."""
    values = {}
    for offset, field in enumerate(step.fields, start=10):
        if field.name == "publication_date":  # after the notices that the set-up sent 30 days ago
            values[field.name] = clock.today().isoformat()
        elif field.kind == "date":
            values[field.name] = (aware_date() + timedelta(days=offset)).isoformat()
        elif field.kind == "choice":
            values[field.name] = field.choices[0][0]
        else:
            values[field.name] = f"Recorded for {step.name}."
    return values


def url(case: Case, step) -> str:
    return f"/admin/case/transition/?id={case.id}&step={step.name}"


def snapshot(session, case_id: int) -> tuple:
    session.expire_all()
    case = session.get(Case, case_id)
    entries = session.scalar(select(func.count()).select_from(TransitionLog).where(TransitionLog.case_id == case_id))
    result = (case.state, entries, case.updated_at, [(d.milestone, d.due_date, d.met_date) for d in case.deadlines])
    session.commit()
    return result


@pytest.mark.parametrize("review_type, step", STEPS, ids=STEP_IDS)
def test_the_role_allowed_takes_the_step(session, login_as, review_type, step):
    case = case_in(review_type, step.sources[0])
    satisfy(session, case, step)
    signed_in = login_as(sorted(step.roles)[0])
    assert signed_in.get(url(case, step)).status_code == 200

    response = signed_in.post(url(case, step), data=answers(step))

    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    session.expire_all()
    case = session.get(Case, case.id)
    assert case.state == step.target
    entry = case.timeline[-1]
    assert (entry.from_state, entry.to_state, entry.transition, entry.actor_id) == (
        step.sources[0], step.target, step.name, signed_in.user.id
    )
    for deadline in case.deadlines:  # every deadline reflects the dates the step recorded
        assert deadline.met_date == event_date(case, deadline.rule.met_by)


@pytest.mark.parametrize("review_type, step", STEPS, ids=STEP_IDS)
def test_a_role_not_allowed_is_refused_and_nothing_changes(session, login_as, review_type, step):
    case = case_in(review_type, step.sources[0])
    satisfy(session, case, step)
    before = snapshot(session, case.id)
    outsider = next(role for role in ROLES if role not in step.roles)
    signed_in = login_as(outsider)

    assert signed_in.get(url(case, step)).status_code == 403
    assert signed_in.post(url(case, step), data=answers(step)).status_code == 403
    assert snapshot(session, case.id) == before


GUARDED = [(rt, step) for rt, step in STEPS if step.guards]


@pytest.mark.parametrize("review_type, step", GUARDED, ids=[f"{rt.value}-{s.name}" for rt, s in GUARDED])
def test_a_failing_guard_refuses_the_step_with_its_reason_and_nothing_changes(app, session, login_as, review_type, step):
    case = case_in(review_type, step.sources[0])
    before = snapshot(session, case.id)
    signed_in = login_as(sorted(step.roles)[0])

    response = signed_in.post(url(case, step), data=answers(step))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    session.expire_all()
    with app.app_context():  # publication guards read the upload folder from the app's settings
        reason = next(g(session.get(Case, case.id)) for g in step.guards if g(session.get(Case, case.id)))
    session.commit()
    assert str(reason).split(":")[0] in page.replace("&#39;", "'")
    assert snapshot(session, case.id) == before


REQUIRED = [(rt, step) for rt, step in STEPS if any(f.required for f in step.fields)]


@pytest.mark.parametrize("review_type, step", REQUIRED, ids=[f"{rt.value}-{s.name}" for rt, s in REQUIRED])
def test_a_missing_required_answer_is_refused_and_nothing_changes(session, login_as, review_type, step):
    case = case_in(review_type, step.sources[0])
    satisfy(session, case, step)
    before = snapshot(session, case.id)
    signed_in = login_as(sorted(step.roles)[0])
    missing = next(f for f in step.fields if f.required)

    response = signed_in.post(url(case, step), data={**answers(step), missing.name: ""})

    assert response.status_code == 200
    page = response.get_data(as_text=True).replace("&#39;", "'")
    error = page[page.index(f'id="{missing.name}-error"'):].split("</p>")[0]
    assert missing.label.lower() in error.lower()  # the one message beside the field names it
    assert error.count("Error:") == 1
    assert f'href="#{missing.name}"' in page  # and the summary at the top links to it
    assert snapshot(session, case.id) == before


def test_a_step_not_open_from_the_current_state_is_refused(session, login_as):
    case = case_in(ReviewType.CSPR, "INCIDENT_REPORTED")
    response = login_as("board").post(
        f"/admin/case/transition/?id={case.id}&step=send_rapid_review", data={"rr_sent_date": aware_date().isoformat()},
        follow_redirects=True,
    )
    assert "not available while the case is" in response.get_data(as_text=True)
    assert snapshot(session, case.id)[0] == "INCIDENT_REPORTED"


def test_a_date_in_the_future_or_before_the_partnership_knew_is_refused(session, login_as):
    case = case_in(ReviewType.SAR, "REFERRAL_RECEIVED")
    signed_in = login_as("business_support")
    for bad in (clock.today() + timedelta(days=1), aware_date() - timedelta(days=1)):
        response = signed_in.post(f"/admin/case/transition/?id={case.id}&step=acknowledge",
                                  data={"acknowledged_date": bad.isoformat()})
        assert response.status_code == 200
        assert snapshot(session, case.id)[0] == "REFERRAL_RECEIVED"


def test_commissioning_a_local_review_converts_the_rapid_review_into_a_linked_case(session, login_as):
    review_type, step = next((rt, s) for rt, s in STEPS if s.name == "commission_lcspr")
    rapid_review = case_in(review_type, step.sources[0])
    satisfy(session, rapid_review, step)

    login_as("panel").post(url(rapid_review, step), data=answers(step))

    session.expire_all()
    local_review = session.scalars(select(Case).where(Case.parent_id == rapid_review.id)).one()
    assert local_review.state == "LCSPR_IN_PROGRESS"
    assert local_review.reference != rapid_review.reference
    assert local_review.subject_pseudonym == rapid_review.subject_pseudonym
    assert local_review.decision_date == session.get(Case, rapid_review.id).decision_date is not None
    assert [d.milestone for d in local_review.deadlines] == ["LCSPR_PUBLISHED"]


def test_a_local_review_beside_the_national_panels_own_needs_its_reason_recorded(session, login_as):
    review_type, step = next((rt, s) for rt, s in STEPS if s.name == "commission_lcspr")
    rapid_review = case_in(review_type, step.sources[0])
    satisfy(session, rapid_review, step)
    rapid_review.panel_response = "national_review"
    session.commit()
    panel = login_as("panel")

    refused = panel.post(url(rapid_review, step), data={"note": "  "})

    assert refused.status_code == 200
    assert ("The National Panel chose to hold a national review: record why a local review is commissioned "
            "as well.") in page_text(refused)
    assert snapshot(session, rapid_review.id)[0] == step.sources[0]
    reason = "The national review covers the hospital's part; the partnership reviews the local agencies'."
    assert panel.post(url(rapid_review, step), data={"note": reason}).status_code == 302
    session.expire_all()
    assert session.get(Case, rapid_review.id).timeline[-1].note == reason


def test_criteria_not_met_closes_with_the_learning_and_the_date_the_referrer_was_told(session, login_as):
    review_type, step = next((rt, s) for rt, s in STEPS if s.name == "not_met_no_action")
    case = case_in(review_type, step.sources[0])
    satisfy(session, case, step)

    login_as("board").post(url(case, step), data={
        "learning_retained": "Escalation between hospital and social care was slow.",
        "referrer_informed_date": (aware_date() + timedelta(days=20)).isoformat(),
    })

    session.expire_all()
    case = session.get(Case, case.id)
    assert case.state == "NOT_MET_NO_FURTHER_ACTION"
    assert case.learning_retained == "Escalation between hospital and social care was slow."
    assert case.referrer_informed_date == aware_date() + timedelta(days=20)


# --- the same step sent twice at once -------------------------------------------------------------


def test_a_step_sent_twice_at_once_is_taken_once_and_the_second_gets_a_clear_message(app, engine, session, login_as):
    from sqlalchemy import event, text
    from sqlalchemy.orm import Session

    from backoffice.extensions import db as flask_db

    case = factories.CaseFactory(review_type="SAR", state="REFERRAL_RECEIVED", subject_dob=date(1950, 1, 1))
    signed_in = login_as("business_support")
    token = signed_in.csrf()

    raced = []

    def first_submit_commits_first(request_session, flush_context, instances) -> None:
        """The first of the two POSTs commits while this one is between loading the case and saving it."""
        if raced or request_session is not flask_db.session():
            return
        raced.append(True)
        with engine.begin() as other:
            other.execute(text('UPDATE "case" SET state = \'ACKNOWLEDGED\', version = version + 1 WHERE id = :id'),
                          {"id": case.id})

    event.listen(Session, "before_flush", first_submit_commits_first)
    try:
        response = signed_in.client.post(
            f"/admin/case/transition/?id={case.id}&step=acknowledge",
            data={"acknowledged_date": "2025-11-10", "note": "", "csrf_token": token}, follow_redirects=True,
        )
    finally:
        event.remove(Session, "before_flush", first_submit_commits_first)

    assert raced and response.status_code == 200
    assert "the form may have been sent twice" in response.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(TransitionLog).where(TransitionLog.case_id == case.id)) == 0
    assert session.get(Case, case.id).acknowledged_date is None  # nothing of the second submit was kept
