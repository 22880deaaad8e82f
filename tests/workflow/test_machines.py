"""The transition engine's definition checks (they fail when a table is built, which for the
real tables is at import) and the agreement of ``actions`` with what firing does."""

from __future__ import annotations

from datetime import date

import pytest

from campusgate.domain import FILED, LIVE, PUBLISHED, REVIEWED, SUBMITTED
from campusgate.models import Database
from campusgate.workflow import items
from campusgate.workflow.engine import trigger_code
from campusgate.workflow.items import Params
from campusgate.workflow.kinds import TABLES, all_triggers, allow
from campusgate.workflow.machines import MACHINES, DefinitionError, KindMachine
from campusgate.workflow.messages import label
from tests.org import clue, filed, on_ledger, refused, reviewed, set_quota, state

# --------------------------------------------------------------------------- definitions


def test_the_real_tables_build_one_machine_per_kind():
    for kind, table in TABLES.items():
        machine = MACHINES[kind]
        assert [step.row for step in machine.steps] == list(table)
        # one machine transition per row: a trigger with two rows has two from a shared state
        revoke = machine.machine.events["revoke"].transitions
        rows_from_submitted = [r for r in table if r.trigger == "revoke" and SUBMITTED in r.source]
        assert len(revoke[SUBMITTED]) == len(rows_from_submitted)


def test_every_label_of_a_trigger_names_that_trigger_alone():
    """What output shows for a trigger, in either language and in either kind's words, is
    accepted for it: each label names one trigger, where the item's kind is known or not."""
    for kind in TABLES:
        for code in all_triggers(kind):
            for lang in ("zh", "en"):
                word = label(code, lang, kind)
                assert trigger_code(word, kind) == code
                assert trigger_code(word) == code


@pytest.mark.parametrize(
    ("row", "words"),
    [
        (allow("review", SUBMITTED, REVIEWED, who="reviewer", guards=("check_nothing",)), "guard"),
        (allow("review", SUBMITTED, REVIEWED, who="reviewer", effects=("do_nothing",)), "effect"),
        (allow("review", SUBMITTED, REVIEWED, who="janitor"), "who janitor"),
        (allow("review", SUBMITTED, "approved", who="reviewer"), "state approved"),
        (allow("review", SUBMITTED, REVIEWED, who="reviewer", needs=("colour",)), "colour"),
    ],
)
def test_an_unknown_name_fails_when_the_table_is_built(row, words):
    with pytest.raises(DefinitionError, match=words):
        KindMachine("whitelist", (row,))


def test_two_rows_of_one_trigger_for_one_actor_from_one_state_fail():
    table = (
        allow("revoke", LIVE, "revoked", who="approver", needs=("reason",)),
        allow("revoke", (FILED, PUBLISHED), "revoked", who=("reviewer", "approver")),
    )
    with pytest.raises(DefinitionError, match=r"two rows from .*filed.* for approver"):
        KindMachine("whitelist", table)
    # the real table's two revoke rows share `submitted`, but not the actor: fine
    KindMachine("whitelist", TABLES["whitelist"])


def test_a_guard_that_could_not_be_decided_for_actions_fails():
    """``check_deadline_later`` reads the new deadline: a row that does not need one could
    never tell ``actions`` whether it would pass."""
    row = allow("extend", FILED, FILED, who="approver", guards=("check_deadline_later",))
    with pytest.raises(DefinitionError, match="check_deadline_later reads deadline"):
        KindMachine("rectification", (row,))


# --------------------------------------------------------------------------- actions


def offered(db: Database, login: str, item_id: int) -> list[str]:
    return items.show_item(db, login, item_id)["actions"]


def test_actions_leave_out_file_without_room_in_the_quota(db):
    """Quota guards count in ``actions``: `file` is offered only while the year has room."""
    item_id = reviewed(db)
    assert "file" not in offered(db, "zhao.lei", item_id)  # no quota yet
    with refused(db, 5, code="no_quota"):
        items.fire(db, "zhao.lei", item_id, "file")
    set_quota(db, 1)
    assert "file" in offered(db, "zhao.lei", item_id)
    other = reviewed(db)
    items.fire(db, "zhao.lei", item_id, "file")
    assert "file" not in offered(db, "zhao.lei", other)  # the one place is taken
    with refused(db, 5, code="quota_exceeded"):
        items.fire(db, "zhao.lei", other, "file")
    listed = {v["id"]: v["actions"] for v in items.list_items(db, "zhao.lei")}
    assert "file" not in listed[other]


def test_actions_leave_out_publish_outside_the_items_year(db):
    set_quota(db, 2)
    item_id = filed(db)  # a 2027 item, and today is in 2026
    assert "publish" not in offered(db, "zhao.lei", item_id)
    with refused(db, 5, code="publish_outside_year"):
        items.fire(db, "zhao.lei", item_id, "publish")
    view = items.fire(db, "zhao.lei", item_id, "publish", today=date(2027, 1, 5))
    assert view["state"] == PUBLISHED


def test_actions_leave_out_reinstate_while_a_linked_rectification_is_open(db):
    set_quota(db, 2)
    item_id = filed(db)
    items.fire(db, "zhao.lei", item_id, "publish", today=date(2027, 1, 5))
    items.fire(db, "zhao.lei", item_id, "suspend", Params(reason="效果不佳"))
    ledger = clue(db, linked_item=item_id)
    assert "reinstate" not in offered(db, "zhao.lei", item_id)
    with refused(db, 5, code="linked_open"):
        items.fire(db, "zhao.lei", item_id, "reinstate", Params(reason="已整改"))
    items.fire(db, "wang.fang", ledger, "revoke", Params(reason="重复线索"))
    assert "reinstate" in offered(db, "zhao.lei", item_id)


def test_actions_offer_triggers_whose_guards_wait_for_input(db):
    """A guard reading a parameter (the new deadline) is decided when the input comes:
    ``extend`` is offered, and a deadline before today is then refused."""
    item_id = on_ledger(db)
    assert "extend" in offered(db, "zhao.lei", item_id)
    with refused(db, 5, en=("2026-11-30", "before today"), code="deadline_past"):
        items.fire(db, "zhao.lei", item_id, "extend", Params(deadline="2026-11-30", reason="延期"))
    assert state(db, item_id) == FILED
