"""Settings of the jobs beyond SPEC §8's keys (defaults; the configuration may override)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


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
