"""Health checks for the load balancer and the orchestrator, open to anyone and telling nothing else.

`/healthz`: the process is alive. `/readyz`: it can serve, because the database answers, its schema
is at the newest migration and document storage is writable; otherwise 503, and the log says which
check failed.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import Blueprint, jsonify
from sqlalchemy import text

from backoffice.domain import files
from backoffice.extensions import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent.parent.parent / "migrations"
HEAD = ScriptDirectory(str(MIGRATIONS)).get_current_head()


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok"), 200, {"Cache-Control": "no-store"}


@bp.get("/readyz")
def readyz():
    failed = next((name for name, check in CHECKS if not _passes(name, check)), None)
    if failed:
        return jsonify(status="unavailable"), 503, {"Cache-Control": "no-store"}
    return jsonify(status="ready"), 200, {"Cache-Control": "no-store"}


def _database_at_head() -> bool:
    revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    db.session.rollback()
    return revision == HEAD


def _storage_writable() -> bool:
    return files.document_store().writable(db.session)


CHECKS = (("database at the newest migration", _database_at_head), ("document storage writable", _storage_writable))


def _passes(name: str, check) -> bool:
    try:
        if check():
            return True
        log.warning("Not ready: %s", name)
    except Exception as error:  # a check that cannot run has failed
        db.session.rollback()
        log.warning("Not ready: %s (%s)", name, type(error).__name__)
    return False
