"""Sending one email by SMTP (Flask-Mailman), with the settings as they are now: reminders, chases,
acknowledgements and decisions to referrers all go this way. Email is not a secure channel: callers
send references, dates and links, never a name or narrative (domain/reminders.py, domain/intake.py)."""

from __future__ import annotations

from flask import current_app
from flask_mailman import EmailMessage

from backoffice.extensions import mail


def configured() -> bool:
    """Whether an SMTP server is set (without one, nothing is sent and nothing is recorded as sent)."""
    return bool(current_app.config.get("MAIL_SERVER"))


def connection():
    """A real SMTP connection (Flask-Mailman would read its settings once, at start, and under TESTING
    keep messages in memory)."""
    config = current_app.config
    return mail.get_connection(
        backend="smtp", host=config["MAIL_SERVER"], port=config["MAIL_PORT"], username=config.get("MAIL_USERNAME"),
        password=config.get("MAIL_PASSWORD"), use_tls=config.get("MAIL_USE_TLS", False), timeout=config["MAIL_TIMEOUT"])


def send_mail(subject: str, body: str, to: list[str], via=None) -> str | None:
    """Send one message; None if it went, else the kind of failure (to record, and retry later)."""
    if not configured():
        return "MailNotConfigured"
    try:
        EmailMessage(subject, body, from_email=current_app.config["MAIL_DEFAULT_SENDER"], to=to,
                     connection=via or connection()).send()
    except Exception as exc:  # noqa: BLE001 - refused, unreachable or timed out: the caller records it
        current_app.logger.warning("mail not sent", extra={"error": type(exc).__name__})
        return type(exc).__name__
    return None
