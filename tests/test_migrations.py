"""The migrations build the schema the models describe, on each database, and can be rolled back."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from backoffice.models import Base, Role
from backoffice.policy import RoleName


def test_models_and_migrations_agree(app, engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_migrations_roll_back_to_empty_and_up_again(app, engine, session):
    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade()
    assert {t.name for t in Base.metadata.sorted_tables} <= set(inspect(engine).get_table_names())


def test_the_first_migration_seeds_exactly_the_five_roles(session):
    assert set(session.scalars(select(Role.name))) == {r.value for r in RoleName}
