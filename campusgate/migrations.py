"""``campusgate db …``: Alembic driven from the application's own configuration."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError

from campusgate.models import Database
from campusgate.workflow.errors import DatabaseUnavailable, InvalidInput


@cache
def scripts() -> Path:
    """The migration scripts: ``alembic/`` of the source tree, which a wheel installs as real
    files in ``campusgate/alembic``; an editable install or a checkout reads the folder itself
    (setuptools' editable finder cannot import a mapped folder without ``__init__.py``)."""
    package = Path(__file__).parent
    for folder in (package / "alembic", package.parent / "alembic"):
        if (folder / "env.py").is_file():
            return folder
    raise RuntimeError(f"the migration scripts are missing beside {package}")


def _config(db: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(scripts()))
    config.attributes["url"] = db.url
    config.attributes["configure_logger"] = False
    return config


def current(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str | None:
    return ScriptDirectory(str(scripts())).get_current_head()


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


#: PostgreSQL undefined_table, undefined_column; SQLite names no more than a generic error
SCHEMA_ERRORS = frozenset({"42P01", "42703", "SQLITE_ERROR"})


def outdated(exc: BaseException, db: Database) -> DatabaseUnavailable | None:
    """A statement that failed for want of a table or column, on a database migrated to an
    older revision than this program's: one line saying to upgrade, not an internal error."""
    from campusgate.workflow.tx import sqlite_error_name, sqlstate

    if (sqlstate(exc) or sqlite_error_name(exc)) not in SCHEMA_ERRORS:
        return None
    try:
        found, wanted = current(db), head()
    except Exception:  # it cannot be told: the original error stands
        return None
    if found is None or found == wanted:
        return None
    return DatabaseUnavailable("db_outdated", url=db.display_url, revision=found, head=wanted)
