"""Dates in Asia/Shanghai, timestamps in UTC (SPEC §4.1)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")

#: For drills and tests: pretend today is this date (YYYY-MM-DD). Timestamps stay real.
TODAY_ENV = "CAMPUSGATE_TODAY"


def now_utc() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    override = os.environ.get(TODAY_ENV)
    if override:
        return date.fromisoformat(override)
    return datetime.now(TZ).date()


def local(ts: datetime) -> datetime:
    return ts.astimezone(TZ)
