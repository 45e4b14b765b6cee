"""Searching cases at national scale: the searched columns keep a finer histogram.

PostgreSQL estimates how many cases an infix search (`ILIKE '%417%'`) matches by trying the pattern on
the column's histogram. With the default hundred entries, a term held by a few dozen of 30,000 cases
was estimated at hundreds, and the planner walked the list's sort index row by row looking for them
(20 ms and more, growing with the table) instead of taking them from the trigram indexes (under 1 ms).
Three hundred entries, sampled from 90,000 rows, tell rare terms from common ones; planning a search
takes about 0.2 ms longer. The statistics are gathered again at once.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02 16:30:00
"""
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

SEARCHED = ("reference", "subject_pseudonym", "external_reference")
HISTOGRAM = 300


def _histogram(entries: int) -> None:
    if op.get_bind().dialect.name != "postgresql":  # SQLite plans from its own, simpler statistics
        return
    columns = ", ".join(f"ALTER COLUMN {name} SET STATISTICS {entries}" for name in SEARCHED)
    op.execute(f'ALTER TABLE "case" {columns}')
    op.execute('ANALYZE "case"')


def upgrade():
    _histogram(HISTOGRAM)


def downgrade():
    _histogram(-1)  # the server's default_statistics_target
