"""Write transactions, and driver errors classified by their codes (SQLSTATE on PostgreSQL,
SQLite's error names), never by their message text.

A lost race (a stale version, a serialisation failure, a deadlock, a duplicate event
sequence number) is ``ConcurrentChange``; a database that stays locked past the busy or lock
timeout is ``DatabaseBusy``; both are exit 6 with nothing written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from campusgate.models import Database, Unavailable
from campusgate.workflow.errors import (
    CampusgateError,
    ConcurrentChange,
    DatabaseBusy,
    DatabaseUnavailable,
)

#: PostgreSQL: serialization_failure, deadlock_detected
RACE_SQLSTATES = frozenset({"40001", "40P01"})
#: PostgreSQL: lock_not_available (a lock held past ``lock_timeout``, or NOWAIT)
BUSY_SQLSTATES = frozenset({"55P03"})
#: PostgreSQL: unique_violation; a race only on an event chain's sequence number
UNIQUE_VIOLATION = "23505"
EVENT_SEQUENCE_CONSTRAINTS = frozenset({"uq_item_events_item_id_seq", "uq_org_events_seq"})
#: PostgreSQL: undefined_table; SQLite names no more than a generic error
MISSING_TABLE = ("42P01", "SQLITE_ERROR")
#: SQLite: still locked when the busy timeout ran out
BUSY_SQLITE_ERRORS = frozenset(
    {"SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "SQLITE_BUSY_RECOVERY", "SQLITE_LOCKED"}
)


def sqlstate(exc: BaseException) -> str | None:
    """The PostgreSQL SQLSTATE of a driver error, if any."""
    return getattr(getattr(exc, "orig", exc), "sqlstate", None)


def sqlite_error_name(exc: BaseException) -> str | None:
    """SQLite's error name (``SQLITE_BUSY`` …) of a driver error, if any."""
    return getattr(getattr(exc, "orig", exc), "sqlite_errorname", None)


def constraint_name(exc: BaseException) -> str | None:
    diag = getattr(getattr(exc, "orig", exc), "diag", None)
    return getattr(diag, "constraint_name", None)


def classify(exc: BaseException, db: Database | None = None) -> CampusgateError | None:
    """The domain error a driver error stands for: a race, a lock, a database that cannot be
    reached or (given ``db``) was never migrated; None for anything else."""
    if isinstance(exc, Unavailable):
        return DatabaseUnavailable(exc.code, **exc.params)
    if isinstance(exc, StaleDataError):
        return ConcurrentChange("concurrent_write")
    if not isinstance(exc, DBAPIError):
        return None
    code = sqlstate(exc)
    if code in RACE_SQLSTATES:
        return ConcurrentChange("concurrent_write")
    if code == UNIQUE_VIOLATION and constraint_name(exc) in EVENT_SEQUENCE_CONSTRAINTS:
        return ConcurrentChange("concurrent_write")
    if code in BUSY_SQLSTATES or sqlite_error_name(exc) in BUSY_SQLITE_ERRORS:
        return DatabaseBusy("database_busy")
    if db is not None and (code or sqlite_error_name(exc)) in MISSING_TABLE and not _migrated(db):
        return DatabaseUnavailable("no_db_schema", url=db.display_url)
    return None


def _migrated(db: Database) -> bool:
    try:
        return db.has_schema()
    except (DBAPIError, Unavailable):
        return True  # it cannot be told: the original error stands


@contextmanager
def writing(db: Database, session: Session | None = None) -> Iterator[Session]:
    """One write transaction (in ``session``, from ``Database.writer``, if given); a lost
    race or a lock held too long becomes exit 6."""
    try:
        if session is None:
            with db.write() as session:
                yield session
        else:
            with session.begin():
                yield session
    except (StaleDataError, DBAPIError) as exc:
        error = classify(exc)
        if error is None:
            raise
        raise error from None
