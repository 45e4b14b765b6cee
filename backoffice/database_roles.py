"""PostgreSQL logins with least privilege: an owner for migrations, and the app's own login.

The app's login may read and write rows, but owns nothing: it cannot alter or truncate a table,
disable the audit trail's trigger or set `session_replication_role`, and on the audit trail it may
only INSERT and SELECT, and UPDATE the values a disposal redacts (its trigger refuses any other
change). Migrations run as the owner (MIGRATION_DATABASE_URL).

`flask db-roles` runs this once per database, as a PostgreSQL superuser; it is idempotent, and it
takes over tables an earlier version created as another login.
"""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

OWNER = "backoffice_owner"
APP = "backoffice_app"
APPEND_ONLY = ("audit_event",)
REDACTABLE = ("changes", "restricted_changes", "redacted_by")


def _psycopg(url: str | URL) -> URL:
    url = make_url(url)
    return url.set(drivername="postgresql+psycopg") if url.drivername in ("postgres", "postgresql") else url


def login_url(admin_url: str | URL, role: str) -> URL:
    """The admin URL as `role` would use it (same host and database; no password, which the operator
    sets in the environment or a .pgpass file)."""
    return _psycopg(admin_url).set(username=role, password=None)


def _ensure_login(conn, role: str) -> None:
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar()
    if not exists:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS'))
    else:
        conn.execute(text(f'ALTER ROLE "{role}" NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS'))


def create_roles(admin_url: str | URL, owner: str = OWNER, app: str = APP) -> None:
    """Create (or repair) the owner and app logins on the admin URL's database and hand the schema's
    tables to the owner, with row rights only for the app."""
    engine = create_engine(_psycopg(admin_url), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            database = conn.execute(text("SELECT current_database()")).scalar_one()
            for role in (owner, app):
                _ensure_login(conn, role)
            statements = [
                f'GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO "{owner}", "{app}"',
                f'ALTER SCHEMA public OWNER TO "{owner}"',
                'REVOKE CREATE ON SCHEMA public FROM PUBLIC',
                f'GRANT USAGE ON SCHEMA public TO "{app}"',
                # Trigram indexes make searches for part of a reference or name fast (migration 0015);
                # installing an extension is a superuser's step, so it is taken here.
                "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public",
            ]
            tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
            statements += [f'ALTER TABLE public."{t}" OWNER TO "{owner}"' for t in tables]
            functions = conn.execute(text(
                "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = 'public'"
            )).scalars().all()
            statements += [f'ALTER FUNCTION {f} OWNER TO "{owner}"' for f in functions]
            statements += [
                f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA public '
                f'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{app}"',
                f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO "{app}"',
                f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{app}"',
                f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{app}"',
            ]
            statements += [
                f'REVOKE UPDATE, DELETE, TRUNCATE ON public."{t}" FROM "{app}", PUBLIC' for t in APPEND_ONLY if t in tables
            ]
            audit_columns = set(conn.execute(text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = 'audit_event'")).scalars())
            if set(REDACTABLE) <= audit_columns:  # a disposal redacts values, attested (its migration grants it too)
                statements.append(f'GRANT UPDATE ({", ".join(REDACTABLE)}) ON public."audit_event" TO "{app}"')
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()
