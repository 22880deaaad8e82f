"""The transition engine: one ``transitions`` machine per item kind (``model=None``; the
``Firing`` is the model), one machine transition per table row.

Each machine transition's conditions are the row's permission first, then its parameters, then
its guards; its effects run after the state changed. The machine thus chooses the row (the first
from the item's state that admits the actor) and runs that row's needs, guards and effects; the
same condition objects answer which triggers are available (``actions``).

A table is checked when its ``KindMachine`` is constructed, which for the real tables is at
import: an unknown name, two rows of one trigger that could both fire for one actor, or a guard
that could not be decided for ``actions`` is a ``DefinitionError``. The ``transitions`` machine
itself is built when first fired, so commands that only read never load it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, cast

from campusgate.domain import KINDS, STATES
from campusgate.workflow.effects import EFFECTS, Effect
from campusgate.workflow.errors import CampusgateError, InvalidInput, TransitionNotAllowed
from campusgate.workflow.firing import Firing
from campusgate.workflow.guards import GUARDS, Guard
from campusgate.workflow.kinds import PARAMS, TABLES, Transition
from campusgate.workflow.permissions import WHO, Permission, admits, not_permitted

if TYPE_CHECKING:
    from transitions import EventData, Machine

logging.getLogger("transitions").addHandler(logging.NullHandler())
logging.getLogger("transitions").setLevel(logging.ERROR)

#: The message of a missing parameter, where it is not the general one.
MISSING = {"reason": "reason_required", "amendment": "nothing_to_amend"}


class DefinitionError(Exception):
    """A transition table that cannot be run as written."""


def _firing(event: EventData) -> Firing:
    """The machines' model: ``transitions`` hands it over untyped."""
    return cast(Firing, event.model)


def missing_param(trigger: str, param: str, kind: str | None = None) -> InvalidInput:
    """The refusal of a trigger fired without ``param`` (on an item of ``kind``, when known)."""
    return InvalidInput(
        MISSING.get(param, "param_required"), trigger=trigger, param=f"--{param}", kind=kind
    )


@dataclass(frozen=True)
class Step:
    """A table row with its conditions resolved."""

    row: Transition
    permission: Permission
    guards: tuple[Guard, ...]
    effects: tuple[Effect, ...]

    def refusal(self, f: Firing) -> CampusgateError | None:
        """Why this row may not run for ``f``: permission first, then its guards; the
        parameters the user has yet to give decide nothing here."""
        refused = self.permission.refusal(f)
        for guard in self.guards:
            refused = refused or guard.refusal(f)
        return refused

    def conditions(self) -> list[str | Callable[..., bool | None]]:
        def permitted(event: EventData) -> bool:
            return self.permission.refusal(_firing(event)) is None  # else the next row may admit

        def given(event: EventData) -> bool:
            f = _firing(event)
            for param in self.row.needs:
                if not f.given(param):
                    raise missing_param(self.row.trigger, param, f.item.kind)
            return True

        def passes(guard: Guard) -> Callable[[EventData], bool]:
            def check(event: EventData) -> bool:
                refused = guard.refusal(_firing(event))
                if refused is not None:
                    raise refused
                return True

            return check

        return [permitted, given, *(passes(g) for g in self.guards)]

    def after(self) -> list[str | Callable[..., bool | None]]:
        def runs(run: Effect) -> Callable[[EventData], None]:
            return lambda event: run(_firing(event))

        return [runs(run) for run in self.effects]


def _resolve(kind: str, row: Transition) -> Step:
    where = f"{kind} {row.trigger} {'|'.join(row.source)} -> {row.dest}"
    for what, names, registry in (
        ("who", row.who, WHO),
        ("guard", row.guards, GUARDS),
        ("effect", row.effects, EFFECTS),
    ):
        unknown = [name for name in names if name not in registry]
        if unknown:
            raise DefinitionError(f"{where}: unknown {what} {', '.join(unknown)}")
    for state in (*row.source, row.dest):
        if state not in STATES:
            raise DefinitionError(f"{where}: unknown state {state}")
    for param in row.needs:
        if param not in PARAMS:
            raise DefinitionError(f"{where}: unknown parameter {param}")
    guards = tuple(GUARDS[name] for name in row.guards)
    for guard in guards:
        unread = [param for param in guard.reads if param not in row.needs]
        if unread:
            raise DefinitionError(
                f"{where}: guard {guard.name} reads {', '.join(unread)}, which the row does not "
                "need, so it could not be decided for actions"
            )
    return Step(row, Permission(row), guards, tuple(EFFECTS[name] for name in row.effects))


def _check_overlaps(kind: str, table: tuple[Transition, ...]) -> None:
    for i, first in enumerate(table):
        for second in table[i + 1 :]:
            if first.trigger != second.trigger:
                continue
            states = set(first.source) & set(second.source)
            actors = set(first.who) & set(second.who)
            if states and actors:
                raise DefinitionError(
                    f"{kind} {first.trigger}: two rows from {', '.join(sorted(states))} for "
                    f"{', '.join(sorted(actors))}"
                )


class KindMachine:
    """The engine of one item kind: its table checked and resolved when constructed."""

    def __init__(self, kind: str, table: tuple[Transition, ...]) -> None:
        _check_overlaps(kind, table)
        self.kind = kind
        self.steps = tuple(_resolve(kind, row) for row in table)
        self.triggers = tuple(dict.fromkeys(row.trigger for row in table))

    @cached_property
    def machine(self) -> Machine:
        """Built when first fired: reading (``actions``) needs only the condition objects."""
        from transitions import Machine

        machine = Machine(
            model=None,
            states=list(STATES),
            initial=None,
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=True,
            name=self.kind,
        )
        for step in self.steps:
            machine.add_transition(
                step.row.trigger,
                list(step.row.source),
                step.row.dest,
                conditions=step.conditions(),
                after=step.after(),
            )
        return machine

    def rows(self, trigger: str) -> tuple[Transition, ...]:
        return tuple(step.row for step in self.steps if step.row.trigger == trigger)

    def leads_from(self, trigger: str, state: str) -> bool:
        """Whether a row of ``trigger`` starts from ``state``."""
        return any(state in row.source for row in self.rows(trigger))

    def fire(self, f: Firing) -> None:
        """Run ``f.trigger``: the first row from the state that admits the actor runs, or
        the refusal is raised (SPEC §7: permission before state)."""
        if not self.machine.events[f.trigger].trigger(f):
            raise self.refusal(f)

    def refusal(self, f: Firing) -> CampusgateError:
        """Why no row of ``f.trigger`` admitted the actor from the item's state."""
        steps = [step for step in self.steps if step.row.trigger == f.trigger]
        here = [step for step in steps if f.item.state in step.row.source]
        for step in here:
            refused = step.permission.refusal(f)
            if refused is not None and admits(step.row, f.actor, f.item, f.tree):
                return refused  # admitted, but separation of duties forbids
        elsewhere = [
            step for step in steps if step not in here and admits(step.row, f.actor, f.item, f.tree)
        ]
        if here or not elsewhere:
            return not_permitted(tuple(step.row for step in (here or steps)), f)
        # separation of duties is permission too, and decides before the state (SPEC §7)
        refusals = [step.permission.refusal(f) for step in elsewhere]
        if all(refusals):
            return refusals[0] or not_permitted(tuple(step.row for step in steps), f)
        return TransitionNotAllowed(
            "state_refused", id=f.item.id, trigger=f.trigger, state=f.item.state, kind=f.item.kind
        )

    def available(self, probe: Firing) -> list[str]:
        """The triggers that would succeed now for the probe's actor (with the parameters
        they need): role, scope, state, separation of duties and every guard."""
        found = []
        for step in self.steps:
            if step.row.trigger in found or probe.item.state not in step.row.source:
                continue
            probe.trigger = step.row.trigger
            if step.refusal(probe) is None:
                found.append(step.row.trigger)
        return [trigger for trigger in self.triggers if trigger in found]


MACHINES: dict[str, KindMachine] = {kind: KindMachine(kind, TABLES[kind]) for kind in KINDS}
