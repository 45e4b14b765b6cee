"""What the law expects to be notified, recorded: the serious incident notification's facts about the
child, the looked-after child's death, the report to the safeguarding partners, the DARDR copies, and
the decision whose reasons the Home Office was sent.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 17:30:00

Sources (domain-reference sections 1, 5.3, 5.4 and 8): Children Act 2004 s16C(1); Working Together
2023 ch. 5 as quoted by local procedures (NE Lincs, St Helens): report to the safeguarding partners
within 5 working days, and the death of a looked-after child notified to the Secretary of State and
Ofsted whether or not abuse or neglect is known or suspected; Victims and Prisoners Act 2024 s19
(prospective): a DARDR report copied to the Secretary of State and the Domestic Abuse Commissioner "as
soon as reasonably practicable after the report is completed".
"""
from datetime import date, datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

WT2023 = "Working Together to Safeguard Children 2023 ch. 5 (as quoted by NE Lincs and St Helens procedures)"
DARDR = ("Victims and Prisoners Act 2024 s19 (prospective; in force from DARDR_FROM): a copy as soon as "
         "reasonably practicable after the report is completed. The 28 days is this partnership's working "
         "default, not a figure in the Act")
LAC = (WT2023 + ": the death of a looked-after child is notified to the Secretary of State and Ofsted "
       "whether or not abuse or neglect is known or suspected; 5 working days is local practice")
# (type, stage, milestone, label, anchor, offset, unit, met_by, standing, responsible role, source)
RULES = [
    ("CSPR", "rapid_review", "SIN_TO_PARTNERS", "Serious incident reported to the safeguarding partners",
     "aware_date", 5, "working_days", "partners_told_date", "statutory_guidance", "business_support",
     WT2023 + ": the local authority reports the event to the safeguarding partners within 5 working days"),
    ("CSPR", None, "LAC_DEATH_TO_SOS", "Death of a looked-after child: Secretary of State told",
     "looked_after_death_aware", 5, "working_days", "notification:secretary_of_state:looked_after_death",
     "statutory_guidance", "business_support", LAC),
    ("CSPR", None, "LAC_DEATH_TO_OFSTED", "Death of a looked-after child: Ofsted told",
     "looked_after_death_aware", 5, "working_days", "notification:ofsted:looked_after_death",
     "statutory_guidance", "business_support", LAC),
    ("DHR", None, "DARDR_COPY_TO_SOS", "DARDR report copied to the Secretary of State", "dardr_report_completed",
     28, "calendar_days", "notification:secretary_of_state:dardr_report", "local_practice", "business_support",
     DARDR),
    ("DHR", None, "DARDR_COPY_TO_COMMISSIONER", "DARDR report copied to the Domestic Abuse Commissioner",
     "dardr_report_completed", 28, "calendar_days", "notification:domestic_abuse_commissioner:dardr_report",
     "local_practice", "business_support", DARDR),
]
FIELDS = ("review_type", "stage", "milestone", "label", "anchor", "offset", "unit", "met_by", "standing",
          "responsible_role", "source")


def enum(*values, length):
    return sa.Enum(*values, native_enum=False, create_constraint=False, length=length)


def upgrade():
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("child_care_status", enum("not_looked_after", "looked_after", "care_leaver",
                                                                length=20), nullable=True))
        batch_op.add_column(sa.Column("child_protection_status", enum("none", "child_in_need", "child_protection_plan",
                                                                      length=30), nullable=True))
        batch_op.add_column(sa.Column("incident_nature", enum("death", "serious_harm", length=20), nullable=True))
        batch_op.add_column(sa.Column("abuse_known", enum("known", "suspected", "neither", length=20), nullable=True))
        batch_op.add_column(sa.Column("child_sex", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("child_ethnicity", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("la_of_residence", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("la_of_incident", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("other_children", sa.String(length=5000), nullable=True))
        batch_op.add_column(sa.Column("media_interest", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("partners_told_date", sa.Date(), nullable=True))
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.alter_column("media_interest", server_default=None)
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_notification_decision_id_panel_decision"), "panel_decision",
                                    ["decision_id"], ["id"])
    rule = sa.table("deadline_rule", *(sa.column(name) for name in (
        *FIELDS, "extendable_by_hold", "effective_from", "reach", "created_at", "updated_at", "version")))
    now = datetime.now(timezone.utc)
    op.bulk_insert(rule, [dict(zip(FIELDS, row), extendable_by_hold=False, effective_from=date(2011, 4, 13),
                               reach="from_effective_date", created_at=now, updated_at=now, version=1)
                          for row in RULES])


def downgrade():
    rule = sa.table("deadline_rule", sa.column("id"), sa.column("milestone"))
    milestones = [row[2] for row in RULES]
    op.execute(sa.text("DELETE FROM deadline WHERE rule_id IN (SELECT id FROM deadline_rule WHERE milestone IN "
                       "(%s))" % ", ".join(f"'{m}'" for m in milestones)))
    op.execute(rule.delete().where(rule.c.milestone.in_(milestones)))
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_notification_decision_id_panel_decision"), type_="foreignkey")
        batch_op.drop_column("decision_id")
    with op.batch_alter_table("case", schema=None) as batch_op:
        for name in ("partners_told_date", "media_interest", "other_children", "la_of_incident", "la_of_residence",
                     "child_ethnicity", "child_sex", "abuse_known", "incident_nature", "child_protection_status",
                     "child_care_status"):
            batch_op.drop_column(name)
