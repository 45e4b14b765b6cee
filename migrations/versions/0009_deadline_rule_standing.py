"""Each deadline rule says where it comes from: statute, statutory guidance or local practice.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 15:40:00

The yes/no "statutory" flag becomes a standing with three values, and the seeded rules are corrected
as the December 2026 check of the law found (domain-reference section 8): telling the Home Office a
DHR decision is Home Office guidance, not DVCVA 2004 s9; the SAR's 5 working days to tell the referrer
and the CSPR's 7-working-day notice before publication are local practice (the duties are real, the
figures are not national). A seeded rule's source is corrected only where an admin has not changed it.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

STANDING = {
    "SIN_TO_PANEL": "statute",
    "SIN_TO_OFSTED": "local_practice",
    "RAPID_REVIEW_TO_PANEL": "statutory_guidance",
    "PANEL_RESPONSE": "local_practice",
    "LCSPR_PUBLISHED": "statutory_guidance",
    "PRE_PUBLICATION_NOTICE": "local_practice",
    "SAR_ACKNOWLEDGED": "local_practice",
    "SAR_REFERRER_INFORMED": "local_practice",
    "SAR_COMPLETED": "statutory_guidance",
    "DHR_DECISION": "statutory_guidance",
    "DHR_HOME_OFFICE_TOLD": "statutory_guidance",
    "DHR_REPORT_COMPLETED": "statutory_guidance",
}
# milestone -> (the source as seeded, the source as corrected)
SOURCES = {
    "DHR_HOME_OFFICE_TOLD": (
        "DVCVA 2004 s9 and Home Office guidance: tell the Home Office either way",
        "Home Office guidance (not DVCVA 2004 s9): tell the Home Office the decision either way, with the "
        "reasons if no review is held",
    ),
    "SAR_REFERRER_INFORMED": (
        "Local practice (NYSAB, Devon): on the decision; flagged after 5 working days",
        "The duty to tell the referrer the decision and the reasons is real; the 5 working days is local "
        "practice (NYSAB, Devon)",
    ),
    "PRE_PUBLICATION_NOTICE": (
        "WT2018/2023 (to verify): at least 7 working days before publication",
        "A notice before publication is required; no national source gives 7 working days: local practice, "
        "which the partnership sets here",
    ),
}

rule = sa.table("deadline_rule", sa.column("milestone"), sa.column("standing"), sa.column("statutory"),
                sa.column("source"))


def upgrade():
    with op.batch_alter_table("deadline_rule", schema=None) as batch_op:
        batch_op.add_column(sa.Column("standing", sa.Enum("statute", "statutory_guidance", "local_practice",
                                                          name="standing", native_enum=False, length=30),
                                      nullable=False, server_default="local_practice"))
    op.execute(rule.update().where(rule.c.statutory.is_(True)).values(standing="statute"))
    for milestone, standing in STANDING.items():
        op.execute(rule.update().where(rule.c.milestone == milestone).values(standing=standing))
    for milestone, (seeded, corrected) in SOURCES.items():
        op.execute(rule.update().where(rule.c.milestone == milestone, rule.c.source == seeded)
                   .values(source=corrected))
    with op.batch_alter_table("deadline_rule", schema=None) as batch_op:
        batch_op.alter_column("standing", server_default=None)
        batch_op.drop_column("statutory")


def downgrade():
    with op.batch_alter_table("deadline_rule", schema=None) as batch_op:
        batch_op.add_column(sa.Column("statutory", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(rule.update().where(rule.c.standing == "statute").values(statutory=True))
    for milestone, (seeded, corrected) in SOURCES.items():
        op.execute(rule.update().where(rule.c.milestone == milestone, rule.c.source == corrected)
                   .values(source=seeded))
    with op.batch_alter_table("deadline_rule", schema=None) as batch_op:
        batch_op.alter_column("statutory", server_default=None)
        batch_op.drop_column("standing")
