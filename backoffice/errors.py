"""Error pages: a plain explanation, never a stack trace, SQL or framework name."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from backoffice.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Please go back and try again."),
    403: ("Not allowed", "Your role does not allow this. Ask an administrator if you think it should."),
    404: ("Not found", "There is nothing here, or you do not have access to it."),
    405: ("Not allowed", "This address cannot be used that way."),
    409: ("Changed at the same moment", "Nothing was saved: the record changed while this was being saved (the form "
          "may have been sent twice). Go back, reload the page and try again."),
    413: ("Too large", "What was sent (an uploaded file, or text typed or pasted into a form) is larger than the "
          "limit. Nothing was saved."),
    429: ("Too many requests", "Please wait a moment and try again."),
    500: ("Something went wrong", "Nothing was saved. The error has been logged; please try again."),
    503: ("Service unavailable", "The service is temporarily unavailable. Nothing was saved."),
}


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def _audit_refusal() -> None:
    """A refused request is itself an event auditors want to see."""
    from flask import request

    from backoffice.domain.audit import record_now
    from backoffice.models import AuditAction

    db.session.rollback()
    try:
        record_now(AuditAction.ACCESS_DENIED, reason=f"{request.method} {request.path}"[:500])
    except Exception:  # the refusal must still be answered
        log.exception("Could not audit an access refusal")


def register(app: Flask) -> None:
    """Install the handlers on `app`."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, "Your form has expired or was not sent from this site. Please reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 403:
            _audit_refusal()
        return render_error(error.code or 500)

    @app.errorhandler(StaleDataError)
    @app.errorhandler(IntegrityError)
    def conflicting_write(error: Exception):
        """Two saves of the same record at once (a double submit): the second is refused whole."""
        log.warning("Conflicting write refused: %s", type(error).__name__)
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: DBAPIError):
        """The database cannot be reached (or the connection dropped): say so, leave nothing half-written."""
        log.error("Database unavailable: %s", type(error).__name__)
        try:
            db.session.rollback()
        except Exception:  # the connection itself may be gone
            pass
        return render_error(503)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):  # pragma: no cover - handled above
            return http_error(error)
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            return database_unavailable(error)
        log.exception("Unhandled error", exc_info=error)
        db.session.rollback()
        return render_error(InternalServerError.code)
