"""What the jobs cost, against floors measured in the same run (issue: scheduled jobs).

* ``reminders``: a ledger of N items of which D are due, then 2N with the same D due: time,
  peak Python memory, and the ratio of the two times (cost must follow what is due).
* ``year-end``: centralised filing of A applications over J jurisdictions by the job, against
  the same filings fired one by one through the service as ``advance`` does.
* ``deliver``: M messages to a local aiosmtpd server over one connection, against smtplib
  sending the same messages with no bookkeeping.

    python benchmarks/jobs_cost.py reminders [--items 1000000] [--due 10000] [--pg URL]
    python benchmarks/jobs_cost.py year-end [--applications 100000] [--jurisdictions 3000]
    python benchmarks/jobs_cost.py deliver [--messages 10000]
"""

from __future__ import annotations

import argparse
import resource
import smtplib
import socket
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scratch import scratch_database

from campusgate.jobs import deliver, reminders, year_end_review
from campusgate.jobs.base import Context
from campusgate.models import Database, Item, Jurisdiction, OutboxMessage, Quota, User, UserRole
from campusgate.workflow import items
from campusgate.workflow.config import SMTP, Settings
from campusgate.workflow.outbox import Mail, enqueue

AS_OF = date(2027, 1, 24)
NOW = datetime.now(UTC)


def _people(db: Database, jurisdictions: int) -> tuple[list[int], int]:
    """J county jurisdictions with one approver and one reviewer each; one responsible user."""
    with db.engine.begin() as conn:
        conn.execute(insert(Jurisdiction), [{"id": 1, "name": "省", "level": "province"}])
        conn.execute(
            insert(Jurisdiction),
            [
                {"id": j, "name": f"县{j}", "level": "county", "parent_id": 1}
                for j in range(2, jurisdictions + 2)
            ],
        )
        users = [
            {
                "id": 1,
                "login": "owner",
                "name": "责任人",
                "email": "owner@example.gov.cn",
                "jurisdiction_id": 1,
            }
        ]
        roles = []
        for j in range(2, jurisdictions + 2):
            for offset, role in ((0, "approver"), (1, "reviewer")):
                uid = 2 * j + offset
                users.append(
                    {
                        "id": uid,
                        "login": f"{role}{j}",
                        "name": role,
                        "email": None,
                        "jurisdiction_id": j,
                    }
                )
                roles.append({"user_id": uid, "role": role})
        conn.execute(insert(User), users)
        conn.execute(insert(UserRole), roles)
    return list(range(2, jurisdictions + 2)), 1


def _ledger(db: Database, total: int, due: int, owner: int) -> None:
    """``total`` rectification items on the ledger; ``due`` of them due in 7 days."""
    base = {
        "kind": "rectification",
        "state": "filed",
        "version": 3,
        "jurisdiction_id": 2,
        "year": 2027,
        "created_at": NOW,
        "updated_at": NOW,
        "applied_by_id": owner,
        "owner_id": owner,
        "summary": "教师值班",
        "source": "hotline",
        "aspect": "duty",
        "standard": "不再值班",
        "last_hash": "",
    }
    with db.engine.begin() as conn:
        step = 50_000
        for start in range(0, total, step):
            rows = []
            for n in range(start, min(total, start + step)):
                deadline = (
                    AS_OF + timedelta(days=7)
                    if n % (total // due) == 0
                    else AS_OF + timedelta(days=200)
                )
                rows.append({**base, "deadline": deadline})
            conn.execute(insert(Item), rows)


def bench_reminders(args: argparse.Namespace) -> None:
    timings = []
    for total in (args.items, 2 * args.items):
        db = scratch_database(args.pg, f"reminders{total}")
        _, owner = _people(db, 1)
        _ledger(db, total, args.due, owner)
        ctx = Context(Settings(database_url=db.url))
        tracemalloc.start()
        start = time.perf_counter()
        summary = reminders.run(db, AS_OF, False, ctx)
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        timings.append(elapsed)
        print(
            f"reminders {db.backend} items={total} due={args.due} queued={summary['queued']} "
            f"time={elapsed:.2f}s peak_python={peak / 2**20:.1f}MB "
            f"maxrss={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}MB"
        )
        db.dispose()
    print(f"reminders ratio time(2N)/time(N) = {timings[1] / timings[0]:.2f} (target <= 1.2)")


def bench_year_end(args: argparse.Namespace) -> None:
    results = {}
    for how in ("job", "one-by-one"):
        db = scratch_database(args.pg, f"yearend-{how}")
        jids, owner = _people(db, args.jurisdictions)
        per = max(1, args.applications // len(jids))
        with db.engine.begin() as conn:
            conn.execute(
                insert(Quota),
                [{"jurisdiction_id": j, "year": 2027, "max_items": per - per // 4} for j in jids],
            )
            rows = [
                {
                    "kind": "whitelist",
                    "state": "reviewed",
                    "version": 2,
                    "jurisdiction_id": j,
                    "year": 2027,
                    "created_at": NOW,
                    "updated_at": NOW,
                    "applied_by_id": owner,
                    "reviewed_by_id": 2 * j + 1,
                    "title": f"事项{j}-{n}",
                    "basis_kind": ("law", "joint", "unified")[n % 3],
                    "basis_docs": ["《文件》"],
                    "last_hash": "",
                }
                for j in jids
                for n in range(per)
            ]
            for start in range(0, len(rows), 50_000):
                conn.execute(insert(Item), rows[start : start + 50_000])
        start = time.perf_counter()
        if how == "job":
            summary = year_end_review.run(db, date(2026, 12, 20))
            filed = summary["filed"]
        else:
            filed = 0
            with db.read() as session:
                order = [
                    (i.id, 2 * i.jurisdiction_id)
                    for i in session.scalars(select(Item).order_by(Item.jurisdiction_id, Item.id))
                ]
            quota = per - per // 4
            seen: dict[int, int] = {}
            for item_id, approver in order:
                if seen.get(approver, 0) >= quota:
                    continue
                items.fire(
                    db,
                    f"approver{approver // 2}",
                    item_id,
                    "file",
                    today=date(2026, 12, 20),
                    view=False,
                )
                seen[approver] = seen.get(approver, 0) + 1
                filed += 1
        results[how] = time.perf_counter() - start
        print(
            f"year-end {how} {db.backend} applications={len(rows)} "
            f"jurisdictions={len(jids)} filed={filed} time={results[how]:.2f}s"
        )
        db.dispose()
    print(
        "year-end speed-up one-by-one/job = "
        f"{results['one-by-one'] / results['job']:.1f}x (target >= 20)"
    )


def bench_deliver(args: argparse.Namespace) -> None:
    from aiosmtpd.controller import Controller

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        db = scratch_database(args.pg, "deliver")
        with db.write() as session:
            enqueue(
                session,
                [
                    Mail(
                        f"u{n}",
                        f"u{n}@example.gov.cn",
                        "reminder",
                        n,
                        AS_OF,
                        "【整改提醒】",
                        "请按时整改",
                    )
                    for n in range(args.messages)
                ],
            )
        ctx = Context(
            Settings(database_url=db.url, smtp=SMTP(host="127.0.0.1", port=port, security="none"))
        )
        from campusgate.workflow.job_settings import Delivery, JobSettings

        ctx = Context(ctx.settings, JobSettings(delivery=Delivery(batch=args.messages)))
        with db.read() as session:
            messages = list(session.scalars(select(OutboxMessage)))
        start = time.perf_counter()
        connection = smtplib.SMTP("127.0.0.1", port)
        for m in messages:
            connection.send_message(
                deliver.email(ctx.settings.smtp, m), from_addr="a@b", to_addrs=[m.address]
            )
        connection.quit()
        floor = time.perf_counter() - start
        start = time.perf_counter()
        summary = deliver.run(db, AS_OF, False, ctx)
        elapsed = time.perf_counter() - start
        print(
            f"deliver {db.backend} messages={args.messages} sent={summary['sent']} "
            f"job={elapsed:.2f}s bare_smtplib={floor:.2f}s ratio={elapsed / floor:.2f} "
            "(target <= 1.5)"
        )
        db.dispose()
    finally:
        controller.stop()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="what", required=True)
    r = sub.add_parser("reminders")
    r.add_argument("--items", type=int, default=1_000_000)
    r.add_argument("--due", type=int, default=10_000)
    y = sub.add_parser("year-end")
    y.add_argument("--applications", type=int, default=100_000)
    y.add_argument("--jurisdictions", type=int, default=3000)
    d = sub.add_parser("deliver")
    d.add_argument("--messages", type=int, default=10_000)
    for p in (r, y, d):
        p.add_argument("--pg", help="a PostgreSQL server URL to create a throwaway database on")
    args = parser.parse_args(argv)
    {"reminders": bench_reminders, "year-end": bench_year_end, "deliver": bench_deliver}[args.what](
        args
    )


if __name__ == "__main__":
    main(sys.argv[1:])
