"""The scheduler: a missed run executes once after a restart; one runner per job, also with
two schedulers on one PostgreSQL; a job killed mid-run finishes on the rerun."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from campusgate.jobs import scheduler
from campusgate.jobs.base import Context
from campusgate.jobs.locks import job_lock
from campusgate.jobs.runner import run_job
from campusgate.models import Database, JobRun, OutboxMessage
from campusgate.workflow.config import Settings
from tests.org import on_ledger


def _runs(db: Database, job: str = "deliver") -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).where(JobRun.job == job)) or 0


def _drop_job_store(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS apscheduler_jobs"))


@pytest.mark.slow
def test_a_missed_run_executes_once_after_restart(empty_db: Database) -> None:
    from apscheduler.schedulers.background import BackgroundScheduler

    db = empty_db
    _drop_job_store(db)
    settings = Settings(database_url=db.url)
    options = {"scheduler_class": BackgroundScheduler, "interval_seconds": 4, "only": ("deliver",)}
    scheduler.build(settings, **options)  # stored; the scheduler is down from here on
    time.sleep(9)  # two runs are missed
    assert _runs(db) == 0
    restarted = scheduler.build(settings, **options)
    restarted.start()
    try:
        time.sleep(1.5)
        assert _runs(db) == 1  # the missed runs, coalesced into one
    finally:
        restarted.shutdown(wait=True)
    _drop_job_store(db)


def test_one_runner_per_job(empty_db: Database) -> None:
    db = empty_db
    ctx = Context(Settings(database_url=db.url))
    with job_lock(db, "deliver", 60) as held:
        assert held
        other = Database(db.url)
        try:
            summary = run_job(other, "deliver", date(2026, 12, 1), ctx=ctx)
        finally:
            other.dispose()
        assert summary["skipped"] is True
    assert run_job(db, "deliver", date(2026, 12, 1), ctx=ctx).get("skipped") is None
    assert _runs(db) == 1


def _campusgate(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("campusgate")), *args],
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_two_schedulers_on_postgresql_run_each_run_once(empty_db: Database) -> None:
    db = empty_db
    if db.backend != "postgresql":
        pytest.skip("several scheduler hosts share a PostgreSQL")
    _drop_job_store(db)
    # the job store is set up once, then two schedulers run on it
    scheduler.build(Settings(database_url=db.url), interval_seconds=3, only=("deliver",))
    argv = ("--db", db.url, "scheduler", "--interval", "3", "--only", "deliver")
    procs = [_campusgate(*argv) for _ in range(2)]
    time.sleep(8)
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    logs = []
    for proc in procs:
        _, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
        logs.append(err.decode())
    assert all("scheduler: started" in log for log in logs)
    assert any("skipped" in log for log in logs)  # the other scheduler's turn
    with db.read() as session:
        starts = sorted(session.scalars(select(JobRun.started_at).where(JobRun.job == "deliver")))
    assert starts, "no run at all"
    gaps = [(b - a).total_seconds() for a, b in pairwise(starts)]
    assert len(starts) >= 2 and all(gap > 1.5 for gap in gaps), gaps  # one run per fire time
    _drop_job_store(db)


@pytest.mark.slow
def test_killed_mid_run_then_rerun_loses_and_doubles_nothing(db: Database, tmp_path: Path) -> None:
    for n in range(40):
        on_ledger(db, deadline="2026-12-08") if n % 2 else on_ledger(db, deadline="2026-12-04")
    script = tmp_path / "slow_reminders.py"
    script.write_text(
        "import sys, time\n"
        "from datetime import date\n"
        "from campusgate.jobs import reminders\n"
        "from campusgate.jobs.base import Context\n"
        "from campusgate.models import Database\n"
        "from campusgate.workflow import outbox\n"
        "from campusgate.workflow.config import Settings\n"
        "from campusgate.workflow.job_settings import JobSettings\n"
        "real = outbox.enqueue\n"
        "def slow(session, mails):\n"
        "    n = real(session, mails); print('chunk', flush=True); time.sleep(0.5); return n\n"
        "outbox.enqueue = slow\n"
        "reminders.outbox.enqueue = slow\n"
        "db = Database(sys.argv[1])\n"
        "ctx = Context(Settings(database_url=db.url), JobSettings(chunk=4))\n"
        "reminders.run(db, date(2026, 12, 1), False, ctx)\n",
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [sys.executable, str(script), db.url], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None
    for _ in range(3):  # a few chunks in, then kill -9
        proc.stdout.readline()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    with db.read() as session:
        partial = session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
    assert 0 < partial < 40
    ctx = Context(Settings(database_url=db.url))
    from campusgate.jobs import reminders

    summary = reminders.run(db, date(2026, 12, 1), False, ctx)
    assert summary["queued"] == 40 - partial and summary["already"] == partial
    with db.read() as session:
        keys = session.execute(
            select(OutboxMessage.recipient, OutboxMessage.item_id, OutboxMessage.kind)
        ).all()
    assert len(keys) == len(set(keys)) == 40
