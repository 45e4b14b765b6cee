"""Meetings: their types and quorum rules (reference data, seeded as local practice), the agenda of
cases, attendees and apologies, conflicts of interest declared per case, minutes; and the meeting a
panel decision was made at.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 01:20:00
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

LOCAL = "Local practice: the partnership's terms of reference set the quorum."
MEETING_TYPES = [
    ("Rapid review panel", 3, "childrens_social_care,police,icb",
     "The three safeguarding partners: the local authority (children's social care), the police and the "
     "Integrated Care Board.",
     "Working Together to Safeguard Children 2023, chapter 5: the safeguarding partners carry out the rapid "
     "review. " + LOCAL),
    ("SAR review panel", 3, "adult_social_care,police,icb",
     "The board's three core members: the local authority (adult social care), the police and the "
     "Integrated Care Board.",
     "Care Act 2014 Schedule 2 para 1 names the board's core members. " + LOCAL),
    ("SAR review subgroup", 3, None, "At least three members, from at least two agencies.", LOCAL),
    ("DHR review panel", 3, "police",
     "At least three members, the police among them; the chair independent of the agencies involved.",
     "Home Office statutory guidance for Domestic Homicide Reviews (2016), panel membership. " + LOCAL),
    ("Practitioner event", 1, None, "No quorum: practitioners' learning event.", LOCAL),
    ("Family meeting", 1, None, "No quorum: a meeting with the family, led by the reviewer.", LOCAL),
    ("Board or partnership meeting", 3, None, "At least three members.", LOCAL),
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
    meeting_type = op.create_table(
        "meeting_type",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=200), nullable=False, unique=True),
        sa.Column("quorum_minimum", sa.Integer(), nullable=False),
        sa.Column("quorum_agency_types", sa.String(length=300), nullable=True),
        sa.Column("quorum_rule", sa.String(length=5000), nullable=False),
        sa.Column("source", sa.String(length=5000), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_tracked(),
    )
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meeting_type_id", sa.Integer(), sa.ForeignKey("meeting_type.id"), nullable=False, index=True),
        sa.Column("held_on", sa.Date(), nullable=False, index=True),
        sa.Column("streams", sa.String(length=60), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("minutes_id", sa.Integer(), sa.ForeignKey("published_document.id"), nullable=True),
        sa.Column("note", sa.String(length=5000), nullable=True),
        *_archivable(),
        *_tracked(),
    )
    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False, index=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=True),
        sa.UniqueConstraint("meeting_id", "case_id"),
    )
    op.create_table(
        "attendee",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("person_name", sa.String(length=200), nullable=False),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agency.id"), nullable=True),
        sa.Column("member_role", sa.String(length=30), nullable=False),
        sa.Column("attendance", sa.String(length=20), nullable=False),
    )
    op.create_table(
        "conflict_declaration",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meeting.id"), nullable=False, index=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False, index=True),
        sa.Column("person_name", sa.String(length=200), nullable=False),
        sa.Column("interest", sa.String(length=5000), nullable=False),
        sa.Column("handling", sa.String(length=5000), nullable=False),
        *_archivable(),
        *_tracked(),
    )
    with op.batch_alter_table("panel_decision") as batch:
        batch.add_column(sa.Column("meeting_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_panel_decision_meeting_id_meeting", "meeting", ["meeting_id"], ["id"])
        batch.create_index("ix_panel_decision_meeting_id", ["meeting_id"])
    now = datetime.now(timezone.utc)
    op.bulk_insert(meeting_type, [dict(name=n, quorum_minimum=m, quorum_agency_types=t, quorum_rule=r, source=s,
                                       active=True, created_at=now, updated_at=now, version=1)
                                  for n, m, t, r, s in MEETING_TYPES])


def downgrade():
    with op.batch_alter_table("panel_decision") as batch:
        batch.drop_index("ix_panel_decision_meeting_id")
        batch.drop_constraint("fk_panel_decision_meeting_id_meeting", type_="foreignkey")
        batch.drop_column("meeting_id")
    for table in ("conflict_declaration", "attendee", "agenda_item", "meeting", "meeting_type"):
        op.drop_table(table)
