"""A review is coded by themes as a whole, as well as by its findings' themes.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 02:15:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "case_theme",
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("theme_id", sa.Integer(), sa.ForeignKey("theme.id"), primary_key=True),
    )


def downgrade():
    op.drop_table("case_theme")
