"""Guards named in the transition tables, registered by name.

A guard looks at a ``Firing`` and raises ``GuardRefused`` with a message that names the item
and what is wrong (exit 5). One ``Guard`` object answers both "available?" (``actions``) and
"why not?" (the refusal), so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from campusgate.domain import PUBLISHED, RECTIFICATION, REVOKED
from campusgate.models import Item
from campusgate.workflow import quotas
from campusgate.workflow.errors import GuardRefused

if TYPE_CHECKING:
    from campusgate.workflow.firing import Firing


@dataclass(frozen=True)
class Guard:
    name: str
    check: Callable[[Firing], None]
    #: the trigger parameters it reads: until they are given it cannot refuse, so a trigger
    #: whose row does not need them could never be decided for ``actions``
    reads: tuple[str, ...] = ()

    def refusal(self, firing: Firing) -> GuardRefused | None:
        """Why ``firing`` may not proceed, or ``None``; undecided until its parameters come."""
        if not all(firing.given(param) for param in self.reads):
            return None
        try:
            self.check(firing)
        except GuardRefused as exc:
            return exc
        return None


GUARDS: dict[str, Guard] = {}


def guard(*reads: str) -> Callable[[Callable[[Firing], None]], Callable[[Firing], None]]:
    """Register a guard under its function's name."""

    def register(check: Callable[[Firing], None]) -> Callable[[Firing], None]:
        GUARDS[check.__name__] = Guard(check.__name__, check, reads)
        return check

    return register


def check_application_year(year: int, basis_kind: str | None, today: date) -> None:
    """Applications are for this year or later; emergencies only for this year."""
    if year < today.year:
        raise GuardRefused("year_past", year=year, current=today.year)
    if basis_kind == "emergency" and year != today.year:
        raise GuardRefused("emergency_current_year", current=today.year)


@guard("amendment")
def check_amendment(f: Firing) -> None:
    basis_kind = f.amendment.get("basis_kind", f.item.basis_kind)
    if basis_kind != f.item.basis_kind:
        check_application_year(f.item.year, basis_kind, f.today)


@guard()
def check_emergency(f: Firing) -> None:
    if f.item.basis_kind != "emergency":
        raise GuardRefused("ratify_emergency_only")


@guard()
def check_not_ratified(f: Firing) -> None:
    item = f.item
    if item.ratified_by_id is not None:
        by = item.ratified_by.login if item.ratified_by is not None else item.ratified_by_id
        raise GuardRefused("already_ratified", id=item.id, by=by)


@guard()
def check_ratified(f: Firing) -> None:
    item = f.item
    parent = f.tree.parent(item.jurisdiction_id)
    if item.basis_kind == "emergency" and parent is not None and item.ratified_by_id is None:
        raise GuardRefused("ratification_missing", id=item.id, parent=f.tree.name(parent))


def quota_key(item: Item) -> tuple[str, int, int]:
    """Where ``check_quota`` keeps an item's quota and the places taken in ``Firing.cache``."""
    return ("quota", item.jurisdiction_id, item.year)


def took_place(cache: dict[Any, Any], item: Item) -> None:
    """``item`` took a place of its quota: firings sharing ``cache`` count it without
    counting again."""
    key = quota_key(item)
    if key in cache:
        max_items, taken = cache[key]
        cache[key] = (max_items, taken + 1)


@guard()
def check_quota(f: Firing) -> None:
    item = f.item
    where = {"jurisdiction": f.tree.name(item.jurisdiction_id), "year": item.year}
    key = quota_key(item)
    if key not in f.cache:
        quota = quotas.find(f.session, item.jurisdiction_id, item.year, lock=not f.probing)
        taken = quotas.used(f.session, item.jurisdiction_id, item.year) if quota else 0
        f.cache[key] = (quota.max_items if quota else None, taken)
    max_items, taken = f.cache[key]
    if max_items is None:
        raise GuardRefused("no_quota", **where)
    if taken >= max_items:
        raise GuardRefused("quota_exceeded", used=taken, max=max_items, **where)


@guard()
def check_publish_year(f: Firing) -> None:
    if f.today.year != f.item.year:
        raise GuardRefused(
            "publish_outside_year", id=f.item.id, year=f.item.year, today=f.today.isoformat()
        )


@guard()
def check_no_open_rectification(f: Firing) -> None:
    if not f.probing:
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


@guard("deadline")
def check_deadline_ahead(f: Firing) -> None:
    assert f.deadline is not None
    if f.deadline < f.today:
        raise GuardRefused(
            "deadline_past", deadline=f.deadline.isoformat(), today=f.today.isoformat()
        )


@guard("deadline")
def check_deadline_later(f: Firing) -> None:
    assert f.deadline is not None
    old = f.item.deadline
    if old is not None and f.deadline <= old:
        raise GuardRefused(
            "deadline_not_later", deadline=f.deadline.isoformat(), old=old.isoformat()
        )


@guard("owner")
def check_owner_in_scope(f: Firing) -> None:
    assert f.owner is not None
    if not f.tree.within(f.owner.jurisdiction_id, f.item.jurisdiction_id):
        raise GuardRefused(
            "owner_outside", login=f.owner.login, jurisdiction=f.tree.name(f.item.jurisdiction_id)
        )
