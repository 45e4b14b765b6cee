"""What every benchmark shares: the app on an empty, freshly migrated `BENCH_DATABASE_URL`, and timing."""

from __future__ import annotations

import os
import statistics
import sys
import time

from flask import Flask
from flask_migrate import downgrade, upgrade

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from backoffice import create_app  # noqa: E402
from config import TestConfig  # noqa: E402


def fresh_app() -> Flask:
    """The app on BENCH_DATABASE_URL (PostgreSQL), emptied and migrated from scratch."""
    url = os.environ["BENCH_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    app = create_app(TestConfig(), overrides={"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        downgrade(revision="base")
        upgrade()
    return app


def timed(action, runs: int = 5) -> str:
    """The median and best time of `runs` calls of `action`, in milliseconds."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return f"median {statistics.median(timings):7.1f} ms   (best {min(timings):.1f} ms)"
