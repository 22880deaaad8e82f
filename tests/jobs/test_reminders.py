"""Reminders: offsets, overdue, escalation, digests; dry runs and reruns change nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from campusgate.jobs import reminders
from campusgate.jobs.base import Context
from campusgate.models import Database, OutboxMessage
from campusgate.workflow.config import Reminders, Settings
from campusgate.workflow.errors import InvalidInput
from campusgate.workflow.job_settings import Calendar, JobSettings
from tests.org import on_ledger, reviewed, set_quota, snapshot


def _outbox(db: Database) -> list[tuple[str, str, int, str]]:
    with db.read() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(m.recipient, m.kind, m.item_id, m.for_date.isoformat()) for m in rows]


def _run(db: Database, day: str, dry_run: bool = False, **rules: object) -> dict:
    ctx = Context(Settings(database_url=db.url, reminders=Reminders(**rules)))  # type: ignore[arg-type]
    return reminders.run(db, date.fromisoformat(day), dry_run, ctx)


def test_offsets_overdue_and_escalation(db: Database) -> None:
    item = on_ledger(db, owner="chen.jing", deadline="2027-01-31")
    quiet = ("2027-01-20", "2027-01-25", "2027-01-29")
    for day in quiet:
        assert _run(db, day)["queued"] == 0, day
    for day, left in (("2027-01-24", 7), ("2027-01-28", 3), ("2027-01-30", 1)):
        assert _run(db, day)["queued"] == 1
        assert _outbox(db)[-1] == ("chen.jing", "reminder", item, day)
        assert f"{left} 天" in _subject(db)
    _run(db, "2027-01-31")
    assert _outbox(db)[-1] == ("chen.jing", "due", item, "2027-01-31")
    for day in ("2027-02-01", "2027-02-02"):  # overdue: daily, to the responsible person
        assert _run(db, day)["queued"] == 1
        assert _outbox(db)[-1] == ("chen.jing", "overdue", item, day)
    # from 3 days overdue the jurisdiction's approvers hear of it too
    assert _run(db, "2027-02-03")["queued"] == 1 + 3  # zhao.lei, qian.min, gao.feng
    escalated = {r for r, kind, _, d in _outbox(db) if kind == "escalation"}
    assert escalated == {"zhao.lei", "qian.min", "gao.feng"}


def _subject(db: Database) -> str:
    with db.read() as session:
        return (
            session.scalars(select(OutboxMessage.subject).order_by(OutboxMessage.id.desc())).first()
            or ""
        )


def test_same_date_twice_and_dry_run_change_nothing(db: Database) -> None:
    on_ledger(db, deadline="2027-01-31")
    before = snapshot(db), _outbox(db)
    summary = _run(db, "2027-01-24", dry_run=True)
    assert summary["queued"] == 1
    assert (snapshot(db), _outbox(db)) == before
    assert _run(db, "2027-01-24")["queued"] == 1
    after = _outbox(db)
    again = _run(db, "2027-01-24")
    assert again["queued"] == 0 and again["already"] == 1
    assert _outbox(db) == after


def test_digests_before_the_review_and_the_sweep(db: Database) -> None:
    set_quota(db, 5)
    reviewed(db)
    summary = _run(db, "2026-12-10")  # ten days before the year-end review (Dec 20)
    assert summary["digests"] == 5  # the city's reviewers and approvers
    kinds = {(r, k) for r, k, _, _ in _outbox(db)}
    assert ("wang.fang", "digest-pending") in kinds and ("zhao.lei", "digest-pending") in kinds
    assert _run(db, "2026-11-20")["digests"] == 0  # outside the window


def test_working_days_with_a_year_the_calendar_lacks(db: Database) -> None:
    on_ledger(db, deadline="2027-01-31")
    with pytest.raises(InvalidInput) as err:
        _run(db, "2027-01-20", working_days=True)
    assert err.value.exit_code == 2 and "2027" in err.value.message("en")
    # with the year's extra days configured, it counts working days
    calendar = Calendar(extra_holidays=(date(2027, 1, 1),), extra_working_days=())
    ctx = Context(
        Settings(database_url=db.url, reminders=Reminders(working_days=True)),
        JobSettings(calendar=calendar),
    )
    # 2027-01-26 (Tue) → 01-27, 28, 29 are working days, 30-31 weekend: 3 working days left
    assert reminders.run(db, date(2027, 1, 26), False, ctx)["queued"] == 1
    assert _outbox(db)[-1][1] == "reminder"
