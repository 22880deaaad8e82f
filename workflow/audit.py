"""The audit trail (SPEC §5): append-only events, hash-chained per item.

Each event's hash is SHA-256 over the previous hash and a canonical JSON of the event. The
item keeps its last hash and its version (= the last event's ``seq``), so a deleted tail is
caught as well as an edited or deleted event in the middle.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from operator import attrgetter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from campusgate.models import Item, ItemEvent
from campusgate.workflow.clock import now_utc
from campusgate.workflow.messages import label


def _ts(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(
    *,
    item_id: int,
    seq: int,
    trigger: str,
    from_state: str | None,
    to_state: str,
    actor: str,
    at: datetime,
    as_of: date | None,
    reason: str | None,
    changes: dict[str, Any] | None,
) -> str:
    body = {
        "item": item_id,
        "seq": seq,
        "trigger": trigger,
        "from": from_state,
        "to": to_state,
        "actor": actor,
        "at": _ts(at),
        "as_of": as_of.isoformat() if as_of else None,
        "reason": reason,
        "changes": changes or None,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256((prev_hash + "\n" + content).encode("utf-8")).hexdigest()


def event_hash(event: ItemEvent) -> str:
    return chain_hash(
        event.prev_hash,
        canonical(
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
        ),
    )


def record(
    session: Session,
    item: Item,
    *,
    trigger: str,
    from_state: str | None,
    actor: str,
    reason: str | None = None,
    changes: dict[str, Any] | None = None,
    as_of: date | None = None,
) -> ItemEvent:
    """Append the event for a change to ``item`` and advance its version and last hash.

    The item's UPDATE is flushed first, checked against the version read at load time
    (optimistic lock): a writer that lost the race fails there (exit 6), before it inserts its
    event. The unique (item_id, seq) of the events is the backstop.
    """
    at = now_utc()
    item.updated_at = at
    if item.id is None:
        seq = item.version = 1
        item.last_hash = ""
        item.created_at = at
        session.add(item)
        session.flush()
    else:
        seq = item.version = item.version + 1
    event = ItemEvent(
        item_id=item.id,
        seq=seq,
        trigger=trigger,
        from_state=from_state,
        to_state=item.state,
        actor=actor,
        at=at,
        as_of=as_of,
        reason=reason,
        changes=changes or None,
        prev_hash=item.last_hash,
    )
    event.hash = event_hash(event)
    item.last_hash = event.hash
    session.flush()
    session.add(event)
    return event


@dataclass
class Verdict:
    ok: bool
    events: int
    first_broken: dict[str, Any] | None


def _broken(event: ItemEvent | None, item_id: int, seq: int, detail: str) -> dict[str, Any]:
    """The broken place; ``detail`` is a label key of ``workflow.messages``."""
    found: dict[str, Any] = {
        "item_id": item_id,
        "seq": seq,
        "detail": label(detail, "en"),
        "detail_code": detail,
    }
    if event is not None:
        found.update(id=event.id, trigger=event.trigger, actor=event.actor, at=_ts(event.at))
    return found


def verify(session: Session) -> Verdict:
    """Recompute every chain; name the first broken event in (item, seq) order.

    The events are streamed once, grouped by item, and merged with the items in id order, so
    an item whose events were all deleted is named in its place too.
    """
    items = {
        row.id: (row.version, row.last_hash)
        for row in session.execute(select(Item.id, Item.version, Item.last_hash))
    }
    item_ids = sorted(items)
    count = 0

    def check(item_id: int, events: Iterable[ItemEvent]) -> dict[str, Any] | None:
        nonlocal count
        version, last_hash = items.get(item_id, (None, None))
        prev_hash, last_seq = "", 0
        for event in events:
            count += 1
            if version is None:
                return _broken(event, item_id, event.seq, "orphan_events")
            if event.seq != last_seq + 1:
                return _broken(event, item_id, last_seq + 1, "seq_missing")
            if event.seq > version:
                return _broken(event, item_id, event.seq, "beyond_version")
            if event.prev_hash != prev_hash:
                return _broken(event, item_id, event.seq, "prev_hash_mismatch")
            if event_hash(event) != event.hash:
                return _broken(event, item_id, event.seq, "hash_mismatch")
            prev_hash, last_seq = event.hash, event.seq
        if last_seq != version or prev_hash != last_hash:
            return _broken(None, item_id, last_seq + 1, "tail_missing")
        return None

    stream = session.scalars(
        select(ItemEvent)
        .order_by(ItemEvent.item_id, ItemEvent.seq)
        .execution_options(yield_per=1000)
    )
    position = 0
    for item_id, events in groupby(stream, key=attrgetter("item_id")):
        if position < len(item_ids) and item_ids[position] < item_id:
            return Verdict(False, count, _broken(None, item_ids[position], 1, "no_events"))
        if position < len(item_ids) and item_ids[position] == item_id:
            position += 1
        if broken := check(item_id, events):
            return Verdict(False, count, broken)
    if position < len(item_ids):
        return Verdict(False, count, _broken(None, item_ids[position], 1, "no_events"))
    return Verdict(True, count, None)
