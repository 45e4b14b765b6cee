"""`flask reminders send`: each user's digest of what their roles must act on, by real SMTP (an aiosmtpd
server on loopback), once a period, recorded and retried when a send fails, and never carrying a
name, a date of birth or narrative."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from backoffice.models import AuditEvent, Case, CaseAgency, FamilyInvolvement, Reminder
from tests import factories
from tests.smtp import free_port
from tests.helpers import reload, today


def send(app):
    return app.test_cli_runner().invoke(args=["reminders", "send"])


def overdue_cspr():
    """A CSPR aware 20 days ago with no serious incident notification: business support's, overdue."""
    aware = today() - timedelta(days=20)
    return factories.CaseFactory(review_type="CSPR", aware_date=aware, referral_date=aware,
                                 incident_date=aware - timedelta(days=1), partners_told_date=aware)


def test_business_support_is_sent_one_digest_of_what_is_overdue_with_references_and_links(app, session, smtp):
    case = overdue_cspr()
    support = factories.UserFactory(roles=["business_support"], email="support@example.org")

    result = send(app)

    assert result.exit_code == 0, result.output
    mine = [body for to, body in smtp.messages if to == [support.email]]
    assert len(mine) == 1
    assert case.reference in mine[0] and f"https://reviews.test/admin/case/details/?id={case.id}" in mine[0]
    assert "overdue since" in mine[0]


def test_a_second_run_the_same_day_sends_nothing_new(app, session, smtp):
    overdue_cspr()
    factories.UserFactory(roles=["business_support"])
    send(app)
    count = len(smtp.messages)

    result = send(app)

    assert len(smtp.messages) == count and "0 sent" in result.output
    assert session.scalars(select(Reminder)).one().sent_at is not None


def test_a_failed_send_is_recorded_unsent_and_retried_on_the_next_run(app, session, smtp):
    overdue_cspr()
    factories.UserFactory(roles=["business_support"])
    app.config["MAIL_PORT"] = free_port()  # nobody listens there

    failed = send(app)

    assert failed.exit_code == 1 and "1 failed" in failed.output
    reminder = session.scalars(select(Reminder)).one()
    assert reminder.sent_at is None and reminder.attempts == 1 and reminder.last_error
    app.config["MAIL_PORT"] = smtp.port
    assert send(app).exit_code == 0
    session.expire_all()
    assert session.scalars(select(Reminder)).one().sent_at is not None and len(smtp.messages) == 1


def test_each_sent_reminder_is_in_the_audit_trail(app, session, smtp):
    overdue_cspr()
    factories.UserFactory(roles=["business_support"])

    send(app)

    assert session.scalars(select(AuditEvent).where(AuditEvent.object_type == "reminder")).all()


def test_a_user_who_turned_digests_off_still_gets_overdue_statutory_deadlines(app, session, smtp):
    overdue_cspr()
    off = factories.UserFactory(roles=["business_support"], reminder_frequency="off")

    send(app)

    assert [to for to, _ in smtp.messages] == [[off.email]]


def test_no_mail_server_is_a_clear_refusal(app, session):
    app.config["MAIL_SERVER"] = None

    result = send(app)

    assert result.exit_code != 0 and "MAIL_SERVER is not set" in result.output


def test_no_message_carries_a_restricted_value_of_the_demo(app, session, smtp):
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0

    send(app)

    restricted = {str(getattr(c, name)) for c in session.scalars(select(Case)) for name in Case.RESTRICTED
                  if getattr(c, name)}
    restricted |= {str(getattr(m, name)) for m in session.scalars(select(FamilyInvolvement))
                   for name in FamilyInvolvement.RESTRICTED if getattr(m, name)}
    restricted |= {c.concerns for c in session.scalars(select(Case)) if c.concerns}
    bodies = [body for _, body in smtp.messages]
    assert bodies
    assert [value for value in restricted for body in bodies if len(value) > 3 and value in body] == []


def escalations_to(smtp, email: str) -> list[str]:
    return [body for to, body in smtp.messages if to == [email] and "escalated to the board" in body]


class TestEscalation:
    def test_an_action_overdue_past_the_threshold_is_escalated_once_to_the_board_of_its_stream(self, app, session, smtp):
        action = factories.ActionFactory(due_date=today() - timedelta(days=40))
        stream = {"CSPR": "children", "SAR": "adults", "DHR": "domestic_abuse"}[str(action.case.review_type)]
        other = next(s for s in ("children", "adults", "domestic_abuse") if s != stream)
        board = factories.UserFactory(roles=["board"], streams=[stream])
        elsewhere = factories.UserFactory(roles=["board"], streams=[other])

        send(app)
        send(app)

        (body,) = escalations_to(smtp, board.email)
        assert action.case.reference in body and f"/admin/action/details/?id={action.id}" in body
        assert escalations_to(smtp, elsewhere.email) == []
        assert session.scalars(select(Reminder).where(Reminder.key == f"escalation:action:{action.id}")).one().sent_at

    def test_an_action_overdue_within_the_threshold_is_not_escalated(self, app, session, smtp):
        factories.ActionFactory(due_date=today() - timedelta(days=2))
        board = factories.UserFactory(roles=["board"])
        send(app)
        assert escalations_to(smtp, board.email) == []

    def test_an_agency_contribution_long_overdue_is_escalated(self, app, session, smtp):
        contribution = factories.ContributionFactory(contribution_type="record_check",
                                                     requested_date=today() - timedelta(days=70))
        board = factories.UserFactory(roles=["board"])
        send(app)
        (body,) = escalations_to(smtp, board.email)
        assert f"/admin/contribution/details/?id={contribution.id}" in body

    def test_escalations_reach_a_board_member_who_turned_digests_off(self, app, session, smtp):
        factories.ActionFactory(due_date=today() - timedelta(days=40))
        off = factories.UserFactory(roles=["board"], reminder_frequency="off")
        send(app)
        assert len(escalations_to(smtp, off.email)) == 1

    def test_a_failed_escalation_is_retried_on_the_next_run(self, app, session, smtp):
        factories.ActionFactory(due_date=today() - timedelta(days=40))
        board = factories.UserFactory(roles=["board"])
        app.config["MAIL_PORT"] = free_port()
        assert send(app).exit_code == 1
        app.config["MAIL_PORT"] = smtp.port
        send(app)
        assert len(escalations_to(smtp, board.email)) == 1


class TestOwnSettings:
    def test_a_user_chooses_weekly_digests_for_themselves(self, login_as, session):
        panel = login_as("panel")
        page = panel.get("/admin/reminders/")
        assert page.status_code == 200 and 'value="weekly"' in page.get_data(as_text=True)

        panel.post("/admin/reminders/", data={"frequency": "weekly"})

        session.expire_all()
        assert str(session.get(type(panel.user), panel.user.id).reminder_frequency) == "weekly"
        assert session.scalars(select(AuditEvent).where(AuditEvent.object_type == "user",
                                                        AuditEvent.object_id == panel.user.id)).all()

    def test_an_unknown_choice_changes_nothing(self, login_as, session):
        panel = login_as("panel")
        panel.post("/admin/reminders/", data={"frequency": "hourly"})
        session.expire_all()
        assert str(session.get(type(panel.user), panel.user.id).reminder_frequency) == "daily"

    def test_the_home_page_says_how_often_and_links_to_change_it(self, login_as, session):
        home = login_as("board").get("/admin/").get_data(as_text=True)
        assert "reminder emails: daily" in home and 'href="/admin/reminders/"' in home


def owed_by(agency_email: str | None = "lead@police.example.org", requested_days_ago: int = 1):
    """A record check asked of an agency whose safeguarding lead has `agency_email`."""
    agency = factories.AgencyFactory(safeguarding_lead_email=agency_email)
    return factories.ContributionFactory(agency=agency, contribution_type="record_check",
                                         requested_date=today() - timedelta(days=requested_days_ago))


def to_agency(smtp, email: str = "lead@police.example.org") -> list[str]:
    return [body for to, body in smtp.messages if to == [email]]


class TestChasingAgencies:
    def test_a_new_request_is_emailed_to_the_safeguarding_lead_once_without_narrative(self, app, session, smtp):
        contribution = owed_by()
        send(app)
        send(app)

        (body,) = to_agency(smtp)
        assert "Request for information" in body and contribution.case.reference in body
        assert contribution.case.concerns not in body and contribution.case.subject_legal_name not in body
        assert [e.kind for e in reload(session, contribution).emails] == ["request"]

    def test_a_reminder_goes_shortly_before_it_is_due(self, app, session, smtp):
        contribution = owed_by(requested_days_ago=30)
        contribution.due_date = today() + timedelta(days=1)
        session.commit()
        send(app)
        assert any("is due soon" in body for body in to_agency(smtp))

    def test_an_overdue_contribution_is_chased_at_most_once_an_interval(self, app, session, smtp):
        contribution = owed_by(requested_days_ago=40)
        send(app)
        send(app)
        chases = [body for body in to_agency(smtp) if "is overdue" in body]
        assert len(chases) == 1
        assert [str(e.kind) for e in reload(session, contribution).emails] == ["chase"]

    def test_an_agency_without_a_lead_email_is_not_emailed_and_the_contribution_says_so(self, app, login_as, session, smtp):
        contribution = owed_by(agency_email=None)
        send(app)
        assert smtp.messages == [] or all("Request for information" not in b for _, b in smtp.messages)
        page = login_as("business_support").get(f"/admin/contribution/details/?id={contribution.id}")
        assert "the agency has no safeguarding lead email" in page.get_data(as_text=True)

    def test_requesting_from_the_case_page_emails_the_request_at_once(self, app, login_as, session, smtp):
        case = factories.CaseFactory(review_type="DHR")
        agency = factories.AgencyFactory(safeguarding_lead_email="lead@police.example.org")
        session.add(CaseAgency(case=case, agency=agency, role="contributing"))
        session.commit()
        support = login_as("business_support")
        page = support.post(f"/admin/contribution/request/?case_id={case.id}", data={
            "agencies": [agency.id], "contribution_type": "imr", "requested_date": today().isoformat()},
            follow_redirects=True)

        assert "The request was emailed to 1 safeguarding lead." in page.get_data(as_text=True)
        (body,) = to_agency(smtp)
        assert "Request for information" in body and case.reference in body
