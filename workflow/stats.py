"""Counts for the bureau's desk: items by state, clues by aspect and source, overdue
rectification items, and whitelist items per level against the quota."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from campusgate.domain import ASPECTS, RECTIFICATION, SOURCES, STATES, WHITELIST
from campusgate.models import Database, Item, Quota
from campusgate.workflow import quotas, validate
from campusgate.workflow.clock import today as clock_today
from campusgate.workflow.ledger import overdue as overdue_conditions
from campusgate.workflow.scope import (
    Tree,
    load_actor,
    readable_jurisdiction,
    readable_jurisdictions,
)


def stats(
    db: Database, login: str, *, jurisdiction: str | None = None, year: int | str | None = None
) -> dict[str, Any]:
    """The counts over what ``login`` reads (under ``jurisdiction`` when given), for
    ``year`` (default: this year)."""
    today = clock_today()
    year_value = validate.year(year) if year is not None else today.year
    with db.read() as session:
        actor = load_actor(session, login)
        tree = Tree.load(session)
        if jurisdiction is not None:
            scope: set[int] = tree.subtree(readable_jurisdiction(actor, jurisdiction, tree))
        else:
            readable = readable_jurisdictions(actor, tree)
            scope = set(tree.names) if readable is None else readable
        ids = sorted(scope)
        of_year = (Item.year == year_value, Item.jurisdiction_id.in_(ids))

        by_state = {kind: dict.fromkeys(STATES, 0) for kind in (WHITELIST, RECTIFICATION)}
        for kind, state, n in session.execute(
            select(Item.kind, Item.state, func.count())
            .where(*of_year)
            .group_by(Item.kind, Item.state)
        ):
            by_state[kind][state] = n

        def tally(column: Any, values: tuple[str, ...]) -> dict[str, int]:
            counts = dict.fromkeys(values, 0)
            query = (
                select(column, func.count())
                .where(*of_year, Item.kind == RECTIFICATION)
                .group_by(column)
            )
            counts.update({value: n for value, n in session.execute(query)})
            return counts

        overdue = session.execute(
            select(Item.id, Item.jurisdiction_id, Item.deadline)
            .where(*overdue_conditions(today), Item.jurisdiction_id.in_(ids))
            .order_by(Item.deadline, Item.id)
        ).all()
        quota_rows = {
            row.jurisdiction_id: row
            for row in session.scalars(
                select(Quota).where(Quota.year == year_value, Quota.jurisdiction_id.in_(ids))
            )
        }
        used = quotas.used_by(session, [(jid, year_value) for jid in ids])
        levels = [
            {
                "jurisdiction": tree.name(jid),
                "level": tree.levels[jid],
                "items": used.get((jid, year_value), 0),
                "max_items": quota_rows[jid].max_items if jid in quota_rows else None,
                "per_school_max": quota_rows[jid].per_school_max if jid in quota_rows else None,
            }
            for jid in sorted(ids, key=lambda j: (len(tree.ancestors(j)), tree.name(j)))
        ]
        return {
            "year": year_value,
            "jurisdiction": jurisdiction,
            "by_state": by_state,
            "by_aspect": tally(Item.aspect, ASPECTS),
            "by_source": tally(Item.source, SOURCES),
            "overdue": [
                {"id": i, "jurisdiction": tree.name(j), "deadline": d.isoformat()}
                for i, j, d in overdue
            ],
            "whitelist": levels,
        }
