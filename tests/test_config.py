"""Configuration comes from the environment; production refuses to start half-configured."""

from __future__ import annotations

import pytest

from config import ConfigurationError, DevelopmentConfig, ProductionConfig, TestConfig, load_config


def test_production_refuses_to_start_without_a_secret_key_and_database(monkeypatch):
    for name in ("SECRET_KEY", "SECURITY_PASSWORD_SALT", "TOTP_SECRET", "AUDIT_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY, SECURITY_PASSWORD_SALT, TOTP_SECRET, AUDIT_KEY, DATABASE_URL"):
        ProductionConfig()


def test_production_starts_with_both_and_uses_secure_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 64)
    monkeypatch.setenv("SECURITY_PASSWORD_SALT", "p" * 64)
    monkeypatch.setenv("TOTP_SECRET", "t" * 64)
    monkeypatch.setenv("AUDIT_KEY", "a" * 64)
    monkeypatch.setenv("DATABASE_URL", "postgres://app@db.internal/reviews")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://redis.internal:6379/0")
    config = ProductionConfig()
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://app@db.internal/reviews"
    assert config.SESSION_COOKIE_SECURE is True


def test_local_runs_default_to_sqlite_in_the_instance_folder_with_a_kept_secret(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first, second = DevelopmentConfig(), DevelopmentConfig()
    assert first.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
    assert first.SECRET_KEY == second.SECRET_KEY and len(first.SECRET_KEY) >= 32
    assert first.SECURITY_PASSWORD_SALT == second.SECURITY_PASSWORD_SALT != first.SECRET_KEY


def test_production_needs_the_audit_key_and_never_defaults_it(monkeypatch):
    for name, value in (("SECRET_KEY", "s"), ("SECURITY_PASSWORD_SALT", "p"), ("TOTP_SECRET", "t"),
                        ("DATABASE_URL", "postgres://app@db.internal/reviews")):
        monkeypatch.setenv(name, value * 64 if len(value) == 1 else value)
    monkeypatch.delenv("AUDIT_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="AUDIT_KEY"):
        ProductionConfig()


def test_trusted_proxies_default_to_none(monkeypatch):
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    assert TestConfig().TRUSTED_PROXIES == 0


def test_tests_keep_csrf_on():
    assert TestConfig().WTF_CSRF_ENABLED is True


def test_an_unknown_environment_name_is_refused():
    with pytest.raises(ConfigurationError, match="APP_ENV"):
        load_config("staging-typo")


# --- checked by value, at start ----------------------------------------------------------------

PRODUCTION = {"APP_ENV": "production", "SECRET_KEY": "s" * 64, "SECURITY_PASSWORD_SALT": "p" * 64,
              "TOTP_SECRET": "t" * 64, "AUDIT_KEY": "a" * 64, "DATABASE_URL": "postgresql://app@db.internal/reviews",
              "RATELIMIT_STORAGE_URI": "redis://redis.internal:6379/0"}


def start(**environment):
    """Start the app in a fresh process with this environment, as gunicorn or `flask` would."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION and not k.endswith("_MINUTES")}
    env.update(environment)
    return subprocess.run([sys.executable, "-c", "from backoffice import create_app; create_app()"],
                          env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("setting", "value", "message"), [
    ("DARDR_FROM", "1 April 2027", "DARDR_FROM must be a date written 2027-04-01; got '1 April 2027'."),
    ("IDLE_TIMEOUT_MINUTES", "thirty", "IDLE_TIMEOUT_MINUTES must be a whole number of at least 1; got 'thirty'."),
    ("DB_POOL_SIZE", "0", "DB_POOL_SIZE must be a whole number of at least 1; got '0'."),
    ("DATABASE_URL", "mysql://app@db/reviews", "DATABASE_URL must be a URL starting sqlite:// or postgresql://"),
    ("RATELIMIT_STORAGE_URI", "memcached://cache:11211", "RATELIMIT_STORAGE_URI must be a URL starting memory://"),
    ("LOG_LEVEL", "LOUD", "LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL; got 'LOUD'."),
])
def test_a_wrong_setting_stops_the_start_and_is_named(setting, value, message):
    result = start(**{setting: value})

    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_in_memory_throttling():
    result = start(**{**PRODUCTION, "RATELIMIT_STORAGE_URI": "memory://"})

    assert result.returncode != 0
    assert "RATELIMIT_STORAGE_URI is memory://" in result.stderr and "refusing to start" in result.stderr


def test_production_refuses_to_start_without_its_audit_key():
    environment = {k: v for k, v in PRODUCTION.items() if k != "AUDIT_KEY"}
    result = start(**environment)

    assert result.returncode != 0 and "Production needs AUDIT_KEY" in result.stderr


def test_postgresql_gets_the_pool_and_the_statement_timeout_it_is_configured_with(monkeypatch):
    from config import engine_options

    monkeypatch.setenv("DB_STATEMENT_TIMEOUT_MS", "5000")
    monkeypatch.setenv("DB_POOL_SIZE", "12")
    config = TestConfig()
    settings = {name: getattr(config, name) for name in dir(config) if name.isupper()}
    settings["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://app@db/x"

    options = engine_options(settings)

    assert (options["pool_size"], options["connect_args"]["options"]) == (12, "-c statement_timeout=5000")
    assert options["hide_parameters"] is True
    assert "pool_size" not in engine_options({**settings, "SQLALCHEMY_DATABASE_URI": "sqlite:///x.sqlite3"})
