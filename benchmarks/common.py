"""What every benchmark shares: the app on an empty, freshly migrated `BENCH_DATABASE_URL`, and timing."""

from __future__ import annotations

import os
import statistics
import sys
import time

from flask import Flask
from flask_migrate import upgrade

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from backoffice import create_app  # noqa: E402
from config import TestConfig  # noqa: E402


def fresh_app(empty: bool = True, **overrides) -> Flask:
    """The app on BENCH_DATABASE_URL (a PostgreSQL superuser's), emptied (unless not `empty`) and
    migrated, run as the least-privilege app login as in production (`flask db-roles`)."""
    from sqlalchemy import create_engine, text

    from backoffice.database_roles import APP, OWNER, create_roles, login_url

    admin_url = os.environ["BENCH_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    create_roles(admin_url)
    if empty:
        engine = create_engine(admin_url)
        with engine.begin() as conn:  # faster than migrating down a large trail
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text(f'CREATE SCHEMA public AUTHORIZATION "{OWNER}"'))
        engine.dispose()
        create_roles(admin_url)
    app = create_app(TestConfig(), overrides={
        "SQLALCHEMY_DATABASE_URI": login_url(admin_url, APP).render_as_string(hide_password=False),
        "MIGRATION_DATABASE_URI": login_url(admin_url, OWNER).render_as_string(hide_password=False),
        **overrides,
    })
    with app.app_context():
        upgrade()
    return app


def analyze(*tables: str) -> None:
    """Refresh the planner's statistics, as autovacuum would in time (only the tables' owner may)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(os.environ["BENCH_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        for table in tables:
            conn.execute(text(f'ANALYZE "{table}"'))
    engine.dispose()


def timed(action, runs: int = 5) -> str:
    """The median and best time of `runs` calls of `action`, in milliseconds."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return f"median {statistics.median(timings):7.1f} ms   (best {min(timings):.1f} ms)"
