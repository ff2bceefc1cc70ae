"""Alembic migrations, run programmatically on an open connection.

Reading the current revision needs no Alembic import, so signing in to an up-to-date register stays fast; Alembic
is imported only when a migration actually has to run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text

if TYPE_CHECKING:
    from alembic.config import Config

HEAD_REVISION = "0007_breaches"
_MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        has_table = conn.execute(
            text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'")
        ).first()
        if not has_table:
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return None if row is None else str(row[0])


def upgrade(engine: Engine, before_migrating: Callable[[str | None], None] | None = None) -> bool:
    """Bring the schema to the head revision; return True if anything ran.

    ``before_migrating`` (given the current revision) runs first on an existing register, to take a backup.
    """
    revision = current_revision(engine)
    if revision == HEAD_REVISION:
        return False
    if revision is not None and before_migrating is not None:
        before_migrating(revision)
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    return True
