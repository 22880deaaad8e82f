"""Effects named in the transition tables, registered by name: they run after the state
changed and record what they set."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from typing import TYPE_CHECKING

from campusgate.workflow.clock import now_utc
from campusgate.workflow.errors import InvalidInput, Notice

if TYPE_CHECKING:
    from campusgate.models import User
    from campusgate.workflow.firing import Firing

Effect = Callable[["Firing"], None]

EFFECTS: dict[str, Effect] = {}


def effect(run: Effect) -> Effect:
    """Register an effect under its function's name."""
    EFFECTS[run.__name__] = run
    return run


@effect
def apply_amendment(f: Firing) -> None:
    for name, value in f.amendment.items():
        f.change(name, value)
    if not f.changes:  # every field given already had that value
        raise InvalidInput("nothing_to_amend")


@effect
def record_reviewer(f: Firing) -> None:
    f.item.reviewed_by_id = f.actor.user_id


@effect
def clear_review(f: Firing) -> None:
    """A returned application is reviewed (and, if emergency, ratified) afresh."""
    f.item.reviewed_by_id = None
    if f.item.ratified_by_id is not None:
        f.item.ratified_by_id = None
        f.item.ratified_at = None
        f.changes["ratified"] = [True, False]


@effect
def record_ratification(f: Firing) -> None:
    f.item.ratified_by_id = f.actor.user_id
    f.item.ratified_at = now_utc()
    f.changes["ratified_by"] = [None, f.actor.login]


@effect
def put_on_ledger(f: Firing) -> None:
    assert f.owner is not None
    f.change("standard", f.standard)
    f.change("deadline", f.deadline)
    if f.item.owner_id != f.owner.id:
        old_owner = f.item.owner.login if f.item.owner is not None else None
        f.item.owner_id = f.owner.id
        f.changes["owner"] = [old_owner, f.owner.login]
    if not f.owner.email:
        f.notices.append(unreachable_owner(f.owner))


def unreachable_owner(owner: User) -> Notice:
    """The warning that a responsible person without an e-mail address gets no reminders,
    with the command an admin gives them one by (``org add-user`` keeps what it is not
    given)."""
    login = owner.login if _PLAIN.fullmatch(owner.login) else shlex.quote(owner.login)
    command = f"campusgate org add-user {login}"
    return Notice("owner_no_email", {"login": owner.login, "name": owner.name, "command": command})


#: A word the shell takes as it is (Chinese names need no quotes).
_PLAIN = re.compile(r"[^\s'\"\\$`;&|<>()*?!#~{}\[\]]+")


@effect
def set_deadline(f: Firing) -> None:
    f.change("deadline", f.deadline)


@effect
def record_result(f: Firing) -> None:
    f.change("result", f.result)
