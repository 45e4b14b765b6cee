"""The learning-review back-office. `create_app` reads as the table of contents."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask, redirect, url_for

from config import Config, engine_options, load_config


def create_app(config: Config | str | None = None, overrides: Mapping | None = None) -> Flask:
    """Build the app from a configuration (object or name; the `APP_ENV` one by default)."""
    app = Flask(__name__, instance_path=str(Config.INSTANCE_DIR))
    app.config.from_object(config if isinstance(config, Config) else load_config(config))
    app.config.update(overrides or {})
    register_logging(app)
    register_proxies(app)
    register_extensions(app)
    register_domain_events()
    register_audit(app)
    register_views(app)
    register_routes(app)
    register_cli(app)
    register_errorhandlers(app)
    register_security_headers(app)
    return app


def register_logging(app: Flask) -> None:
    """JSON lines on stdout: one per request, with its id and the user's id; errors with their trace."""
    from backoffice.logs import configure

    configure(app)


def register_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address and scheme from them (so
    throttling and the audit trail see the person, not the proxy); trust no header otherwise."""
    count = app.config["TRUSTED_PROXIES"]
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def register_extensions(app: Flask) -> None:
    """Bind the database, migrations, CSRF protection, mail, Flask-Security and the rate limiter to `app`."""
    from backoffice.extensions import csrf, db, enable_sqlite_foreign_keys, mail, make_limiter, migrate, security
    from backoffice.models import Role, User
    from backoffice.security import LoginForm, UserDatastore

    from backoffice.domain.files import storage_for

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    app.config["DOCUMENT_STORAGE"] = storage_for(app.config["SQLALCHEMY_DATABASE_URI"], app.config["DOCUMENT_STORAGE"])
    db.init_app(app)
    enable_sqlite_foreign_keys()
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    csrf.init_app(app)
    mail.init_app(app)
    security.init_app(app, UserDatastore(db, User, Role), login_form=LoginForm)
    make_limiter(app)  # its limits are set once the views exist (security.register_throttling)


def register_domain_events() -> None:
    """Install the save pipeline (the domain rules every write path goes through, in their order) and
    tell the rules, which do not reach into Flask, who acts, from which request, with which settings."""
    from flask import current_app, g, has_app_context, has_request_context, request
    from flask_login import current_user

    from backoffice import context
    import backoffice.domain.pipeline  # noqa: F401  (see its docstring for the steps and their order)

    def signed_in() -> int | None:
        if has_request_context() and getattr(current_user, "is_authenticated", False):
            return current_user.id
        return None

    def person():
        if not has_request_context():
            return None
        if getattr(current_user, "is_authenticated", False):
            return current_user.id, current_user.email, ",".join(sorted(r.name for r in current_user.roles))
        return None, "anonymous", None

    def request_facts():
        return (getattr(g, "request_id", None), request.remote_addr) if has_request_context() else (None, None)

    context.install(signed_in, person, request_facts,
                    lambda name: current_app.config.get(name) if has_app_context() else None)


def register_audit(app: Flask) -> None:
    """Request ids, and the audit of sign-ins (backoffice/web_audit.py; changes and reads are audited where they happen)."""
    from backoffice.web_audit import install

    install(app)


def register_views(app: Flask) -> None:
    """The Flask-Admin interface and the document downloads."""
    from backoffice.views import register_views as register

    register(app)


def register_routes(app: Flask) -> None:
    """The site root leads to the back-office home page; browsers asking for an icon get none (rather
    than a 404 in every page's console)."""
    app.add_url_rule("/", "index", lambda: redirect(url_for("admin.index")))
    app.add_url_rule("/favicon.ico", "favicon", lambda: ("", 204, {"Cache-Control": "public, max-age=86400"}))


def register_cli(app: Flask) -> None:
    """`flask users|demo|audit|reminders|db-roles ...` (`flask db ...` comes from Flask-Migrate)."""
    from backoffice.cli import (
        audit_cli, backup_cli, db_roles, demo_cli, files_cli, reminders_cli, retention_cli, users_cli,
    )

    app.cli.add_command(db_roles)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(retention_cli)
    app.cli.add_command(files_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(reminders_cli)


def register_security_headers(app: Flask) -> None:
    """CSP with nonces, no framing, no sniffing, HSTS outside local runs, no caching of case data;
    idle and absolute session timeouts, sign-out that ends the session everywhere, sign-in throttling."""
    from backoffice.security import register, register_second_factor_lockout, register_sessions, register_throttling

    register(app)
    register_sessions(app)
    register_second_factor_lockout(app)
    register_throttling(app)


def register_errorhandlers(app: Flask) -> None:
    """Friendly error pages without stack traces."""
    from backoffice.errors import register

    register(app)
