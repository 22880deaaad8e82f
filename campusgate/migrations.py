"""``campusgate db …``: Alembic driven from the application's own configuration."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError

from alembic import command
from models import Database
from workflow.errors import InvalidInput

#: ``alembic/`` of the source tree, shipped in the package through this symlink.
SCRIPTS = Path(__file__).parent / "alembic_scripts"


def _config(db: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["url"] = db.url
    config.attributes["configure_logger"] = False
    return config


def current(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str | None:
    return ScriptDirectory(str(SCRIPTS)).get_current_head()


def upgrade(db: Database, revision: str = "head") -> str | None:
    with _known(revision):
        command.upgrade(_config(db), revision)
    return current(db)


def downgrade(db: Database, revision: str) -> str | None:
    with _known(revision):
        command.downgrade(_config(db), revision)
    return current(db)


@contextmanager
def _known(revision: str) -> Iterator[None]:
    """An unknown or unreachable revision is invalid input (exit 2), not an internal error."""
    try:
        yield
    except CommandError as exc:
        raise InvalidInput("unknown_revision", revision=revision, detail=str(exc)) from None
