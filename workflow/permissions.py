"""Who may fire which trigger: the named predicates the tables' ``who`` refers to.

A user acts only inside their own jurisdiction (ratify: its children); system actors act
everywhere with the roles they were given. Failing any of this is exit 4; a trigger the actor
could fire, but not from the item's current state, is exit 5.
"""

from __future__ import annotations

from collections.abc import Callable

from campusgate.models import Item
from campusgate.workflow.errors import PermissionDenied, TransitionNotAllowed
from campusgate.workflow.guards import item_allows
from campusgate.workflow.kinds import KindSpec, Transition
from campusgate.workflow.scope import Actor, Tree


def holds(actor: Actor, role: str, jurisdiction_id: int | None) -> bool:
    if jurisdiction_id is None or role not in actor.roles:
        return False
    return actor.jurisdiction_id is None or actor.jurisdiction_id == jurisdiction_id


def is_reviewer(actor: Actor, item: Item, tree: Tree) -> bool:
    return holds(actor, "reviewer", item.jurisdiction_id)


def is_approver(actor: Actor, item: Item, tree: Tree) -> bool:
    return holds(actor, "approver", item.jurisdiction_id)


def is_parent_approver(actor: Actor, item: Item, tree: Tree) -> bool:
    return holds(actor, "approver", tree.parent(item.jurisdiction_id))


def is_own_applicant(actor: Actor, item: Item, tree: Tree) -> bool:
    return (
        holds(actor, "applicant", item.jurisdiction_id)
        and actor.department_id is not None
        and actor.department_id == item.department_id
    )


def is_responsible(actor: Actor, item: Item, tree: Tree) -> bool:
    return actor.user_id is not None and actor.user_id == item.owner_id


WHO: dict[str, Callable[[Actor, Item, Tree], bool]] = {
    "reviewer": is_reviewer,
    "approver": is_approver,
    "parent-approver": is_parent_approver,
    "own-applicant": is_own_applicant,
    "responsible": is_responsible,
}


def admits(row: Transition, actor: Actor, item: Item, tree: Tree) -> bool:
    return any(WHO[name](actor, item, tree) for name in row.who)


def separated(row: Transition, actor: Actor, item: Item) -> str | None:
    """The separation-of-duties rule ``actor`` breaks by firing ``row``, if any."""
    if actor.user_id is None:
        return None
    if "applicant" in row.apart_from and item.applied_by_id == actor.user_id:
        return "separation_applicant"
    if "reviewer" in row.apart_from and item.reviewed_by_id == actor.user_id:
        return "separation_reviewer"
    return None


def check_permission(
    spec: KindSpec, trigger: str, actor: Actor, item: Item, tree: Tree
) -> Transition:
    """The row ``actor`` may fire from the item's state, or the refusal (4, else 5)."""
    rows = spec.rows(trigger)
    here = [r for r in rows if item.state in r.source]
    admitted = [r for r in here if admits(r, actor, item, tree)]
    ctx = {"actor": actor.login, "id": item.id, "trigger": trigger, "state": item.state}
    if admitted:
        broken = separated(admitted[0], actor, item)
        if broken:
            raise PermissionDenied(broken, **ctx)
        return admitted[0]
    elsewhere = [r for r in rows if admits(r, actor, item, tree)]
    if here or not elsewhere:
        who = tuple(dict.fromkeys(name for r in (here or rows) for name in r.who))
        raise PermissionDenied("not_permitted", who=who, **ctx)
    # separation of duties is permission too, and decides before the state (SPEC §7)
    rules = [separated(r, actor, item) for r in elsewhere]
    if all(rules):
        raise PermissionDenied(rules[0] or "not_permitted", **ctx)
    raise TransitionNotAllowed("state_refused", **ctx)


def available(spec: KindSpec, actor: Actor, item: Item, tree: Tree) -> list[str]:
    """The triggers ``actor`` may fire on ``item`` now: role, scope, state, separation, and
    the guards that depend on the item alone (quota, dates and the like are left to firing)."""
    found = []
    for trigger in spec.triggers:
        for row in spec.rows_from(trigger, item.state):
            if (
                admits(row, actor, item, tree)
                and separated(row, actor, item) is None
                and item_allows(row.guards, item, tree)
            ):
                found.append(trigger)
                break
    return found
