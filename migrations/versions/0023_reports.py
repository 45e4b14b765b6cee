"""Reports: the period a review looks at (its scope, from the terms of reference), which national SAR
analyses and returns need and often find missing.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 05:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("case") as batch:
        batch.add_column(sa.Column("scope_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("scope_to", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("case") as batch:
        batch.drop_column("scope_to")
        batch.drop_column("scope_from")
