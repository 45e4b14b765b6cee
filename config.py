"""Configuration classes, read from the environment.

`APP_ENV` picks the class: `development` (the default, for local runs), `production` or `test`.
Production refuses to start without explicit `SECRET_KEY`, `SECURITY_PASSWORD_SALT`, `TOTP_SECRET`,
`AUDIT_KEY` and `DATABASE_URL`; local runs keep generated secrets in the instance folder so that sessions and
passwords survive a restart.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", Path(__file__).parent / "instance")).resolve()


class ConfigurationError(RuntimeError):
    """A required setting is missing; the app must not start."""


def _number(name: str, default: int, minimum: int = 0) -> int:
    """A whole number from the environment (the default if unset); a wrong value names its setting."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.lstrip("-").isdigit() or int(raw) < minimum:
        raise ConfigurationError(f"{name} must be a whole number of at least {minimum}; got {raw!r}.")
    return int(raw)


def _iso_date(name: str) -> str | None:
    """An ISO date (2027-04-01) from the environment, or None if unset."""
    from datetime import date

    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise ConfigurationError(f"{name} must be a date written 2027-04-01; got {raw!r}.") from None


def _url(name: str, value: str | None, schemes: tuple[str, ...]) -> str | None:
    """A URL setting whose scheme is one of `schemes`."""
    if value is None:
        return None
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme.split("+", 1)[0] not in schemes:
        raise ConfigurationError(f"{name} must be a URL starting {' or '.join(s + '://' for s in schemes)}; "
                                 f"got one starting {scheme + '://' if scheme else 'with no scheme'}.")
    return value


def _path(name: str, default: Path) -> Path:
    raw = os.environ.get(name, "").strip()
    if raw and "\x00" in raw:
        raise ConfigurationError(f"{name} must be a path.")
    return Path(raw).resolve() if raw else Path(default)


def _local_secret(name: str) -> str:
    """Read, or create once, a secret kept in the instance folder for local runs."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    secret_file = INSTANCE_DIR / name
    if not secret_file.exists():
        secret_file.write_text(secrets.token_hex(32))
        secret_file.chmod(0o600)
    return secret_file.read_text().strip()


def _database_url(variable: str, default: str | None) -> str | None:
    """A database URL from the environment; `postgres://` is normalised to psycopg 3."""
    url = os.environ.get(variable, default)
    if url and url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _derived_fernet_key(secret: str) -> bytes:
    """A Fernet key for one purpose (the recovery codes), derived from a longer-lived secret."""
    import base64

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"mf-recovery-codes").derive(secret.encode())
    return base64.urlsafe_b64encode(raw)


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    INSTANCE_DIR = INSTANCE_DIR
    UPLOAD_DIR = _path("UPLOAD_DIR", INSTANCE_DIR / "uploads")
    # Where document files are kept: "database" (the default on PostgreSQL: in the same transaction as
    # their record, in the one backup, reachable from every instance) or "folder" (UPLOAD_DIR; the
    # default on SQLite).
    DOCUMENT_STORAGE = os.environ.get("DOCUMENT_STORAGE") or None
    # A document larger than this is refused with a form error; the request limit sits a little
    # above it so an oversized upload still reaches the form, and anything far larger gets a 413.
    DOCUMENT_MAX_BYTES = _number("DOCUMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1)
    MAX_CONTENT_LENGTH = DOCUMENT_MAX_BYTES + 1024 * 1024

    # The day Domestic Abuse Related Death Reviews replace DHRs (Victims and Prisoners Act 2024 s19, not
    # yet in force): DHRs notified on or after it are DARDRs, whose report also goes to the Secretary of
    # State and the Domestic Abuse Commissioner. Unset until commencement; an ISO date (2027-04-01) sets it.
    DARDR_FROM = _iso_date("DARDR_FROM")
    # Who people write to about the accessibility of the site (the accessibility statement says so),
    # e.g. "safeguarding.partnership@council.gov.uk"; unset, the statement names the business support team.
    ACCESSIBILITY_CONTACT = os.environ.get("ACCESSIBILITY_CONTACT") or None
    # How long the public "Published reviews" page and its documents may be kept by proxies and browsers.
    PUBLIC_CACHE_SECONDS = _number("PUBLIC_CACHE_SECONDS", 300)
    # How long browsers keep the stylesheets and scripts (Flask's and Flask-Admin's static files) before
    # asking again: without it every page fetched them all anew. An hour, as their names carry no version.
    SEND_FILE_MAX_AGE_DEFAULT = _number("STATIC_CACHE_SECONDS", 3600)

    # Where `flask audit checkpoint` appends the audit chain's head. In production point it at storage
    # the app's database login cannot rewrite and its OS user cannot truncate (an append-only file,
    # a write-once volume); each line is also printed, for the council's log collector.
    AUDIT_CHECKPOINT_FILE = _path("AUDIT_CHECKPOINT_FILE", INSTANCE_DIR / "audit_checkpoints.jsonl")
    # How many reverse proxies in front of the app may be trusted for X-Forwarded-For/-Proto/-Host
    # (Werkzeug's ProxyFix). 0 trusts none: a client could otherwise pick its own address.
    TRUSTED_PROXIES = _number("TRUSTED_PROXIES", 0)

    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
    # SQL errors never carry their parameters (case data) into a log line or a trace.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    SQLALCHEMY_RECORD_QUERIES = False

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 8 * 3600

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # No "remember me": staff share devices, and a session already lasts a working day.
    SECURITY_DEFAULT_REMEMBER_ME = False
    # Idle timeout: the server refuses a session cookie older than this since the last request.
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=_number("IDLE_TIMEOUT_MINUTES", 30, minimum=1))
    # The cookie is re-issued (restarting the idle clock) at most once a minute of activity, not signed
    # afresh on every request (security.register_sessions): the timeout holds to the minute.
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_ABSOLUTE_LIFETIME = timedelta(hours=_number("SESSION_ABSOLUTE_HOURS", 10, minimum=1))

    # Flask-Security-Too: login only; accounts are created by admins or the CLI.
    SECURITY_PASSWORD_HASH = "argon2"
    SECURITY_PASSWORD_LENGTH_MIN = 12
    # Weak and common passwords are refused with a reason, offline (zxcvbn's own dictionaries).
    SECURITY_PASSWORD_COMPLEXITY_CHECKER = "zxcvbn"
    SECURITY_ZXCVBN_MINIMUM_SCORE = 3
    SECURITY_PASSWORD_CHECK_BREACHED = False  # would call out to a web service
    SECURITY_REGISTERABLE = False
    SECURITY_RECOVERABLE = False
    SECURITY_CONFIRMABLE = False
    SECURITY_CHANGEABLE = True
    SECURITY_SEND_PASSWORD_CHANGE_EMAIL = False
    SECURITY_TRACKABLE = False
    SECURITY_POST_LOGIN_VIEW = "/admin/"
    SECURITY_POST_LOGOUT_VIEW = "/login"
    SECURITY_LOGOUT_METHODS = ["POST"]
    SECURITY_RETURN_GENERIC_RESPONSES = True
    # Multi-factor sign-in with an authenticator app (TOTP) for every user, with recovery codes.
    SECURITY_TWO_FACTOR = True
    SECURITY_TWO_FACTOR_REQUIRED = True
    SECURITY_TWO_FACTOR_ENABLED_METHODS = ["authenticator"]
    SECURITY_TWO_FACTOR_RESCUE_EMAIL = False
    SECURITY_TWO_FACTOR_ALWAYS_VALIDATE = True
    SECURITY_TOTP_ISSUER = "Learning reviews"
    SECURITY_MULTI_FACTOR_RECOVERY_CODES = True

    # Sensitive actions (changing accounts and roles, exporting) need a sign-in at most this old;
    # re-entering the password buys a short grace period.
    SECURITY_FRESHNESS = timedelta(minutes=_number("REAUTH_AFTER_MINUTES", 15, minimum=1))
    SECURITY_FRESHNESS_GRACE_PERIOD = timedelta(minutes=5)
    SECURITY_USERNAME_ENABLE = False
    SECURITY_MSG_LOGIN = ("Please sign in to continue.", "info")
    # The same answer for an unknown email, a wrong password and a locked account.
    SECURITY_MSG_GENERIC_AUTHN_FAILED = (
        "Sign-in failed: check your email address and password. After repeated failures an account "
        "is locked for a while; an administrator can unlock it.",
        "error",
    )

    # Sign-in throttling (Flask-Limiter) and lockout. In memory by default; set RATELIMIT_STORAGE_URI
    # (e.g. redis://127.0.0.1:6379/0) so that limits hold across app instances.
    RATELIMIT_HEADERS_ENABLED = True
    # Keeps this deployment's counters apart when several share one Redis.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "backoffice")
    LOGIN_RATE_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_RATE_LIMIT_PER_ADDRESS", "20 per minute")
    LOGIN_RATE_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_RATE_LIMIT_PER_ACCOUNT", "10 per minute")
    EXPORT_RATE_LIMIT = os.environ.get("EXPORT_RATE_LIMIT", "30 per hour")
    # The public referral forms' pages sent, per address, across all three forms (a referral takes four).
    REFERRAL_RATE_LIMIT = os.environ.get("REFERRAL_RATE_LIMIT", "40 per hour")
    LOGIN_LOCKOUT_ATTEMPTS = _number("LOGIN_LOCKOUT_ATTEMPTS", 5, minimum=1)
    LOGIN_LOCKOUT_PERIOD = timedelta(minutes=_number("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))

    # Board approvals a panel decision needs, per review type (e.g. the three safeguarding partners).
    DECISION_APPROVALS_REQUIRED = {
        "CSPR": _number("CSPR_APPROVALS_REQUIRED", 1, minimum=1),
        "SAR": _number("SAR_APPROVALS_REQUIRED", 1, minimum=1),
        "DHR": _number("DHR_APPROVALS_REQUIRED", 1, minimum=1),
    }
    # "Due soon" on the dashboard: within this many working days.
    DUE_SOON_WORKING_DAYS = 10
    # A statutory deadline, action or agency contribution overdue by more than this many working days is
    # escalated, once, to the board members of its stream (`flask reminders send`).
    ESCALATE_AFTER_WORKING_DAYS = _number("ESCALATE_AFTER_WORKING_DAYS", 10, minimum=1)
    # Agencies' safeguarding leads are reminded this many working days before a contribution is due,
    # and chased while it is overdue at most once every so many working days.
    AGENCY_REMINDER_WORKING_DAYS = _number("AGENCY_REMINDER_WORKING_DAYS", 3, minimum=1)
    AGENCY_CHASE_EVERY_WORKING_DAYS = _number("AGENCY_CHASE_EVERY_WORKING_DAYS", 5, minimum=1)

    # Mail (Flask-Mailman): reminders go through this SMTP server. Without MAIL_SERVER, nothing is sent.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "").strip() or None
    MAIL_PORT = _number("MAIL_PORT", 25, minimum=1)
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").strip().lower() in ("1", "true", "yes")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "").strip() or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "").strip() or "learning-reviews@localhost"
    MAIL_TIMEOUT = 10
    # The partnership's name, as reports and national returns give it.
    PARTNERSHIP_NAME = os.environ.get("PARTNERSHIP_NAME", "").strip() or "The safeguarding partnership"
    # How referrers reach business support, given in the acknowledgement of an online referral.
    REFERRALS_CONTACT = (os.environ.get("REFERRALS_CONTACT", "").strip()
                         or "the partnership's business support team")
    # The address links in emails start with (the app's public address, e.g. https://reviews.example.org).
    BASE_URL = os.environ.get("BASE_URL", "http://localhost:5000").strip().rstrip("/")

    FLASK_ADMIN_SWATCH = "default"
    FLASK_ADMIN_RAISE_ON_VIEW_EXCEPTION = False
    LIST_PAGE_SIZE = 25
    EXPORT_MAX_ROWS = _number("EXPORT_MAX_ROWS", 5000, minimum=1)

    def __init__(self) -> None:
        self.SQLALCHEMY_DATABASE_URI = _database_url("DATABASE_URL", self.default_database_url())
        # Migrations run as the tables' owner (unset: as the app's own login); the app itself runs as a
        # login that may not alter them.
        self.MIGRATION_DATABASE_URI = _database_url("MIGRATION_DATABASE_URL", None)
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or self.default_secret("secret_key")
        # Flask-Security mixes this pepper into every password hash, so it is kept apart from the
        # session key: rotating a leaked SECRET_KEY must not lock every user out.
        self.SECURITY_PASSWORD_SALT = os.environ.get("SECURITY_PASSWORD_SALT") or self.default_secret(
            "password_salt"
        )
        # Encrypts the stored authenticator secrets; kept apart from the session key as well.
        totp_key = os.environ.get("TOTP_SECRET") or self.default_secret("totp_secret")
        self.SECURITY_TOTP_SECRETS = {"1": totp_key} if totp_key else None
        # Recovery codes are stored encrypted, under a key derived from the same secret.
        self.SECURITY_MULTI_FACTOR_RECOVERY_CODES_KEYS = [_derived_fernet_key(totp_key)] if totp_key else None
        # Keys the audit trail's hash chain (HMAC-SHA256); never stored in the database, so the chain
        # cannot be recomputed by someone with database access alone.
        self.AUDIT_KEY = os.environ.get("AUDIT_KEY") or self.default_secret("audit_key")
        self._check_by_value()

    def _check_by_value(self) -> None:
        """URLs by their scheme, the log level by name; PostgreSQL's pool and statement timeout as numbers."""
        self.SQLALCHEMY_DATABASE_URI = _url("DATABASE_URL", self.SQLALCHEMY_DATABASE_URI, ("sqlite", "postgresql"))
        self.MIGRATION_DATABASE_URI = _url("MIGRATION_DATABASE_URL", self.MIGRATION_DATABASE_URI, ("sqlite", "postgresql"))
        self.RATELIMIT_STORAGE_URI = _url("RATELIMIT_STORAGE_URI", os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
                                          ("memory", "redis", "rediss"))
        if self.DOCUMENT_STORAGE not in (None, "database", "folder"):
            raise ConfigurationError(f"DOCUMENT_STORAGE must be database or folder; got {self.DOCUMENT_STORAGE!r}.")
        if self.LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ConfigurationError(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL; got {self.LOG_LEVEL!r}.")
        self.DB_POOL_SIZE = _number("DB_POOL_SIZE", 5, minimum=1)
        self.DB_POOL_RECYCLE_SECONDS = _number("DB_POOL_RECYCLE_SECONDS", 1800, minimum=1)
        self.DB_STATEMENT_TIMEOUT_MS = _number("DB_STATEMENT_TIMEOUT_MS", 30_000)  # 0: no limit

    def default_database_url(self) -> str | None:
        """The embedded SQLite database in the instance folder."""
        return f"sqlite:///{INSTANCE_DIR / 'backoffice.sqlite3'}"

    def default_secret(self, name: str) -> str | None:
        """A generated secret kept in the instance folder."""
        return _local_secret(name)


def engine_options(settings) -> dict:
    """SQLAlchemy's engine options for the configured database: on PostgreSQL, the pool size, how
    long a connection is kept, and the statement timeout (so one runaway query cannot hold a worker)."""
    options = dict(settings["SQLALCHEMY_ENGINE_OPTIONS"])
    if str(settings["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        options.update(pool_size=settings["DB_POOL_SIZE"], pool_recycle=settings["DB_POOL_RECYCLE_SECONDS"])
        options.setdefault("connect_args", {})["options"] = f"-c statement_timeout={settings['DB_STATEMENT_TIMEOUT_MS']}"
    return options


class DevelopmentConfig(Config):
    """Local runs: plain HTTP on 127.0.0.1, so cookies cannot be Secure."""

    ENV_NAME = "development"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False


class ProductionConfig(Config):
    """Production: every secret and the database must be given explicitly."""

    ENV_NAME = "production"

    def default_database_url(self) -> str | None:
        return None

    def default_secret(self, name: str) -> str | None:
        return None

    def __init__(self) -> None:
        super().__init__()
        missing = [
            name
            for name, value in (
                ("SECRET_KEY", self.SECRET_KEY),
                ("SECURITY_PASSWORD_SALT", self.SECURITY_PASSWORD_SALT),
                ("TOTP_SECRET", self.SECURITY_TOTP_SECRETS),
                ("AUDIT_KEY", self.AUDIT_KEY),
                ("DATABASE_URL", self.SQLALCHEMY_DATABASE_URI),
            )
            if not value
        ]
        if missing:
            raise ConfigurationError(
                f"Production needs {', '.join(missing)} set in the environment; refusing to start."
            )
        if self.RATELIMIT_STORAGE_URI.startswith("memory://"):
            raise ConfigurationError(
                "RATELIMIT_STORAGE_URI is memory://: each worker would count sign-in attempts on its own, so the "
                "throttle would not hold. Set it to the shared Redis (redis://host:6379/0); refusing to start.")


class TestConfig(Config):
    """Tests: CSRF stays on; a fixed key; a small upload limit so the limit itself is tested."""

    __test__ = False  # not a pytest test class, despite the name
    ENV_NAME = "test"
    TESTING = True
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    DOCUMENT_MAX_BYTES = 64 * 1024
    MAX_CONTENT_LENGTH = DOCUMENT_MAX_BYTES + 16 * 1024
    # Most tests sign in many times a minute from one address; the throttling tests switch it on.
    RATELIMIT_ENABLED = False
    # Argon2 at its default cost would dominate the test run; tests check behaviour, not cost.
    SECURITY_PASSWORD_HASH_PASSLIB_OPTIONS = {
        "argon2__time_cost": 1,
        "argon2__memory_cost": 8,
        "argon2__parallelism": 1,
    }

    def default_secret(self, name: str) -> str | None:
        return f"test-{name}-not-for-production"


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}


def load_config(name: str | None = None) -> Config:
    """Instantiate the configuration named by `name` or by the `APP_ENV` variable."""
    name = name or os.environ.get("APP_ENV", "development")
    try:
        return CONFIGS[name]()
    except KeyError:
        raise ConfigurationError(f"APP_ENV must be one of {', '.join(CONFIGS)}; got {name!r}.") from None
