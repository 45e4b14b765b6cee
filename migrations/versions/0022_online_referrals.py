"""Online referrals: what partner agencies and the police submit at /refer/, waiting in the triage
queue until business support accepts, rejects or marks them duplicate; the referrer's email on a
case, to tell them the decision; and the emails that request, remind and chase agencies'
contributions, with the safeguarding lead's address they go to.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 04:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "incoming_referral",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(length=20), nullable=False, unique=True),
        sa.Column("review_type", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("draft_token", sa.String(length=64), nullable=True, unique=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("referrer_email", sa.String(length=254), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_date", sa.Date(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id", ondelete="SET NULL"), nullable=True),
        sa.Column("triaged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("triaged_by_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("reject_reason", sa.String(length=2000), nullable=True),
        sa.Column("referrer_told_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
    )
    op.create_index("ix_incoming_referral_case_id", "incoming_referral", ["case_id"])
    op.create_index("ix_incoming_referral_queue", "incoming_referral", ["status", "review_type", "submitted_at"])
    with op.batch_alter_table("case") as batch:
        batch.add_column(sa.Column("referrer_email", sa.String(length=254), nullable=True))
    with op.batch_alter_table("agency") as batch:
        batch.add_column(sa.Column("safeguarding_lead_email", sa.String(length=254), nullable=True))
    op.create_table(
        "contribution_email",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contribution_id", sa.Integer(), sa.ForeignKey("agency_contribution.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("sent_to", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.UniqueConstraint("contribution_id", "key"),
    )


def downgrade():
    op.drop_table("contribution_email")
    with op.batch_alter_table("agency") as batch:
        batch.drop_column("safeguarding_lead_email")
    with op.batch_alter_table("case") as batch:
        batch.drop_column("referrer_email")
    op.drop_index("ix_incoming_referral_queue", "incoming_referral")
    op.drop_index("ix_incoming_referral_case_id", "incoming_referral")
    op.drop_table("incoming_referral")
