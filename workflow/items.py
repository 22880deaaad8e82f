"""The service functions on items, in one place for their callers: the engine
(``workflow.engine``), intake (``workflow.intake``) and the read views (``workflow.views``).

Each name is imported from its module when first asked for, so a command that only reads
(``item show``) does not load the engine's writing side.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

_HOME = {
    "Params": "engine",
    "advance": "engine",
    "amend": "engine",
    "changing_item": "engine",
    "evaluate": "engine",
    "fire": "engine",
    "fire_each": "engine",
    "transition": "engine",
    "trigger_code": "engine",
    "add_clue": "intake",
    "apply": "intake",
    "history": "views",
    "item_states": "views",
    "item_view": "views",
    "list_items": "views",
    "show_item": "views",
}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"campusgate.workflow.{_HOME[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
