"""Guards named in the transition tables. Each passes (returns True) or raises
``GuardRefused`` with a message that names the item and what is wrong (exit 5)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

from sqlalchemy import select

from campusgate.models import Item
from campusgate.workflow import quotas
from campusgate.workflow.errors import GuardRefused
from campusgate.workflow.kinds import BASIS_KINDS, PUBLISHED, RECTIFICATION, REVOKED

if TYPE_CHECKING:
    from transitions import EventData

    from campusgate.workflow.firing import Firing
    from campusgate.workflow.scope import Tree


#: Guards that look at nothing but the item and the jurisdiction tree: ``actions`` leaves out
#: what they refuse (quota, dates and the like are only known when firing).
ITEM_ONLY = frozenset({"check_basis", "check_emergency", "check_not_ratified", "check_ratified"})


def item_allows(guard_names: tuple[str, ...], item: Item, tree: Tree) -> bool:
    """Whether the item-only guards among ``guard_names`` let ``item`` through."""
    probe = SimpleNamespace(model=SimpleNamespace(item=item, tree=tree))
    for name in guard_names:
        if name in ITEM_ONLY:
            try:
                globals()[name](probe)
            except GuardRefused:
                return False
    return True


def _firing(event: EventData) -> Firing:
    return cast("Firing", event.model)


def check_application_year(year: int, basis_kind: str | None, today: date) -> None:
    """Applications are for this year or later; emergencies only for this year."""
    if year < today.year:
        raise GuardRefused("year_past", year=year, current=today.year)
    if basis_kind == "emergency" and year != today.year:
        raise GuardRefused("emergency_current_year", current=today.year)


def check_amendment(event: EventData) -> bool:
    f = _firing(event)
    basis_kind = f.amendment.get("basis_kind", f.item.basis_kind)
    if basis_kind != f.item.basis_kind:
        check_application_year(f.item.year, basis_kind, f.today)
    return True


def check_basis(event: EventData) -> bool:
    item = _firing(event).item
    if item.basis_kind not in BASIS_KINDS:
        raise GuardRefused("basis_invalid", detail=f"basis_kind={item.basis_kind!r}")
    if not item.basis_docs:
        raise GuardRefused("basis_invalid", detail="basis_docs=[]")
    return True


def check_emergency(event: EventData) -> bool:
    if _firing(event).item.basis_kind != "emergency":
        raise GuardRefused("ratify_emergency_only")
    return True


def check_not_ratified(event: EventData) -> bool:
    item = _firing(event).item
    if item.ratified_by_id is not None:
        by = item.ratified_by.login if item.ratified_by is not None else item.ratified_by_id
        raise GuardRefused("already_ratified", id=item.id, by=by)
    return True


def check_ratified(event: EventData) -> bool:
    f = _firing(event)
    item = f.item
    parent = f.tree.parent(item.jurisdiction_id)
    if item.basis_kind == "emergency" and parent is not None and item.ratified_by_id is None:
        raise GuardRefused("ratification_missing", id=item.id, parent=f.tree.name(parent))
    return True


def check_quota(event: EventData) -> bool:
    f = _firing(event)
    item = f.item
    where = {"jurisdiction": f.tree.name(item.jurisdiction_id), "year": item.year}
    quota = quotas.lock(f.session, item.jurisdiction_id, item.year)
    if quota is None:
        raise GuardRefused("no_quota", **where)
    taken = quotas.used(f.session, item.jurisdiction_id, item.year)
    if taken >= quota.max_items:
        raise GuardRefused("quota_exceeded", used=taken, max=quota.max_items, **where)
    return True


def check_publish_year(event: EventData) -> bool:
    f = _firing(event)
    if f.today.year != f.item.year:
        raise GuardRefused(
            "publish_outside_year", id=f.item.id, year=f.item.year, today=f.today.isoformat()
        )
    return True


def check_no_open_rectification(event: EventData) -> bool:
    f = _firing(event)
    # the item's row lock orders this against `clue add --link` of the same item
    f.session.execute(select(Item.id).where(Item.id == f.item.id).with_for_update())
    open_one = f.session.scalar(
        select(Item.id)
        .where(
            Item.kind == RECTIFICATION,
            Item.linked_item_id == f.item.id,
            Item.state.not_in((PUBLISHED, REVOKED)),
        )
        .order_by(Item.id)
        .limit(1)
    )
    if open_one is not None:
        raise GuardRefused("linked_open", id=f.item.id, linked=open_one)
    return True


def check_deadline_ahead(event: EventData) -> bool:
    f = _firing(event)
    assert f.deadline is not None
    if f.deadline < f.today:
        raise GuardRefused(
            "deadline_past", deadline=f.deadline.isoformat(), today=f.today.isoformat()
        )
    return True


def check_deadline_later(event: EventData) -> bool:
    f = _firing(event)
    assert f.deadline is not None
    old = f.item.deadline
    if old is not None and f.deadline <= old:
        raise GuardRefused(
            "deadline_not_later", deadline=f.deadline.isoformat(), old=old.isoformat()
        )
    return True


def check_owner_in_scope(event: EventData) -> bool:
    f = _firing(event)
    assert f.owner is not None
    if not f.tree.within(f.owner.jurisdiction_id, f.item.jurisdiction_id):
        raise GuardRefused(
            "owner_outside", login=f.owner.login, jurisdiction=f.tree.name(f.item.jurisdiction_id)
        )
    return True
