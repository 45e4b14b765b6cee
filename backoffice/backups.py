"""Backups a restore has proven: the database with everything in it, documents included (on
PostgreSQL they live in it), as one pg_dump file and a manifest saying what it holds.

`flask backup create DIR` writes both; `flask backup restore DIR` loads the newest into an empty
database (as the tables' owner) and checks it against its manifest. The audit checkpoints are kept
apart on purpose (they prove the trail was not cut), and are not in the backup.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from backoffice.clock import now
from backoffice.models import AuditEvent, Case, FileContent


class BackupError(RuntimeError):
    """The backup or restore cannot be made; the message says why."""


def libpq_url(url: str) -> str:
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        raise BackupError("Backups are of PostgreSQL databases; on the embedded SQLite default, copy the "
                          "instance folder (the database file and uploads) while the app is stopped.")
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def contents(session) -> dict:
    """What a database holds, as a backup's manifest records it."""
    return {
        "revision": session.execute(text("SELECT version_num FROM alembic_version")).scalar(),
        "cases": session.scalar(select(func.count()).select_from(Case)),
        "files": session.scalar(select(func.count()).select_from(FileContent)),
        "audit_rows": session.scalar(select(func.count()).select_from(AuditEvent)),
        "audit_head": session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)),
    }


def create(session, database_url: str, folder: Path) -> Path:
    """Dump the database into `folder`, with its manifest; returns the dump's path."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now().strftime("%Y%m%dT%H%M%SZ")
    dump = folder / f"backoffice-{stamp}.dump"
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), libpq_url(database_url)])
    manifest = {**contents(session), "dump": dump.name, "sha256": _sha256(dump), "at": now().isoformat()}
    (folder / f"backoffice-{stamp}.json").write_text(json.dumps(manifest, indent=2))
    return dump


def restore(session, owner_url: str, folder: Path) -> dict:
    """Load the newest backup in `folder` into the (empty) database, as its owner; its manifest."""
    manifests = sorted(folder.glob("backoffice-*.json"))
    if not manifests:
        raise BackupError(f"No backup in {folder}.")
    manifest = json.loads(manifests[-1].read_text())
    dump = folder / manifest["dump"]
    if _sha256(dump) != manifest["sha256"]:
        raise BackupError(f"{dump.name} is not the file its manifest describes: it was changed or cut short.")
    if session.execute(text("SELECT to_regclass('public.alembic_version')")).scalar() is not None:
        raise BackupError("The database is not empty: restore into a new database, never over a live one.")
    session.rollback()
    # The schema has no comments of its own; the dump's one is pg_trgm's, which only the extension's owner
    # (the superuser who ran `flask db-roles` on this database, installing it) may set.
    _run(["pg_restore", "--no-owner", "--no-comments", "--exit-on-error", "--single-transaction",
          "--dbname", libpq_url(owner_url), str(dump)])
    found = contents(session)
    if found != {k: manifest[k] for k in found}:
        raise BackupError(f"The restored database differs from the backup's manifest: {found} != {manifest}.")
    return manifest


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-500:]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
