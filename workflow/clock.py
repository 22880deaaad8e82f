"""Dates in Asia/Shanghai, timestamps in UTC (SPEC §4.1), and the drill date.

A drill makes the rules act as of another date (``CAMPUSGATE_TODAY`` or the CLI's
``--today``); the CLI honours it only when the configuration allows it (``[clock]
allow_override``) and sets it for the command with ``acting_as_of``. Timestamps stay real.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from campusgate.workflow.validate import parse_date

TZ = ZoneInfo("Asia/Shanghai")

#: For drills and tests: pretend today is this date (YYYY-MM-DD).
TODAY_ENV = "CAMPUSGATE_TODAY"

_drill: ContextVar[date | None] = ContextVar("drill", default=None)


def now_utc() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today in Asia/Shanghai, or the drill date (``acting_as_of``, else ``CAMPUSGATE_TODAY``
    for callers of the services outside the CLI)."""
    drill = _drill.get() or parse_date(os.environ.get(TODAY_ENV), "today")
    return drill or datetime.now(TZ).date()


@contextmanager
def acting_as_of(drill: date | None) -> Iterator[None]:
    """Make ``today()`` answer ``drill`` inside the block."""
    token = _drill.set(drill)
    try:
        yield
    finally:
        _drill.reset(token)


def utc_text(ts: datetime | None) -> str | None:
    """A stored UTC timestamp as JSON shows it: ISO 8601 with ``Z``."""
    return ts.isoformat().replace("+00:00", "Z") if ts is not None else None


def local(ts: datetime) -> datetime:
    return ts.astimezone(TZ)


def local_text(stamp: datetime | str | None) -> str | None:
    """A timestamp (or ISO 8601 text, as JSON shows it) as people read it: Beijing time,
    ``YYYY-MM-DD HH:MM``."""
    if stamp is None or stamp == "":
        return None
    if isinstance(stamp, str):
        stamp = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return local(stamp).strftime("%Y-%m-%d %H:%M")
