"""Throwaway databases for the benchmarks: a fresh SQLite file, or a new database on a
PostgreSQL server that is dropped when the benchmark ends (never a database of its own)."""

from __future__ import annotations

import atexit
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import text

from campusgate import migrations
from campusgate.models import Database


def scratch_database(pg_server: str | None, name: str) -> Database:
    """A migrated, empty database: on ``pg_server`` (a URL of a database to create others
    from) when given, else a new SQLite file."""
    if not pg_server:
        db = Database(str(Path(tempfile.mkdtemp(prefix="cg-bench-")) / f"{name}.db"))
        migrations.upgrade(db)
        return db
    admin = Database(pg_server)
    created = f"campusgate_bench_{uuid.uuid4().hex[:8]}"
    auto = admin.engine.execution_options(isolation_level="AUTOCOMMIT")
    with auto.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{created}"'))
    db = Database(pg_server.rsplit("/", 1)[0] + "/" + created)

    def drop() -> None:
        db.dispose()
        with auto.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)'))
        admin.dispose()

    atexit.register(drop)
    migrations.upgrade(db)
    return db
