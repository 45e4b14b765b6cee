"""Document files may live in the database, beside their records (the default on PostgreSQL).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 18:05:00

Files already in UPLOAD_DIR stay there until `flask files migrate` copies them in (and checks each
against its recorded size and hash); `flask files verify` checks them wherever they are.
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "file_content",
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("stored_name", name=op.f("pk_file_content")),
    )


def downgrade():
    op.drop_table("file_content")
