"""Every Flask extension, created unbound; `create_app` binds them.

Flask-Admin and Flask-Limiter keep per-app state on the extension object, so each app gets its own
`Admin` (`make_admin()`) and `Limiter` (`make_limiter()`).
"""

from flask_admin import Admin
from flask_mailman import Mail
from flask_admin.theme import Bootstrap4Theme
from flask_migrate import Migrate
from flask_security import Security
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from backoffice.models.base import Base
from backoffice.security import OneUseTotp

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
security = Security(totp_cls=OneUseTotp)
mail = Mail()


def make_admin(index_view, csp_nonce) -> Admin:
    """A new Flask-Admin interface (one per app) with the Bootstrap 4 theme, its scripts carrying the
    request's CSP nonce."""
    return Admin(
        name="Learning reviews",
        index_view=index_view,
        theme=Bootstrap4Theme(swatch="default", fluid=True),
        csp_nonce_generator=csp_nonce,
    )


def enable_sqlite_foreign_keys() -> None:
    """SQLite ignores foreign keys unless each connection asks for them."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not event.contains(Engine, "connect", _sqlite_foreign_keys):
        event.listen(Engine, "connect", _sqlite_foreign_keys)


def _sqlite_foreign_keys(dbapi_connection, connection_record) -> None:
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def make_limiter(app):
    """A rate limiter for `app` (by client address unless a limit says otherwise)."""
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    limiter = Limiter(key_func=get_remote_address, app=app)
    app.extensions["backoffice_limiter"] = limiter
    return limiter
