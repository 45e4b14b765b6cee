"""A keyed audit chain with streams, no secrets in the trail, encrypted recovery codes, one-use codes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 08:40:00

What it does to data already there, in one transaction:
- checks the existing (unkeyed) chain first, and refuses to go on if it is broken: re-sealing must
  never launder earlier tampering;
- removes the secret values earlier versions copied into audit rows (authenticator secrets,
  recovery codes), leaving "(changed)";
- records each event's review streams, from the case it is about;
- re-seals the chain with an HMAC keyed by AUDIT_KEY, and appends a row saying so, with the old
  head's hash and how many rows were redacted;
- encrypts the recovery codes stored in clear;
- on PostgreSQL, leaves INSERT and SELECT as the only rights anyone but the owner has on audit_event.
"""
import hashlib
import json
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op
from flask import current_app

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
USER_SECRETS = ("password", "fs_uniquifier", "tf_totp_secret", "mf_recovery_codes")
LEGACY_FIELDS = (
    "at", "actor_id", "actor", "actor_roles", "action", "object_type", "object_id", "object_ref",
    "changes", "restricted_changes", "reason", "request_id", "ip", "prev_hash",
)
STREAM_OF_TYPE = {"CSPR": "children", "SAR": "adults", "DHR": "domestic_abuse"}
ALL_STREAMS = "adults,children,domestic_abuse"
# Object type -> the SQL that finds each record's case, for events written before streams were kept.
CASE_OF = {
    "case": "SELECT id, id FROM \"case\"",
    "decision": "SELECT id, case_id FROM panel_decision",
    "criterion_assessment": "SELECT c.id, d.case_id FROM criterion_assessment c JOIN panel_decision d ON d.id = c.decision_id",
    "decision_approval": "SELECT a.id, d.case_id FROM decision_approval a JOIN panel_decision d ON d.id = a.decision_id",
    "family": "SELECT id, case_id FROM family_involvement",
    "family_event": "SELECT e.id, f.case_id FROM family_event e JOIN family_involvement f ON f.id = e.family_id",
    "document": "SELECT id, case_id FROM published_document",
    "document_version": "SELECT v.id, d.case_id FROM document_version v JOIN published_document d ON d.id = v.document_id",
    "notification": "SELECT id, case_id FROM notification",
    "hold": "SELECT id, case_id FROM hold",
    "deadline": "SELECT id, case_id FROM deadline",
    "transition_log": "SELECT id, case_id FROM transition_log",
    "case_agency": "SELECT id, case_id FROM case_agency",
}


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _legacy_hash(row: dict) -> str:
    canonical = json.dumps({f: _plain(row.get(f)) for f in LEGACY_FIELDS}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _utc(value):
    """A stored timestamp as the app reads it back: timezone-aware, in UTC."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    return value


def _events(bind):
    """The audit table as it is at this revision (reflected, not the app's model), and its rows."""
    table = sa.Table("audit_event", sa.MetaData(), autoload_with=bind)
    rows = [dict(r) for r in bind.execute(sa.select(table).order_by(table.c.id)).mappings()]
    for row in rows:
        row["at"] = _utc(row["at"])
    return table, rows


def _streams_by_record(bind) -> dict:
    cases = {case_id: STREAM_OF_TYPE.get(kind) for case_id, kind in bind.execute(sa.text('SELECT id, review_type FROM "case"'))}
    by_record = {}
    for object_type, sql in CASE_OF.items():
        for record_id, case_id in bind.execute(sa.text(sql)):
            by_record[(object_type, record_id)] = cases.get(case_id)
    return by_record, {ref: STREAM_OF_TYPE.get(kind) for ref, kind in bind.execute(sa.text('SELECT reference, review_type FROM "case"'))}


def _redacted(changes: str | None) -> str | None:
    """The changes with every secret value replaced by "(changed)"; None if nothing was secret."""
    if not changes:
        return None
    values = json.loads(changes)
    found = False
    for field in USER_SECRETS:
        if field in values:
            pair = values[field]
            cleaned = [None if v is None else "(changed)" for v in pair]
            if cleaned != pair:
                values[field] = cleaned
                found = True
    return json.dumps(values, sort_keys=True, default=str) if found else None


def _set_trigger(bind, enabled: bool) -> None:
    if bind.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE audit_event {'ENABLE' if enabled else 'DISABLE'} TRIGGER audit_event_append_only")


def _verified_legacy_head(rows: list[dict]) -> str:
    """The unkeyed chain's head hash, once every row is checked; refuses a broken chain."""
    previous = GENESIS
    for row in rows:
        if row["prev_hash"] != previous or _legacy_hash(row) != row["hash"]:
            raise RuntimeError(
                f"The audit trail is broken at row {row['id']} (before this migration): investigate before "
                "upgrading; it is not re-sealed, so the evidence is kept."
            )
        previous = row["hash"]
    return previous


def _reseal_events(bind) -> None:
    from backoffice.domain.audit import row_hash
    from backoffice.models.base import utcnow

    key = current_app.config["AUDIT_KEY"].encode()
    table, rows = _events(bind)
    legacy_head = _verified_legacy_head(rows)

    by_record, by_reference = _streams_by_record(bind)
    redactions = 0
    previous = GENESIS
    for row in rows:
        if row["object_type"] == "user":
            cleaned = _redacted(row["changes"])
            if cleaned is not None:
                row["changes"] = cleaned
                redactions += 1
        stream = by_record.get((row["object_type"], row["object_id"])) or by_reference.get(row["object_ref"])
        if stream is None and row["object_type"] in CASE_OF and row["object_id"] is None:
            stream = ALL_STREAMS  # an export: readable by those who may read every stream
        row["streams"] = stream
        row["prev_hash"] = previous
        row["hash"] = previous = row_hash(row, key)
        bind.execute(
            table.update().where(table.c.id == row["id"]).values(
                changes=row["changes"], streams=row["streams"], prev_hash=row["prev_hash"], hash=row["hash"]
            )
        )
    if rows:
        note = {
            "at": utcnow(), "actor": "system (migration 0007)", "action": "maintenance",
            "reason": (
                f"Audit trail re-sealed with a keyed HMAC (AUDIT_KEY). The unkeyed chain of {len(rows)} rows was "
                f"verified intact first; its head was {legacy_head}. Secret values removed from {redactions} rows."
            ),
            "prev_hash": previous,
        }
        note["hash"] = row_hash(note, key)
        bind.execute(table.insert().values(**note))


def _encrypt_recovery_codes(bind) -> None:
    from cryptography.fernet import Fernet, InvalidToken, MultiFernet

    keys = current_app.config.get("SECURITY_MULTI_FACTOR_RECOVERY_CODES_KEYS") or []
    if not keys:
        return
    cryptor = MultiFernet([Fernet(k) for k in keys])
    for user_id, stored in bind.execute(sa.text('SELECT id, mf_recovery_codes FROM "user" WHERE mf_recovery_codes IS NOT NULL')):
        codes = json.loads(stored) if isinstance(stored, str) else stored
        encrypted = []
        for code in codes or []:
            try:
                cryptor.decrypt(code.encode())
                encrypted.append(code)
            except (InvalidToken, ValueError):
                encrypted.append(cryptor.encrypt(code.encode()).decode())
        bind.execute(sa.text('UPDATE "user" SET mf_recovery_codes = :codes WHERE id = :id'),
                     {"codes": json.dumps(encrypted), "id": user_id})


def _audit_table_append_only_for_everyone_but_its_owner(bind) -> None:
    if bind.dialect.name != "postgresql":
        return
    grantees = bind.execute(sa.text(
        "SELECT DISTINCT grantee FROM information_schema.role_table_grants "
        "WHERE table_name = 'audit_event' AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE') "
        "AND grantee <> (SELECT tableowner FROM pg_tables WHERE tablename = 'audit_event' AND schemaname = current_schema())"
    )).scalars().all()
    for grantee in grantees:
        op.execute(f'REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM "{grantee}"')


def upgrade():
    bind = op.get_bind()
    _verified_legacy_head(_events(bind)[1])  # before any change, so a refusal leaves everything as it was
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('streams', sa.String(length=40), nullable=True))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tf_totp_last_counter', sa.Integer(), nullable=True))
        batch_op.alter_column('password', existing_type=sa.String(), type_=sa.String(length=255), existing_nullable=True)
    with op.batch_alter_table('role', schema=None) as batch_op:
        batch_op.alter_column('description', existing_type=sa.String(), type_=sa.String(length=255), existing_nullable=True)

    _set_trigger(bind, False)
    _reseal_events(bind)
    _set_trigger(bind, True)
    _encrypt_recovery_codes(bind)
    _audit_table_append_only_for_everyone_but_its_owner(bind)


def downgrade():
    bind = op.get_bind()
    _set_trigger(bind, False)
    table, rows = _events(bind)
    previous = GENESIS
    for row in rows:
        row["prev_hash"] = previous
        row["hash"] = previous = _legacy_hash(row)
        bind.execute(table.update().where(table.c.id == row["id"]).values(prev_hash=row["prev_hash"], hash=row["hash"]))
    _set_trigger(bind, True)
    with op.batch_alter_table('role', schema=None) as batch_op:
        batch_op.alter_column('description', existing_type=sa.String(length=255), type_=sa.String(), existing_nullable=True)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('password', existing_type=sa.String(length=255), type_=sa.String(), existing_nullable=True)
        batch_op.drop_column('tf_totp_last_counter')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('streams')
