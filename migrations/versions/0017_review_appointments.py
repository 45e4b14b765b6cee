"""The independent people a review is run by (chair, lead reviewer, author, panel member): each with
their organisation, accreditation, contract term and declared conflicts of interest.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 23:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "appointment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("person_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.Enum("independent_chair", "lead_reviewer", "author", "panel_member", native_enum=False,
                                  create_constraint=False, length=30), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("accreditation", sa.String(length=200), nullable=True),
        sa.Column("appointed_date", sa.Date(), nullable=False),
        sa.Column("contract_end", sa.Date(), nullable=True),
        sa.Column("conflict_declaration", sa.String(length=5000), nullable=False),
        sa.Column("note", sa.String(length=5000), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("archive_reason", sa.String(length=2000), nullable=True),
        sa.Column("archived_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_appointment_case_id_case")),
        sa.ForeignKeyConstraint(["archived_by_id"], ["user.id"], name=op.f("fk_appointment_archived_by_id_user")),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], name=op.f("fk_appointment_created_by_id_user")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user.id"], name=op.f("fk_appointment_updated_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment")),
    )
    op.create_index(op.f("ix_appointment_case_id"), "appointment", ["case_id"])


def downgrade():
    op.drop_table("appointment")
