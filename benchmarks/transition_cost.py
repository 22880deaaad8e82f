"""What one transition costs, against a floor measured in the same run.

For N applications, ``review`` is fired through the service as ``advance`` does
(``workflow.items.fire``: snapshot, write transaction, actor, permission, machine, guards,
audit event) and, on N others, the same writes
are made with raw SQL through the driver (read the version; UPDATE the item with the version
check; INSERT the event), one transaction per item, as the floor. Also: the CLI's start-up
(``campusgate --help``) against a bare ``python -c "import sqlalchemy.orm"``.

    python benchmarks/transition_cost.py [--n 200] [--pg postgresql+psycopg://postgres@127.0.0.1/postgres]

Prints one line per measurement with the ratio to its floor.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import text

from campusgate import migrations
from campusgate.models import Database
from campusgate.workflow import items, org

ORG = Path(__file__).resolve().parent.parent / "campusgate" / "hebi.toml"
TODAY = date(2026, 12, 1)


def _prepare(db: Database, n: int) -> list[int]:
    migrations.upgrade(db)
    org.load(db, "bench", ORG)
    ids = []
    for i in range(2 * n):
        view = items.apply(
            db,
            "li.na",
            department="市卫健委",
            title=f"学生健康教育 {i}",
            year=2027,
            basis_kind="law",
            basis_docs=["《学校卫生工作条例》"],
            today=TODAY,
        )
        ids.append(view["id"])
    return ids


def _service(db: Database, ids: list[int]) -> float:
    start = time.perf_counter()
    for item_id in ids:
        items.fire(db, "wang.fang", item_id, "review", today=TODAY, view=False)
    return time.perf_counter() - start


def _floor(db: Database, ids: list[int]) -> float:
    """The same writes in raw SQL through the driver, one transaction per item."""
    with db.engine.connect() as conn:
        reviewer = conn.execute(text("SELECT id FROM users WHERE login = 'wang.fang'")).scalar()
    raw = db.engine.raw_connection()
    sqlite = db.backend == "sqlite"
    mark = "?" if sqlite else "%s"
    start = time.perf_counter()
    try:
        for item_id in ids:
            cur = raw.cursor()
            if sqlite:
                cur.execute("BEGIN IMMEDIATE")
            cur.execute(f"SELECT version, last_hash FROM items WHERE id = {mark}", (item_id,))
            version, last_hash = cur.fetchone()
            now = datetime.now(UTC).replace(tzinfo=None)
            body = json.dumps({"item": item_id, "seq": version + 1, "at": now.isoformat()})
            digest = hashlib.sha256((last_hash + "\n" + body).encode()).hexdigest()
            cur.execute(
                f"UPDATE items SET state = 'reviewed', version = {mark}, reviewed_by_id = {mark}, "
                f"updated_at = {mark}, last_hash = {mark} WHERE id = {mark} AND version = {mark}",
                (version + 1, reviewer, now, digest, item_id, version),
            )
            cur.execute(
                "INSERT INTO item_events (item_id, seq, trigger, from_state, to_state, actor, at, "
                f"prev_hash, hash) VALUES ({mark}, {mark}, 'review', 'submitted', 'reviewed', "
                f"'wang.fang', {mark}, {mark}, {mark})",
                (item_id, version + 1, now, last_hash, digest),
            )
            raw.commit()
    finally:
        raw.close()
    return time.perf_counter() - start


def _wall(argv: list[str], runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    backends: list[tuple[str, Database, object]] = []
    folder = tempfile.mkdtemp(prefix="campusgate-bench-")
    backends.append(("sqlite", Database(str(Path(folder) / "bench.db")), None))
    admin = Database(args.pg)
    name = f"campusgate_bench_{uuid.uuid4().hex[:8]}"
    auto = admin.engine.execution_options(isolation_level="AUTOCOMMIT")
    try:
        with auto.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        backends.append(("postgresql", Database(args.pg.rsplit("/", 1)[0] + "/" + name), name))
    except Exception as exc:  # no server: SQLite only
        print(f"PostgreSQL not reachable ({exc.__class__.__name__}); SQLite only")

    try:
        for label, db, _ in backends:
            ids = _prepare(db, args.n)
            floor = _floor(db, ids[args.n :])
            service = _service(db, ids[: args.n])
            per_item, per_floor = service * 1000 / args.n, floor * 1000 / args.n
            print(
                f"{label:<10} transition (review) x{args.n}: service {per_item:.2f} ms"
                f" / raw SQL {per_floor:.2f} ms per item = {service / floor:.2f}x"
            )
            db.dispose()
    finally:
        for _, _, pg_name in backends:
            if pg_name:
                with auto.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
        admin.dispose()

    script = Path(sys.executable).parent / "campusgate"
    cli = _wall([str(script), "--help"])
    bare = _wall([sys.executable, "-c", "import sqlalchemy.orm"])
    print(
        f"cli start-up: campusgate --help {cli * 1000:.0f} ms / "
        f"import sqlalchemy.orm {bare * 1000:.0f} ms = {cli / bare:.2f}x"
    )


if __name__ == "__main__":
    main()
