"""What agencies are asked to give a review (summaries, chronologies, IMRs), chased to the turnaround
each kind of request is given; the turnarounds as versioned data, every one labelled local practice;
and the SAR decision's local deadline, ten working days after the last initial chronology is in.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 22:40:00

Sources (domain-reference 2.3 and 5.3): Devon and DCFP rapid review procedures (agency summaries in 2 to
10 working days); the Devon SAR flowchart and NYSAB (the initial chronology and "Appendix 2" agency
information in 3 weeks, the IMR in 4); NYSAB (the decision within ten working days of all initial
chronologies being returned). No national timescale exists for a DHR's IMR: the 4 weeks here follows
the SAR figure, as a starting point each partnership sets to its own procedure.
"""
from datetime import date, datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

RR = "Local practice (Devon, DCFP rapid review procedures): agency summaries within 2 to 10 working days"
SAR = "Local practice (Devon SAR flowchart, NYSAB): {} within {}"
DHR = ("Local practice: no national timescale is set for a DHR's {}; 4 weeks follows the SAR figure "
       "(set it to this partnership's procedure)")
# (review type, contribution type, offset, unit, source)
TURNAROUNDS = [
    ("CSPR", "agency_summary", 5, "working_days", RR),
    ("CSPR", "record_check", 5, "working_days", RR.replace("agency summaries", "record checks")),
    ("SAR", "initial_chronology", 15, "working_days", SAR.format("the initial chronology", "3 weeks")),
    ("SAR", "agency_information", 15, "working_days", SAR.format("the \"Appendix 2\" agency information", "3 weeks")),
    ("SAR", "imr", 20, "working_days", SAR.format("the IMR", "4 weeks")),
    ("SAR", "record_check", 10, "working_days", "Local practice (SCIE, SAR in Rapid Time): an agency record check "
                                                "within 2 weeks"),
    ("DHR", "imr", 20, "working_days", DHR.format("IMR")),
    ("DHR", "initial_chronology", 20, "working_days", DHR.format("chronology")),
]
SAR_DECISION = dict(
    review_type="SAR", stage=None, milestone="SAR_DECISION", label="Decision whether to hold a SAR",
    anchor="chronologies_returned", offset=10, unit="working_days", met_by="decision_date",
    standing="local_practice", responsible_role="board", extendable_by_hold=False,
    source="Local practice (NYSAB): within ten working days of all initial chronologies being returned",
    effective_from=date(2014, 4, 1), reach="from_effective_date", version=1,
)


def enum(*values, length):
    return sa.Enum(*values, native_enum=False, create_constraint=False, length=length)


KINDS = ("agency_summary", "initial_chronology", "agency_information", "imr", "record_check",
         "practitioner_conversation", "other")


def _tracked(table: str) -> list:
    """Tracked's columns: when and by whom created and changed, and the version."""
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("user.id", name=f"fk_{table}_created_by_id_user")),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("user.id", name=f"fk_{table}_updated_by_id_user")),
    ]


def upgrade():
    op.create_table(
        "turnaround_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_type", enum("CSPR", "SAR", "DHR", length=10), nullable=False),
        sa.Column("contribution_type", enum(*KINDS, length=30), nullable=False),
        sa.Column("offset", sa.Integer(), nullable=False),
        sa.Column("unit", enum("working_days", "calendar_days", "calendar_months", length=20), nullable=False),
        sa.Column("standing", enum("statute", "statutory_guidance", "local_practice", length=30), nullable=False),
        sa.Column("source", sa.String(length=2000), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("change_reason", sa.String(length=2000), nullable=True),
        *_tracked("turnaround_rule"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turnaround_rule")),
    )
    op.create_index("ix_turnaround_rule_lookup", "turnaround_rule", ["review_type", "contribution_type", "effective_from"])
    op.create_table(
        "agency_contribution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("contribution_type", enum(*KINDS, length=30), nullable=False),
        sa.Column("requested_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("extended_to", sa.Date(), nullable=True),
        sa.Column("extension_reason", sa.String(length=2000), nullable=True),
        sa.Column("received_date", sa.Date(), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=True),
        sa.Column("qa_outcome", enum("passed", "returned", length=20), nullable=True),
        sa.Column("qa_date", sa.Date(), nullable=True),
        sa.Column("qa_by_id", sa.Integer(), nullable=True),
        sa.Column("qa_reason", sa.String(length=2000), nullable=True),
        sa.Column("withdrawn_date", sa.Date(), nullable=True),
        sa.Column("withdrawn_reason", sa.String(length=2000), nullable=True),
        sa.Column("not_engaging_since", sa.Date(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=5000), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("archive_reason", sa.String(length=2000), nullable=True),
        sa.Column("archived_by_id", sa.Integer(), nullable=True),
        *_tracked("agency_contribution"),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_agency_contribution_case_id_case")),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_agency_contribution_agency_id_agency")),
        sa.ForeignKeyConstraint(["rule_id"], ["turnaround_rule.id"],
                                name=op.f("fk_agency_contribution_rule_id_turnaround_rule")),
        sa.ForeignKeyConstraint(["qa_by_id"], ["user.id"], name=op.f("fk_agency_contribution_qa_by_id_user")),
        sa.ForeignKeyConstraint(["document_id"], ["published_document.id"],
                                name=op.f("fk_agency_contribution_document_id_published_document")),
        sa.ForeignKeyConstraint(["archived_by_id"], ["user.id"], name=op.f("fk_agency_contribution_archived_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_contribution")),
    )
    op.create_index(op.f("ix_agency_contribution_case_id"), "agency_contribution", ["case_id"])
    op.create_index(op.f("ix_agency_contribution_agency_id"), "agency_contribution", ["agency_id"])
    op.create_index("ix_agency_contribution_due_date", "agency_contribution", ["due_date", "id"])
    op.create_index("ix_agency_contribution_outstanding", "agency_contribution",
                    ["received_date", "withdrawn_date", "due_date"])

    now = datetime.now(timezone.utc)
    turnaround = sa.table("turnaround_rule", *(sa.column(n) for n in (
        "review_type", "contribution_type", "offset", "unit", "standing", "source", "effective_from",
        "created_at", "updated_at", "version")))
    op.bulk_insert(turnaround, [dict(review_type=t, contribution_type=k, offset=o, unit=u, standing="local_practice",
                                     source=s, effective_from=date(2014, 4, 1), created_at=now, updated_at=now,
                                     version=1) for t, k, o, u, s in TURNAROUNDS])
    rule = sa.table("deadline_rule", *(sa.column(n) for n in (*SAR_DECISION, "created_at", "updated_at")))
    op.bulk_insert(rule, [dict(SAR_DECISION, created_at=now, updated_at=now)])


def downgrade():
    op.execute(sa.text("DELETE FROM deadline WHERE rule_id IN (SELECT id FROM deadline_rule WHERE milestone = 'SAR_DECISION')"))
    op.execute(sa.text("DELETE FROM deadline_rule WHERE milestone = 'SAR_DECISION'"))
    op.drop_table("agency_contribution")
    op.drop_table("turnaround_rule")
