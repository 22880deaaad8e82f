"""``campusgate scheduler``: APScheduler 3.11 with its job store in the application's own
database. Jobs are referenced by import path with primitive arguments; every trigger carries
Asia/Shanghai explicitly; a run missed while the scheduler was down runs once on restart."""

from __future__ import annotations

import logging
import signal
from datetime import UTC, datetime
from typing import Any

from campusgate.jobs.base import log
from campusgate.jobs.runner import JOBS
from campusgate.models import normalize_url
from campusgate.workflow.clock import TZ
from campusgate.workflow.config import Settings

#: The function every scheduled run calls (``jobs.runner.scheduled``), by import path.
ENTRY = "campusgate.jobs.runner:scheduled"
#: A run another scheduler did this recently counts as this one's (same fire time).
SAME_RUN_SECONDS = 60


def trigger(settings: Settings, name: str, interval_seconds: float | None = None) -> Any:
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    if interval_seconds is not None:  # drills and tests: every job on a short interval
        start = datetime(2026, 1, 1, tzinfo=TZ)
        return IntervalTrigger(seconds=interval_seconds, start_date=start, timezone=TZ)
    cron = getattr(settings.schedule, JOBS[name][1])
    return CronTrigger.from_crontab(cron, timezone=TZ)


def build(
    settings: Settings,
    config: str | None = None,
    *,
    scheduler_class: Any = None,
    interval_seconds: float | None = None,
    only: tuple[str, ...] | None = None,
) -> Any:
    """A scheduler (not started) over the job store, which holds every job.

    A job whose definition is unchanged keeps its stored next run time: re-adding it would
    compute a fresh one and silently drop a run missed during downtime.
    """
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    url = normalize_url(settings.database_url)
    options = {
        "job_defaults": {"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        "timezone": TZ,
    }
    same_run = SAME_RUN_SECONDS if interval_seconds is None else interval_seconds / 2
    setup = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=url)}, **options)
    # the setup scheduler's own start, job additions and stop would read, in the log, as
    # the daemon restarting: it says nothing below a warning
    quiet = logging.getLogger("apscheduler")
    level = quiet.level
    quiet.setLevel(logging.WARNING)
    setup.start(paused=True)
    try:
        for name in only or tuple(JOBS):
            wanted = trigger(settings, name, interval_seconds)
            args = [name, url, config, same_run]
            existing = setup.get_job(name)
            if (
                existing is not None
                and str(existing.trigger) == str(wanted)
                and list(existing.args) == args
            ):
                continue
            setup.add_job(ENTRY, trigger=wanted, id=name, args=args, replace_existing=True)
    finally:
        # detach the store first: a scheduler thread looks for due jobs once more as it
        # stops, and would consume a missed run it cannot execute
        setup.remove_jobstore("default")
        setup.shutdown(wait=False)
        quiet.setLevel(level)
    cls = scheduler_class or BlockingScheduler
    return cls(jobstores={"default": SQLAlchemyJobStore(url=url)}, **options)


def next_runs(settings: Settings, now: datetime | None = None) -> dict[str, str | None]:
    """Each job's next run time by the configured schedule."""
    now = now or datetime.now(UTC)
    found = {}
    for name in JOBS:
        fire = trigger(settings, name).get_next_fire_time(None, now.astimezone(TZ))
        found[name] = fire.isoformat() if fire else None
    return found


def serve(settings: Settings, config: str | None = None, **options: Any) -> None:
    """Run until SIGTERM or SIGINT, then stop cleanly (a running job finishes first)."""
    scheduler = build(settings, config, **options)

    def stop(signum: int, _frame: Any) -> None:
        log.info("scheduler: signal %s, stopping", signum)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("scheduler: started with %s", ", ".join(JOBS))
    scheduler.start()  # blocks until stopped
