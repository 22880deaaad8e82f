"""Effects named in the transition tables: run after the state changed, record what they set."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from campusgate.workflow.clock import now_utc
from campusgate.workflow.errors import InvalidInput

if TYPE_CHECKING:
    from transitions import EventData

    from campusgate.workflow.firing import Firing


def _firing(event: EventData) -> Firing:
    return cast("Firing", event.model)


def apply_amendment(event: EventData) -> None:
    f = _firing(event)
    for name, value in f.amendment.items():
        f.change(name, value)
    if not f.changes:  # every field given already had that value
        raise InvalidInput("nothing_to_amend")


def record_reviewer(event: EventData) -> None:
    f = _firing(event)
    f.item.reviewed_by_id = f.actor.user_id


def clear_review(event: EventData) -> None:
    """A returned application is reviewed (and, if emergency, ratified) afresh."""
    f = _firing(event)
    f.item.reviewed_by_id = None
    if f.item.ratified_by_id is not None:
        f.item.ratified_by_id = None
        f.item.ratified_at = None
        f.changes["ratified"] = [True, False]


def record_ratification(event: EventData) -> None:
    f = _firing(event)
    f.item.ratified_by_id = f.actor.user_id
    f.item.ratified_at = now_utc()
    f.changes["ratified_by"] = [None, f.actor.login]


def put_on_ledger(event: EventData) -> None:
    f = _firing(event)
    assert f.owner is not None
    f.change("standard", f.standard)
    f.change("deadline", f.deadline)
    if f.item.owner_id != f.owner.id:
        old_owner = f.item.owner.login if f.item.owner is not None else None
        f.item.owner_id = f.owner.id
        f.changes["owner"] = [old_owner, f.owner.login]


def set_deadline(event: EventData) -> None:
    f = _firing(event)
    f.change("deadline", f.deadline)


def record_result(event: EventData) -> None:
    f = _firing(event)
    f.change("result", f.result)
