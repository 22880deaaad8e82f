"""The audit trail (SPEC §5): append-only events, hash-chained per item and for the
organisation, and checkpoints of the whole log.

Each event's hash is SHA-256 over the previous hash and a canonical JSON of the event. The
item keeps its last hash and its version (= the last event's ``seq``), so a deleted tail is
caught as well as an edited or deleted event in the middle. The organisation's events form
one chain in ``seq`` order. A checkpoint's head is a digest over every event up to a point
(with the counts): recorded in the database and kept outside it, it shows whole items or
organisation events deleted, which no chain inside the database can show on its own.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Insert, Update, bindparam, func, insert, inspect, select, text, update
from sqlalchemy.orm import Session

from campusgate.models import (
    Checkpoint,
    Database,
    Department,
    Item,
    ItemEvent,
    Jurisdiction,
    OrgEvent,
    Quota,
    School,
    User,
)
from campusgate.workflow import clock
from campusgate.workflow.clock import now_utc
from campusgate.workflow.errors import ConcurrentChange, InvalidInput
from campusgate.workflow.messages import OsReason, label
from campusgate.workflow.scope import Actor, require_admin
from campusgate.workflow.tx import writing


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
    writes: Writes | None = None,
) -> None:
    """Append the event for a change to ``item`` and advance its version and last hash.

    A stored item is written by two statements: its UPDATE, checked against the version read
    at load time (optimistic lock: a writer that lost the race fails there, exit 6, before it
    inserts its event), then the event's INSERT; the unique (item_id, seq) of the events is
    the backstop. Given ``writes``, both wait there to be written with others'. A new item is
    added and flushed first, for its id.
    """
    at = now_utc()
    item.updated_at = at
    if item.id is None:
        seq = item.version = 1
        item.last_hash = ""
        item.created_at = at
        session.add(item)
        session.flush()
        seen = None
    else:
        seen = item.version
        seq = item.version = item.version + 1
    values: dict[str, Any] = {
        "item_id": item.id,
        "seq": seq,
        "trigger": trigger,
        "from_state": from_state,
        "to_state": item.state,
        "actor": actor,
        "at": at,
        # every event names the date it acted for: the job's or drill's date, else today
        "as_of": as_of or clock.today(),
        "reason": reason,
        "changes": changes or None,
        "prev_hash": item.last_hash,
    }
    values["hash"] = item.last_hash = chain_hash(
        item.last_hash, canonical(**{k: v for k, v in values.items() if k != "prev_hash"})
    )
    if seen is None or not _write_changed(session, item, seen, values, writes):
        session.add(ItemEvent(**values))


class Writes:
    """Items' UPDATEs and their events' INSERTs, written together (executemany) by
    ``write``: a job changing many items in one transaction makes a few statements."""

    def __init__(self) -> None:
        self.updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        self.events: list[dict[str, Any]] = []

    def write(self, session: Session) -> None:
        """Everything held, written; a stale version (a lost race) is exit 6."""
        conn = session.connection()
        for names, rows in self.updates.items():
            if conn.execute(_updating(names), rows).rowcount != len(rows):
                raise ConcurrentChange("concurrent_write")
        if self.events:
            conn.execute(_statements()[2], self.events)
        self.updates, self.events = {}, []


def _write_changed(
    session: Session, item: Item, seen: int, event: dict[str, Any], writes: Writes | None
) -> bool:
    """The item's changed columns and its event, written to the database (or held in
    ``writes``), and the item left clean; False (nothing written) where a
    relationship changed, for the unit of work to write."""
    item_columns, event_columns, _ = _statements()
    state = inspect(item)
    # The attributes set since load: the keys of their loaded values.
    changed = {key: state.dict.get(key) for key in state.committed_state}
    if not changed.keys() <= item_columns.keys():
        return False
    row = {item_columns[key]: value for key, value in changed.items()}
    now = writes is None
    writes = Writes() if writes is None else writes
    writes.updates.setdefault(tuple(sorted(row)), []).append(
        {**row, "item_id": item.id, "seen": seen}
    )
    writes.events.append({name: event[key] for key, name in event_columns.items()})
    if now:
        writes.write(session)
    # What the unit of work does after its own flush: the values stand as loaded, and the
    # commit has nothing left to write for the item.
    state._commit_all(state.dict, session.identity_map)
    return True


@functools.cache
def _statements() -> tuple[dict[str, str], dict[str, str], Insert]:
    """Attribute to column names of items and events, and the event's INSERT."""
    items, events = (
        {prop.key: prop.columns[0].key for prop in inspect(model).column_attrs}
        for model in (Item, ItemEvent)
    )
    del events["id"]
    table = ItemEvent.__table__
    return items, events, insert(table).values({name: bindparam(name) for name in events.values()})


@functools.cache
def _updating(names: tuple[str, ...]) -> Update:
    """The version-checked UPDATE of an item's columns ``names``."""
    table = Item.__table__
    return (
        update(table)
        .where(table.c.id == bindparam("item_id"), table.c.version == bindparam("seen"))
        .values({name: bindparam(name) for name in names})
    )


# --------------------------------------------------------------------------- organisation


def _names(session: Session, model: type[Jurisdiction] | type[Department]) -> dict[int, str]:
    return {row.id: row.name for row in session.execute(select(model.id, model.name))}


def _jurisdiction_states(session: Session, key: str | None) -> dict[str, dict[str, Any]]:
    names = _names(session, Jurisdiction)
    query = select(Jurisdiction)
    if key is not None:
        query = query.where(Jurisdiction.name == key)
    return {
        row.name: {
            "level": row.level,
            "parent": names.get(row.parent_id) if row.parent_id else None,
        }
        for row in session.scalars(query)
    }


def _placed_states(
    model: type[Department] | type[School],
) -> Callable[[Session, str | None], dict[str, dict[str, Any]]]:
    def states(session: Session, key: str | None) -> dict[str, dict[str, Any]]:
        names = _names(session, Jurisdiction)
        query = select(model.name, model.jurisdiction_id)
        if key is not None:
            query = query.where(model.name == key)
        return {name: {"jurisdiction": names[jid]} for name, jid in session.execute(query)}

    return states


def _user_states(session: Session, key: str | None) -> dict[str, dict[str, Any]]:
    places, departments = _names(session, Jurisdiction), _names(session, Department)
    query = select(User)
    if key is not None:
        query = query.where(User.login == key)
    return {
        user.login: {
            "name": user.name,
            "email": user.email,
            "jurisdiction": places[user.jurisdiction_id],
            "department": departments.get(user.department_id) if user.department_id else None,
            "roles": sorted(user.roles),
        }
        for user in session.scalars(query)
    }


def quota_key(jurisdiction: str, year: int) -> str:
    return f"{jurisdiction}/{year}"


def _quota_states(session: Session, key: str | None) -> dict[str, dict[str, Any]]:
    names = _names(session, Jurisdiction)
    found = {
        quota_key(names[row.jurisdiction_id], row.year): {
            "max_items": row.max_items,
            "per_school_max": row.per_school_max,
        }
        for row in session.scalars(select(Quota))
    }
    return found if key is None else {k: v for k, v in found.items() if k == key}


#: How each organisation entity reads its rows as ``{key: description}`` (``key`` given: only
#: that one). ``audit.verify`` compares every entity listed here with what its events say;
#: another entity (tokens) registers its reader with ``register_org_entity``.
ORG_ENTITIES: dict[str, Callable[[Session, str | None], dict[str, dict[str, Any]]]] = {
    "jurisdiction": _jurisdiction_states,
    "department": _placed_states(Department),
    "school": _placed_states(School),
    "user": _user_states,
    "quota": _quota_states,
}


def register_org_entity(
    entity: str, states: Callable[[Session, str | None], dict[str, dict[str, Any]]]
) -> None:
    ORG_ENTITIES[entity] = states


def org_state(session: Session, entity: str, key: str) -> dict[str, Any] | None:
    """The description of one entity as it is now (``None``: it does not exist)."""
    session.flush()
    return ORG_ENTITIES[entity](session, key).get(key)


def org_canonical(event: OrgEvent) -> str:
    body = {
        "seq": event.seq,
        "entity": event.entity,
        "key": event.key,
        "action": event.action,
        "actor": event.actor,
        "at": _ts(event.at),
        "as_of": event.as_of.isoformat() if event.as_of else None,
        "before": event.before,
        "after": event.after,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def org_event_hash(event: OrgEvent) -> str:
    return chain_hash(event.prev_hash, org_canonical(event))


#: The PostgreSQL advisory lock that orders writers of the organisation's chain.
ORG_CHAIN_LOCK = 0x6F7267  # "org"


def record_org(
    session: Session,
    actor: str,
    entity: str,
    key: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    action: str | None = None,
    as_of: date | None = None,
) -> OrgEvent | None:
    """Append the organisation event for ``entity`` ``key`` changing from ``before`` to
    ``after`` (``None``: absent); nothing when they are equal. ``action`` defaults to
    created / updated / deleted.

    Writers of the chain queue on an advisory lock on PostgreSQL (SQLite's write lock does the
    same), and the next ``seq`` is unique besides.
    """
    if before == after:
        return None
    if action is None:
        action = "created" if before is None else "deleted" if after is None else "updated"
    if session.get_bind().dialect.name == "postgresql":  # organisers queue for the next seq
        session.execute(select(func.pg_advisory_xact_lock(ORG_CHAIN_LOCK)))
    last = session.execute(
        select(OrgEvent.seq, OrgEvent.hash).order_by(OrgEvent.seq.desc()).limit(1)
    ).first()
    event = OrgEvent(
        seq=last.seq + 1 if last else 1,
        entity=entity,
        key=key,
        action=action,
        actor=actor,
        at=now_utc(),
        as_of=as_of or clock.today(),
        before=before,
        after=after,
        prev_hash=last.hash if last else "",
    )
    event.hash = org_event_hash(event)
    session.add(event)
    session.flush()
    return event


def record_baseline(session: Session, actor: str) -> int:
    """Record the organisation as it stands as events (action ``recorded``): for a database
    whose organisation predates its events. Returns the number of events written."""
    written = 0
    for entity, states in ORG_ENTITIES.items():
        for key, state in sorted(states(session, None).items()):
            record_org(session, actor, entity, key, None, state, action="recorded")
            written += 1
    return written


# --------------------------------------------------------------------------- verify


@dataclass
class Verdict:
    ok: bool
    events: int
    first_broken: dict[str, Any] | None
    org_events: int = 0
    checkpoints: int = 0


@dataclass
class _Findings:
    """Every break found, in the order found; the first one is reported."""

    found: list[dict[str, Any]] = field(default_factory=list)

    def add(self, broken: dict[str, Any]) -> None:
        self.found.append(broken)

    @property
    def first(self) -> dict[str, Any] | None:
        return self.found[0] if self.found else None


def _detail(found: dict[str, Any], detail: str, what: str | None = None) -> dict[str, Any]:
    found["detail_code"] = detail
    found["detail"] = label(detail, "en") + (f": {what}" if what else "")
    if what:
        found["what"] = what
    return found


def _broken(
    event: ItemEvent | None, item_id: int, seq: int, detail: str, what: str | None = None
) -> dict[str, Any]:
    """The broken place; ``detail`` is a label key of ``workflow.messages``."""
    found: dict[str, Any] = {"chain": "item", "item_id": item_id, "seq": seq}
    if event is not None:
        found.update(id=event.id, trigger=event.trigger, actor=event.actor, at=_ts(event.at))
    return _detail(found, detail, what)


#: What an item's row says that its events must agree with: the row's value, and the value
#: its events lead to (``replay``).
_ROW_FIELDS = ("state", "applied_by", "reviewed_by", "ratified_by", "deadline", "owner")


@dataclass
class _Replay:
    """An item's row as its events tell it."""

    state: str | None = None
    applied_by: str | None = None
    reviewed_by: str | None = None
    ratified_by: str | None = None
    deadline: str | None = None
    owner: str | None = None

    def apply(self, event: ItemEvent) -> None:
        changes = event.changes or {}
        if self.applied_by is None and event.seq == 1:
            self.applied_by = (changes.get("applied_by") or [None, event.actor])[1]
        self.state = event.to_state
        if event.trigger == "review":
            self.reviewed_by = event.actor
        elif event.trigger == "return":
            self.reviewed_by = None
        if "ratified_by" in changes:
            self.ratified_by = changes["ratified_by"][1]
        elif changes.get("ratified") == [True, False]:
            self.ratified_by = None
        for name in ("deadline", "owner"):
            if name in changes:
                setattr(self, name, changes[name][1])


def _item_rows(session: Session) -> dict[int, dict[str, Any]]:
    logins = {row.id: row.login for row in session.execute(select(User.id, User.login))}
    query = select(
        Item.id,
        Item.version,
        Item.last_hash,
        Item.state,
        Item.applied_by_id,
        Item.reviewed_by_id,
        Item.ratified_by_id,
        Item.deadline,
        Item.owner_id,
    )
    return {
        row.id: {
            "version": row.version,
            "last_hash": row.last_hash,
            "state": row.state,
            "applied_by": logins.get(row.applied_by_id),
            "reviewed_by": logins.get(row.reviewed_by_id) if row.reviewed_by_id else None,
            "ratified_by": logins.get(row.ratified_by_id) if row.ratified_by_id else None,
            "deadline": row.deadline.isoformat() if row.deadline else None,
            "owner": logins.get(row.owner_id) if row.owner_id else None,
        }
        for row in session.execute(query)
    }


def _verify_items(session: Session, findings: _Findings) -> int:
    """Recompute every item's chain and replay it against the item's row; the events are
    streamed once, grouped by item, and merged with the items in id order, so an item whose
    events were all deleted is named in its place too. Returns the number of events."""
    rows = _item_rows(session)
    item_ids = sorted(rows)
    count = 0

    def check(item_id: int, events: Iterator[ItemEvent]) -> dict[str, Any] | None:
        nonlocal count
        row = rows.get(item_id)
        prev_hash, last_seq = "", 0
        replay = _Replay()
        for event in events:
            count += 1
            if row is None:
                return _broken(event, item_id, event.seq, "orphan_events")
            if event.seq != last_seq + 1:
                return _broken(event, item_id, last_seq + 1, "seq_missing")
            if event.seq > row["version"]:
                return _broken(event, item_id, event.seq, "beyond_version")
            if event.prev_hash != prev_hash:
                return _broken(event, item_id, event.seq, "prev_hash_mismatch")
            if event_hash(event) != event.hash:
                return _broken(event, item_id, event.seq, "hash_mismatch")
            prev_hash, last_seq = event.hash, event.seq
            replay.apply(event)
        assert row is not None
        if last_seq != row["version"] or prev_hash != row["last_hash"]:
            return _broken(None, item_id, last_seq + 1, "tail_missing")
        for name in _ROW_FIELDS:
            if row[name] != getattr(replay, name):
                what = f"{name} {row[name]!r} ≠ {getattr(replay, name)!r}"
                return _broken(None, item_id, last_seq, "item_row_mismatch", what)
        return None

    stream = session.scalars(
        select(ItemEvent)
        .order_by(ItemEvent.item_id, ItemEvent.seq)
        .execution_options(yield_per=1000)
    )
    position = 0
    for item_id, events in groupby(stream, key=attrgetter("item_id")):
        while position < len(item_ids) and item_ids[position] < item_id:
            findings.add(_broken(None, item_ids[position], 1, "no_events"))
            position += 1
        if position < len(item_ids) and item_ids[position] == item_id:
            position += 1
        if broken := check(item_id, events):
            findings.add(broken)
            count += sum(1 for _ in events)  # the rest of a broken chain still counts
    for item_id in item_ids[position:]:
        findings.add(_broken(None, item_id, 1, "no_events"))
    return count


def _org_broken(
    event: OrgEvent | None, seq: int, detail: str, what: str | None = None, **where: Any
) -> dict[str, Any]:
    found: dict[str, Any] = {"chain": "org", "seq": seq, **where}
    if event is not None:
        found.update(
            id=event.id, entity=event.entity, key=event.key, actor=event.actor, at=_ts(event.at)
        )
    return _detail(found, detail, what)


def _difference(row: dict[str, Any] | None, told: dict[str, Any] | None) -> str:
    """What a row says against what its events say, e.g. ``roles ['admin'] ≠ []``."""
    if row is None or told is None:
        return f"{'-' if row is None else 'exists'} ≠ {'-' if told is None else 'exists'}"
    names = sorted(name for name in set(row) | set(told) if row.get(name) != told.get(name))
    return "; ".join(f"{name} {row.get(name)!r} ≠ {told.get(name)!r}" for name in names)


def _verify_org(session: Session, findings: _Findings) -> int:
    """Recompute the organisation's chain and replay it against the organisation's rows."""
    told: dict[tuple[str, str], dict[str, Any] | None] = {}
    prev_hash, last_seq, count, broken = "", 0, 0, False
    stream = session.scalars(
        select(OrgEvent).order_by(OrgEvent.seq).execution_options(yield_per=1000)
    )
    for event in stream:
        count += 1
        if broken:
            continue
        if event.seq != last_seq + 1:
            findings.add(_org_broken(event, last_seq + 1, "seq_missing"))
        elif event.prev_hash != prev_hash:
            findings.add(_org_broken(event, event.seq, "prev_hash_mismatch"))
        elif org_event_hash(event) != event.hash:
            findings.add(_org_broken(event, event.seq, "hash_mismatch"))
        else:
            prev_hash, last_seq = event.hash, event.seq
            told[(event.entity, event.key)] = event.after
            continue
        broken = True
    if broken:
        return count
    for entity, states in ORG_ENTITIES.items():
        rows = states(session, None)
        told_here = {key: after for (e, key), after in told.items() if e == entity}
        for key in sorted(set(rows) | set(told_here)):
            if rows.get(key) != told_here.get(key):
                what = _difference(rows.get(key), told_here.get(key))
                findings.add(
                    _org_broken(None, last_seq, "org_row_mismatch", what, entity=entity, key=key)
                )
                return count
    return count


def verify(session: Session, against: Iterable[dict[str, Any]] = ()) -> Verdict:
    """Recompute every chain, replay it against the rows it describes, and check the log
    against every checkpoint recorded in the database and every one in ``against``.

    Every event is counted even after a break; the first break is named: items in (item,
    seq) order, then the organisation, then the checkpoints. ``session`` is fresh: on
    PostgreSQL its transaction reads one snapshot (REPEATABLE READ).
    """
    if session.get_bind().dialect.name == "postgresql":  # one snapshot for every statement
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    findings = _Findings()
    count = _verify_items(session, findings)
    org_count = _verify_org(session, findings)
    recorded = [
        {**checkpoint_view(row), "source": "database"}
        for row in session.scalars(select(Checkpoint).order_by(Checkpoint.id))
    ]
    marks = recorded + list(against)
    for mark, now in zip(marks, heads_at(session, marks), strict=True):
        _compare(mark, now, findings)
    first = findings.first
    return Verdict(first is None, count, first, org_count, len(marks))


# --------------------------------------------------------------------------- checkpoints

CHECKPOINT_FORMAT = "campusgate-audit-checkpoint/1"
#: The keys a checkpoint must carry to be checked, with their types.
CHECKPOINT_KEYS = {
    "head": str,
    "items": int,
    "item_events": int,
    "last_item_event": int,
    "org_events": int,
    "last_org_event": int,
}


def _head(items: int, item_events: int, item_fold: str, org_events: int, org_fold: str) -> str:
    body = f"{CHECKPOINT_FORMAT}\n{items} {item_events} {item_fold}\n{org_events} {org_fold}"
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _folds(
    rows: Iterable[tuple[int, int, str]], stops: list[int]
) -> dict[int, tuple[int, int, str]]:
    """(distinct chains, events, fold) at each stop of ``rows`` (position, chain, line), which
    come in position order; the fold chains each line onto the one before."""
    at: dict[int, tuple[int, int, str]] = {}
    if not stops:
        return at
    fold, count, chains = "", 0, set[int]()
    pending = iter(stops)
    stop = next(pending)
    for position, chain, line in rows:
        while position > stop:
            at[stop] = (len(chains), count, fold)
            stop = next(pending)
        fold = chain_hash(fold, line)
        count += 1
        chains.add(chain)
    for rest in [stop, *pending]:
        at[rest] = (len(chains), count, fold)
    return at


def heads_at(session: Session, marks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The log's counts and head as they are now up to each mark's last item event and last
    organisation event, in one pass over each table.

    The item fold takes every item event in id order (id, item, seq, hash); the organisation
    fold every organisation event in seq order (seq, hash).
    """
    item_stops = sorted({int(m["last_item_event"]) for m in marks})
    org_stops = sorted({int(m["last_org_event"]) for m in marks})
    item_rows = session.execute(
        select(ItemEvent.id, ItemEvent.item_id, ItemEvent.seq, ItemEvent.hash)
        .where(ItemEvent.id <= (item_stops or [0])[-1])
        .order_by(ItemEvent.id)
        .execution_options(yield_per=5000)
    )
    at_item = _folds(
        ((r.id, r.item_id, f"{r.id} {r.item_id} {r.seq} {r.hash}") for r in item_rows), item_stops
    )
    org_rows = session.execute(
        select(OrgEvent.seq, OrgEvent.hash)
        .where(OrgEvent.seq <= (org_stops or [0])[-1])
        .order_by(OrgEvent.seq)
        .execution_options(yield_per=5000)
    )
    at_org = _folds(((r.seq, 0, f"{r.seq} {r.hash}") for r in org_rows), org_stops)
    found = []
    for mark in marks:
        items, item_events, item_fold = at_item[int(mark["last_item_event"])]
        _, org_events, org_fold = at_org[int(mark["last_org_event"])]
        found.append(
            {
                "items": items,
                "item_events": item_events,
                "org_events": org_events,
                "head": _head(items, item_events, item_fold, org_events, org_fold),
            }
        )
    return found


def _compare(mark: dict[str, Any], now: dict[str, Any], findings: _Findings) -> None:
    where = {
        "checkpoint": mark.get("checkpoint"),
        "source": mark.get("source"),
        "checkpoint_at": mark.get("at"),
    }
    for name in ("items", "item_events", "org_events"):
        if int(mark[name]) != now[name]:
            what = f"{name} {mark[name]} → {now[name]}"
            findings.add(_detail({"chain": "checkpoint", **where}, "checkpoint_counts", what))
            return
    if mark["head"] != now["head"]:
        findings.add(_detail({"chain": "checkpoint", **where}, "checkpoint_head"))


def checkpoint_view(row: Checkpoint) -> dict[str, Any]:
    return {
        "format": CHECKPOINT_FORMAT,
        "checkpoint": row.id,
        "at": _ts(row.at),
        "as_of": row.as_of.isoformat() if row.as_of else None,
        "actor": row.actor,
        "items": row.items,
        "item_events": row.item_events,
        "last_item_event": row.last_item_event,
        "org_events": row.org_events,
        "last_org_event": row.last_org_event,
        "head": row.head,
    }


def checkpoint(
    db: Database, login: str, as_of: date | None = None, *, actor: Actor | None = None
) -> dict[str, Any]:
    """Record and return the head digest of the whole log: by an admin, or by the nightly
    job's system actor (``actor``); a login never passes as a system actor."""
    with writing(db) as session:
        return record_checkpoint(session, login, as_of, actor=actor)


def record_checkpoint(
    session: Session, login: str, as_of: date | None = None, *, actor: Actor | None = None
) -> dict[str, Any]:
    """:func:`checkpoint` in the caller's transaction (the nightly job records it and queues
    its mails together, and a dry run rolls both back).

    On PostgreSQL the event tables are locked against writers (SHARE) while the head is
    computed, so no event with a lower id commits after it: a later recomputation up to the
    same ids finds exactly the same events.
    """
    if actor is None or not actor.is_system:
        require_admin(session, login)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE item_events, org_events IN SHARE MODE"))
    last_item = session.scalar(select(func.max(ItemEvent.id))) or 0
    last_org = session.scalar(select(func.max(OrgEvent.seq))) or 0
    mark = {"last_item_event": last_item, "last_org_event": last_org}
    (now,) = heads_at(session, [mark])
    row = Checkpoint(
        at=now_utc(),
        actor=login,
        as_of=as_of or clock.today(),
        items=now["items"],
        item_events=now["item_events"],
        last_item_event=last_item,
        org_events=now["org_events"],
        last_org_event=last_org,
        head=now["head"],
    )
    session.add(row)
    session.flush()
    return checkpoint_view(row)


def read_checkpoints(path: str | Path) -> list[dict[str, Any]]:
    """Checkpoints kept outside the database: what ``audit checkpoint`` prints.

    The file holds one JSON document (a checkpoint object or a list of them, as ``--json``
    prints), or lines of which those starting with ``{`` are checkpoint objects, one per line
    (the mailed line); other lines are ignored. Every checkpoint needs the keys of
    ``CHECKPOINT_KEYS``.
    """
    path = Path(path)
    try:
        content = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidInput(
            "checkpoint_file_invalid", path=str(path), detail=OsReason.of(exc)
        ) from None
    except UnicodeDecodeError:
        raise InvalidInput("checkpoint_file_invalid", path=str(path), detail="UTF-8") from None
    try:
        whole = json.loads(content)
        found = whole if isinstance(whole, list) else [whole]
    except json.JSONDecodeError:
        found = []
        for number, line in enumerate(content.splitlines(), 1):
            if line.strip().startswith("{"):
                try:
                    found.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise InvalidInput(
                        "checkpoint_file_invalid", path=str(path), detail=f"line {number}: {exc}"
                    ) from None
    if not found:
        raise InvalidInput("checkpoint_file_invalid", path=str(path), detail="no checkpoint")
    for number, mark in enumerate(found, 1):
        if not isinstance(mark, dict):
            raise InvalidInput(
                "checkpoint_file_invalid", path=str(path), detail=f"#{number}: not an object"
            )
        for key, kind in CHECKPOINT_KEYS.items():
            value = mark.get(key)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise InvalidInput(
                    "checkpoint_file_invalid",
                    path=str(path),
                    detail=f"#{number}: {key} must be {kind.__name__}",
                )
        mark["source"] = str(path)
    return found


def org_event_view(event: OrgEvent) -> dict[str, Any]:
    return {
        "chain": "org",
        "seq": event.seq,
        "entity": event.entity,
        "key": event.key,
        "action": event.action,
        "actor": event.actor,
        "at": clock.utc_text(event.at),
        "as_of": event.as_of.isoformat() if event.as_of else None,
        "before": event.before,
        "after": event.after,
    }


from campusgate.workflow import tokens as _tokens  # noqa: E402,F401  (registers the token entity)
