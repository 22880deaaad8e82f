"""Fixtures: every contract test runs on SQLite (a temp file) and on PostgreSQL (a throwaway
database created for this test session on 127.0.0.1:5432 and dropped afterwards).

PostgreSQL is skipped, loudly, only when no server is reachable and ``CI`` is not set; in CI
an unreachable server is a failure.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, text

from campusgate import migrations
from campusgate.models import Base, Database
from tests.backends import throwaway_pg_database
from tests.org import build_org, snapshot

#: The tests' fixed "today" (Asia/Shanghai), late in the year of applications.
TODAY = "2026-12-01"


@pytest.fixture(scope="session")
def drill_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A configuration that lets ``CAMPUSGATE_TODAY`` act (drills, SPEC §7)."""
    path = tmp_path_factory.mktemp("config") / "campusgate.toml"
    path.write_text("[clock]\nallow_override = true\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch, drill_config: Path) -> str:
    monkeypatch.setenv("CAMPUSGATE_TODAY", TODAY)
    monkeypatch.setenv("CAMPUSGATE_CONFIG", str(drill_config))
    monkeypatch.delenv("CAMPUSGATE_DB", raising=False)
    monkeypatch.delenv("CAMPUSGATE_USER", raising=False)
    monkeypatch.delenv("CAMPUSGATE_LANG", raising=False)
    return TODAY


@pytest.fixture(autouse=True)
def local_mode(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No server configured: neither by the environment nor by a login stored in the user's
    own config folder."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.getbasetemp() / "no-login"))
    monkeypatch.delenv("CAMPUSGATE_SERVER", raising=False)
    monkeypatch.delenv("CAMPUSGATE_TOKEN", raising=False)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL database at head, for this test session."""
    with throwaway_pg_database("campusgate_test") as url:
        db = Database(url)
        migrations.upgrade(db)
        db.dispose()
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(str(path))
    migrations.upgrade(db)
    db.dispose()
    return path


#: Every table of the schema, emptied between tests on the shared PostgreSQL database.
TABLES = tuple(table.name for table in Base.metadata.sorted_tables)


def _fresh(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Database:
    if backend == "sqlite":
        path = tmp_path / "campusgate.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return Database(str(path))
    db = Database(request.getfixturevalue("pg_url"))
    with db.engine.begin() as conn:
        # the event tables refuse TRUNCATE by trigger; triggers do not fire for a replica
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    return db


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def empty_db(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[Database]:
    """A migrated database with nothing in it."""
    db = _fresh(request, backend, tmp_path)
    yield db
    db.dispose()


#: The test organisation's rows per backend, built once through the services.
_ORG: dict[str, tuple[list[tuple[Table, list[dict[str, Any]]]], dict[str, Any]]] = {}


@pytest.fixture
def db(empty_db: Database) -> Database:
    """A migrated database holding the test organisation (``tests/org.py``).

    Building it through the services takes some twenty write transactions, most of a short
    test's time; so it is built once per backend and session, then restored from its rows in
    one transaction (and checked to equal the original build).
    """
    backend = empty_db.backend
    if backend not in _ORG:
        build_org(empty_db)
        with empty_db.engine.connect() as conn:
            rows = [
                (t, [dict(r._mapping) for r in conn.execute(t.select().order_by(*t.primary_key))])
                for t in Base.metadata.sorted_tables
            ]
        _ORG[backend] = (rows, snapshot(empty_db))
        return empty_db
    rows, built = _ORG[backend]
    with empty_db.engine.begin() as conn:
        for table, records in rows:
            if records:
                conn.execute(table.insert(), records)
                if backend == "postgresql" and "id" in table.c:
                    top = max(r["id"] for r in records)
                    conn.execute(
                        text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), {top})")
                    )
    assert snapshot(empty_db) == built
    return empty_db
