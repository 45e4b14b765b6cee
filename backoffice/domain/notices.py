"""What a notification to an external body must carry, on every write path.

Telling the Home Office a DHR decision (Home Office guidance: "If you decide not to conduct a DHR, you
should contact us explaining your reasons"): the notification is linked to the decision told, so the
reasons on record are the reasons sent, and a decision not yet approved cannot have been told.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from backoffice.models.lifecycle import Notification, Purpose, Recipient
from backoffice.refusals import Refused
from backoffice.vocabulary import ReviewType


def tells_dhr_decision(notification: Notification) -> bool:
    """Whether this is the Home Office being told a DHR decision."""
    return (notification.case is not None and ReviewType(notification.case.review_type) is ReviewType.DHR
            and str(notification.recipient) == Recipient.HOME_OFFICE and str(notification.purpose) == Purpose.DECISION)


def link_decisions_told(session: Session) -> None:
    """A Home Office decision notification marked sent is linked to the case's approved decision; with
    none approved the flush is refused."""
    with session.no_autoflush:
        for notification in (*session.new, *session.dirty):
            if not isinstance(notification, Notification) or notification.sent_date is None:
                continue
            if not tells_dhr_decision(notification) or notification.decision is not None:
                continue
            approved = notification.case.approved_decisions()
            if not approved:
                raise Refused(
                    "The Home Office is told the decision once the board has approved it: record and approve the "
                    "decision first, with its reasons.",
                    {"sent_date": "Record and approve the decision first: its reasons are what the Home Office is sent."})
            notification.decision = approved[-1]
