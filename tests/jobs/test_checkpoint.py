"""The nightly checkpoint: the digest of the whole log, recorded once a day and mailed to the
admins, in a form that ``audit verify --against`` reads back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select, text

from campusgate.jobs import checkpoint
from campusgate.models import Checkpoint, Database, OutboxMessage
from tests.cli.test_cli import ok, ok_json, refused
from tests.cli.test_trust import behind_the_back, broken
from tests.org import apply, snapshot

DAY = date(2026, 12, 1)


def _checkpoints(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Checkpoint)) or 0


def test_the_checkpoint_is_recorded_once_a_day_and_mailed_to_every_admin(db: Database) -> None:
    apply(db)
    before = snapshot(db)
    dry = checkpoint.run(db, DAY, dry_run=True)
    assert snapshot(db) == before  # a dry run writes nothing

    first = checkpoint.run(db, DAY)
    # ... and reports what the run writes: the checkpoint's head and one mail per admin
    assert dry == {k: v for k, v in first.items() if k != "checkpoint"}
    assert first["recorded"] is True and first["queued"] >= 1
    with db.read() as session:
        mails = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        admins = set(
            session.scalars(
                text(
                    "select u.login from users u join user_roles r on r.user_id = u.id "
                    "where r.role = 'admin'"
                )
            )
        )
    assert {m.recipient for m in mails} == admins
    assert all(m.kind == "checkpoint" and m.for_date == DAY for m in mails)
    assert first["head"] in mails[0].body

    # the same date again: the same checkpoint, no second mail
    again = checkpoint.run(db, DAY)
    assert again == {**first, "recorded": False, "queued": 0}
    assert _checkpoints(db) == 1


def test_a_mailed_checkpoint_checks_the_log_later(db: Database, tmp_path: Path) -> None:
    apply(db)
    checkpoint.run(db, DAY)
    with db.read() as session:
        body = session.scalars(select(OutboxMessage.body)).first()
    kept = tmp_path / "mail.txt"
    kept.write_text(body or "", encoding="utf-8")  # the mail saved as it is
    verdict = ok_json(db, "admin", ["audit", "verify", "--against", str(kept)])
    assert verdict["ok"] is True
    # the whole item deleted with its events, and the checkpoints in the database with them:
    # what the admins were mailed still tells
    behind_the_back(
        db,
        "DELETE FROM item_events",
        "DELETE FROM items",
        "DELETE FROM audit_checkpoints",
    )
    assert ok_json(db, "admin", ["audit", "verify"])["ok"] is True
    found = broken(db, "admin", "--against", str(kept))
    assert (found["chain"], found["source"]) == ("checkpoint", str(kept))


def test_a_login_is_never_taken_for_the_system_actor(db: Database) -> None:
    """Only the job passes as ``system:checkpoint``; a login spelled like it is a login, and
    no user: refused (3) with nothing recorded."""
    refused(db, "system:checkpoint", "audit checkpoint", exit=3)
    refused(db, "li.na", "audit checkpoint", exit=4)
    assert _checkpoints(db) == 0


def test_a_dry_run_through_the_cli_reports_what_the_run_writes(db: Database) -> None:
    apply(db)
    before = snapshot(db)
    day = f"--date {DAY}"
    dry = ok_json(db, "admin", f"jobs run checkpoint {day} --dry-run")
    assert ok(db, "admin", f"jobs run checkpoint {day} --dry-run").stdout == (
        f"任务 checkpoint（{DAY}）试运行（不写入）：将记录检查点 是，将写入发件箱 {dry['queued']}\n"
    )
    assert ok(db, "admin", f"--lang en jobs run checkpoint {day} --dry-run").stdout == (
        f"job checkpoint ({DAY}) dry run, nothing written: would record a checkpoint yes, "
        f"would queue {dry['queued']}\n"
    )
    assert snapshot(db) == before
    real = ok_json(db, "admin", f"jobs run checkpoint {day}")
    assert dry["queued"] == real["queued"] == len(_admins(db)) > 0
    assert dry["recorded"] is real["recorded"] is True and dry["head"] == real["head"]
    assert "checkpoint" not in dry  # its number is the real run's (PostgreSQL spent one)
    # once it is recorded and mailed, a dry run says nothing more would be
    again = ok_json(db, "admin", f"jobs run checkpoint {day} --dry-run")
    assert (again["recorded"], again["queued"]) == (False, 0)
    assert again["checkpoint"] == real["checkpoint"]


def _admins(db: Database) -> set[str]:
    with db.read() as session:
        return set(
            session.scalars(
                text(
                    "select u.login from users u join user_roles r on r.user_id = u.id "
                    "where r.role = 'admin'"
                )
            )
        )
