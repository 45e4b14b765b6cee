"""The learning loop: themes (a controlled vocabulary, seeded with its sources), findings coded by
theme, recommendations with their addressee, expected change and measure, the board's approval of a
review's recommendations as a set, actions with progress updates and evidence of change.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 01:40:00
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

CARE_ACT = "Care and Support Statutory Guidance (Care Act 2014), para 14.17: types of abuse and neglect."
SCRT = ("Vulnerability themes as case reviews commonly code them, for NHS England's Safeguarding Case Review "
        "Tracker (DCB3124), which records three per review; check the wording against the tracker's own list.")
LIBRARY = ("Learning areas as the National SAR Library's coversheet codes systemic learning (SCIE, for the "
           "National Network of SAB Chairs); a common coding scheme is still being agreed.")
THEMES = [
    *((name, "abuse_type", CARE_ACT) for name in (
        "Physical abuse", "Domestic abuse", "Sexual abuse", "Psychological abuse", "Financial or material abuse",
        "Modern slavery", "Discriminatory abuse", "Organisational abuse", "Neglect and acts of omission",
        "Self-neglect")),
    *((name, "vulnerability", SCRT) for name in (
        "Mental health", "Substance misuse", "Learning disability", "Autism", "Exploitation",
        "Child sexual exploitation", "Criminal exploitation", "Non-accidental injury in infants", "Safe sleeping",
        "Suicide and self-harm", "Homelessness", "Care leavers and transition to adulthood",
        "Parental mental health", "Parental substance misuse")),
    *((name, "learning_area", LIBRARY) for name in (
        "Information sharing", "Multi-agency working", "Mental capacity", "Risk assessment", "Escalation",
        "Professional curiosity", "Think family", "Hospital discharge", "Recording and record keeping",
        "Making safeguarding personal", "Supervision and management oversight")),
]


def _tracked():
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
    ]


def _archivable():
    return [
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("archive_reason", sa.String(length=2000), nullable=True),
        sa.Column("archived_by_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
    ]


def upgrade():
    theme = op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=200), nullable=False, unique=True),
        sa.Column("group", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=5000), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_tracked(),
    )
    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False, index=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.String(length=20000), nullable=False),
        *_archivable(),
        *_tracked(),
    )
    op.create_table(
        "finding_theme",
        sa.Column("finding_id", sa.Integer(), sa.ForeignKey("finding.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("theme_id", sa.Integer(), sa.ForeignKey("theme.id"), primary_key=True),
    )
    op.create_table(
        "recommendation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("finding_id", sa.Integer(), sa.ForeignKey("finding.id"), nullable=False, index=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False, index=True),
        sa.Column("text", sa.String(length=5000), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("addressee_agency_id", sa.Integer(), sa.ForeignKey("agency.id"), nullable=True),
        sa.Column("national_body", sa.String(length=20), nullable=True),
        sa.Column("expected_change", sa.String(length=5000), nullable=True),
        sa.Column("measure", sa.String(length=5000), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("check_override", sa.String(length=2000), nullable=True),
        *_archivable(),
        *_tracked(),
    )
    op.create_table(
        "recommendation_set",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False, unique=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "recommendation_approval",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("set_id", sa.Integer(), sa.ForeignKey("recommendation_set.id"), nullable=False, index=True),
        sa.Column("approver_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.String(length=5000), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("set_id", "round", "approver_id"),
    )
    op.create_table(
        "review_action",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("recommendation_id", sa.Integer(), sa.ForeignKey("recommendation.id"), nullable=False, index=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False, index=True),
        sa.Column("description", sa.String(length=5000), nullable=False),
        sa.Column("owner_agency_id", sa.Integer(), sa.ForeignKey("agency.id"), nullable=False, index=True),
        sa.Column("lead", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False, index=True),
        sa.Column("impact_measure", sa.String(length=5000), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("completed_date", sa.Date(), nullable=True),
        sa.Column("not_implemented_reason", sa.String(length=2000), nullable=True),
        sa.Column("evidence_document_id", sa.Integer(), sa.ForeignKey("published_document.id"), nullable=True),
        sa.Column("evidence_outcome", sa.String(length=5000), nullable=True),
        sa.Column("evidence_decision", sa.String(length=20), nullable=True),
        sa.Column("evidence_decided_by_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("evidence_decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("evidence_comment", sa.String(length=5000), nullable=True),
        sa.Column("impact_check_date", sa.Date(), nullable=True),
        sa.Column("impact_outcome", sa.String(length=5000), nullable=True),
        *_archivable(),
        *_tracked(),
    )
    op.create_table(
        "action_update",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("action_id", sa.Integer(), sa.ForeignKey("review_action.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=5000), nullable=False),
    )
    now = datetime.now(timezone.utc)
    op.bulk_insert(theme, [dict(name=n, group=g, source=s, active=True, created_at=now, updated_at=now, version=1)
                           for n, g, s in THEMES])


def downgrade():
    for table in ("action_update", "review_action", "recommendation_approval", "recommendation_set",
                  "recommendation", "finding_theme", "finding", "theme"):
        op.drop_table(table)
