"""`flask reminders send`: each user's digest of what their roles must act on, by real SMTP (an aiosmtpd
server on loopback), once a period, recorded and retried when a send fails, and never carrying a
name, a date of birth or narrative."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from backoffice.models import AuditEvent, Case, FamilyInvolvement, Reminder
from tests import factories
from tests.smtp import free_port
from tests.helpers import today


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
