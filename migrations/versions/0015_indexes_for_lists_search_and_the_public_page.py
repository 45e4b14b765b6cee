"""Indexes for the other lists' default sorts, the home page's work and counts, the public page, and
(on PostgreSQL) trigram indexes so a search for part of a reference, pseudonym or title reads the
index instead of every row; and a counter per case reference prefix, so a new case's number is one
row's read and write (each prefix's counter starts from the references already there, when first used).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 20:00:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

PUBLISHED_CASE = "publication_date IS NOT NULL AND archived_at IS NULL"  # models.case.PUBLISHED
PUBLIC_DOCUMENT = "status = 'published' AND archived_at IS NULL"  # models.document.PUBLIC, as it was here
SEARCHED = {"case": ("reference", "subject_pseudonym", "external_reference"), "published_document": ("title",)}


def upgrade():
    op.create_table(
        "reference_counter",
        sa.Column("prefix", sa.String(length=20), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", name=op.f("pk_reference_counter")),
    )
    op.create_index("ix_deadline_due_date", "deadline", ["due_date", "id"])
    op.create_index("ix_notification_due_date", "notification", ["due_date", "id"])
    op.create_index("ix_family_event_event_date", "family_event", ["event_date", "id"])
    op.create_index("ix_case_planned_publication_date", "case", ["planned_publication_date", "id"])
    op.create_index("ix_case_published", "case", ["publication_date"],
                    postgresql_where=text(PUBLISHED_CASE), sqlite_where=text(PUBLISHED_CASE))
    op.create_index("ix_published_document_public", "published_document", ["case_id"],
                    postgresql_where=text(PUBLIC_DOCUMENT), sqlite_where=text(PUBLIC_DOCUMENT))
    if op.get_bind().dialect.name == "postgresql":
        _require_trigrams()
        for table, columns in SEARCHED.items():
            for column in columns:
                op.create_index(f"ix_{table}_{column}_trgm", table, [column], postgresql_using="gin",
                                postgresql_ops={column: "gin_trgm_ops"})


def _require_trigrams() -> None:
    """pg_trgm is installed by `flask db-roles` (a superuser's step); the owner may install it only
    where it has CREATE on the database, so say what to do rather than fail obscurely."""
    bind = op.get_bind()
    if bind.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).scalar():
        return
    allowed = bind.execute(text("SELECT has_database_privilege(current_database(), 'CREATE')")).scalar()
    if not allowed:
        raise RuntimeError("This migration needs the pg_trgm extension: run `flask db-roles --admin-url ...` "
                           "(or CREATE EXTENSION pg_trgm) as a superuser on this database, then upgrade again.")
    bind.execute(text("CREATE EXTENSION pg_trgm"))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in SEARCHED.items():
            for column in columns:
                op.drop_index(f"ix_{table}_{column}_trgm", table_name=table)
    op.drop_index("ix_published_document_public", table_name="published_document")
    op.drop_index("ix_case_published", table_name="case")
    op.drop_index("ix_case_planned_publication_date", table_name="case")
    op.drop_index("ix_family_event_event_date", table_name="family_event")
    op.drop_index("ix_notification_due_date", table_name="notification")
    op.drop_index("ix_deadline_due_date", table_name="deadline")
    op.drop_table("reference_counter")
