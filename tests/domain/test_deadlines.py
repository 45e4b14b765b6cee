"""The statutory clock: deadlines derived from each case's dates and the rules, on every write."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from backoffice import clock

from backoffice.domain.deadlines import DeadlineStatus, status, status_condition
from backoffice.refusals import Refused
from backoffice.vocabulary import ReviewType
from backoffice.models import Case, Deadline, DeadlineRule, Hold, HoldReason, Notification, utcnow
from tests import factories


def deadlines(session, case) -> dict[str, Deadline]:
    session.expire_all()
    return {d.milestone: d for d in session.get(Case, case.id).deadlines}


def cspr(**dates) -> Case:
    return factories.CaseFactory(review_type=ReviewType.CSPR, **dates)


def send(session, case, recipient: str, purpose: str, sent: date) -> None:
    notification = next(n for n in case.notifications if str(n.recipient) == recipient and n.purpose == purpose)
    notification.sent_date = sent
    session.commit()


def test_a_new_cspr_is_due_to_notify_the_panel_and_ofsted_within_five_working_days(session):
    case = cspr(incident_date=date(2025, 5, 1), aware_date=date(2025, 5, 2), referral_date=date(2025, 5, 2))
    due = deadlines(session, case)
    assert due["SIN_TO_PANEL"].due_date == date(2025, 5, 12)  # Mon 5 May is a bank holiday
    assert due["SIN_TO_OFSTED"].due_date == date(2025, 5, 12)
    assert due["SIN_TO_PARTNERS"].due_date == date(2025, 5, 12)  # reported to the safeguarding partners
    assert set(due) == {"SIN_TO_PANEL", "SIN_TO_OFSTED", "SIN_TO_PARTNERS"}
    expected = {(str(n.recipient), n.purpose, n.due_date, n.sent_date) for n in session.get(Case, case.id).notifications}
    assert expected == {
        ("national_panel", "serious_incident", date(2025, 5, 12), None),
        ("ofsted", "serious_incident", date(2025, 5, 12), None),
    }


def test_sending_the_notification_meets_it_and_starts_the_rapid_review_clock(session):
    case = cspr(incident_date=date(2025, 12, 10), aware_date=date(2025, 12, 10), referral_date=date(2025, 12, 10))
    send(session, case, "national_panel", "serious_incident", date(2025, 12, 17))
    due = deadlines(session, case)
    assert due["SIN_TO_PANEL"].met_date == date(2025, 12, 17)
    assert due["RAPID_REVIEW_TO_PANEL"].due_date == date(2026, 1, 12)  # over Christmas and New Year
    assert status(due["SIN_TO_PANEL"], date(2026, 1, 1)) is DeadlineStatus.MET


def test_a_late_notification_is_met_late(session):
    case = cspr(incident_date=date(2025, 5, 1), aware_date=date(2025, 5, 2), referral_date=date(2025, 5, 2))
    send(session, case, "national_panel", "serious_incident", date(2025, 5, 13))
    assert status(deadlines(session, case)["SIN_TO_PANEL"], date(2025, 6, 1)) is DeadlineStatus.MET_LATE


def test_correcting_a_date_moves_the_deadline(session):
    case = cspr(incident_date=date(2025, 3, 1), aware_date=date(2025, 3, 24), referral_date=date(2025, 3, 24))
    case.aware_date = date(2025, 3, 27)
    session.commit()
    assert deadlines(session, case)["SIN_TO_PANEL"].due_date == date(2025, 4, 3)


@pytest.mark.parametrize(
    "due, today, expected",
    [
        (date(2025, 5, 12), date(2025, 5, 13), DeadlineStatus.OVERDUE),
        (date(2025, 5, 12), date(2025, 5, 12), DeadlineStatus.DUE_SOON),
        (date(2025, 5, 12), date(2025, 4, 28), DeadlineStatus.DUE_SOON),
        (date(2025, 5, 12), date(2025, 4, 25), DeadlineStatus.DUE_SOON),  # exactly 10 working days
        (date(2025, 5, 12), date(2025, 4, 24), DeadlineStatus.PENDING),
    ],
)
def test_status_today_and_the_same_classification_in_sql(session, due, today, expected):
    case = cspr(incident_date=date(2025, 1, 1), aware_date=date(2025, 1, 2), referral_date=date(2025, 1, 2))
    deadline = deadlines(session, case)["SIN_TO_PANEL"]
    deadline.due_date = due
    session.commit()
    assert status(deadline, today) is expected
    for candidate in DeadlineStatus:
        matched = session.scalars(
            select(Deadline.id).where(Deadline.id == deadline.id, status_condition(candidate, today))
        ).all()
        assert bool(matched) == (candidate is expected), candidate


def sar_decided(decision_date: date) -> Case:
    """A SAR whose board approved holding a review on `decision_date`."""
    case = factories.CaseFactory(
        review_type=ReviewType.SAR,
        subject_dob=date(1950, 1, 1),
        incident_date=date(2024, 11, 1),
        aware_date=date(2024, 11, 2),
        referral_date=date(2024, 11, 4),
        decision_date=decision_date,
    )
    factories.commission(case)
    return case


def test_a_hold_extends_the_six_month_target_and_the_original_date_stays_visible(session):
    case = sar_decided(date(2025, 1, 10))
    session.add(Hold(case=case, reason=HoldReason.CRIMINAL_PROCEEDINGS, start_date=date(2025, 3, 1), end_date=date(2025, 3, 31)))
    session.commit()
    completed = deadlines(session, case)["SAR_COMPLETED"]
    assert completed.original_due == date(2025, 7, 10)
    assert completed.due_date == date(2025, 8, 10)  # 31 days on hold
    assert completed.is_revised and "Criminal proceedings" in completed.revision_reason


def test_a_hold_never_moves_the_notification_or_rapid_review_deadlines(session):
    case = cspr(incident_date=date(2025, 12, 10), aware_date=date(2025, 12, 10), referral_date=date(2025, 12, 10))
    send(session, case, "national_panel", "serious_incident", date(2025, 12, 17))
    session.add(Hold(case=case, reason=HoldReason.INQUEST, start_date=date(2025, 12, 11)))
    session.commit()
    due = deadlines(session, case)
    assert due["SIN_TO_PANEL"].due_date == due["SIN_TO_PANEL"].original_due == date(2025, 12, 17)
    assert due["RAPID_REVIEW_TO_PANEL"].due_date == date(2026, 1, 12)


def test_an_ongoing_hold_extends_the_target_up_to_today(session):
    start = clock.today() - timedelta(days=9)
    case = sar_decided(clock.today() - timedelta(days=30))
    session.add(Hold(case=case, reason=HoldReason.INQUEST, start_date=start))
    session.commit()
    completed = deadlines(session, case)["SAR_COMPLETED"]
    assert completed.due_date - completed.original_due == timedelta(days=10)


def test_a_waiver_and_its_reason_survive_recomputation(session):
    case = cspr(incident_date=date(2025, 5, 1), aware_date=date(2025, 5, 2), referral_date=date(2025, 5, 2))
    deadline = deadlines(session, case)["SIN_TO_OFSTED"]
    deadline.waived_at, deadline.waived_reason = utcnow(), "Ofsted told by telephone; no written notice needed."
    session.commit()
    case = session.get(Case, case.id)
    case.aware_date = date(2025, 5, 6)
    session.commit()
    deadline = deadlines(session, case)["SIN_TO_OFSTED"]
    assert status(deadline, date(2026, 1, 1)) is DeadlineStatus.WAIVED
    assert deadline.waived_reason.startswith("Ofsted told")
    assert deadline.due_date == date(2025, 5, 13)


def test_a_case_uses_the_version_of_a_rule_in_force_on_its_anchor_date(session):
    old = session.scalars(select(DeadlineRule).where(DeadlineRule.milestone == "SIN_TO_PANEL")).one()
    old.effective_to = date(2025, 12, 31)
    session.add(DeadlineRule(
        review_type=ReviewType.CSPR, stage="rapid_review", milestone="SIN_TO_PANEL", label=old.label,
        anchor="aware_date", offset=3, unit="working_days", met_by=old.met_by, standing="statute",
        responsible_role="business_support", source="A hypothetical 2026 revision", effective_from=date(2026, 1, 1),
    ))
    session.commit()
    before = cspr(incident_date=date(2025, 11, 1), aware_date=date(2025, 11, 3), referral_date=date(2025, 11, 3))
    after = cspr(incident_date=date(2026, 2, 1), aware_date=date(2026, 2, 2), referral_date=date(2026, 2, 2))
    assert deadlines(session, before)["SIN_TO_PANEL"].due_date == date(2025, 11, 10)
    assert deadlines(session, after)["SIN_TO_PANEL"].due_date == date(2026, 2, 5)


@pytest.mark.parametrize(("field", "value"), [("offset", 10), ("unit", "calendar_days"), ("anchor", "referral_date"),
                                            ("effective_from", date(2020, 1, 1)), ("extendable_by_hold", True)])
def test_a_rules_timescale_edited_in_place_on_any_write_path_is_refused(session, field, value):
    """Not only the form: a script writing the rule through the session is refused too, and no live
    case's deadline moves (a change is a new version, domain/rule_versions.py)."""
    case = cspr(incident_date=date(2025, 5, 1), aware_date=date(2025, 5, 2), referral_date=date(2025, 5, 2))
    rule = session.scalars(select(DeadlineRule).where(DeadlineRule.milestone == "SIN_TO_PANEL")).one()
    setattr(rule, field, value)

    with pytest.raises(Refused, match="never edited under live cases"):
        session.commit()

    session.rollback()
    assert deadlines(session, case)["SIN_TO_PANEL"].due_date == date(2025, 5, 12)


def test_a_versions_wording_may_be_edited_in_place(session):
    case = cspr(incident_date=date(2025, 5, 1), aware_date=date(2025, 5, 2), referral_date=date(2025, 5, 2))
    rule = session.scalars(select(DeadlineRule).where(DeadlineRule.milestone == "SIN_TO_PANEL")).one()
    rule.label, rule.source = "SIN to the Panel", "Children Act 2004 s16C(1)"
    session.commit()
    assert deadlines(session, case)["SIN_TO_PANEL"].rule.label == "SIN to the Panel"


def test_review_targets_apply_only_once_a_review_is_commissioned(session):
    case = factories.CaseFactory(
        review_type=ReviewType.SAR, subject_dob=date(1950, 1, 1), incident_date=date(2024, 11, 1),
        aware_date=date(2024, 11, 2), referral_date=date(2024, 11, 4), decision_date=date(2025, 1, 10),
    )
    factories.DecisionFactory(case=case, approval_status="approved")  # criteria not met: no review
    assert "SAR_COMPLETED" not in deadlines(session, case)
    factories.commission(session.get(Case, case.id))
    assert deadlines(session, case)["SAR_COMPLETED"].due_date == date(2025, 7, 10)


def test_a_not_notifiable_cspr_expects_no_notification_and_its_reminders_are_archived(session):
    case = cspr(incident_date=date(2025, 5, 1), aware_date=date(2025, 5, 2), referral_date=date(2025, 5, 2))
    assert {"SIN_TO_PANEL", "SIN_TO_OFSTED"} <= set(deadlines(session, case))
    case = session.get(Case, case.id)
    case.state = "NOT_NOTIFIABLE_LOCAL_REFERRAL"
    session.commit()
    assert not {"SIN_TO_PANEL", "SIN_TO_OFSTED"} & set(deadlines(session, case))
    reminders = session.get(Case, case.id).notifications
    assert reminders and all(n.archived_at is not None and n.sent_date is None for n in reminders)


def test_closing_a_case_drops_its_open_deadlines_and_keeps_the_met_ones(session):
    case = cspr(incident_date=date(2025, 5, 1), aware_date=date(2025, 5, 2), referral_date=date(2025, 5, 2))
    send(session, case, "national_panel", "serious_incident", date(2025, 5, 9))
    case = session.get(Case, case.id)
    case.state = "CLOSED"
    session.commit()
    remaining = deadlines(session, case)
    assert remaining["SIN_TO_PANEL"].met_date == date(2025, 5, 9)
    assert "SIN_TO_OFSTED" not in remaining and "RAPID_REVIEW_TO_PANEL" not in remaining


def test_an_ongoing_hold_stops_the_clock_instead_of_letting_the_target_fall_overdue(session):
    case = sar_decided(date(2024, 6, 3))  # six months long past
    session.add(Hold(case=case, reason=HoldReason.CRIMINAL_PROCEEDINGS, start_date=date(2024, 7, 1)))
    session.commit()
    completed = deadlines(session, case)["SAR_COMPLETED"]
    assert completed.on_hold
    assert status(completed, clock.today()) is DeadlineStatus.ON_HOLD
    held = session.scalars(select(Deadline.id).where(status_condition(DeadlineStatus.ON_HOLD, clock.today()))).all()
    overdue = session.scalars(select(Deadline.id).where(status_condition(DeadlineStatus.OVERDUE, clock.today()))).all()
    assert completed.id in held and completed.id not in overdue


def test_overlapping_holds_count_each_day_once(session):
    case = sar_decided(date(2025, 1, 10))
    session.add_all([
        Hold(case=case, reason=HoldReason.CRIMINAL_PROCEEDINGS, start_date=date(2025, 3, 1), end_date=date(2025, 3, 20)),
        Hold(case=case, reason=HoldReason.INQUEST, start_date=date(2025, 3, 11), end_date=date(2025, 3, 31)),
    ])
    session.commit()
    completed = deadlines(session, case)["SAR_COMPLETED"]
    assert completed.due_date - completed.original_due == timedelta(days=31)


def test_a_deadline_whose_anchor_is_cleared_goes_away(session):
    case = sar_decided(date(2025, 1, 10))
    assert "SAR_COMPLETED" in deadlines(session, case)
    case = session.get(Case, case.id)
    case.decision_date = None
    session.commit()
    assert "SAR_COMPLETED" not in deadlines(session, case)


def test_the_dhr_decision_and_home_office_notice_are_due_a_calendar_month_after_notification(session):
    case = factories.CaseFactory(
        review_type=ReviewType.DHR, subject_dob=date(1980, 1, 1),
        incident_date=date(2025, 1, 28), aware_date=date(2025, 1, 31), referral_date=date(2025, 1, 31),
    )
    due = deadlines(session, case)
    assert due["DHR_DECISION"].due_date == due["DHR_HOME_OFFICE_TOLD"].due_date == date(2025, 2, 28)
    assert any(str(n.recipient) == "home_office" for n in session.get(Case, case.id).notifications)


def test_notifications_recorded_outside_a_step_also_meet_their_deadline(session):
    case = cspr(incident_date=date(2025, 5, 1), aware_date=date(2025, 5, 2), referral_date=date(2025, 5, 2))
    notification = session.scalars(select(Notification).where(Notification.recipient == "ofsted")).one()
    notification.sent_date = date(2025, 5, 7)
    notification.reference = "OF-123"
    session.commit()
    assert deadlines(session, case)["SIN_TO_OFSTED"].met_date == date(2025, 5, 7)
