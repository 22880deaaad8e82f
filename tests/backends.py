"""Throwaway PostgreSQL databases for the tests.

PostgreSQL is skipped, loudly, only when no server answers and ``CI`` is not set; in CI an
unreachable server is a failure.
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from campusgate.models import Database

PG_SERVER = os.environ.get(
    "CAMPUSGATE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@contextmanager
def throwaway_pg_database(prefix: str) -> Iterator[str]:
    """Create an empty database on the test server, yield its URL, drop it afterwards."""
    admin = Database(PG_SERVER)
    try:
        with admin.engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # no server
        admin.dispose()
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {PG_SERVER} in CI: {exc}")
        pytest.skip(f"!!! PostgreSQL NOT REACHABLE at {PG_SERVER}: PostgreSQL tests skipped !!!")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    auto = admin.engine.execution_options(isolation_level="AUTOCOMMIT")
    with auto.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_SERVER.rsplit("/", 1)[0] + "/" + name
    finally:
        with auto.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def campusgate_command() -> list[str]:
    """How to run the installed console script in a subprocess."""
    script = Path(sys.executable).parent / "campusgate"
    if script.exists():
        return [str(script)]
    found = shutil.which("campusgate")
    if found:
        return [found]
    return [sys.executable, "-c", "from campusgate.cli import main; main()"]
