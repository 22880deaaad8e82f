"""SPEC §9 "correct under concurrency", measured on SQLite and on PostgreSQL.

Several OS processes (multiprocessing, ``spawn``: each child builds its own ``Database``) or
real CLI subprocesses fire on the same item, or file against one quota, at the same moment.
A ``before_write`` callback that waits on a ``Barrier`` makes every racer read the item's
version before anyone writes, so the losing paths are really taken. Whatever the
interleaving: exactly one wins, the others get exit 6 (or 5 once the winner's state is
visible), nothing is half-done, quotas hold and the audit chain verifies.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import queue as queue_module
import subprocess
import threading
import time
from typing import Any

import pytest
from sqlalchemy import func, select, text

from campusgate.models import Database, Item, ItemEvent
from campusgate.workflow import audit, items
from campusgate.workflow.errors import CampusgateError, ConcurrentChange
from campusgate.workflow.items import Params
from campusgate.workflow.scope import Tree, load_actor
from tests.backends import campusgate_command
from tests.org import apply, filed, reviewed, set_quota, snapshot, state

pytestmark = pytest.mark.slow

#: Seconds a whole race may take before it counts as a hang (spawn + imports included).
RACE_TIMEOUT = 60.0
#: Seconds a racer waits at the barrier for the others.
BARRIER_TIMEOUT = 30.0

OK, INTERNAL, REFUSED, CONFLICT = 0, 1, 5, 6


# --------------------------------------------------------------------------- child processes


def _fire_worker(
    url: str,
    login: str,
    item_id: int,
    trigger: str,
    reason: str | None,
    barrier: Any,
    results: Any,
    index: int,
) -> None:
    """One racer (runs in a spawned child): fire ``trigger`` and report the exit code."""
    db = Database(url)

    def wait_for_the_others() -> None:
        if barrier is not None:
            barrier.wait(timeout=BARRIER_TIMEOUT)

    try:
        items.fire(
            db, login, item_id, trigger, Params(reason=reason), before_write=wait_for_the_others
        )
        results.put((index, OK, None))
    except CampusgateError as exc:
        results.put((index, exc.exit_code, exc.code))
    except BaseException as exc:  # reported, so the parent fails with the reason
        results.put((index, INTERNAL, f"{type(exc).__name__}: {exc}"))
    finally:
        db.dispose()


def _race(
    url: str, jobs: list[tuple[str, int, str, str | None]], *, barrier: bool = True
) -> list[tuple[int, str | None]]:
    """Run ``(login, item_id, trigger, reason)`` jobs in parallel processes; their outcomes
    (exit code, error code) in job order. A hang or a crash fails the test."""
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    gate = ctx.Barrier(len(jobs)) if barrier else None
    procs = [
        ctx.Process(
            target=_fire_worker,
            args=(url, login, item_id, trigger, reason, gate, results, index),
            daemon=True,
        )
        for index, (login, item_id, trigger, reason) in enumerate(jobs)
    ]
    for proc in procs:
        proc.start()
    outcomes: dict[int, tuple[int, str | None]] = {}
    deadline = time.monotonic() + RACE_TIMEOUT
    try:
        while len(outcomes) < len(procs):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                index, code, detail = results.get(timeout=remaining)
            except queue_module.Empty:
                break
            outcomes[index] = (code, detail)
    finally:
        for proc in procs:
            proc.join(timeout=max(0.5, deadline - time.monotonic()))
        for proc in procs:
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)
        results.close()
    assert len(outcomes) == len(procs), (
        f"racers hung or died: outcomes {outcomes}, exit codes {[p.exitcode for p in procs]}"
    )
    return [outcomes[i] for i in range(len(jobs))]


# --------------------------------------------------------------------------- helpers


def _events(db: Database, item_id: int) -> list[ItemEvent]:
    with db.read() as session:
        return list(
            session.scalars(
                select(ItemEvent).where(ItemEvent.item_id == item_id).order_by(ItemEvent.seq)
            )
        )


def _version(db: Database, item_id: int) -> int:
    with db.read() as session:
        return int(session.scalar(select(Item.version).where(Item.id == item_id)) or 0)


def _count_state(db: Database, wanted: str) -> int:
    with db.read() as session:
        return int(
            session.scalar(select(func.count()).select_from(Item).where(Item.state == wanted)) or 0
        )


def _assert_audit_ok(db: Database) -> None:
    with db.read() as session:
        verdict = audit.verify(session)
    assert verdict.ok, verdict.first_broken


def _codes(outcomes: list[tuple[int, str | None]]) -> list[int]:
    return [code for code, _ in outcomes]


# --------------------------------------------------------------------------- a. same item


def test_same_transition_many_processes_exactly_one_wins(db: Database) -> None:
    item_id = apply(db)
    logins = ["wang.fang", "liu.yang", "wang.fang", "liu.yang"]
    outcomes = _race(db.url, [(login, item_id, "review", None) for login in logins])

    codes = _codes(outcomes)
    assert codes.count(OK) == 1, outcomes
    assert all(code == CONFLICT for code in codes if code != OK), outcomes
    assert all(detail == "concurrent_change" for code, detail in outcomes if code != OK)

    winner = logins[codes.index(OK)]
    assert state(db, item_id) == "reviewed"
    assert _version(db, item_id) == 2
    events = _events(db, item_id)
    assert [(e.seq, e.trigger) for e in events] == [(1, "apply"), (2, "review")]
    assert events[1].actor == winner
    _assert_audit_ok(db)


def test_different_triggers_race_on_one_item(db: Database) -> None:
    """An approver filing and a reviewer returning the same application at once."""
    set_quota(db, 5)
    item_id = reviewed(db)
    jobs = [
        ("zhao.lei", item_id, "file", None),
        ("wang.fang", item_id, "return", "材料不全"),
        ("qian.min", item_id, "file", None),
        ("liu.yang", item_id, "return", "依据不足"),
    ]
    outcomes = _race(db.url, jobs)

    codes = _codes(outcomes)
    assert codes.count(OK) == 1, outcomes
    assert all(code == CONFLICT for code in codes if code != OK), outcomes
    login, _, trigger, _ = jobs[codes.index(OK)]
    assert state(db, item_id) == ("filed" if trigger == "file" else "submitted")
    assert _version(db, item_id) == 3
    events = _events(db, item_id)
    assert [e.trigger for e in events] == ["apply", "review", trigger]
    assert events[-1].actor == login
    _assert_audit_ok(db)


# --------------------------------------------------------------------------- b. quota


@pytest.mark.parametrize("barrier", [True, False], ids=["barrier", "free-race"])
def test_parallel_filing_never_exceeds_the_quota(db: Database, barrier: bool) -> None:
    set_quota(db, 3)
    filed(db, title="已备案事项")
    candidates = [reviewed(db, title=f"待备案事项{i}") for i in range(5)]
    approvers = ["zhao.lei", "qian.min"]
    jobs = [(approvers[i % 2], item_id, "file", None) for i, item_id in enumerate(candidates)]
    outcomes = _race(db.url, jobs, barrier=barrier)

    codes = _codes(outcomes)
    assert codes.count(OK) == 2, outcomes
    refused = [outcome for outcome in outcomes if outcome[0] != OK]
    assert refused == [(REFUSED, "quota_exceeded")] * 3, outcomes
    assert _count_state(db, "filed") == 3
    for item_id, code in zip(candidates, codes, strict=True):
        assert state(db, item_id) == ("filed" if code == OK else "reviewed")
        assert len(_events(db, item_id)) == (3 if code == OK else 2)
    _assert_audit_ok(db)


# --------------------------------------------------------------------------- c. the CLI


def test_cli_processes_race_on_one_item(db: Database) -> None:
    item_id = apply(db)
    env = dict(os.environ)  # CAMPUSGATE_TODAY (autouse fixture) reaches the children
    assert env.get("CAMPUSGATE_TODAY") == "2026-12-01"
    logins = ["wang.fang", "liu.yang", "wang.fang", "liu.yang"]
    procs = [
        subprocess.Popen(
            [
                *campusgate_command(),
                "--db",
                db.url,
                "--as",
                login,
                "advance",
                "review",
                str(item_id),
                "--json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=env,
            text=True,
        )
        for login in logins
    ]
    outputs: list[tuple[int, str, str]] = []
    try:
        for proc in procs:
            out, err = proc.communicate(timeout=RACE_TIMEOUT)
            outputs.append((proc.returncode, out, err))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()

    codes = [code for code, _, _ in outputs]
    assert codes.count(OK) == 1, outputs
    for code, out, err in outputs:
        assert code in (OK, REFUSED, CONFLICT), (code, out, err)
        assert "Traceback" not in err, err
        doc = json.loads(out)  # exactly one JSON document, nothing else on stdout
        (result,) = doc["results"]
        assert result["id"] == item_id
        if code == OK:
            assert result["ok"] is True and result["state"] == "reviewed"
        else:
            assert result["ok"] is False
            # read after the winner committed: wrong state (5); read before: conflict (6)
            expected = "state_refused" if code == REFUSED else "concurrent_change"
            assert result["error"]["code"] == expected, result
            assert result["error"]["exit"] == code

    assert state(db, item_id) == "reviewed"
    assert _version(db, item_id) == 2
    events = _events(db, item_id)
    assert [e.trigger for e in events] == ["apply", "review"]
    assert events[1].actor == logins[codes.index(OK)]
    _assert_audit_ok(db)

    verify = subprocess.run(
        [*campusgate_command(), "--db", db.url, "--as", "admin", "audit", "verify", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=RACE_TIMEOUT,
    )
    assert verify.returncode == 0, verify
    report = json.loads(verify.stdout)
    assert report["ok"] is True and report["first_broken"] is None


# --------------------------------------------------------------------------- d. the loser


def test_loser_after_a_commit_writes_nothing(db: Database) -> None:
    """Someone else's transition commits between our snapshot and our write: exit 6, and
    the database is exactly as the winner left it."""
    set_quota(db, 5)
    item_id = reviewed(db)
    after_winner: dict[str, Any] = {}

    def someone_else_first() -> None:
        items.fire(db, "zhao.lei", item_id, "file")
        after_winner.update(snapshot(db))

    with pytest.raises(ConcurrentChange) as caught:
        items.fire(
            db,
            "wang.fang",
            item_id,
            "return",
            Params(reason="材料不全"),
            before_write=someone_else_first,
        )
    assert caught.value.exit_code == CONFLICT
    assert caught.value.params["id"] == item_id
    assert snapshot(db) == after_winner
    assert state(db, item_id) == "filed"
    assert _version(db, item_id) == 3
    assert [e.trigger for e in _events(db, item_id)] == ["apply", "review", "file"]
    _assert_audit_ok(db)


def _wait_until_blocked(db: Database, loser: threading.Thread, timeout: float = 10.0) -> None:
    """Until the loser waits on the winner's lock (PostgreSQL: a lock wait in our database;
    SQLite: its BEGIN IMMEDIATE is still queued on the busy timeout)."""
    deadline = time.monotonic() + timeout
    if db.backend == "postgresql":
        query = text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        while time.monotonic() < deadline:
            with db.engine.connect() as conn:
                if conn.scalar(query):
                    return
            assert loser.is_alive(), "the loser finished while the winner held its lock"
            time.sleep(0.02)
        pytest.fail("the loser never waited on the winner's row lock")
    time.sleep(0.5)
    assert loser.is_alive(), "the loser did not wait for the winner's write lock"


def test_loser_blocked_behind_an_uncommitted_winner_writes_nothing(db: Database) -> None:
    """The winner has written but not committed when the loser reads and tries to write.

    PostgreSQL: the loser still sees the old version, passes the version check, and its
    first write waits on the winner; once the winner commits, that write fails (the
    event's (item_id, seq) is taken; the version-checked UPDATE would fail too).
    SQLite: the loser's BEGIN IMMEDIATE queues behind the winner, then it sees the new
    version. Both: exit 6, nothing written."""
    item_id = reviewed(db)
    other = Database(db.url)
    outcome: dict[str, Any] = {}

    def loser() -> None:
        try:
            outcome["view"] = items.fire(
                other, "liu.yang", item_id, "return", Params(reason="退回")
            )
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=loser, daemon=True)
    try:
        with db.write() as session:
            actor = load_actor(session, "zhao.lei")
            tree = Tree.load(session)
            item = session.get(Item, item_id)
            assert item is not None
            items.transition(session, actor, item, "revoke", Params(reason="撤销"), tree)
            session.flush()
            thread.start()
            _wait_until_blocked(db, thread)
        thread.join(timeout=RACE_TIMEOUT)
        assert not thread.is_alive(), "the loser hung after the winner committed"
    finally:
        other.dispose()

    error = outcome.get("error")
    assert isinstance(error, ConcurrentChange), outcome
    assert error.exit_code == CONFLICT
    assert error.params["id"] == item_id
    assert state(db, item_id) == "revoked"
    assert _version(db, item_id) == 3
    events = _events(db, item_id)
    assert [(e.trigger, e.actor) for e in events] == [
        ("apply", "li.na"),
        ("review", "wang.fang"),
        ("revoke", "zhao.lei"),
    ]
    _assert_audit_ok(db)


def test_reinstate_waits_for_a_clue_being_linked_to_the_item(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SPEC §3.1: reinstate is refused while a linked rectification item is open, also when
    that item is being added at the same moment. The clue's transaction locks the item; the
    reinstate waits for it, then sees the open item and is refused."""
    set_quota(db, 5, year=2026)
    item_id = filed(db, year=2026)
    items.fire(db, "zhao.lei", item_id, "publish")
    items.fire(db, "zhao.lei", item_id, "suspend", Params(reason="效果不佳"))

    inside, release = threading.Event(), threading.Event()
    original = audit.record

    def record_and_hold(session: Any, item: Item, **kw: Any) -> Any:
        event = original(session, item, **kw)
        if kw.get("trigger") == "clue":  # hold the clue's transaction open
            inside.set()
            release.wait(30)
        return event

    monkeypatch.setattr(audit, "record", record_and_hold)
    outcome: dict[str, Any] = {}

    def link() -> None:
        outcome["clue"] = items.add_clue(
            db,
            "wang.fang",
            jurisdiction="鹤壁市",
            source="evaluation",
            aspect="social-affairs",
            summary="评估发现问题",
            linked_item=item_id,
        )["id"]

    def reinstate() -> None:
        try:
            items.fire(db, "zhao.lei", item_id, "reinstate", Params(reason="已整改"))
            outcome["reinstate"] = 0
        except CampusgateError as exc:
            outcome["reinstate"] = (exc.exit_code, exc.code)

    linking = threading.Thread(target=link)
    linking.start()
    assert inside.wait(30)
    reinstating = threading.Thread(target=reinstate)
    reinstating.start()
    time.sleep(1.0)
    assert reinstating.is_alive(), "reinstate did not wait for the clue's transaction"
    release.set()
    linking.join(30)
    reinstating.join(30)
    assert outcome["reinstate"] == (5, "linked_open")
    assert state(db, item_id) == "suspended"
    _assert_audit_ok(db)


def test_advance_of_many_items_refuses_one_changed_since_its_snapshot(db: Database) -> None:
    """``advance`` reads the versions of all its items at once; an item another user changes
    while the command works through the others is refused with 6 and nothing written for it,
    the rest go through."""
    first, second, third = apply(db), apply(db), apply(db)
    outcomes = items.fire_each(db, "wang.fang", [first, second, third], "review")
    expected = {"kind": "whitelist", "state": "reviewed", "version": 2, "notices": []}
    assert next(outcomes) == (first, {"id": first, **expected})
    items.fire(db, "liu.yang", second, "review")  # someone else, in between
    before = snapshot(db)
    item_id, refusal = next(outcomes)
    assert item_id == second and isinstance(refusal, ConcurrentChange)
    assert (refusal.exit_code, refusal.code) == (6, "concurrent_change")
    assert snapshot(db) == before
    assert next(outcomes)[1] == {"id": third, **expected}
    assert [e["actor"] for e in items.show_item(db, "admin", second)["history"]] == [
        "li.na",
        "liu.yang",
    ]


def test_advance_decides_each_id_in_the_order_of_spec_7(db: Database) -> None:
    """A malformed id is input: it refuses the whole call (2) first. Then per id: an unknown
    item (3), then the unknown acting user (3)."""
    mine = apply(db)
    found = dict(items.fire_each(db, "nobody", ["abc", "999999", str(mine)], "review"))
    assert {k: (e.exit_code, e.code) for k, e in found.items()} == {
        "abc": (2, "invalid_id"),
        "999999": (2, "invalid_id"),
        str(mine): (2, "invalid_id"),
    }
    found = dict(items.fire_each(db, "nobody", ["999999", str(mine)], "review"))
    assert {k: (e.exit_code, e.code) for k, e in found.items()} == {
        "999999": (3, "no_item"),
        str(mine): (3, "no_acting_user"),
    }
    found = dict(items.fire_each(db, "wang.fang", [str(mine), "abc"], "frobnicate"))
    assert {e.code for e in found.values()} == {"unknown_trigger"}
    assert state(db, mine) == "submitted"
