"""Refusals of the transition engine and intake as the CLI user meets them (issue 6, point 9):
exit code, message and nothing changed, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from campusgate.models import Database
from campusgate.workflow import items
from campusgate.workflow.items import Params
from tests.cli.test_cli import NONE_DONE, document, ok_json, refused, refused_json, run
from tests.org import apply, on_ledger, snapshot
from tests.org import refused as refused_service
from tests.org import state as state_of


def test_a_reviewer_of_another_jurisdiction_is_told_where_the_item_lies(db: Database) -> None:
    city_item = apply(db)
    result = refused(
        db,
        "wu.min",
        ["--lang", "en", "advance", "review", str(city_item)],
        exit=4,
        lang="en",
        stdout=None,
    )
    assert result.stderr == (
        f"error: wu.min may not 'review' item {city_item} (submitted): it lies in 鹤壁市, "
        "outside their jurisdiction (wu.min acts in 淇滨区)\n"
    )
    assert "needs" not in result.stderr
    # a user without the role at all still hears which role it takes
    refused(
        db,
        "li.na",
        f"advance review {city_item}",
        exit=4,
        contains=("需要审核人",),
        stdout=NONE_DONE,
    )


def test_extend_refuses_a_deadline_before_today(db: Database) -> None:
    item_id = on_ledger(db, deadline="2027-01-31")
    refused(
        db,
        "zhao.lei",
        ["advance", "extend", str(item_id), "--deadline", "2026-11-30", "--reason", "寒假"],
        exit=5,
        stderr="错误：整改时限 2026-11-30 早于今天 2026-12-01\n",
        stdout=NONE_DONE,
    )
    # an old deadline already past: a later one that is still before today is refused too
    overdue = on_ledger(db, deadline="2026-12-05")
    with refused_service(db, 5, en=("2026-12-08", "before today 2026-12-10")):
        later = Params(deadline="2026-12-08", reason="延期")
        items.fire(db, "zhao.lei", overdue, "extend", later, today=date(2026, 12, 10))


def test_item_show_of_a_malformed_id_by_an_unknown_user_is_input(db: Database) -> None:
    refused(db, "nobody", "item show abc", exit=2, contains=("abc",))
    refused_json(db, "nobody", "item show abc", exit=2, code="invalid_id")
    refused(db, "nobody", "item show 1", exit=3, contains=("nobody",))


def test_advance_results_of_refused_items_carry_the_items_state(db: Database) -> None:
    mine = apply(db)
    before = snapshot(db)
    result = run(db, "li.na", ["advance", "review", str(mine), "999999", "--json"])
    assert result.exit_code == 4, result.stdout
    results = document(result)["results"]
    assert [(r["id"], r["ok"], r["state"]) for r in results] == [
        (mine, False, "submitted"),
        (999999, False, None),
    ]
    assert [r["error"]["exit"] for r in results] == [4, 3]
    # a malformed id among them is input: the call is refused (2) before any id is tried
    malformed = run(db, "li.na", ["advance", "review", str(mine), "999999", "abc", "--json"])
    assert malformed.exit_code == 2
    assert {r["error"]["code"] for r in document(malformed)["results"]} == {"invalid_id"}
    assert snapshot(db) == before
    # an item the user may not read keeps its state to itself
    hidden = run(db, "zhou.qiang", ["advance", "review", str(mine), "--json"])
    assert document(hidden)["results"][0]["state"] is None


APPLY = [
    "apply",
    "--department",
    "市卫健委",
    "--title",
    "学生常见病防治宣传",
    "--year",
    "2027",
    "--basis-kind",
    "law",
    "--basis-doc",
    "《学校卫生工作条例》",
]


def test_a_duplicate_application_is_refused_naming_the_live_one(db: Database) -> None:
    first = apply(db)
    refused(
        db,
        "li.na",
        APPLY,
        exit=5,
        stderr=(
            "错误：市卫健委 已有 2027 年度的同名申请 “学生常见病防治宣传”"
            f"（事项 {first}），不能重复申请\n"
        ),
    )
    error = refused_json(db, "li.na", APPLY, exit=5, code="duplicate_application")
    assert f"item {first}" in run(db, "li.na", ["--lang", "en", *APPLY]).stderr
    assert str(first) in error["message"]
    # another year, or once the first is revoked, it may be applied for again
    assert ok_json(db, "li.na", [*APPLY[:5], "--year", "2028", *APPLY[7:]])["year"] == 2028
    items.fire(db, "li.na", first, "revoke", Params(reason="撤回重报"))
    assert ok_json(db, "li.na", APPLY)["state"] == "submitted"


def test_item_edit_clears_an_optional_field(db: Database) -> None:
    item_id = apply(db, teacher_hours=2)
    view = ok_json(db, "li.na", ["item", "edit", str(item_id), "--place", ""])
    assert view["place"] is None and view["version"] == 2
    history = items.show_item(db, "li.na", item_id)["history"]
    assert history[-1]["changes"] == {"place": ["各中小学校", None]}
    view = ok_json(db, "li.na", ["item", "edit", str(item_id), "--teacher-hours", ""])
    assert view["teacher_hours"] is None
    # a required field cannot be emptied; clearing what is already empty is nothing to amend
    refused(db, "li.na", ["item", "edit", str(item_id), "--title", ""], exit=2, contains=("title",))
    refused(db, "li.na", ["item", "edit", str(item_id), "--place", ""], exit=2)
    assert state_of(db, item_id) == "submitted"
