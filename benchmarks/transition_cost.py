"""What a transition and a CLI call cost, each against a floor measured in the same run.

For SQLite and PostgreSQL, one line per measurement: the figure, its floor, the ratio and the
target (SPEC §9, "fast where volume lives"):

- ``advance review`` of N applications in one command (the command run in-process, so the
  figure is its cost per item, not the interpreter's start-up), against raw SQL through the
  driver making the same writes on N others: read the version, UPDATE the item with the version
  check, INSERT the event, one transaction per item. Target: at most 4x.
- ``campusgate item show ID`` as a whole process against a bare
  ``python -c "import sqlalchemy.orm"`` (best of several runs each). Target: at most 1.3x.
  Beside them, for reference: the raw SQL's reads and writes through SQLAlchemy Core alone
  (what the layer under the engine costs by itself), and what any command that reads
  through the mapped models pays before it does anything: importing ``campusgate.models``
  and configuring the mappers, against the same floor.

    python benchmarks/transition_cost.py [--n 300] [--runs 7]
        [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import bindparam, insert, select, text, update

import campusgate
from campusgate import migrations
from campusgate.cli import cli
from campusgate.models import Database, Item, ItemEvent
from campusgate.workflow import items, org

ORG = Path(__file__).resolve().parent.parent / "campusgate" / "hebi.toml"
TODAY = date(2026, 12, 1)
REVIEWER = "wang.fang"
TARGETS = {"advance": 4.0, "campusgate item show": 1.3}
#: what reading through the mapped models costs a process before it reads anything
MAPPED = "import sqlalchemy.orm, campusgate.models; sqlalchemy.orm.configure_mappers()"


def prepare(db: Database, n: int) -> list[int]:
    """The Hebi organisation and ``n`` submitted applications."""
    migrations.upgrade(db)
    org.load(db, "bench", ORG)
    return [
        items.apply(
            db,
            "li.na",
            department="市卫健委",
            title=f"学生健康教育 {i}",
            year=2027,
            basis_kind="law",
            basis_docs=["《学校卫生工作条例》"],
            today=TODAY,
        )["id"]
        for i in range(n)
    ]


def advance(db: Database, ids: list[int]) -> float:
    """``campusgate advance review ID …`` in-process; seconds."""
    argv = ["--debug", "--db", db.url, "--as", REVIEWER, "advance", "review", *map(str, ids)]
    start = time.perf_counter()
    result = CliRunner().invoke(cli, argv, catch_exceptions=False)
    elapsed = time.perf_counter() - start
    if result.exit_code != 0:
        raise SystemExit(f"advance failed ({result.exit_code}): {result.stderr[-500:]}")
    return elapsed


def raw_writes(db: Database, ids: list[int]) -> float:
    """The same writes in raw SQL through the driver, one transaction per item; seconds."""
    with db.engine.connect() as conn:
        reviewer = conn.execute(
            text("SELECT id FROM users WHERE login = :login"), {"login": REVIEWER}
        ).scalar()
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
            if cur.rowcount != 1:
                raise SystemExit(f"raw SQL: item {item_id} changed underneath")
            cur.execute(
                "INSERT INTO item_events (item_id, seq, trigger, from_state, to_state, actor, at, "
                f"prev_hash, hash) VALUES ({mark}, {mark}, 'review', 'submitted', 'reviewed', "
                f"{mark}, {mark}, {mark}, {mark})",
                (item_id, version + 1, REVIEWER, now, last_hash, digest),
            )
            raw.commit()
    finally:
        raw.close()
    return time.perf_counter() - start


def core_writes(db: Database, ids: list[int]) -> float:
    """The raw SQL's reads and writes through SQLAlchemy Core (no ORM, no machine), one
    transaction per item: what the layer under the engine costs by itself; seconds."""
    items_table, events = Item.__table__, ItemEvent.__table__
    version = select(items_table.c.version, items_table.c.last_hash).where(
        items_table.c.id == bindparam("item_id")
    )
    updating = (
        update(items_table)
        .where(items_table.c.id == bindparam("item_id"), items_table.c.version == bindparam("seen"))
        .values(
            state="reviewed",
            version=bindparam("next"),
            updated_at=bindparam("now"),
            last_hash=bindparam("digest"),
        )
    )
    names = ["item_id", "seq", "trigger", "from_state", "to_state", "actor", "at", "prev_hash"]
    inserting = insert(events).values(
        {**{name: bindparam(name) for name in names}, "hash": bindparam("digest")}
    )
    start = time.perf_counter()
    with db.engine.connect() as conn:
        for item_id in ids:
            with conn.begin():
                seen, last_hash = conn.execute(version, {"item_id": item_id}).one()
                now = datetime.now(UTC)
                body = json.dumps({"item": item_id, "seq": seen + 1, "at": now.isoformat()})
                digest = hashlib.sha256((last_hash + "\n" + body).encode()).hexdigest()
                changed = conn.execute(
                    updating,
                    {
                        "item_id": item_id,
                        "seen": seen,
                        "next": seen + 1,
                        "now": now,
                        "digest": digest,
                    },
                )
                if changed.rowcount != 1:
                    raise SystemExit(f"Core: item {item_id} changed underneath")
                conn.execute(
                    inserting,
                    {
                        "item_id": item_id,
                        "seq": seen + 1,
                        "trigger": "review",
                        "from_state": "submitted",
                        "to_state": "reviewed",
                        "actor": REVIEWER,
                        "at": now,
                        "prev_hash": last_hash,
                        "digest": digest,
                    },
                )
    return time.perf_counter() - start


def byte_compiled() -> None:
    """campusgate's modules byte-compiled, as installing a wheel leaves them: otherwise, where
    PYTHONDONTWRITEBYTECODE is set, every ``item show`` would compile them from source
    while SQLAlchemy's come compiled."""
    import compileall

    from campusgate import jobs, models, workflow

    for package in (campusgate, jobs, models, workflow):
        for path in package.__path__:
            compileall.compile_dir(path, quiet=1)


def best_wall(argv: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, env=env)
        best = min(best, time.perf_counter() - start)
    return best


def line(backend: str, what: str, figure: float, floor: str, floor_value: float) -> None:
    ratio = figure / floor_value
    target = next((t for name, t in TARGETS.items() if what.startswith(name)), None)
    verdict = (
        "(reference)"
        if target is None
        else (f"target <= {target}x  " + ("ok" if ratio <= target else "over"))
    )
    print(
        f"{backend:<10}  {what:<34} {figure * 1000:8.2f} ms  {floor:<28} "
        f"{floor_value * 1000:8.2f} ms  {ratio:6.2f}x  {verdict}"
    )


@contextmanager
def databases(pg_url: str) -> Iterator[list[tuple[str, Database]]]:
    """A fresh SQLite file, and a throwaway PostgreSQL database when a server answers."""
    found = [("sqlite", Database(str(Path(tempfile.mkdtemp(prefix="cg-bench-")) / "bench.db")))]
    admin = Database(pg_url)
    name = f"campusgate_bench_{uuid.uuid4().hex[:8]}"
    auto = admin.engine.execution_options(isolation_level="AUTOCOMMIT")
    created = False
    try:
        with auto.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created = True
        found.append(("postgresql", Database(pg_url.rsplit("/", 1)[0] + "/" + name)))
    except Exception as exc:  # no server: SQLite only
        print(f"PostgreSQL not reachable ({exc.__class__.__name__}); SQLite only")
    try:
        yield found
    finally:
        for _, db in found:
            db.dispose()
        if created:
            with auto.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    script = str(Path(sys.executable).parent / "campusgate")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAMPUSGATE_")}
    byte_compiled()
    bare = best_wall([sys.executable, "-c", "import sqlalchemy.orm"], args.runs, env)
    mapped = best_wall([sys.executable, "-c", MAPPED], args.runs, env)
    print(f"{'backend':<10}  {'measurement':<34} {'figure':>11}  {'floor':<28} {'':>11}  ratio")
    line("any", "the mapped models, configured", mapped, "import sqlalchemy.orm", bare)
    with databases(args.pg) as found:
        for backend, db in found:
            ids = prepare(db, 3 * args.n)
            floor = raw_writes(db, ids[args.n : 2 * args.n]) / args.n
            figure = advance(db, ids[: args.n]) / args.n
            line(backend, f"advance review x{args.n}, per item", figure, "raw SQL, per item", floor)
            core = core_writes(db, ids[2 * args.n :]) / args.n
            line(backend, "the same writes in SQLAlchemy Core", core, "raw SQL, per item", floor)
            show = [script, "--db", db.url, "--as", REVIEWER, "item", "show", str(ids[0])]
            figure = best_wall(show, args.runs, env)
            line(backend, "campusgate item show ID", figure, "import sqlalchemy.orm", bare)


if __name__ == "__main__":
    main()
