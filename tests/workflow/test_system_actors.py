"""The jobs' system actors pass the same checks as people, with the roles SYSTEM_ACTORS gives
them and no others."""

from __future__ import annotations

import pytest

from campusgate.jobs.runner import JOBS
from campusgate.models import Database
from campusgate.workflow import items
from campusgate.workflow.scope import SYSTEM_ACTORS, Actor
from tests.org import refused, reviewed, set_quota, state


def test_every_job_has_a_system_actor() -> None:
    assert set(SYSTEM_ACTORS) == set(JOBS)
    assert Actor.system("publish").roles == frozenset({"approver"})
    assert Actor.system("reminders").roles == frozenset()
    with pytest.raises(KeyError):
        Actor.system("nope")


def test_a_system_actor_without_the_role_is_refused_like_a_person(db: Database) -> None:
    set_quota(db, 5)
    item_id = reviewed(db)
    with refused(db, 4, en=("system:reminders",)):
        items.fire(db, "system:reminders", item_id, "file", actor=Actor.system("reminders"))
    items.fire(db, "system:year-end-review", item_id, "file", actor=Actor.system("year-end-review"))
    assert state(db, item_id) == "filed"
