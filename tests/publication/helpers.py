"""Published whitelists of the test organisation, for the publication and gate tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from campusgate.models import Database
from campusgate.workflow import items, org
from tests.org import CITY, COUNTY, filed

#: Today is 2026-12-01 in every test: items of 2026 can be published now.
YEAR = 2026
#: The day the test whitelists are published (the rules act as of it: the gate asks for
#: the state on a date, so the tests do not depend on the real clock).
PUBLISHED_ON = date(2026, 1, 2)
#: The day suspensions and revocations act for in the tests.
CHANGED_ON = date(2026, 11, 1)


def published(db: Database, **overrides: Any) -> int:
    """A published city item of 2026 (the quota set beforehand)."""
    item_id = filed(db, year=YEAR, **overrides)
    items.fire(db, "zhao.lei", item_id, "publish", today=PUBLISHED_ON)
    return item_id


def county_published(db: Database, **overrides: Any) -> int:
    fields = {"department": "淇滨区卫健委", "year": YEAR} | overrides
    item_id = int(items.apply(db, "zhou.qiang", **_application(fields))["id"])
    items.fire(db, "wu.min", item_id, "review")
    items.fire(db, "zheng.hua", item_id, "file")
    items.fire(db, "zheng.hua", item_id, "publish", today=PUBLISHED_ON)
    return item_id


def _application(overrides: dict[str, Any]) -> dict[str, Any]:
    from tests.org import application

    return application(**overrides)


def quotas(db: Database, per_school: int | None = None, max_items: int = 20) -> None:
    for where in (CITY, COUNTY):
        org.set_quota(
            db,
            "admin",
            jurisdiction=where,
            year=YEAR,
            max_items=max_items,
            per_school_max=per_school,
        )
