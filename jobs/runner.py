"""The jobs by name, and running one: under its lock, logged, recorded in ``job_runs``.

``jobs run`` and the scheduler both come through :func:`run_job`; the scheduler refers to
:func:`scheduled` by import path with primitive arguments only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from importlib import import_module
from typing import Any

from sqlalchemy import func, select

from campusgate.jobs.base import Context, log
from campusgate.models import Database, JobRun
from campusgate.workflow.clock import now_utc, today
from campusgate.workflow.errors import InvalidInput
from campusgate.workflow.scope import require_admin
from campusgate.workflow.tx import writing

#: name → (module, the configured schedule's attribute); ``jobs list`` keeps this order.
JOBS: dict[str, tuple[str, str]] = {
    "reminders": ("campusgate.jobs.reminders", "reminders"),
    "year-end-review": ("campusgate.jobs.year_end_review", "year_end_review"),
    "publish": ("campusgate.jobs.publish", "publish"),
    "refresh-published": ("campusgate.jobs.refresh_published", "refresh_published"),
    "evaluation": ("campusgate.jobs.evaluation", "evaluation"),
    "deliver": ("campusgate.jobs.deliver", "deliver"),
    "checkpoint": ("campusgate.jobs.checkpoint", "checkpoint"),
}

Job = Callable[..., dict[str, Any]]


def job(name: str) -> Job:
    if name not in JOBS:
        raise InvalidInput("unknown_job", job=name, choices=", ".join(JOBS))
    return import_module(JOBS[name][0]).run  # type: ignore[no-any-return]


def run_job(
    db: Database,
    name: str,
    as_of: date,
    *,
    dry_run: bool = False,
    ctx: Context,
    unless_ran_since: datetime | None = None,
) -> dict[str, Any]:
    """Run ``name`` for ``as_of`` unless another runner holds it, or (``unless_ran_since``)
    ran it since then: that was this same scheduled run, on another scheduler."""
    from campusgate.jobs.locks import holder, job_lock

    run = job(name)
    started = now_utc()
    with job_lock(db, name, ctx.jobs.lock_lease_seconds) as held:
        if not held:
            log.info("%s: running elsewhere, skipped", name)
            return {"job": name, "date": as_of.isoformat(), "skipped": True}
        if unless_ran_since is not None and _ran_since(db, name, unless_ran_since):
            log.info("%s: already run by another scheduler, skipped", name)
            return {"job": name, "date": as_of.isoformat(), "skipped": True}
        summary = run(db, as_of, dry_run, ctx)
        if not dry_run:
            with writing(db) as session:
                session.add(
                    JobRun(
                        job=name,
                        for_date=as_of,
                        started_at=started,
                        finished_at=now_utc(),
                        summary=json.dumps(summary, ensure_ascii=False, default=str)[:20000],
                    )
                )
    log.info("%s for %s by %s: %s", name, as_of, holder(), summary)
    return {"job": name, "date": as_of.isoformat(), "dry_run": dry_run, **summary}


def check_operator(db: Database, login: str) -> None:
    """Jobs are run by hand by admins (SPEC §2); the outbox checks its reader itself."""
    with db.read() as session:
        require_admin(session, login, "not_permitted_jobs", actor=login)


def check_date(as_of: date, settings: Any, *, dry_run: bool = False) -> None:
    """A past date catches up; a date after today is a drill, which really changes the
    database, and needs the clock override. A dry run writes nothing: any date will do."""
    if as_of > today() and not dry_run and not settings.clock.allow_override:
        raise InvalidInput("job_date_ahead", day=as_of.isoformat(), today=today().isoformat())


def _ran_since(db: Database, name: str, since: datetime) -> bool:
    with db.read() as session:
        return bool(
            session.scalar(
                select(func.count()).where(JobRun.job == name, JobRun.started_at >= since)
            )
        )


def last_runs(db: Database) -> dict[str, dict[str, Any]]:
    """Each job's latest recorded run."""
    with db.read() as session:
        latest = select(JobRun.job, func.max(JobRun.id).label("id")).group_by(JobRun.job).subquery()
        rows = session.scalars(select(JobRun).join(latest, latest.c.id == JobRun.id))
        return {
            r.job: {"for_date": r.for_date.isoformat(), "finished_at": r.finished_at.isoformat()}
            for r in rows
        }


def scheduled(name: str, url: str, config: str | None = None, same_run: float = 60) -> None:
    """The scheduler's entry point: run ``name`` for today, as of the configuration; skipped
    when another scheduler ran it within ``same_run`` seconds (the same fire time)."""
    from campusgate.workflow.config import load_settings

    settings = load_settings(config, url)
    db = Database(settings.database_url)
    since = now_utc() - timedelta(seconds=same_run)
    try:
        run_job(db, name, today(), ctx=Context(settings), unless_ran_since=since)
    finally:
        db.dispose()
