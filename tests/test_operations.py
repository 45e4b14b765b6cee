"""Running on a council's servers: the health checks, the JSON logs (with request ids, and no personal
data from cases, checked against the demo's legal names), and the demo refused in production."""

from __future__ import annotations

import io
import json
import logging

import pytest
from sqlalchemy import select

from backoffice.demo.data import CASES
from backoffice.models import Case, User
from tests import factories
from tests.helpers import case_form, count

LEGAL_NAMES = [row.legal_name for row in CASES]


@pytest.fixture
def log_lines():
    """What the back-office's JSON handler writes during the test, as parsed lines."""
    handler = next(h for h in logging.getLogger("backoffice").handlers if getattr(h, "is_backoffice_json", False))
    handler.stream = captured = io.StringIO()
    yield lambda: [json.loads(line) for line in captured.getvalue().splitlines()]
    handler.stream = None


# --- health checks ----------------------------------------------------------------------------


def test_healthz_answers_while_the_process_lives_without_a_sign_in_or_a_cookie(app):
    response = app.test_client().get("/healthz")

    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})
    assert "Set-Cookie" not in response.headers


def test_readyz_answers_when_the_database_is_at_the_newest_migration_and_storage_is_writable(app, session):
    response = app.test_client().get("/readyz")

    assert (response.status_code, response.get_json()) == (200, {"status": "ready"})
    assert "Set-Cookie" not in response.headers


def test_readyz_says_unavailable_and_nothing_more_when_storage_cannot_be_written(app, session, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the document folder should be")
    kept = app.config["UPLOAD_DIR"], app.config["DOCUMENT_STORAGE"]
    app.config["UPLOAD_DIR"], app.config["DOCUMENT_STORAGE"] = blocked, "folder"
    try:
        response = app.test_client().get("/readyz")
    finally:
        app.config["UPLOAD_DIR"], app.config["DOCUMENT_STORAGE"] = kept

    assert (response.status_code, response.get_json()) == (503, {"status": "unavailable"})


def test_readyz_is_unavailable_on_a_database_not_yet_migrated(tmp_path):
    from backoffice import create_app
    from config import TestConfig

    fresh = create_app(TestConfig(), overrides={"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
                                                "UPLOAD_DIR": tmp_path / "uploads"})

    response = fresh.test_client().get("/readyz")

    assert (response.status_code, response.get_json()) == (503, {"status": "unavailable"})


# --- logs ---------------------------------------------------------------------------------------


def test_each_request_is_one_json_line_with_its_id_and_the_users_id(session, login_as, log_lines):
    signed_in = login_as("business_support")

    response = signed_in.get("/admin/case/?search=anything")

    line = [entry for entry in log_lines() if entry.get("logger") == "backoffice.requests"][-1]
    assert {k: line[k] for k in ("level", "method", "route", "status", "user_id")} == {
        "level": "INFO", "method": "GET", "route": "/admin/case/", "status": 200, "user_id": signed_in.user.id}
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["time"].endswith("Z") and isinstance(line["duration_ms"], float)
    assert signed_in.user.email not in json.dumps(line)


def test_no_legal_name_from_a_case_reaches_the_log(session, login_as, log_lines, app):
    """Searching for, typing, refusing and showing the demo's legal names: none of them is logged."""
    signed_in = login_as("business_support")
    case = factories.CaseFactory(subject_legal_name=LEGAL_NAMES[0])
    for name in LEGAL_NAMES:
        signed_in.get(f"/admin/case/?search={name}")
        signed_in.post("/admin/case/new/", case_form(subject_legal_name=name, subject_pseudonym=""))  # refused
    signed_in.get(f"/admin/case/details/?id={case.id}")
    signed_in.post("/admin/case/new/", case_form(subject_legal_name=LEGAL_NAMES[1], subject_pseudonym="Child Y"))

    written = json.dumps(log_lines())
    assert count(session, Case) == 2  # one refused per name, one created
    assert [name for name in LEGAL_NAMES if name in written] == []
    assert written.count('"route": "/admin/case/new/"') == len(LEGAL_NAMES) + 1


def test_an_unexpected_error_is_logged_with_its_trace_and_the_user_sees_none(tmp_path, log_lines):
    from backoffice import create_app
    from config import TestConfig

    broken = create_app(TestConfig(), overrides={"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    broken.add_url_rule("/broken", "broken", lambda: 1 / 0)

    response = broken.test_client().get("/broken")

    assert response.status_code == 500 and "ZeroDivisionError" not in response.get_data(as_text=True)
    error = next(entry for entry in log_lines() if entry["level"] == "ERROR")
    assert "ZeroDivisionError" in error["exc_info"] and "Traceback" in error["exc_info"]


# --- the demo, never in production ----------------------------------------------------------


def test_the_demo_is_refused_in_production_and_creates_nobody(app, session):
    app.config["ENV_NAME"] = "production"
    try:
        result = app.test_cli_runner().invoke(args=["demo", "load"])
    finally:
        app.config["ENV_NAME"] = "test"

    assert result.exit_code != 0 and "never loaded in production" in result.output
    assert session.scalars(select(User)).all() == [] and count(session, Case) == 0


# --- document files, wherever they are kept -----------------------------------------------------


def test_on_postgresql_a_document_file_is_kept_in_the_database_beside_its_record(app, session, engine):
    from backoffice.models import FileContent

    document = factories.DocumentFactory()

    assert app.config["DOCUMENT_STORAGE"] == ("database" if engine.dialect.name == "postgresql" else "folder")
    in_database = session.get(FileContent, document.stored_name) is not None
    assert in_database == (engine.dialect.name == "postgresql")
    assert (app.config["UPLOAD_DIR"] / document.stored_name).exists() != in_database


def test_files_verify_names_a_file_missing_or_changed(app, session):
    from backoffice.models import FileContent

    kept, changed = factories.DocumentFactory(), factories.DocumentFactory()
    row = session.get(FileContent, changed.stored_name)
    if row is not None:
        row.content = b"%PDF-1.4 tampered"
        session.commit()
    else:
        (app.config["UPLOAD_DIR"] / changed.stored_name).write_bytes(b"%PDF-1.4 tampered")

    result = app.test_cli_runner().invoke(args=["files", "verify"])

    assert result.exit_code != 0
    assert f"{changed.stored_name} (overview-report.pdf): its size or SHA-256 differs" in result.output
    assert kept.stored_name not in result.output


def test_files_migrate_moves_folder_files_into_the_database_checked(app, session, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("document files go into the database on PostgreSQL")
    from backoffice.domain import files
    from backoffice.models import FileContent

    data = factories.pdf_bytes("An earlier upload")
    stored = files.store(data, files.PDF, app.config["UPLOAD_DIR"])  # as an earlier version kept it
    document = factories.DocumentFactory()
    document.stored_name, document.size_bytes, document.sha256 = stored.stored_name, stored.size_bytes, stored.sha256
    session.commit()

    moved = app.test_cli_runner().invoke(args=["files", "migrate"])
    verified = app.test_cli_runner().invoke(args=["files", "verify"])

    assert moved.exit_code == 0 and "Copied 1 files" in moved.output, moved.output
    assert session.get(FileContent, stored.stored_name).content == data
    assert verified.exit_code == 0, verified.output
