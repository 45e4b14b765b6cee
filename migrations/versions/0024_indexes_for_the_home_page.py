"""Indexes for the home page at national scale: live cases by type and state, counted from the index
alone, and open deadlines by due date (a partial index), so the most urgent are found without reading
past the met and waived ones that are most of the table.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

LIVE = sa.text("archived_at IS NULL")
OPEN = sa.text("met_date IS NULL AND waived_at IS NULL")


def upgrade():
    op.create_index("ix_case_live_type_state", "case", ["review_type", "state"],
                    postgresql_where=LIVE, sqlite_where=LIVE)
    op.drop_index("ix_deadline_open", table_name="deadline")
    op.create_index("ix_deadline_open", "deadline", ["due_date", "id"], postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade():
    op.drop_index("ix_deadline_open", table_name="deadline")
    op.create_index("ix_deadline_open", "deadline", ["met_date", "waived_at", "due_date"])
    op.drop_index("ix_case_live_type_state", table_name="case")
