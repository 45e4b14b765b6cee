"""Where a page's time goes outside the database: cProfile over repeated requests of one page.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/profile_page.py "case details"

Measures a tier an earlier `scale.py` run built (it is not emptied). The page is one of scale.py's labels,
or a path with `--role`; writes (`new case`) profile the case form's POST. Prints the functions that
take the most time of their own and, with `--cumulative`, those that take the most in all.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import time

from common import fresh_app
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from backoffice.extensions import db
from scale import AGENT, ROLE_EMAILS, pages
from tests.conftest import signed_in_directly
from tests.helpers import case_form
from tiers import built as reused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("page", help="a scale.py page label (or a path, with --role), or 'new case'")
    parser.add_argument("--role", default="business_support")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--cumulative", action="store_true")
    parser.add_argument("--statements", action="store_true", help="print each statement of one request, timed")
    options = parser.parse_args()

    app = fresh_app(empty=False, LOG_LEVEL="WARNING")
    admin = create_engine(os.environ["BENCH_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1))
    with app.app_context():
        built = reused(admin)
        a_case, reference = db.session.execute(db.text(
            "SELECT id, reference FROM \"case\" WHERE review_type = 'CSPR' ORDER BY id LIMIT 1 OFFSET "
            "(SELECT count(*) / 2 FROM \"case\" WHERE review_type = 'CSPR')")).one()
    listed = {label: (role, path) for label, role, path, _ in pages(built.history_case_id, a_case, reference)}
    role, path = listed.get(options.page, (options.role, options.page))
    client = app.test_client()
    client.environ_base.update(AGENT)
    signed_in_directly(client, ROLE_EMAILS[role])
    request = _writer(client) if options.page == "new case" else lambda n: client.get(path).get_data()
    for n in range(5):  # warm the caches
        request(n)
    if options.statements:
        _print_statements(request)
        return
    profile = cProfile.Profile()
    profile.enable()
    for n in range(options.requests):
        request(n)
    profile.disable()
    stats = pstats.Stats(profile).strip_dirs().sort_stats("cumulative" if options.cumulative else "tottime")
    stats.print_stats(options.top)


def _print_statements(request) -> None:
    """One request's statements in the order they ran, with their time in milliseconds."""
    timings: list[tuple[float, str]] = []
    started: dict[int, float] = {}

    def before(conn, cursor, statement, parameters, context, executemany):
        started[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        timings.append(((time.perf_counter() - started.pop(id(cursor))) * 1000, statement))

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "after_cursor_execute", after)
    request(0)
    event.remove(Engine, "before_cursor_execute", before)
    event.remove(Engine, "after_cursor_execute", after)
    for ms, statement in timings:
        print(f"{ms:8.1f} ms  {' '.join(statement.split())[:600]}")


def _writer(client):
    """A request that saves a new case through its form, as business support does."""
    page = client.get("/admin/case/new/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def write(n: int) -> None:
        form = {**case_form(subject_pseudonym=f"Profiled child {os.getpid()} {n}"), "csrf_token": token}
        response = client.post("/admin/case/new/", data=form)
        assert response.status_code == 302, response.status_code
    return write


if __name__ == "__main__":
    main()
