"""What every job shares: the context it runs in, and chunked transactions (a dry run rolls
each back)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy.orm import Session

from campusgate.models import Database
from campusgate.workflow.config import Settings
from campusgate.workflow.job_settings import JobSettings, job_settings
from campusgate.workflow.tx import writing

log = logging.getLogger("campusgate.jobs")
log.addHandler(logging.NullHandler())


@dataclass(frozen=True)
class Context:
    """Everything a job reads besides the database: settings, and how to report progress."""

    settings: Settings
    #: None: as the configuration sets them
    given_jobs: JobSettings | None = None
    progress: bool = False

    @cached_property
    def jobs(self) -> JobSettings:
        return self.given_jobs or job_settings(self.settings)


def default_context(db: Database) -> Context:
    return Context(Settings(database_url=db.url))


class _DryRun(Exception):
    """Raised at the end of a dry run's transaction so that it rolls back."""


@contextmanager
def chunk(db: Database, dry_run: bool) -> Iterator[Session]:
    """One committed unit of a job's work; with ``dry_run`` it is rolled back instead."""
    try:
        with writing(db) as session:
            yield session
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass


def progress(ctx: Context, job: str, done: int, total: int | None = None) -> None:
    """A progress line on a terminal for long runs; the log otherwise."""
    text = f"{job}: {done}" + (f"/{total}" if total else "")
    if ctx.progress and sys.stderr.isatty():
        print("\r" + text, end="", file=sys.stderr, flush=True)
    else:
        log.debug(text)
