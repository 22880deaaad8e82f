"""Write transactions whose lost races surface as ``ConcurrentChange`` (exit 6)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from campusgate.models import Database
from campusgate.workflow.errors import ConcurrentChange

#: Words of driver errors that mean "someone else got there first; try again".
_RACE_WORDS = ("database is locked", "deadlock", "could not serialize")


@contextmanager
def writing(db: Database) -> Iterator[Session]:
    """One write transaction. A stale version (the optimistic lock), a duplicate key that a
    concurrent writer inserted first, or a lock/serialisation failure becomes exit 6."""
    try:
        with db.write() as session:
            yield session
    except StaleDataError:
        raise ConcurrentChange("concurrent_write") from None
    except IntegrityError as exc:
        if _is_duplicate(exc):
            raise ConcurrentChange("concurrent_write") from None
        raise
    except OperationalError as exc:
        if any(word in str(exc.orig).lower() for word in _RACE_WORDS):
            raise ConcurrentChange("concurrent_write") from None
        raise


def _is_duplicate(exc: IntegrityError) -> bool:
    text = str(exc.orig).lower()
    return "unique" in text or "duplicate key" in text
