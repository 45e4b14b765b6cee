"""HTTP-level protections applied to every response, error pages included."""

from __future__ import annotations

import secrets
from functools import cached_property

from urllib.parse import urlsplit

from limits import parse as parse_limit

from flask import Flask, abort, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from flask_security import SQLAlchemyUserDatastore
from flask_security.forms import LoginForm as PasswordLoginForm
from flask_security.totp import Totp
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload
from wtforms import SubmitField

from backoffice import clock

# The steps of signing in after the password: the authenticator code and a recovery code.
SECOND_FACTOR_STEPS = ("security.two_factor_token_validation", "security.mf_recovery")


class LoginForm(PasswordLoginForm):
    """Email and password, with no "remember me": staff share devices, and a session already lasts a
    working day. (A remember cookie would also outlive sign-out on another device.)"""

    remember = None
    submit = SubmitField("Sign in")


class OneUseTotp(Totp):
    """Authenticator codes that work once: a time step already used to sign in is refused, so a code
    seen over someone's shoulder (or replayed from a second session) cannot be used again."""

    def get_last_counter(self, user) -> int | None:
        return getattr(user, "tf_totp_last_counter", None)

    def set_last_counter(self, user, tmatch) -> None:
        user.tf_totp_last_counter = tmatch.counter


def csp_nonce() -> str:
    """This request's nonce for the scripts and styles the pages include."""
    if not hasattr(g, "csp_nonce"):
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    """Scripts only from this site with this request's nonce; no framing; no plugins."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",  # Bootstrap and Flask-Admin set inline styles
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


REDIRECT_PARAMETERS = ("next", "url")
# Public pages, the same for everyone and cacheable by proxies: they never read or set a session.
PUBLIC_PAGES = frozenset({"reviews.index", "reviews.document", "favicon", "health.healthz", "health.readyz"})


class UserDatastore(SQLAlchemyUserDatastore):
    """Flask-Security's datastore, loading the signed-in user of each request with roles and streams in
    one query (Flask-Security joins the roles; the streams would take a second query on every page)."""

    def find_user(self, case_insensitive: bool = False, **kwargs):
        if case_insensitive or list(kwargs) != ["fs_uniquifier"]:
            return super().find_user(case_insensitive, **kwargs)
        return self.db.session.scalars(self.signed_in_user, {"uniquifier": kwargs["fs_uniquifier"]}).unique().one_or_none()

    @cached_property
    def signed_in_user(self) -> Select:
        """The statement each request loads its user with, built once: SQLAlchemy keeps its cache key
        on the statement, so it is not worked out again on every request."""
        user = self.user_model
        return (select(user).where(user.fs_uniquifier == bindparam("uniquifier"))
                .options(joinedload(user.roles), joinedload(user.stream_links)))


class NoCookieOnPublicPages(SecureCookieSessionInterface):
    """A shared cache must never store a response that sets someone's session cookie."""

    def save_session(self, app, session, response) -> None:
        if request.endpoint in PUBLIC_PAGES:
            return
        super().save_session(app, session, response)


def is_safe_redirect(target: str) -> bool:
    """Only a path on this site: no scheme, no host, no tricks browsers would read as a host."""
    if any(ord(ch) < 32 or ch == "\\" for ch in target) or target != target.strip():
        return False
    parts = urlsplit(target)
    if parts.scheme in ("http", "https") and parts.netloc == request.host:
        return parts.path.startswith("/") and not parts.path.startswith("//")  # this site, spelt out in full
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")


def register(app: Flask) -> None:
    """Install the headers on every response, and refuse redirect targets that leave the site."""
    hsts = app.config.get("SESSION_COOKIE_SECURE", False)

    @app.before_request
    def _refuse_offsite_redirects():
        for name in REDIRECT_PARAMETERS:
            target = request.args.get(name)
            if target and not is_safe_redirect(target):
                abort(400)

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "no-referrer"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if hsts:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint in PUBLIC_PAGES or is_static(request.endpoint):
            return response  # the same for everyone; the view (or SEND_FILE_MAX_AGE_DEFAULT) says how long it may be cached
        # Anything else is someone's (a signed-in page, a form with its CSRF token): never kept. Asked of
        # every response, not only signed-in ones: asking would reload the user a write has just expired.
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
        return response


def is_static(endpoint: str | None) -> bool:
    """The app's and the extensions' own stylesheets, scripts and images: the same for everyone, with
    nothing of a user's in them, so the browser may keep them between pages."""
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


def register_second_factor_lockout(app: Flask) -> None:
    """A locked account cannot finish signing in: failed codes count towards the same lockout as
    failed passwords, so the right code after the lockout is refused too."""
    from flask import flash, redirect, url_for
    from flask_security.tf_plugin import tf_clean_session

    @app.before_request
    def _refuse_locked_second_factor():
        if request.endpoint not in SECOND_FACTOR_STEPS or getattr(current_user, "is_authenticated", False):
            return None
        datastore = app.extensions["security"].datastore
        user = datastore.find_user(fs_uniquifier=session.get("tf_user_id")) if session.get("tf_user_id") else None
        why: list[str] = []
        if user is None or not user.is_locked(why):
            return None
        tf_clean_session()
        flash(why[0], "error")
        return redirect(url_for("security.login"))


# How often activity re-issues the session cookie, restarting the idle timeout (SESSION_REFRESH_EACH_REQUEST
# is off: signing a cookie on every request costs every page, and a minute's precision is enough).
IDLE_CLOCK_STEP_SECONDS = 60


def register_sessions(app: Flask) -> None:
    """Sessions end: after idle time (the signed cookie's age is checked by the server), after an
    absolute lifetime, and for good at sign-out (a copied cookie stops working)."""

    from flask import flash, redirect, session, url_for
    from flask_login import user_logged_out
    from flask_security import logout_user
    from flask_security.signals import user_authenticated

    absolute = app.config["SESSION_ABSOLUTE_LIFETIME"]

    app.session_interface = NoCookieOnPublicPages()

    @app.before_request
    def _expire_sessions():
        if request.endpoint in PUBLIC_PAGES:
            return None
        if not session.permanent:  # (setting it again would mark the session changed, re-issuing it)
            session.permanent = True  # so PERMANENT_SESSION_LIFETIME (the idle timeout) applies
        if not getattr(current_user, "is_authenticated", False):
            return None
        started = session.get("signed_in_at")
        now = clock.now().timestamp()
        if started is None or now - started > absolute.total_seconds():
            logout_user()
            flash("Your session has ended. Please sign in again.", "info")
            return redirect(url_for("security.login"))
        if now - session.get("active_at", 0) >= IDLE_CLOCK_STEP_SECONDS:
            session["active_at"] = int(now)  # a change, so the cookie is re-issued: the idle clock restarts
        return None

    def _started(sender, user, **extra) -> None:
        session["signed_in_at"] = clock.now().timestamp()

    def _end_everywhere(sender, user, **extra) -> None:
        if user is not None and getattr(user, "id", None):
            end_all_sessions(user)

    user_authenticated.connect(_started, app, weak=False)
    user_logged_out.connect(_end_everywhere, app, weak=False)


def end_all_sessions(user) -> None:
    """Invalidate every session and cookie of `user` (Flask-Security keys sessions on fs_uniquifier)."""
    from flask import current_app

    datastore = current_app.extensions["security"].datastore
    datastore.set_uniquifier(user)
    datastore.commit()


def password_problems(password: str, user=None) -> list[str]:
    """Why a password is refused (too short, too weak, too common), offline; empty if it is fine."""
    from flask import current_app

    messages, _ = current_app.extensions["security"].password_util.validate(password, is_register=user is None, user=user)
    return [str(m) for m in messages or []]


def register_throttling(app: Flask) -> None:
    """Sign-in attempts are limited per address and per account, exports per user (429 with a
    clear message). Call after every view is registered."""
    limiter = app.extensions["backoffice_limiter"]  # made with the other extensions

    def attempted_account() -> str:
        return "account:" + (request.form.get("email") or "").strip().lower()

    def second_factor_account() -> str:
        return "account:" + str(session.get("tf_user_id") or "")

    def throttle(endpoint: str, account_key) -> None:
        view = app.view_functions[endpoint]
        view = limiter.limit(lambda: app.config["LOGIN_RATE_LIMIT_PER_ADDRESS"], methods=["POST"])(view)
        view = limiter.limit(lambda: app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"], key_func=account_key, methods=["POST"])(view)
        app.view_functions[endpoint] = view

    # The public referral forms: one allowance per address across every page of every form.
    referral_limit = limiter.shared_limit(lambda: app.config["REFERRAL_RATE_LIMIT"], scope="referral", methods=["POST"])
    for endpoint in ("refer.question", "refer.check"):
        app.view_functions[endpoint] = referral_limit(app.view_functions[endpoint])

    # One allowance per address and per account across the password and both second-factor steps.
    throttle("security.login", attempted_account)
    for endpoint in SECOND_FACTOR_STEPS:
        throttle(endpoint, second_factor_account)

    @app.before_request
    def _limit_exports():
        """One allowance per user across every export (a limit per view would multiply it)."""
        if not (request.endpoint or "").endswith(".export") or not app.config.get("RATELIMIT_ENABLED", True):
            return None
        allowance = parse_limit(app.config["EXPORT_RATE_LIMIT"])
        if not limiter.limiter.hit(allowance, "export", str(current_user.get_id())):
            abort(429)
        return None
