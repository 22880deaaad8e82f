"""The campus gate (SPEC §4.5): may whitelist item X enter school S on date D, and the
entries that record it.

Every answer is read through indexes (the item and its events by key, the school's
entries of the year by ``ix_entries_school_year_item``, the covering quotas by key), so
``check`` costs the same with a thousand items or a hundred thousand.

Caps of several levels: each level that covers a school may set ``per_school_max``; the
distinct items the school receives in a year, from every level, must stay within every one
of them, so the smallest cap applies.

Entries are audited as organisation-style events (entity ``entry``, key
``school/item/date``) on the organisation's hash chain: an entry is a fact about a school,
not a transition of the item, and leaving the item's version alone lets entries of one item
into many schools be recorded at once without conflicting with each other or with the
item's own transitions. (The entity is not registered with ``audit.register_org_entity``:
migration 0002 records a baseline of every registered entity before this table exists.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campusgate.domain import PUBLISHED, REVOKED, SUSPENDED, WHITELIST
from campusgate.models import Database, Entry, Item, ItemEvent, Quota, School, User
from campusgate.workflow import audit, validate
from campusgate.workflow.clock import local, now_utc, utc_text
from campusgate.workflow.clock import today as clock_today
from campusgate.workflow.errors import GuardRefused, InvalidInput, PermissionDenied
from campusgate.workflow.scope import (
    Actor,
    Tree,
    find_school,
    load_actor,
    load_item,
    readable_jurisdiction,
    readable_jurisdictions,
)
from campusgate.workflow.tx import writing

#: Why an item may not enter a school, in the order they are checked.
REASONS = (
    "not_whitelist_item",
    "out_of_jurisdiction",
    "wrong_year",
    "revoked",
    "suspended",
    "not_published",
    "school_cap_reached",
)
#: Who records entries: the bureau's staff of a level that covers the school.
RECORDING_ROLES = ("reviewer", "approver")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str | None
    school: str
    item_id: int
    day: date
    cap: int | None = None
    received: int = 0

    def view(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "reason": self.reason,
            "school": self.school,
            "item": self.item_id,
            "date": self.day.isoformat(),
            "per_school_max": self.cap,
            "received": self.received,
        }


def state_on(session: Session, item: Item, day: date) -> str | None:
    """The item's state on ``day``: the last event acting for ``day`` or earlier."""
    events = session.execute(
        select(ItemEvent.to_state, ItemEvent.as_of, ItemEvent.at)
        .where(ItemEvent.item_id == item.id)
        .order_by(ItemEvent.seq)
    )
    found = None
    for to_state, as_of, at in events:
        if (as_of or local(at).date()) <= day:
            found = to_state
    return found


def school_cap(session: Session, school: School, year: int, tree: Tree) -> int | None:
    """The smallest per-school cap of the levels covering ``school`` for ``year``."""
    return session.scalar(
        select(func.min(Quota.per_school_max)).where(
            Quota.jurisdiction_id.in_(tree.ancestors(school.jurisdiction_id)),
            Quota.year == year,
        )
    )


def received(session: Session, school_id: int, year: int, but: int | None = None) -> int:
    """Distinct items that entered the school in ``year`` (but ``but``)."""
    query = select(func.count(func.distinct(Entry.item_id))).where(
        Entry.school_id == school_id, Entry.year == year
    )
    if but is not None:
        query = query.where(Entry.item_id != but)
    return session.scalar(query) or 0


def decide(session: Session, school: School, item: Item, day: date, tree: Tree) -> Verdict:
    """The gate's answer for ``item`` at ``school`` on ``day``."""

    def verdict(reason: str | None, cap: int | None = None, taken: int = 0) -> Verdict:
        return Verdict(reason is None, reason, school.name, item.id, day, cap, taken)

    if item.kind != WHITELIST:
        return verdict("not_whitelist_item")
    if not tree.within(school.jurisdiction_id, item.jurisdiction_id):
        return verdict("out_of_jurisdiction")
    if item.year != day.year:
        return verdict("wrong_year")
    state = state_on(session, item, day)
    if state in (REVOKED, SUSPENDED):
        return verdict(state)
    if state != PUBLISHED:
        return verdict("not_published")
    cap = school_cap(session, school, day.year, tree)
    taken = received(session, school.id, day.year, but=item.id)
    if cap is not None and taken >= cap:
        return verdict("school_cap_reached", cap, taken)
    return verdict(None, cap, taken)


def _subject(session: Session, school: str, item_id: int | str) -> tuple[School, Item]:
    school_name = validate.text("school", school, required=True) or ""
    return find_school(session, school_name), load_item(session, item_id)


def check(
    db: Database,
    login: str | None,
    *,
    school: str,
    item_id: int | str,
    day: str | date | None = None,
) -> Verdict:
    """May the item enter the school on ``day`` (default today)? Anyone known may ask, and
    the public (``login=None``) at the server's public gate."""
    when = validate.parse_date(day) or clock_today()
    with db.read() as session:
        if login is not None:
            load_actor(session, login)
        found_school, item = _subject(session, school, item_id)
        return decide(session, found_school, item, when, Tree.load(session))


def entry_key(school: str, item_id: int, day: date) -> str:
    return f"{school}/{item_id}/{day.isoformat()}"


def record_entry(
    db: Database, login: str, *, school: str, item_id: int | str, day: str | date | None
) -> dict[str, Any]:
    """Record that the item entered the school on ``day`` (default today; not later);
    refused with the gate's reason when ``check`` says no. Recording the same entry again
    changes nothing."""
    today = clock_today()
    when = validate.parse_date(day) or today
    if when > today:
        raise InvalidInput("entry_in_future", date=when.isoformat(), today=today.isoformat())
    with writing(db) as session:
        actor = load_actor(session, login)
        found_school, item = _subject(session, school, item_id)
        tree = Tree.load(session)
        check_recorder(actor, found_school, tree)
        # entries of one school queue here (SQLite: the write lock of BEGIN IMMEDIATE)
        session.execute(select(School.id).where(School.id == found_school.id).with_for_update())
        verdict = decide(session, found_school, item, when, tree)
        if not verdict.allowed:
            raise GuardRefused(
                f"gate_{verdict.reason}",
                item=item.id,
                school=found_school.name,
                date=when.isoformat(),
                cap=verdict.cap,
            )
        existing = session.scalar(
            select(Entry).where(
                Entry.school_id == found_school.id,
                Entry.item_id == item.id,
                Entry.entered_on == when,
            )
        )
        view = verdict.view() | {"recorded": existing is None}
        if existing is not None:
            return view
        session.add(
            Entry(
                school_id=found_school.id,
                item_id=item.id,
                year=when.year,
                entered_on=when,
                recorded_by=actor.login,
                recorded_at=now_utc(),
            )
        )
        key = entry_key(found_school.name, item.id, when)
        audit.record_org(session, actor.login, "entry", key, None, {"recorded_by": actor.login})
        return view


def list_entries(
    db: Database,
    login: str,
    *,
    school: str | None = None,
    item_id: int | str | None = None,
    year: int | str | None = None,
) -> list[dict[str, Any]]:
    """The entries recorded into the schools ``login`` reads (``entry list``), by date, then
    school and item; narrowed to a school, an item, a year. A school named outside what the
    user reads is refused (4), not answered with nothing."""
    wanted_year = validate.year(year) if year not in (None, "") else None
    with db.read() as session:
        actor = load_actor(session, login)
        tree = Tree.load(session)
        readable = readable_jurisdictions(actor, tree)
        query = (
            select(
                Entry.entered_on,
                School.name,
                Entry.item_id,
                Item.title,
                Entry.recorded_by,
                User.name,
                Entry.recorded_at,
            )
            .join(School, School.id == Entry.school_id)
            .join(Item, Item.id == Entry.item_id)
            .outerjoin(User, User.login == Entry.recorded_by)
            .order_by(Entry.entered_on, School.name, Entry.item_id)
        )
        if school not in (None, ""):
            found = find_school(session, school)
            readable_jurisdiction(actor, tree.name(found.jurisdiction_id), tree)
            query = query.where(Entry.school_id == found.id)
        elif readable is not None:
            query = query.where(School.jurisdiction_id.in_(readable))
        if item_id not in (None, ""):
            query = query.where(Entry.item_id == load_item(session, item_id).id)
        if wanted_year is not None:
            query = query.where(Entry.year == wanted_year)
        return [
            {
                "date": day.isoformat(),
                "school": school_name,
                "item": entered,
                "title": title,
                "recorded_by": recorded_by,
                "recorded_by_name": name,
                "recorded_at": utc_text(recorded_at),
            }
            for day, school_name, entered, title, recorded_by, name, recorded_at in (
                session.execute(query)
            )
        ]


def check_recorder(actor: Actor, school: School, tree: Tree) -> None:
    """Admins, and reviewers or approvers of a level that covers the school."""
    if "admin" in actor.roles or actor.jurisdiction_id is None:
        return
    covering = tree.within(school.jurisdiction_id, actor.jurisdiction_id)
    if covering and any(role in actor.roles for role in RECORDING_ROLES):
        return
    raise PermissionDenied("not_permitted_entry", actor=actor.login, school=school.name)
