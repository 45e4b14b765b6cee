"""The web's part of the audit trail: every request gets an id (echoed in X-Request-ID, written on
its audit rows), and sign-ins, failed sign-ins and sign-outs are audited as they happen."""

from __future__ import annotations

import uuid

from flask import g, request
from flask import session as http_session
from flask_login import current_user
from sqlalchemy import func, select

from backoffice.domain.audit import REQUEST_ID, SIGN_IN_FORMS, record_now
from backoffice.models import AuditAction, User


def install(app) -> None:
    """Give every request an id, and audit sign-ins, failed sign-ins and sign-outs."""
    from flask_login import user_logged_out
    from flask_security.signals import user_authenticated

    @app.before_request
    def _request_id() -> None:
        # A caller's id is kept only if it is short and plain; anything else could forge log lines.
        offered = request.headers.get("X-Request-ID", "")
        g.request_id = offered if REQUEST_ID.fullmatch(offered) else str(uuid.uuid4())

    @app.after_request
    def _echo_request_id(response):
        if getattr(g, "request_id", None):
            response.headers["X-Request-ID"] = g.request_id
        return response

    @app.after_request
    def _failed_sign_in(response):
        """A sign-in form sent back (wrong password, unknown or locked account, wrong code, throttled)
        is a failure. Committing it also keeps the account's failed-attempt count."""
        if (
            request.method != "POST"
            or request.endpoint not in SIGN_IN_FORMS
            or response.status_code not in (200, 400, 429)
            or getattr(current_user, "is_authenticated", False)
        ):
            return response
        from backoffice.extensions import db

        throttled = " (throttled)" if response.status_code == 429 else ""
        if request.endpoint == "security.login":
            attempted = (request.form.get("email") or "")[:254]
            user = db.session.scalar(select(User).where(func.lower(User.email) == attempted.strip().lower()))
            reason = f"Failed sign-in for {attempted!r}{throttled}"
        else:
            unique = http_session.get("tf_user_id")
            user = db.session.scalar(select(User).where(User.fs_uniquifier == unique)) if unique else None
            reason = f"{SIGN_IN_FORMS[request.endpoint]}{throttled}"
            if user is not None and request.endpoint == "security.mf_recovery" and not throttled:
                user.track_failed_authn("recovery_code", True)  # Flask-Security counts only wrong codes
        record_now(AuditAction.FAILED_LOGIN, object_type="user", object_id=user.id if user else None, reason=reason)
        return response

    def _login(sender, user, **extra) -> None:
        user.unlock()  # a successful sign-in clears the failed-attempt count
        record_now(AuditAction.LOGIN, object_type="user", object_id=user.id)

    def _logout(sender, user, **extra) -> None:
        if user is not None and getattr(user, "id", None):
            record_now(AuditAction.LOGOUT, object_type="user", object_id=user.id)

    user_authenticated.connect(_login, app, weak=False)
    user_logged_out.connect(_logout, app, weak=False)
