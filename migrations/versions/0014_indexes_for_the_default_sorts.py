"""Indexes for the lists' default sorts (cases by referral date, decisions by meeting date) and for
finding the next case reference by its prefix.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 18:00:00
"""
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_case_referral_date", "case", ["referral_date", "id"])
    op.create_index("ix_case_reference_prefix", "case", ["reference"], postgresql_ops={"reference": "text_pattern_ops"})
    op.create_index("ix_panel_decision_meeting_date", "panel_decision", ["meeting_date", "id"])


def downgrade():
    op.drop_index("ix_panel_decision_meeting_date", table_name="panel_decision")
    op.drop_index("ix_case_reference_prefix", table_name="case")
    op.drop_index("ix_case_referral_date", table_name="case")
