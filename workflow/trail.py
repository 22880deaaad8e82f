"""``audit show``: the events of one item, of the organisation, or of everything (SPEC §5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select

from campusgate.models import Database, Item, ItemEvent, OrgEvent
from campusgate.workflow import validate
from campusgate.workflow.audit import org_event_view
from campusgate.workflow.clock import TZ
from campusgate.workflow.errors import InvalidInput
from campusgate.workflow.items import history, show_item
from campusgate.workflow.scope import require_admin


def _start(since: date | None) -> datetime | None:
    """The first moment of ``since`` in Asia/Shanghai, in UTC."""
    return None if since is None else datetime.combine(since, time(), TZ).astimezone(UTC)


def show(
    db: Database,
    login: str,
    *,
    item_id: int | str | None = None,
    org: bool = False,
    since: str | date | None = None,
) -> list[dict[str, Any]]:
    """Events in the order they happened: of ``item_id`` (whoever reads the item), of the
    organisation (``org``: admins), or of both (admins); from ``since`` on if given."""
    if item_id is not None and org:
        raise InvalidInput("audit_item_or_org")
    start = _start(validate.parse_date(since, "since"))
    if item_id is not None:
        item = show_item(db, login, item_id)
        found = [
            {"chain": "item", "item_id": item["id"], "kind": item["kind"], **event}
            for event in item["history"]
        ]
        return [e for e in found if start is None or _at(e["at"]) >= start]
    with db.read() as session:
        require_admin(session, login, "audit_show_admin_only")
        org_query = select(OrgEvent).order_by(OrgEvent.seq)
        if start is not None:
            org_query = org_query.where(OrgEvent.at >= start)
        found = [org_event_view(event) for event in session.scalars(org_query)]
        if not org:
            item_query = select(ItemEvent.item_id).distinct()
            if start is not None:
                item_query = item_query.where(ItemEvent.at >= start)
            kinds = {
                changed: kind
                for changed, kind in session.execute(
                    select(Item.id, Item.kind).where(Item.id.in_(item_query))
                )
            }
            for changed in sorted(session.scalars(item_query)):
                found += [
                    {"chain": "item", "item_id": changed, "kind": kinds.get(changed), **event}
                    for event in history(session, changed)
                    if start is None or _at(event["at"]) >= start
                ]
        return sorted(found, key=lambda e: e["at"])


def _at(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
