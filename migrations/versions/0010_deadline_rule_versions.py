"""A deadline rule changes by a new version, not an edit: each version says which cases it reaches.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 17:00:00

Until now editing a rule moved the live deadlines of every existing case. A version now records
whether it reaches only cases whose anchor date is on or after its effective date (the default, and
what every existing rule does) or every open deadline, and why it replaced the version before.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("deadline_rule", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reach", sa.Enum("from_effective_date", "open_cases", name="reach",
                                                       native_enum=False, length=30),
                                      nullable=False, server_default="from_effective_date"))
        batch_op.add_column(sa.Column("change_reason", sa.String(length=2000), nullable=True))
    with op.batch_alter_table("deadline_rule", schema=None) as batch_op:
        batch_op.alter_column("reach", server_default=None)


def downgrade():
    with op.batch_alter_table("deadline_rule", schema=None) as batch_op:
        batch_op.drop_column("change_reason")
        batch_op.drop_column("reach")
