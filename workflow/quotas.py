"""Total quantity control (SPEC §4.3): what counts against a jurisdiction's yearly quota."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from campusgate.domain import FILED, PUBLISHED, SUSPENDED, WHITELIST
from campusgate.models import Item, Quota

#: States that hold a place in the year's whitelist.
COUNTED_STATES = (FILED, PUBLISHED, SUSPENDED)


def _counted() -> Select[int, int, int]:
    """Places taken, per jurisdiction and year."""
    return (
        select(Item.jurisdiction_id, Item.year, func.count())
        .where(Item.kind == WHITELIST, Item.state.in_(COUNTED_STATES))
        .group_by(Item.jurisdiction_id, Item.year)
    )


def used(session: Session, jurisdiction_id: int, year: int) -> int:
    return used_by(session, [(jurisdiction_id, year)]).get((jurisdiction_id, year), 0)


def used_by(session: Session, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """Places taken for many (jurisdiction, year) quotas, in one statement."""
    keys = set(keys)
    if not keys:
        return {}
    query = _counted().where(
        Item.jurisdiction_id.in_({j for j, _ in keys}), Item.year.in_({y for _, y in keys})
    )
    return {(j, y): n for j, y, n in session.execute(query) if (j, y) in keys}


def find(session: Session, jurisdiction_id: int, year: int, *, lock: bool = False) -> Quota | None:
    """The quota row; with ``lock``, locked until the transaction ends (PostgreSQL: FOR UPDATE;
    SQLite holds the database write lock already, from BEGIN IMMEDIATE)."""
    query = select(Quota).where(Quota.jurisdiction_id == jurisdiction_id, Quota.year == year)
    return session.scalar(query.with_for_update() if lock else query)


def lock(session: Session, jurisdiction_id: int, year: int) -> Quota | None:
    """The quota row, locked until the transaction ends."""
    return find(session, jurisdiction_id, year, lock=True)
