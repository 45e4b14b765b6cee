"""Benchmark: every page at national scale, beside a plain Flask-Admin app (PostgreSQL).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/scale.py --tier S|M

Builds the tier (benchmarks/tiers.py: S is 3,000 cases and 300,000 audit rows, M is 30,000 cases and
10 million), then, in one run with requests interleaved:
- each page's p50 and p95, SQL statements, time in the database and time outside it, and for the lists
  the ratio to a stock Flask-Admin app over the same tables (benchmarks/plain_admin.py);
- a write (a new case through its form), the public page and its 304;
- under gunicorn (2 workers, as on this 2-core machine): throughput for a bounded time with a load
  generator on loopback, a full case export's time to first byte and the worker's memory growth, and
  worker memory over --rss-requests requests.
Each goal of issue 15 is checked and printed PASS or FAIL. Speed is asserted here, never in tests.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from common import fresh_app
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from backoffice.extensions import db  # noqa: E402
from plain_admin import plain_app  # noqa: E402
from tiers import TIERS, build, built as reused  # noqa: E402
from tests.conftest import signed_in_cookies, signed_in_directly  # noqa: E402
from tests.helpers import case_form  # noqa: E402

ROOT = Path(__file__).parent.parent
AGENT = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "scale-benchmark"}
ROLE_EMAILS = {role: f"{role.replace('_', '.')}@demo.example.org"
               for role in ("business_support", "panel", "auditor", "board", "admin")}


# --- counting statements and database time ----------------------------------------------------------

@dataclass
class Meter:
    statements: int = 0
    db_seconds: float = 0.0
    _started: dict = field(default_factory=dict)

    def before(self, conn, cursor, statement, parameters, context, executemany):
        self._started[id(cursor)] = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany):
        self.statements += 1
        self.db_seconds += time.perf_counter() - self._started.pop(id(cursor), time.perf_counter())


METER = Meter()
event.listen(Engine, "before_cursor_execute", METER.before)
event.listen(Engine, "after_cursor_execute", METER.after)


@dataclass
class Sample:
    ms: list[float] = field(default_factory=list)
    db_ms: list[float] = field(default_factory=list)
    statements: set[int] = field(default_factory=set)

    def p(self, q: float, values=None) -> float:
        values = sorted(values if values is not None else self.ms)
        return values[min(len(values) - 1, int(q * len(values)))]

    @property
    def outside_db_p50(self) -> float:
        return statistics.median(m - d for m, d in zip(self.ms, self.db_ms))


def timed_request(client, path: str, sample: Sample, expect: int = 200, **kwargs) -> None:
    """One request, timed whole (the body read), with its statements and database time."""
    METER.statements, METER.db_seconds = 0, 0.0
    started = time.perf_counter()
    response = client.open(path, **kwargs)
    response.get_data()
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == expect, (path, response.status_code)
    sample.ms.append(elapsed)
    sample.db_ms.append(METER.db_seconds * 1000)
    sample.statements.add(METER.statements)


# --- the pages ------------------------------------------------------------------------------------

def pages(history_case: int, a_case: int, reference: str) -> list[tuple[str, str, str, bool]]:
    """(label, role, path, compared with the plain app). A search by a case's reference, as people quote
    them, and by a number that matches a few hundred cases' references, pseudonyms and notifications."""
    return [
        ("home", "business_support", "/admin/", False),
        ("cases list", "business_support", "/admin/case/", True),
        ("cases search (a reference)", "business_support", f"/admin/case/?search={reference}", True),
        ("cases search (a number)", "business_support", "/admin/case/?search=417", True),
        ("cases page 100", "business_support", "/admin/case/?page=100", True),
        ("cases 100 a page", "business_support", "/admin/case/?page_size=100", True),
        ("case details", "business_support", f"/admin/case/details/?id={a_case}", False),
        ("case edit", "business_support", f"/admin/case/edit/?id={a_case}", False),
        ("case History (1,000 events)", "business_support", f"/admin/case/history/?id={history_case}", False),
        ("decisions list", "panel", "/admin/decision/", True),
        ("family list", "business_support", "/admin/family/", True),
        ("documents list", "business_support", "/admin/document/", True),
        ("documents search", "business_support", "/admin/document/?search=417", True),
        ("publication list", "board", "/admin/publication/", False),
        ("audit log", "auditor", "/admin/audit/", False),
        ("deadlines list", "business_support", "/admin/deadline/", False),
        *REPORT_PAGES,
    ]


# Issue 19's report pages: each under 1 s at tier M (a year's figures over every case of the streams).
REPORT_PAGES = [
    ("report: all sections", "board", "/admin/reports/", False),
    ("report: SAB section", "board", "/admin/reports/sab/", False),
    ("report: SAB section (Word)", "board", "/admin/reports/sab/?format=docx", False),
    ("report: CSPR yearly section", "board", "/admin/reports/yearly/?type=CSPR", False),
    ("report: S-CRT CSV", "board", "/admin/reports/scrt/?format=csv", False),
]


def measure_pages(app, plain, built, rounds: int, only: str | None = None) -> list[tuple[str, Sample, Sample | None]]:
    clients = {}
    for role, email in ROLE_EMAILS.items():
        clients[role] = app.test_client()
        clients[role].environ_base.update(AGENT)
        signed_in_directly(clients[role], email)
    plain_client = plain.test_client()
    with app.app_context():
        a_case, reference = db.session.execute(db.text(
            "SELECT id, reference FROM \"case\" WHERE review_type = 'CSPR' ORDER BY id LIMIT 1 OFFSET "
            "(SELECT count(*) / 2 FROM \"case\" WHERE review_type = 'CSPR')")).one()  # a case mid-tier, S or M
    listed = [page for page in pages(built.history_case_id, a_case, reference) if not only or only in page[0]]
    ours = {label: Sample() for label, *_ in listed}
    theirs = {label: Sample() for label, _, _, compared in listed if compared}
    for warm in range(2):  # warm both apps' caches (templates, mappers) before measuring
        for label, role, path, compared in listed:
            timed_request(clients[role], path, Sample())
            if compared:
                timed_request(plain_client, path, Sample())
    for number in range(rounds):
        for label, role, path, compared in listed:
            pair = [(clients[role], ours[label])] + ([(plain_client, theirs[label])] if compared else [])
            for client, sample in pair if number % 2 else reversed(pair):  # alternate who goes first
                timed_request(client, path, sample)
    return [(label, ours[label], theirs.get(label)) for label, *_ in listed]


def measure_writes(app, runs: int) -> Sample:
    """A new case through the form, as business support saves it (redirects to its page)."""
    client = app.test_client()
    client.environ_base.update(AGENT)
    signed_in_directly(client, ROLE_EMAILS["business_support"])
    page = client.get("/admin/case/new/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    sample = Sample()
    for n in range(runs):
        form = {**case_form(subject_pseudonym=f"Benchmark child {n}"), "csrf_token": token}
        timed_request(client, "/admin/case/new/", sample, expect=302, method="POST", data=form)
    return sample


def measure_public(app, runs: int) -> tuple[Sample, Sample]:
    client = app.test_client()
    etag = client.get("/reviews/").headers["ETag"]
    page, revalidated = Sample(), Sample()
    for _ in range(runs):
        timed_request(client, "/reviews/", page)
        timed_request(client, "/reviews/", revalidated, expect=304, headers={"If-None-Match": etag})
    return page, revalidated


# --- under gunicorn -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """The app under gunicorn with 2 workers, as `make serve` runs it, on the benchmark's database."""

    def __init__(self, app) -> None:
        config = app.config
        self.port = free_port()
        env = {**os.environ, "APP_ENV": "development", "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
               "SECRET_KEY": config["SECRET_KEY"], "SECURITY_PASSWORD_SALT": config["SECURITY_PASSWORD_SALT"],
               "TOTP_SECRET": config["SECURITY_TOTP_SECRETS"]["1"], "AUDIT_KEY": config["AUDIT_KEY"],
               "WEB_CONCURRENCY": "2", "PORT": str(self.port), "LOG_LEVEL": "WARNING",
               "EXPORT_RATE_LIMIT": "1000 per hour"}
        self.process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
                                        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                if self.get("/readyz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        time.sleep(1)  # both workers up

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def get(self, path: str, cookie: str = "", connection=None) -> tuple[int, bytes]:
        conn = connection or self.connection()
        conn.request("GET", path, headers={"Cookie": cookie, "User-Agent": AGENT["HTTP_USER_AGENT"]})
        response = conn.getresponse()
        return response.status, response.read()

    def worker_rss_mb(self) -> dict[int, float]:
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout.split()
        return {int(pid): _rss_mb(int(pid)) for pid in children}

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cookie_for(app, role: str) -> str:
    cookies = signed_in_cookies(app, ROLE_EMAILS[role], AGENT)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())


def load(server: Server, cookie: str, paths: list[str], seconds: float, clients: int = 4,
         requests: int | None = None) -> tuple[int, float, list[float]]:
    """`clients` keep-alive connections requesting `paths` in turn, for `seconds` or `requests` in all."""
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    budget = [requests if requests is not None else 10**9]

    def client(offset: int) -> None:
        conn = server.connection()
        n = offset
        while time.perf_counter() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            started = time.perf_counter()
            status, _ = server.get(paths[n % len(paths)], cookie, conn)
            assert status == 200, (paths[n % len(paths)], status)
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
            n += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies), time.perf_counter() - started, latencies


def export_first_byte(server: Server, cookie: str) -> tuple[float, float, int, float]:
    """(seconds to the first byte, seconds in all, rows, worker memory growth in MB) of a full case export."""
    before = server.worker_rss_mb()
    conn = server.connection()
    started = time.perf_counter()
    conn.request("GET", "/admin/case/export/csv/", headers={"Cookie": cookie, "User-Agent": AGENT["HTTP_USER_AGENT"]})
    response = conn.getresponse()
    assert response.status == 200, response.status
    response.read(1)
    first = time.perf_counter() - started
    rest = response.read()
    total = time.perf_counter() - started
    after = server.worker_rss_mb()
    growth = max(after.get(pid, 0) - rss for pid, rss in before.items())
    return first, total, rest.count(b"\n"), growth


# --- the report -----------------------------------------------------------------------------------

GOALS = []


def goal(text: str, met: bool) -> None:
    GOALS.append((text, met))


def report(results, writes: Sample, public: tuple[Sample, Sample]) -> None:
    print(f"\n{'page':<30}{'p50':>7}{'p95':>7}{'stmts':>7}{'db p50':>8}{'rest p50':>9}"
          f"{'plain p50':>10}{'plain p95':>10}{'ratio':>7}")
    for label, ours, theirs in results:
        db_p50 = statistics.median(ours.db_ms)
        line = (f"{label:<30}{ours.p(.5):>7.1f}{ours.p(.95):>7.1f}{_counts(ours):>7}{db_p50:>8.1f}"
                f"{ours.outside_db_p50:>9.1f}")
        if theirs:
            ratio = ours.p(.5) / theirs.p(.5)
            line += f"{theirs.p(.5):>10.1f}{theirs.p(.95):>10.1f}{ratio:>7.2f}"
            goal(f"{label}: faster than plain Flask-Admin (p50 ratio {ratio:.2f} <= 0.8)", ratio <= 0.8)
        print(line)
        if label.startswith("report:"):
            goal(f"{label}: p95 {ours.p(.95):.0f} ms < 1000", ours.p(.95) < 1000)
            continue
        goal(f"{label}: p95 {ours.p(.95):.0f} ms <= 100", ours.p(.95) <= 100)
        goal(f"{label}: time outside the database {ours.outside_db_p50:.1f} ms <= 20", ours.outside_db_p50 <= 20)
        if label.startswith("case History"):
            goal(f"History of 1,000 events p50 {ours.p(.5):.0f} ms < 50", ours.p(.5) < 50)
    if writes is None:
        return
    page, revalidated = public
    print(f"{'new case (POST)':<30}{writes.p(.5):>7.1f}{writes.p(.95):>7.1f}{_counts(writes):>7}")
    print(f"{'public page':<30}{page.p(.5):>7.1f}{page.p(.95):>7.1f}{_counts(page):>7}")
    print(f"{'public page 304':<30}{revalidated.p(.5):>7.1f}{revalidated.p(.95):>7.1f}{_counts(revalidated):>7}")
    goal(f"writes p95 {writes.p(.95):.0f} ms < 50", writes.p(.95) < 50)
    goal(f"public page p95 {page.p(.95):.0f} ms < 50", page.p(.95) < 50)


def _counts(sample: Sample) -> str:
    low, high = min(sample.statements), max(sample.statements)
    return str(low) if low == high else f"{low}-{high}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tier", choices=sorted(TIERS), default="S")
    parser.add_argument("--rounds", type=int, default=40, help="requests per page for each app")
    parser.add_argument("--load-seconds", type=float, default=20)
    parser.add_argument("--rss-requests", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true", help="measure the tier an earlier run built (migrated)")
    parser.add_argument("--pages", help="measure only the pages whose label contains this, e.g. 'report:' "
                                        "(no writes, public page or gunicorn run)")
    options = parser.parse_args()
    tier = TIERS[options.tier]

    app = fresh_app(empty=not options.reuse, LOG_LEVEL="WARNING")  # the request log would drown the table
    admin = create_engine(os.environ["BENCH_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1))
    started = time.perf_counter()
    with app.app_context():
        built = reused(admin) if options.reuse else build(tier, admin)
    print(f"tier {tier.name}: {built.write_path}")
    print(f"built in {time.perf_counter() - started:.0f} s: " + ", ".join(f"{n:,} {t}" for t, n in built.rows.items()))
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")

    plain = plain_app(app.config["SQLALCHEMY_DATABASE_URI"])
    gc.freeze()  # as wsgi.py does once the app is built
    results = measure_pages(app, plain, built, options.rounds, options.pages)
    if options.pages:
        report(results, None, None)
        print("\ngoals:")
        for text, met in GOALS:
            print(f"  {'PASS' if met else 'FAIL'}  {text}")
        sys.exit(0 if all(met for _, met in GOALS) else 1)
    report(results, measure_writes(app, options.rounds), measure_public(app, options.rounds))

    server = Server(app)
    try:
        measure_server(app, server, options)
    finally:
        server.stop()
    print("\ngoals:")
    for text, met in GOALS:
        print(f"  {'PASS' if met else 'FAIL'}  {text}")
    print(f"{sum(met for _, met in GOALS)} of {len(GOALS)} goals met")
    sys.exit(0 if all(met for _, met in GOALS) else 1)


def measure_server(app, server: Server, options) -> None:
    cookie = cookie_for(app, "business_support")
    paths = ["/admin/case/", "/admin/case/?search=417", "/admin/family/", "/admin/document/", "/admin/"]
    done, seconds, latencies = load(server, cookie, paths, options.load_seconds)
    p95 = sorted(latencies)[int(.95 * len(latencies))]
    print(f"\ngunicorn, 2 workers, 4 clients: {done / seconds:.1f} requests/s, p95 {p95:.0f} ms over {done} requests")

    first, total, rows, growth = export_first_byte(server, cookie_for(app, "auditor"))
    print(f"case export, every case ({rows:,} rows): first byte {first * 1000:.0f} ms, all {total:.1f} s, "
          f"worker memory +{growth:.1f} MB")
    goal(f"export first byte {first * 1000:.0f} ms < 500", first < 0.5)
    goal(f"export worker memory growth {growth:.1f} MB < 20", growth < 20)

    load(server, cookie, paths, 60, requests=200)  # warm
    before = server.worker_rss_mb()
    done, seconds, _ = load(server, cookie, paths, 3600, requests=options.rss_requests)
    after = server.worker_rss_mb()
    grown = {pid: after.get(pid, 0) - rss for pid, rss in before.items()}
    print(f"worker memory over {done:,} requests: " + ", ".join(
        f"{before[pid]:.0f} -> {after.get(pid, 0):.0f} MB" for pid in before))
    goal(f"worker memory flat over {done:,} requests (grew at most {max(grown.values()):.1f} MB < 20)",
         max(grown.values()) < 20)


if __name__ == "__main__":
    main()
