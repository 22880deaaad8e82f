"""The model the machines run on: one short-lived object per attempted transition, or per
item whose available triggers a view asks for (``probing``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from campusgate.models import Item, User
from campusgate.workflow.errors import Notice
from campusgate.workflow.scope import Actor, Tree


@dataclass
class Firing:
    """Everything a guard or effect may look at; ``state`` is the machine's attribute."""

    session: Session
    actor: Actor
    item: Item
    trigger: str
    tree: Tree
    today: date
    state: str
    reason: str | None = None
    standard: str | None = None
    deadline: date | None = None
    owner: User | None = None
    result: str | None = None
    amendment: dict[str, Any] = field(default_factory=dict)
    #: asking which triggers are available: guards read, they never lock
    probing: bool = False
    #: what guards looked up, shared by the probes of one view (quota usage and the like)
    cache: dict[Any, Any] = field(default_factory=dict)
    #: what the effects changed, as ``{field: [old, new]}``; recorded in the event
    changes: dict[str, Any] = field(default_factory=dict)
    #: what the caller should be told though the transition went through (warnings)
    notices: list[Notice] = field(default_factory=list)

    def given(self, param: str) -> bool:
        return bool(getattr(self, param))

    def change(self, name: str, new: Any, shown: Any = None) -> None:
        """Set ``item.name`` and record the change (``shown`` is the JSON-safe form)."""
        old = getattr(self.item, name)
        if old == new:
            return
        setattr(self.item, name, new)
        self.changes[name] = [jsonable(old), jsonable(new if shown is None else shown)]


def jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value
