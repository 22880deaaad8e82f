"""The audit trail (SPEC §5): append-only, hash-chained events, checked by ``audit.verify``.

The events table refuses UPDATE and DELETE by trigger on both backends. To play a malicious
DBA the ``dba`` fixture first gets the trigger out of the way (and puts it back afterwards on
the shared PostgreSQL database), then edits rows with raw SQL.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from campusgate.models import Database, Item, ItemEvent
from campusgate.workflow import audit, items
from campusgate.workflow.items import Params
from tests.conftest import TODAY
from tests.org import apply, clue, on_ledger, refused, reviewed, set_quota, snapshot

Run = Callable[..., int]


def verify(db: Database) -> audit.Verdict:
    with db.read() as session:
        return audit.verify(session)


def event_count(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM item_events")).scalar_one())


def broken_at(db: Database) -> tuple[int, int]:
    verdict = verify(db)
    assert verdict.ok is False
    assert verdict.first_broken is not None
    return verdict.first_broken["item_id"], verdict.first_broken["seq"]


@pytest.fixture
def dba(db: Database) -> Iterator[Run]:
    """Raw SQL with the append-only trigger out of the way: ``dba(sql, **params)``."""
    if db.backend == "sqlite":
        off = ["DROP TRIGGER item_events_no_update", "DROP TRIGGER item_events_no_delete"]
    else:
        off = ["ALTER TABLE item_events DISABLE TRIGGER item_events_append_only"]
    with db.engine.begin() as conn:
        for statement in off:
            conn.execute(text(statement))

    def run(sql: str, **params: Any) -> int:
        with db.engine.begin() as conn:
            return int(conn.execute(text(sql), params).rowcount)

    yield run
    if db.backend == "postgresql":  # the PostgreSQL database outlives this test
        with db.engine.begin() as conn:
            conn.execute(text("ALTER TABLE item_events ENABLE TRIGGER item_events_append_only"))


@pytest.fixture
def life(db: Database) -> dict[str, int]:
    """A few items, by name: ``app`` (2 events: apply, review), ``ledger`` (5: clue, review,
    file, extend, publish), ``dropped`` (2: clue, revoke) and ``last`` (2: clue, review).
    """
    app = reviewed(db)
    ledger = on_ledger(db)  # clue, review, file
    items.fire(db, "zhao.lei", ledger, "extend", Params(deadline="2027-03-31", reason="寒假延期"))
    items.fire(db, "chen.jing", ledger, "publish", Params(result="已整改"))
    dropped = clue(db)
    items.fire(db, "wang.fang", dropped, "revoke", Params(reason="重复线索"))
    last = clue(db)
    items.fire(db, "wang.fang", last, "review")
    return {"app": app, "ledger": ledger, "dropped": dropped, "last": last}


def test_a_life_cycle_verifies(db, life):
    # the application goes all the way too
    set_quota(db, 5)
    items.fire(db, "zhao.lei", life["app"], "file")
    items.fire(db, "zhao.lei", life["app"], "publish", today=date(2027, 1, 5))
    verdict = verify(db)
    assert verdict.ok is True
    assert verdict.first_broken is None
    assert verdict.events == event_count(db) == 4 + 5 + 2 + 2


def test_an_empty_database_verifies(empty_db):
    verdict = verify(empty_db)
    assert (verdict.ok, verdict.events, verdict.first_broken) == (True, 0, None)


def test_every_hash_is_sha256_over_the_previous_hash_and_the_canonical_event(db, life):
    with db.read() as session:
        item = session.get(Item, life["ledger"])
        events = session.scalars(
            select(ItemEvent).where(ItemEvent.item_id == item.id).order_by(ItemEvent.seq)
        ).all()
        prev = ""
        for event in events:
            content = audit.canonical(
                item_id=event.item_id,
                seq=event.seq,
                trigger=event.trigger,
                from_state=event.from_state,
                to_state=event.to_state,
                actor=event.actor,
                at=event.at,
                as_of=event.as_of,
                reason=event.reason,
                changes=event.changes,
            )
            assert event.prev_hash == prev
            assert event.hash == hashlib.sha256((prev + "\n" + content).encode()).hexdigest()
            prev = event.hash
        # the item remembers the end of its chain: a deleted tail shows
        assert len(events) == 5
        assert (item.last_hash, item.version) == (prev, 5)

    # the canonical form is sorted, compact JSON of everything the event says
    extend = events[3]
    body = json.loads(
        audit.canonical(
            item_id=extend.item_id,
            seq=extend.seq,
            trigger=extend.trigger,
            from_state=extend.from_state,
            to_state=extend.to_state,
            actor=extend.actor,
            at=extend.at,
            as_of=extend.as_of,
            reason=extend.reason,
            changes=extend.changes,
        )
    )
    assert body == {
        "item": life["ledger"],
        "seq": 4,
        "trigger": "extend",
        "from": "filed",
        "to": "filed",
        "actor": "zhao.lei",
        "at": extend.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "as_of": TODAY,  # every event names the date it acted for (here the tests' drill)
        "reason": "寒假延期",
        "changes": {"deadline": ["2027-01-31", "2027-03-31"]},
    }


def test_the_events_table_is_append_only(db, life):
    before = snapshot(db)
    for statement in (
        "UPDATE item_events SET reason = 'x' WHERE seq = 1",
        "UPDATE item_events SET hash = prev_hash",
        "DELETE FROM item_events WHERE seq = 2",
        "DELETE FROM item_events",
    ):
        with pytest.raises(DBAPIError) as excinfo, db.engine.begin() as conn:
            conn.execute(text(statement))
        assert "append-only" in str(excinfo.value), statement
    assert snapshot(db) == before
    assert verify(db).ok is True


# --------------------------------------------------------------------------- tampering


def test_an_edited_reason_in_the_middle_is_caught(db, life, dba):
    item_id = life["ledger"]
    assert (
        dba(
            "UPDATE item_events SET reason = '责任人已整改' WHERE item_id = :i AND seq = 4",
            i=item_id,
        )
        == 1
    )
    verdict = verify(db)
    assert verdict.ok is False
    assert verdict.first_broken["item_id"] == item_id
    assert verdict.first_broken["seq"] == 4
    assert verdict.first_broken["trigger"] == "extend"
    assert "hash" in verdict.first_broken["detail"]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor", "he.jun"),
        ("changes", '{"deadline": ["2027-01-31", "2099-12-31"]}'),
    ],
)
def test_any_edited_field_is_caught(db, life, dba, column, value):
    item_id = life["ledger"]
    dba(f"UPDATE item_events SET {column} = :v WHERE item_id = :i AND seq = 3", v=value, i=item_id)
    assert broken_at(db) == (item_id, 3)


def test_an_edit_with_a_recomputed_hash_is_caught_at_the_next_event(db, life, dba):
    item_id = life["ledger"]
    dba("UPDATE item_events SET reason = '伪造' WHERE item_id = :i AND seq = 4", i=item_id)
    with db.read() as session:
        forged = session.scalar(
            select(ItemEvent).where(ItemEvent.item_id == item_id, ItemEvent.seq == 4)
        )
        new_hash = audit.event_hash(forged)
    dba("UPDATE item_events SET hash = :h WHERE item_id = :i AND seq = 4", h=new_hash, i=item_id)
    assert broken_at(db) == (item_id, 5)


def test_a_deleted_tail_is_caught_by_the_items_version_and_last_hash(db, life, dba):
    item_id = life["ledger"]
    assert dba("DELETE FROM item_events WHERE item_id = :i AND seq = 5", i=item_id) == 1
    assert broken_at(db) == (item_id, 5)


def test_a_deleted_tail_of_the_last_item_is_caught(db, life, dba):
    # no later event follows: the end of the stream must close the last chain too
    item_id = life["last"]
    dba("DELETE FROM item_events WHERE item_id = :i AND seq = 2", i=item_id)
    assert broken_at(db) == (item_id, 2)


def test_a_deleted_middle_event_is_caught(db, life, dba):
    item_id = life["ledger"]
    assert dba("DELETE FROM item_events WHERE item_id = :i AND seq = 2", i=item_id) == 1
    verdict = verify(db)
    assert verdict.ok is False
    assert (verdict.first_broken["item_id"], verdict.first_broken["seq"]) == (item_id, 2)
    assert "missing" in verdict.first_broken["detail"]


def test_a_changed_last_hash_is_caught(db, life, dba):
    item_id = life["ledger"]
    dba("UPDATE items SET last_hash = :h WHERE id = :i", h="0" * 64, i=item_id)
    assert broken_at(db)[0] == item_id


def test_a_changed_version_is_caught(db, life, dba):
    item_id = life["app"]
    dba("UPDATE items SET version = version - 1 WHERE id = :i", i=item_id)
    assert broken_at(db)[0] == item_id


def test_the_first_broken_event_is_named_in_item_and_seq_order(db, life, dba):
    # break a later item first, then an earlier item further down its chain
    dba("UPDATE item_events SET reason = 'x' WHERE item_id = :i AND seq = 1", i=life["dropped"])
    dba("UPDATE item_events SET actor = 'x' WHERE item_id = :i AND seq = 3", i=life["ledger"])
    dba("DELETE FROM item_events WHERE item_id = :i AND seq = 2", i=life["app"])
    assert broken_at(db) == (life["app"], 2)
    # repair the application, its row included: now the ledger item comes first
    dba(
        "UPDATE items SET version = 1, state = 'submitted', reviewed_by_id = NULL, last_hash = "
        "(SELECT hash FROM item_events WHERE item_id = :i AND seq = 1) WHERE id = :i",
        i=life["app"],
    )
    assert broken_at(db) == (life["ledger"], 3)


def test_an_item_stripped_of_all_events_is_named_first(db, life, dba):
    dba("DELETE FROM item_events WHERE item_id = :i", i=life["app"])  # the first item
    dba("UPDATE item_events SET reason = 'x' WHERE item_id = :i AND seq = 4", i=life["ledger"])
    assert broken_at(db) == (life["app"], 1)


def test_an_item_stripped_of_all_events_is_caught(db, life, dba):
    dba("DELETE FROM item_events WHERE item_id = :i", i=life["last"])
    assert broken_at(db) == (life["last"], 1)


def test_refused_transitions_write_no_event(db):
    item_id = apply(db)
    before = event_count(db)
    with refused(db, 4, en=("li.na", "review", "reviewer"), code="not_permitted"):
        items.fire(db, "li.na", item_id, "review")
    assert event_count(db) == before
    assert verify(db).ok is True


def append_forged(db: Database, item_id: int) -> int:
    """INSERT is allowed (append-only): add a well-chained event behind the item's back,
    without moving the item's version and last hash. Returns its seq."""
    with db.read() as session:
        last = session.scalars(
            select(ItemEvent).where(ItemEvent.item_id == item_id).order_by(ItemEvent.seq.desc())
        ).first()
        forged = ItemEvent(
            item_id=item_id,
            seq=last.seq + 1,
            trigger="revoke",
            from_state=last.to_state,
            to_state="revoked",
            actor="zhao.lei",
            at=last.at,
            as_of=None,
            reason="伪造",
            changes=None,
            prev_hash=last.hash,
        )
        forged.hash = audit.event_hash(forged)
    with db.write() as session:
        session.add(forged)
    return forged.seq


def test_a_forged_event_appended_behind_the_items_back_is_caught(db, life):
    item_id = life["ledger"]
    append_forged(db, item_id)
    assert broken_at(db)[0] == item_id


def test_a_forged_event_appended_is_named(db, life):
    item_id = life["ledger"]
    seq = append_forged(db, item_id)
    assert broken_at(db) == (item_id, seq)
