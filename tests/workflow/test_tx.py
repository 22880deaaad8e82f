"""Driver errors classified by their codes: SQLSTATE on PostgreSQL, SQLite's error names.

The errors are real ones raised by the real databases (PL/pgSQL ``RAISE … USING ERRCODE``
on PostgreSQL gives any SQLSTATE exactly as the server reports it); nothing is mocked.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from campusgate.models import Database, Item, Jurisdiction
from campusgate.workflow.errors import ConcurrentChange, DatabaseBusy
from campusgate.workflow.tx import classify, writing
from tests.cli.test_cli import apply_argv, ok_json, run
from tests.org import apply, snapshot

BUSY = "错误：数据库正忙（被其他操作长时间锁定），未做任何修改，请稍后重试\n"


@pytest.fixture
def pg(pg_url: str) -> Iterator[Database]:
    db = Database(pg_url)
    yield db
    db.dispose()


def _raise_sqlstate(db: Database, sqlstate: str, constraint: str | None = None) -> None:
    extra = f", CONSTRAINT = '{constraint}'" if constraint else ""
    with writing(db) as session:
        session.execute(
            text(f"DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = '{sqlstate}'{extra}; END $$")
        )


@pytest.mark.parametrize("sqlstate", ["40001", "40P01"])
def test_serialisation_failures_and_deadlocks_are_lost_races(pg: Database, sqlstate: str) -> None:
    with pytest.raises(ConcurrentChange) as caught:
        _raise_sqlstate(pg, sqlstate)
    assert caught.value.exit_code == 6 and caught.value.code == "concurrent_write"


def test_a_duplicate_event_sequence_number_is_a_lost_race(pg: Database) -> None:
    with pytest.raises(ConcurrentChange):
        _raise_sqlstate(pg, "23505", "uq_item_events_item_id_seq")


def test_any_other_duplicate_stays_an_integrity_error(pg: Database) -> None:
    with pytest.raises(IntegrityError):
        _raise_sqlstate(pg, "23505", "uq_users_login")


def test_lock_not_available_is_busy(pg: Database) -> None:
    with pytest.raises(DatabaseBusy) as caught:
        _raise_sqlstate(pg, "55P03")
    assert caught.value.exit_code == 6
    assert caught.value.message("en").startswith("the database is busy")


def test_other_errors_pass_unchanged(db: Database) -> None:
    with pytest.raises(DBAPIError) as caught, writing(db) as session:
        session.execute(text("SELEKT 1"))
    assert classify(caught.value) is None and classify(caught.value, db) is None
    with pytest.raises(ZeroDivisionError), writing(db):
        _ = 1 / 0
    assert classify(ValueError("not from a driver")) is None


def test_a_sqlite_duplicate_is_no_race(sqlite_template: Path, tmp_path: Path) -> None:
    """SQLite serialises writers, so a duplicate there is a real integrity error."""
    path = tmp_path / "dup.db"
    shutil.copy(sqlite_template, path)
    db = Database(str(path))
    with pytest.raises(IntegrityError) as caught, writing(db) as session:
        session.add_all([Jurisdiction(name="河南省", level="province") for _ in range(2)])
        session.flush()
    assert caught.value.orig.sqlite_errorname == "SQLITE_CONSTRAINT_UNIQUE"
    db.dispose()


def test_a_stale_version_is_a_lost_race(db: Database) -> None:
    item_id = apply(db)
    before = snapshot(db)
    with pytest.raises(ConcurrentChange), writing(db) as session:
        item = session.get(Item, item_id)
        assert item is not None
        # someone else's write, seen by the ORM only at flush
        bump = update(Item).where(Item.id == item_id).values(version=Item.version + 1)
        session.execute(bump.execution_options(synchronize_session=False))
        item.state = "reviewed"
        item.version += 1
        session.flush()
    assert snapshot(db) == before


def test_a_missing_table_is_named_only_when_the_schema_is_missing(
    db: Database, tmp_path: Path
) -> None:
    with pytest.raises(DBAPIError) as caught, db.read() as session:
        session.execute(text("SELECT * FROM no_such_table"))
    assert classify(caught.value, db) is None  # migrated: a plain error
    bare = Database(str(tmp_path / "bare.db"))
    with pytest.raises(DBAPIError) as missing, bare.read() as session:
        session.execute(text("SELECT * FROM items"))
    error = classify(missing.value, bare)
    assert error is not None and error.code == "no_db_schema"
    bare.dispose()
    (tmp_path / "bare.db").write_bytes(b"not a database" * 100)
    assert classify(missing.value, bare) is None  # cannot be told: the original stands


@pytest.fixture
def short_locks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("campusgate.models.db.BUSY_TIMEOUT_MS", 300)


def _hold_write_lock(db: Database, ready: threading.Event, done: threading.Event) -> None:
    if db.backend == "sqlite":
        conn = sqlite3.connect(db.url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
    else:
        import psycopg

        conn = psycopg.connect(db.url.replace("postgresql+psycopg", "postgresql"))
        conn.execute("LOCK TABLE items IN ACCESS EXCLUSIVE MODE")
    ready.set()
    done.wait(30)
    conn.rollback()
    conn.close()


def test_a_database_locked_past_the_timeout_is_busy(db: Database, short_locks: None) -> None:
    """Another transaction holds the write lock longer than the busy timeout: exit 6 with its
    own message, nothing written; once the lock is gone the same command goes through."""
    ready, done = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(db, ready, done), daemon=True)
    before = snapshot(db)
    holder.start()
    assert ready.wait(10)
    try:
        busy = Database(db.url)  # opened with the short timeout
        with pytest.raises(DatabaseBusy), writing(busy) as session:
            session.execute(text("UPDATE items SET version = version WHERE id = 0"))
        busy.dispose()
        result = run(db, "li.na", apply_argv())
    finally:
        done.set()
        holder.join()
    assert (result.exit_code, result.stdout, result.stderr) == (6, "", BUSY)
    assert snapshot(db) == before
    assert ok_json(db, "li.na", apply_argv())["state"] == "submitted"
