"""Total quantity control (SPEC §4.3): what counts against a jurisdiction's yearly quota."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Item, Quota
from workflow.kinds import FILED, PUBLISHED, SUSPENDED, WHITELIST

#: States that hold a place in the year's whitelist.
COUNTED_STATES = (FILED, PUBLISHED, SUSPENDED)


def used(session: Session, jurisdiction_id: int, year: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Item)
            .where(
                Item.kind == WHITELIST,
                Item.jurisdiction_id == jurisdiction_id,
                Item.year == year,
                Item.state.in_(COUNTED_STATES),
            )
        )
        or 0
    )


def lock(session: Session, jurisdiction_id: int, year: int) -> Quota | None:
    """The quota row, locked until the transaction ends (PostgreSQL: FOR UPDATE; SQLite holds
    the database write lock already, from BEGIN IMMEDIATE)."""
    return session.scalar(
        select(Quota)
        .where(Quota.jurisdiction_id == jurisdiction_id, Quota.year == year)
        .with_for_update()
    )
