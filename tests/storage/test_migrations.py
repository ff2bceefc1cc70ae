"""The migrations build exactly the schema the ORM classes describe (a forgotten column would fail only at run time)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from hartdesk.models import Base
from hartdesk.storage.migrate import HEAD_REVISION, alembic_config, current_revision


def _include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    # The FTS5 search table and its shadow tables are made by raw SQL in a migration, not by the ORM.
    return not (type_ == "table" and name is not None and name.startswith("client_search"))


def test_the_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    assert current_revision(engine) == HEAD_REVISION
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _include})
        assert compare_metadata(context, Base.metadata) == []
