"""Effects named in the transition tables: run after the state changed, record what they set."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from models import User
from workflow.clock import now_utc

if TYPE_CHECKING:
    from transitions import EventData

    from workflow.firing import Firing


def _firing(event: EventData) -> Firing:
    return cast("Firing", event.model)


def apply_amendment(event: EventData) -> None:
    f = _firing(event)
    for name, value in f.amendment.items():
        f.change(name, value)


def _acting_user(f: Firing) -> User | None:
    """The acting user's row (already in the session's identity map); None for jobs."""
    return f.session.get(User, f.actor.user_id) if f.actor.user_id is not None else None


def record_reviewer(event: EventData) -> None:
    f = _firing(event)
    f.item.reviewed_by = _acting_user(f)


def clear_review(event: EventData) -> None:
    """A returned application is reviewed (and, if emergency, ratified) afresh."""
    f = _firing(event)
    f.item.reviewed_by = None
    if f.item.ratified_by_id is not None:
        f.item.ratified_by = None
        f.item.ratified_at = None
        f.changes["ratified"] = [True, False]


def record_ratification(event: EventData) -> None:
    f = _firing(event)
    f.item.ratified_by = _acting_user(f)
    f.item.ratified_at = now_utc()
    f.changes["ratified_by"] = [None, f.actor.login]


def put_on_ledger(event: EventData) -> None:
    f = _firing(event)
    assert f.owner is not None
    f.change("standard", f.standard)
    f.change("deadline", f.deadline)
    old_owner = f.item.owner.login if f.item.owner is not None else None
    if f.item.owner_id != f.owner.id:
        f.item.owner = f.owner
        f.changes["owner"] = [old_owner, f.owner.login]


def set_deadline(event: EventData) -> None:
    f = _firing(event)
    f.change("deadline", f.deadline)


def record_result(event: EventData) -> None:
    f = _firing(event)
    f.change("result", f.result)
