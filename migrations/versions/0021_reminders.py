"""Reminder emails: each user's digest frequency, and a record of every reminder (sent, or failed and
to be retried), so that a run sends each once.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 02:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("reminder_frequency", sa.String(length=10), server_default="daily", nullable=False))
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=False, index=True),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("listed", sa.String(length=5000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.UniqueConstraint("user_id", "key"),
    )


def downgrade():
    op.drop_table("reminder")
    with op.batch_alter_table("user") as batch:
        batch.drop_column("reminder_frequency")
