"""The service functions on items, in one place for their callers: the engine
(``workflow.engine``), intake (``workflow.intake``) and the read views (``workflow.views``)."""

from __future__ import annotations

from campusgate.workflow.engine import Params, amend, changing_item, evaluate, fire, transition
from campusgate.workflow.intake import add_clue, apply
from campusgate.workflow.views import history, item_state, item_view, list_items, show_item

__all__ = [
    "Params",
    "add_clue",
    "amend",
    "apply",
    "changing_item",
    "evaluate",
    "fire",
    "history",
    "item_state",
    "item_view",
    "list_items",
    "show_item",
    "transition",
]
