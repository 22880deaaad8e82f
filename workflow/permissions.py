"""Who may fire which trigger: the predicates the tables' ``who`` names, registered by name.

A user acts only inside their own jurisdiction (ratify: its children); system actors act
everywhere with the roles they were given. Failing any of this is exit 4; a trigger the actor
could fire, but not from the item's current state, is exit 5.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from campusgate.models import Item
from campusgate.workflow.errors import PermissionDenied
from campusgate.workflow.kinds import Transition
from campusgate.workflow.scope import Actor, Tree

if TYPE_CHECKING:
    from campusgate.workflow.firing import Firing


def holds_role(actor: Actor, role: str, jurisdiction_id: int | None) -> bool:
    """Whether ``actor`` holds ``role`` in ``jurisdiction_id`` (system actors: everywhere)."""
    if jurisdiction_id is None or role not in actor.roles:
        return False
    return actor.jurisdiction_id is None or actor.jurisdiction_id == jurisdiction_id


def enters_for_others(actor: Actor, jurisdiction_id: int | None) -> bool:
    """Whether ``actor`` enters items in ``jurisdiction_id`` for others (an import, a clue
    opened for its reporter): an admin, or a reviewer there."""
    return "admin" in actor.roles or holds_role(actor, "reviewer", jurisdiction_id)


@dataclass(frozen=True)
class Who:
    """A ``who`` of the tables: the role it asks for in the item's own jurisdiction, if it
    asks for one there (then a holder of it elsewhere is told the item lies outside)."""

    name: str
    admits: Callable[[Actor, Item, Tree], bool]
    role_here: str | None = None


WHO: dict[str, Who] = {}


def who(
    name: str, role_here: str | None = None
) -> Callable[[Callable[[Actor, Item, Tree], bool]], Callable[[Actor, Item, Tree], bool]]:
    def register(
        admits: Callable[[Actor, Item, Tree], bool],
    ) -> Callable[[Actor, Item, Tree], bool]:
        WHO[name] = Who(name, admits, role_here)
        return admits

    return register


@who("reviewer", "reviewer")
def is_reviewer(actor: Actor, item: Item, tree: Tree) -> bool:
    return holds_role(actor, "reviewer", item.jurisdiction_id)


@who("approver", "approver")
def is_approver(actor: Actor, item: Item, tree: Tree) -> bool:
    return holds_role(actor, "approver", item.jurisdiction_id)


@who("parent-approver")
def is_parent_approver(actor: Actor, item: Item, tree: Tree) -> bool:
    return holds_role(actor, "approver", tree.parent(item.jurisdiction_id))


@who("own-applicant", "applicant")
def is_own_applicant(actor: Actor, item: Item, tree: Tree) -> bool:
    return (
        holds_role(actor, "applicant", item.jurisdiction_id)
        and actor.department_id is not None
        and actor.department_id == item.department_id
    )


@who("responsible")
def is_responsible(actor: Actor, item: Item, tree: Tree) -> bool:
    return actor.user_id is not None and actor.user_id == item.owner_id


def admits(row: Transition, actor: Actor, item: Item, tree: Tree) -> bool:
    return any(WHO[name].admits(actor, item, tree) for name in row.who)


def duty_separation_broken(row: Transition, actor: Actor, item: Item) -> str | None:
    """The separation-of-duties rule ``actor`` breaks by firing ``row``, if any."""
    if actor.user_id is None:
        return None
    if "applicant" in row.apart_from and item.applied_by_id == actor.user_id:
        return "separation_applicant"
    if "reviewer" in row.apart_from and item.reviewed_by_id == actor.user_id:
        return "separation_reviewer"
    return None


separated = duty_separation_broken  # the former name


def not_permitted(rows: tuple[Transition, ...], f: Firing) -> PermissionDenied:
    """The refusal of an actor none of ``rows`` admits: outside the jurisdiction when they
    hold a role a row asks for there, else the roles needed."""
    ctx = {
        "actor": f.actor.login,
        "id": f.item.id,
        "trigger": f.trigger,
        "state": f.item.state,
        "kind": f.item.kind,
    }
    wanted = tuple(dict.fromkeys(name for row in rows for name in row.who))
    roles_here = {WHO[name].role_here for name in wanted} - {None}
    if roles_here & f.actor.roles and f.actor.jurisdiction_id != f.item.jurisdiction_id:
        return PermissionDenied(
            "outside_jurisdiction",
            jurisdiction=f.tree.name(f.item.jurisdiction_id),
            own=f.tree.name(f.actor.jurisdiction_id),
            **ctx,
        )
    return PermissionDenied("not_permitted", who=wanted, **ctx)


@dataclass(frozen=True)
class Permission:
    """A row's first condition: its ``who`` admits the actor and no duty separation breaks."""

    row: Transition

    def refusal(self, f: Firing) -> PermissionDenied | None:
        if not admits(self.row, f.actor, f.item, f.tree):
            return not_permitted((self.row,), f)
        broken = duty_separation_broken(self.row, f.actor, f.item)
        if broken:
            return PermissionDenied(
                broken,
                actor=f.actor.login,
                id=f.item.id,
                trigger=f.trigger,
                state=f.item.state,
                kind=f.item.kind,
            )
        return None
