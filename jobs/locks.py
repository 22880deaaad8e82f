"""One runner per job: a PostgreSQL session-level advisory lock held on a dedicated
connection for the whole run, or on SQLite a lock row with a lease."""

from __future__ import annotations

import os
import socket
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import literal, or_, select, text, update

from campusgate.models import Database, JobLock
from campusgate.workflow.clock import now_utc
from campusgate.workflow.tx import writing

#: The first key of the two-key advisory lock: campusgate's jobs.
_LOCK_SPACE = 0x6A6F6273


def holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@contextmanager
def job_lock(db: Database, job: str, lease_seconds: int) -> Iterator[bool]:
    """Yield whether this process holds ``job``'s lock (``False``: another runner has it)."""
    if db.backend == "postgresql":
        with _advisory(db, job) as held:
            yield held
    else:
        with _lock_row(db, job, lease_seconds) as held:
            yield held


@contextmanager
def _advisory(db: Database, job: str) -> Iterator[bool]:
    key = zlib.crc32(job.encode()) & 0x7FFFFFFF
    # a dedicated connection outside the pool's reuse: the lock lives as long as it does
    connection = db.engine.connect()
    try:
        held = bool(
            connection.execute(
                text("SELECT pg_try_advisory_lock(:space, :key)"),
                {"space": _LOCK_SPACE, "key": key},
            ).scalar()
        )
        connection.commit()
        try:
            yield held
        finally:
            if held:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:space, :key)"),
                    {"space": _LOCK_SPACE, "key": key},
                )
                connection.commit()
    finally:
        connection.invalidate()  # never returned to the pool holding anything
        connection.close()


@contextmanager
def _lock_row(db: Database, job: str, lease_seconds: int) -> Iterator[bool]:
    me = holder()
    now = now_utc()
    with writing(db) as session:
        if session.get(JobLock, job) is None:
            session.add(JobLock(job=job))
            session.flush()
        current = session.scalar(select(JobLock.holder).where(JobLock.job == job))
        stale = current is not None and _dead_here(current)
        taken = session.execute(
            update(JobLock)
            .where(
                JobLock.job == job,
                or_(JobLock.holder.is_(None), JobLock.until < now, literal(stale)),
            )
            .values(holder=me, until=now + timedelta(seconds=lease_seconds))
        ).rowcount
    try:
        yield bool(taken)
    finally:
        if taken:
            with writing(db) as session:
                session.execute(
                    update(JobLock)
                    .where(JobLock.job == job, JobLock.holder == me)
                    .values(holder=None, until=None)
                )


def _dead_here(current: str) -> bool:
    """A holder on this host whose process is gone (killed): its lock is free."""
    host, _, pid = current.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
