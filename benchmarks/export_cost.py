"""What publication costs, against floors measured in the same run (issue: publication).

* ``ledger``: ``ledger export`` of N rectification items to XLSX (openpyxl's write-only
  mode, through the one set of writers) against writing the same rows with the csv module:
  time, the ratio, and the peak memory of each (target: ≤ 200 MB at 100,000 rows).
* ``check``: the gate's answer for one school and item, per call, with 1,000 and with
  100,000 published items in the database (target: it does not grow).

    python benchmarks/export_cost.py ledger [--items 100000] [--pg URL]
    python benchmarks/export_cost.py check [--small 1000] [--large 100000] [--pg URL]
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scratch import scratch_database

from campusgate.models import Database, Item, ItemEvent, Jurisdiction, School, User, UserRole
from campusgate.workflow import gate, ledger
from campusgate.workflow.clock import acting_as_of

NOW = datetime.now(UTC)
TODAY = date(2027, 6, 1)


def _organisation(db: Database) -> None:
    """A city with one reviewer and one school."""
    with db.engine.begin() as conn:
        conn.execute(insert(Jurisdiction), [{"id": 1, "name": "市", "level": "city"}])
        conn.execute(
            insert(User),
            [{"id": 1, "login": "reviewer", "name": "审核人", "jurisdiction_id": 1}],
        )
        conn.execute(insert(UserRole), [{"user_id": 1, "role": "reviewer"}])
        conn.execute(insert(School), [{"id": 1, "name": "学校", "jurisdiction_id": 1}])


def _items(db: Database, total: int, **fields: object) -> None:
    base = {
        "version": 1,
        "jurisdiction_id": 1,
        "year": 2027,
        "created_at": NOW,
        "updated_at": NOW,
        "applied_by_id": 1,
        "last_hash": "",
        **fields,
    }
    with db.engine.begin() as conn:
        step = 20_000
        for start in range(0, total, step):
            conn.execute(insert(Item), [base for _ in range(start, min(total, start + step))])


def _in_child(argv: list[str]) -> tuple[float, float]:
    """(seconds, max RSS in MB) of one export run in a fresh process."""
    done = subprocess.run(
        [sys.executable, __file__, *argv], capture_output=True, text=True, check=True
    )
    seconds, rss = done.stdout.split()
    return float(seconds), float(rss)


def bench_ledger(args: argparse.Namespace) -> None:
    db = scratch_database(args.pg, "ledger")
    _organisation(db)
    _items(
        db,
        args.items,
        kind="rectification",
        state="filed",
        owner_id=1,
        summary="一线教师节假日被安排校园值班，=SUM(A1) 之类的内容也照样写入",
        source="hotline",
        aspect="duty",
        standard="值班制度改为校级领导及中层值班，不再安排一线教师",
        deadline=date(2027, 3, 31),
        reporter="不得导出的联系方式",
    )
    out = tempfile.mkdtemp(prefix="cg-bench-out-")
    runs = {what: _in_child(["one", what, db.url, out]) for what in ("floor", "csv", "xlsx")}
    (floor_s, floor_mb), (csv_s, csv_mb), (xlsx_s, xlsx_mb) = runs.values()
    print(f"ledger of {args.items} rows on {db.backend} (each run in a fresh process)")
    print(f"  floor (csv module over the same rows): {floor_s:.2f} s, max RSS {floor_mb:.0f} MB")
    print(f"  ledger export csv:  {csv_s:.2f} s ({csv_s / floor_s:.2f}×), max RSS {csv_mb:.0f} MB")
    print(
        f"  ledger export xlsx: {xlsx_s:.2f} s ({xlsx_s / floor_s:.2f}× the floor), "
        f"max RSS {xlsx_mb:.0f} MB (target ≤ 200 MB)"
    )


def one_run(args: argparse.Namespace) -> None:
    """One measured run (in a child process): prints seconds and max RSS in MB."""
    db = Database(args.url)
    out = Path(args.out)
    started = time.perf_counter()
    if args.kind == "floor":
        with db.read() as session, (out / "floor.csv").open("w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow([heading for heading, _ in ledger.COLUMNS])
            writer.writerows(ledger.ledger_rows(session, 1, 2027, TODAY))
    else:
        with acting_as_of(TODAY):
            ledger.export(
                db,
                "reviewer",
                jurisdiction="市",
                year=2027,
                fmt=args.kind,
                output=out / f"x.{args.kind}",
            )
    seconds = time.perf_counter() - started
    print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _published(db: Database, total: int) -> int:
    """``total`` published whitelist items, each with its publish event; the last one's id."""
    _items(db, total, kind="whitelist", state="published", title="消防安全教育")
    with db.engine.begin() as conn:
        ids = conn.execute(select(Item.id).order_by(Item.id)).scalars().all()
        step = 20_000
        for start in range(0, len(ids), step):
            conn.execute(
                insert(ItemEvent),
                [
                    {
                        "item_id": i,
                        "seq": 1,
                        "trigger": "publish",
                        "from_state": "filed",
                        "to_state": "published",
                        "actor": "approver",
                        "at": NOW,
                        "as_of": date(2027, 1, 2),
                        "prev_hash": "",
                        "hash": "",
                    }
                    for i in ids[start : start + step]
                ],
            )
    return ids[-1]


def _per_check(db: Database, item_id: int, calls: int) -> float:
    gate.check(db, "reviewer", school="学校", item_id=item_id, day=TODAY)  # warm
    started = time.perf_counter()
    for _ in range(calls):
        verdict = gate.check(db, "reviewer", school="学校", item_id=item_id, day=TODAY)
    assert verdict.allowed, verdict
    return (time.perf_counter() - started) / calls


def bench_check(args: argparse.Namespace) -> None:
    figures = {}
    for total in (args.small, args.large):
        db = scratch_database(args.pg, f"check{total}")
        _organisation(db)
        last = _published(db, total)
        figures[total] = _per_check(db, last, args.calls)
        db.dispose()
    small, large = figures[args.small], figures[args.large]
    print(f"check, per call, on {'postgresql' if args.pg else 'sqlite'}")
    print(f"  {args.small} items: {small * 1000:.2f} ms")
    print(f"  {args.large} items: {large * 1000:.2f} ms ({large / small:.2f}× — target ≈ 1×)")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="what", required=True)
    led = sub.add_parser("ledger")
    led.add_argument("--items", type=int, default=100_000)
    chk = sub.add_parser("check")
    chk.add_argument("--small", type=int, default=1000)
    chk.add_argument("--large", type=int, default=100_000)
    chk.add_argument("--calls", type=int, default=200)
    for p in (led, chk):
        p.add_argument("--pg", help="a PostgreSQL server URL to create a throwaway database on")
    one = sub.add_parser("one")  # one measured run, in a child process
    one.add_argument("kind", choices=("floor", "csv", "xlsx"))
    one.add_argument("url")
    one.add_argument("out")
    args = parser.parse_args(argv)
    {"ledger": bench_ledger, "check": bench_check, "one": one_run}[args.what](args)


if __name__ == "__main__":
    main(sys.argv[1:])
