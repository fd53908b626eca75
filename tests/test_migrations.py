"""The schema comes only from migrations, and they agree with the models."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from coordination.db import get_database, make_engine
from coordination.migrate import alembic_config
from coordination.models import Base


def _differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_models_and_migrations_agree(app):
    assert _differences(get_database(app).engine) == []


@pytest.fixture
def scratch_app(make_app, database_url, tmp_path):
    """An application on an empty database of the same engine as the suite's."""
    if database_url.startswith("postgresql"):
        schema = "migration_round_trip"
        admin_engine = make_engine(database_url, autocommit=True)
        with admin_engine.connect() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        separator = "&" if "?" in database_url else "?"
        yield make_app(DATABASE_URL=f"{database_url}{separator}options=-csearch_path%3D{schema}")
        with admin_engine.connect() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin_engine.dispose()
    else:
        yield make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'round-trip.sqlite3'}")


def _tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_downgrade_and_upgrade_round_trip(scratch_app):
    config = alembic_config(scratch_app)
    engine = get_database(scratch_app).engine
    revisions = list(reversed(list(ScriptDirectory.from_config(config).walk_revisions())))

    for revision in revisions:
        command.upgrade(config, revision.revision)
        command.downgrade(config, revision.down_revision or "base")
        command.upgrade(config, revision.revision)
    assert _tables(engine) == set(Base.metadata.tables)
    assert _differences(engine) == []

    command.downgrade(config, "base")
    assert _tables(engine) == set()

    command.upgrade(config, "head")
    assert _differences(engine) == []


def test_migrations_form_a_single_line(app):
    script = ScriptDirectory.from_config(alembic_config(app))
    assert len(script.get_heads()) == 1
