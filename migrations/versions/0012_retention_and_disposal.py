"""Retention and disposal: the schedule as data, legal holds, disposal decisions, tombstones, and
audit rows whose personal values a disposal may redact while the chain still verifies.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 18:00:00

No national retention period for review records was found (domain-reference 2.8): the seeded
schedule is the proposal there, to be agreed with the host authority's DPO and records manager, and
admins change it. On PostgreSQL the audit trail stays append-only, with one exception: a row's values
may be replaced once per disposal, naming the DISPOSE event that attests the new content; every other
column, and deleting, stays refused.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

PROPOSAL = "Proposal in domain-reference 2.8 (no national period was found): agree it with the DPO"
SCHEDULE = [
    ("not_progressed", "case_closed", 72, "destroy", PROPOSAL + ": referrals not progressed, 6 years after the decision"),
    ("review_record", "case_closed", 300, "anonymise", PROPOSAL + ": a completed review is a long-term public-interest "
                                                      "record; review it 25 years after closure"),
    ("family_contacts", "case_closed", 12, "anonymise", PROPOSAL + ": family contact details are deleted or anonymised "
                                                        "after the action plan closes; 12 months is local practice"),
]
APPEND_ONLY_EXCEPT_REDACTION = """
CREATE OR REPLACE FUNCTION audit_event_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.redacted_by IS NOT NULL AND NEW.redacted_by > COALESCE(OLD.redacted_by, 0)
       AND (NEW.id, NEW.at, NEW.actor_id, NEW.actor, NEW.actor_roles, NEW.action, NEW.object_type, NEW.object_id,
            NEW.object_ref, NEW.streams, NEW.reason, NEW.request_id, NEW.ip, NEW.prev_hash, NEW.hash)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.at, OLD.actor_id, OLD.actor, OLD.actor_roles, OLD.action, OLD.object_type, OLD.object_id,
            OLD.object_ref, OLD.streams, OLD.reason, OLD.request_id, OLD.ip, OLD.prev_hash, OLD.hash) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP;
END;
$$
"""
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_event_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP;
END;
$$
"""


def enum(*values, length):
    return sa.Enum(*values, native_enum=False, create_constraint=False, length=length)


def tracked(table):
    """The columns and keys of a Tracked record: when and by whom it was created and changed, its version."""
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], name=op.f(f"fk_{table}_created_by_id_user")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user.id"], name=op.f(f"fk_{table}_updated_by_id_user")),
    ]


RECORD_CLASS = ("not_progressed", "review_record", "family_contacts")
REDACTABLE = ("changes", "restricted_changes", "redacted_by")
ACTION = ("retain", "anonymise", "destroy")


def upgrade():
    op.create_table(
        "retention_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_class", enum(*RECORD_CLASS, length=30), nullable=False),
        sa.Column("trigger", enum("case_closed", "published", length=20), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("proposed_action", enum(*ACTION, length=20), nullable=False),
        sa.Column("source", sa.String(length=2000), nullable=False),
        *tracked("retention_rule"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_rule")),
        sa.UniqueConstraint("record_class", name=op.f("uq_retention_rule_record_class")),
    )
    op.create_table(
        "legal_hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id", name=op.f("fk_legal_hold_case_id_case")), nullable=False),
        sa.Column("kind", enum("litigation", "inquest", "inquiry", "subject_access_request", length=30), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("placed_on", sa.Date(), nullable=False),
        sa.Column("lifted_on", sa.Date(), nullable=True),
        sa.Column("lift_reason", sa.String(length=2000), nullable=True),
        *tracked("legal_hold"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_hold")),
    )
    op.create_index(op.f("ix_legal_hold_case_id"), "legal_hold", ["case_id"])
    op.create_table(
        "disposal_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id", name=op.f("fk_disposal_decision_case_id_case"),
                                                         ondelete="SET NULL"), nullable=True),
        sa.Column("case_reference", sa.String(length=20), nullable=False),
        sa.Column("review_type", enum("CSPR", "SAR", "DHR", length=10), nullable=False),
        sa.Column("record_class", enum(*RECORD_CLASS, length=30), nullable=False),
        sa.Column("action", enum(*ACTION, length=20), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("user.id", name=op.f("fk_disposal_decision_decided_by_id_user")),
                  nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposal_decision")),
    )
    op.create_index(op.f("ix_disposal_decision_case_id"), "disposal_decision", ["case_id"])
    op.create_table(
        "tombstone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("review_type", enum("CSPR", "SAR", "DHR", length=10), nullable=False),
        sa.Column("record_class", enum(*RECORD_CLASS, length=30), nullable=False),
        sa.Column("referral_date", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("destroyed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("authorised_by_id", sa.Integer(), sa.ForeignKey("user.id", name=op.f("fk_tombstone_authorised_by_id_user")),
                  nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("audit_rows_redacted", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tombstone")),
        sa.UniqueConstraint("reference", name=op.f("uq_tombstone_reference")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("redacted_by", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_EXCEPT_REDACTION)
        for grantee in _writers_of_the_trail(op.get_bind()):
            op.execute(f'GRANT UPDATE ({", ".join(REDACTABLE)}) ON audit_event TO "{grantee}"')
    rule = sa.table("retention_rule", *(sa.column(n) for n in (
        "record_class", "trigger", "months", "proposed_action", "source", "created_at", "updated_at", "version")))
    now = datetime.now(timezone.utc)
    op.bulk_insert(rule, [dict(record_class=c, trigger=t, months=m, proposed_action=a, source=s, created_at=now,
                               updated_at=now, version=1) for c, t, m, a, s in SCHEDULE])


def _writers_of_the_trail(bind) -> list[str]:
    """The logins that append to the trail, other than its owner (the app's login)."""
    return bind.execute(sa.text(
        "SELECT DISTINCT grantee FROM information_schema.role_table_grants "
        "WHERE table_name = 'audit_event' AND privilege_type = 'INSERT' "
        "AND grantee <> (SELECT tableowner FROM pg_tables WHERE tablename = 'audit_event' AND schemaname = current_schema())"
    )).scalars().all()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY)
        for grantee in _writers_of_the_trail(op.get_bind()):
            op.execute(f'REVOKE UPDATE ({", ".join(REDACTABLE)}) ON audit_event FROM "{grantee}"')
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("redacted_by")
    op.drop_table("tombstone")
    op.drop_index(op.f("ix_disposal_decision_case_id"), table_name="disposal_decision")
    op.drop_table("disposal_decision")
    op.drop_index(op.f("ix_legal_hold_case_id"), table_name="legal_hold")
    op.drop_table("legal_hold")
    op.drop_table("retention_rule")
