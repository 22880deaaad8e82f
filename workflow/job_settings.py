"""Settings of the jobs: what the configuration sets (``job_settings``) and the internal
constants (lock lease, chunk size)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from campusgate.workflow.config import Settings


@dataclass(frozen=True)
class Calendar:
    """Extra public holidays and make-up working days (调休) for years the package lacks."""

    extra_holidays: tuple[date, ...] = ()
    extra_working_days: tuple[date, ...] = ()


@dataclass(frozen=True)
class Delivery:
    max_attempts: int = 6
    #: seconds before the first retry; doubled after every further failure
    backoff_seconds: int = 60
    timeout_seconds: float = 30.0
    batch: int = 500


@dataclass(frozen=True)
class JobSettings:
    calendar: Calendar = field(default_factory=Calendar)
    delivery: Delivery = field(default_factory=Delivery)
    #: how long a lock row (SQLite) holds without its holder renewing it
    lock_lease_seconds: int = 6 * 3600
    #: rows per committed chunk
    chunk: int = 1000


def job_settings(settings: Settings) -> JobSettings:
    """The jobs' settings as the configuration sets them ([reminders] extra days, [smtp]
    tries and back-off)."""
    return JobSettings(
        calendar=Calendar(
            extra_holidays=settings.reminders.extra_holidays,
            extra_working_days=settings.reminders.extra_working_days,
        ),
        delivery=Delivery(
            max_attempts=settings.smtp.max_attempts,
            backoff_seconds=settings.smtp.backoff_seconds,
            timeout_seconds=settings.smtp.timeout_seconds,
        ),
    )
