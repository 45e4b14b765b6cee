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
