"""Benchmark: the audit log list on a large trail (PostgreSQL).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/audit_log.py [rows]

Fills the trail with `rows` synthetic events (default one million, about a large partnership's
twenty years) with generate_series, then times the audit log pages an auditor uses. Timings are
for reading, not for tests: the suite asserts query counts instead.
"""

from __future__ import annotations

import sys
import time

from common import analyze, fresh_app, timed
from sqlalchemy import text

from backoffice.cli import create_user, enrol_authenticator  # noqa: E402
from backoffice.extensions import db  # noqa: E402
from tests.conftest import sign_in  # noqa: E402

PASSWORD = "a benchmark passphrase"
ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
PAGES = {
    "newest first": "/admin/audit/",
    "one actor": "/admin/audit/?flt0_actor_email_equals=user42@example.org",
    "one action": "/admin/audit/?flt0_action_equals=export",
    "one case": "/admin/audit/?search=CSPR-2015-042",
    "a day": "/admin/audit/?flt0_when_between=2020-03-01+to+2020-03-01",
    "page 500": "/admin/audit/?page=500",
}


def main() -> None:
    app = fresh_app()
    with app.app_context():
        enrol_authenticator(create_user("auditor@example.org", PASSWORD, ["auditor"], ["children"]))
        db.session.commit()
        started = time.perf_counter()
        db.session.execute(text("""
            INSERT INTO audit_event (at, actor_id, actor, action, object_type, object_id, object_ref, streams,
                                     changes, prev_hash, hash)
            SELECT timestamp '2010-01-01' + (n || ' minutes')::interval, n % 200, 'user' || (n % 200) || '@example.org',
                   (ARRAY['create','update','view','export','login','transition'])[1 + n % 6], 'case', n % 30000,
                   'CSPR-' || (2010 + n % 16) || '-' || lpad((n % 999)::text, 3, '0'), 'children', '{"state": ["A", "B"]}',
                   md5((n - 1)::text) || md5((n - 1)::text), md5(n::text) || md5(n::text)
            FROM generate_series(1, :rows) AS n
        """), {"rows": ROWS})
        db.session.commit()
        analyze("audit_event")
        print(f"filled {ROWS:,} audit rows in {time.perf_counter() - started:.1f}s")
    client = app.test_client()
    sign_in(client, "auditor@example.org", PASSWORD)  # the password, then the authenticator code
    for name, path in PAGES.items():
        assert client.get(path).status_code == 200, path
        print(f"{name:<14} {timed(lambda: client.get(path))}")


if __name__ == "__main__":
    main()
