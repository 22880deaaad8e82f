"""The rectification ledger (SPEC §3.2): clues, their life cycle, privacy and read scope.

The test organisation is in ``tests/org.py`` (河南省 > 鹤壁市 > 淇滨区, 浚县). Today is 2026-12-01.
Every refusal is checked for its exit code, a message that names what is wrong (in English
and Chinese) and an unchanged database (``refused``).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from campusgate.models import Database
from campusgate.workflow import items
from campusgate.workflow.items import Params
from campusgate.workflow.messages import label
from tests.org import CITY, COUNTY, PROVINCE, apply, clue, on_ledger, refused, state

REPORTER = "教师张某 13800000000"
STANDARD = "一线教师不再参与值班"
RESULT = "已取消教师节假日值班安排"


def fire(db: Database, login: str, item_id: int, trigger: str, **params: Any) -> dict[str, Any]:
    return items.fire(db, login, item_id, trigger, Params(**params))


def ledger(**overrides: Any) -> dict[str, Any]:
    """The parameters of ``file``: standard, deadline and responsible person."""
    params: dict[str, Any] = {"standard": STANDARD, "deadline": "2027-01-31", "owner": "chen.jing"}
    params.update(overrides)
    return params


# Items of the city (taken by wang.fang, owner chen.jing), in each state.


def reviewed_clue(db: Database, **overrides: Any) -> int:
    item_id = clue(db, **overrides)
    fire(db, "wang.fang", item_id, "review")
    return item_id


def suspended(db: Database) -> int:
    item_id = on_ledger(db)
    fire(db, "zhao.lei", item_id, "suspend", reason="整改期间暂停")
    return item_id


def published(db: Database) -> int:
    item_id = on_ledger(db)
    fire(db, "chen.jing", item_id, "publish", result=RESULT)
    return item_id


def revoked(db: Database) -> int:
    item_id = clue(db)
    fire(db, "wang.fang", item_id, "revoke", reason="重复线索")
    return item_id


def county_clue(db: Database) -> int:
    """A clue of 淇滨区, taken by its reviewer wu.min."""
    return clue(
        db,
        "wu.min",
        jurisdiction=COUNTY,
        aspect="forms",
        school="淇滨区实验小学",
        summary="区里要求教师重复填写报表",
    )


# --------------------------------------------------------------------------- clue add


def test_a_reviewer_of_the_jurisdiction_takes_in_a_clue(db):
    view = items.add_clue(
        db,
        "wang.fang",
        jurisdiction=CITY,
        source="hotline",
        aspect="duty",
        summary="一线教师节假日被安排校园值班",
        school="鹤壁市高级中学",
        reporter=REPORTER,
    )
    assert view["kind"] == "rectification"
    assert view["state"] == "submitted"
    assert view["jurisdiction"] == CITY
    assert (view["source"], view["aspect"]) == ("hotline", "duty")
    assert view["school"] == "鹤壁市高级中学"
    assert view["summary"] == "一线教师节假日被安排校园值班"
    assert view["reporter"] == REPORTER  # the reviewer who took it sees the contact
    assert (view["year"], view["version"], view["applied_by"]) == (2026, 1, "wang.fang")
    assert set(view["actions"]) == {"review", "revoke"}
    history = items.show_item(db, "wang.fang", view["id"])["history"]
    assert [(e["seq"], e["trigger"], e["to_state"], e["actor"]) for e in history] == [
        (1, "clue", "submitted", "wang.fang")
    ]


#: Who may not take clues in the city (or, last row, in the county).
NOT_CLUE_TAKERS = {
    "applicant": [("li.na", CITY), ("chen.jing", CITY)],
    "approver": [("zhao.lei", CITY), ("he.jun", CITY)],
    "admin": [("admin", CITY), ("city.admin", CITY)],
    "other jurisdiction's reviewer": [("wu.min", CITY), ("wang.fang", COUNTY)],
}


@pytest.mark.parametrize("who", NOT_CLUE_TAKERS)
def test_clue_add_is_for_reviewers_of_that_jurisdiction_only(db, who):
    for login, where in NOT_CLUE_TAKERS[who]:
        with refused(db, 4, en=(login, where, "reviewer"), zh=(login, where, "审核人")):
            clue(db, login, jurisdiction=where)


#: field -> (bad value, what the message must name)
BAD_CLUE_INPUT = {
    "summary": [
        ("", "summary"),
        ("   ", "summary"),
        (None, "summary"),
        ("值班\x00问题", "control characters"),
        ("长" * 2001, "2000"),
    ],
    "source": [("phone", "phone"), ("", "source"), (None, "source"), ("HOTLINE", "HOTLINE")],
    "aspect": [("misc", "misc"), ("", "aspect"), (None, "aspect"), ("duties", "duties")],
    "jurisdiction": [("", "jurisdiction"), (None, "jurisdiction")],
}


def test_clue_add_rejects_bad_input(db):
    for field, cases in BAD_CLUE_INPUT.items():
        for value, named in cases:
            with refused(db, 2, en=(field, named)):
                clue(db, **{field: value})


def test_clue_add_with_unknown_names_is_not_found(db):
    with refused(db, 3, en=("安阳市",), zh=("安阳市",)):
        clue(db, jurisdiction="安阳市")
    with refused(db, 3, en=("不存在的中学",), zh=("不存在的中学",)):
        clue(db, school="不存在的中学")
    with refused(db, 3, en=("nobody",), zh=("nobody",)):
        clue(db, "nobody")
    # §7 precedence: not found (3) before permission (4)
    with refused(db, 3, en=("不存在的中学",)):
        clue(db, "li.na", school="不存在的中学")


def test_clue_add_refuses_a_school_outside_the_jurisdiction(db):
    for school in ("鹤壁市高级中学", "浚县第一中学"):  # the city above; a sibling county
        with refused(db, 5, en=(school, COUNTY), zh=(school, COUNTY)):
            clue(db, "wu.min", jurisdiction=COUNTY, school=school)
    # a school below the jurisdiction is inside it
    assert (
        items.show_item(db, "wang.fang", clue(db, school="浚县第一中学"))["school"]
        == "浚县第一中学"
    )


def test_every_source_and_every_aspect_of_the_spec_is_accepted(db):
    sources = ["hotline", "mailbox", "school", "teacher", "inspection", "evaluation"]
    aspects = [
        "inspections",
        "social-affairs",
        "paperwork",
        "forms",
        "secondment",
        "duty",
        "formalism",
    ]
    for n, aspect in enumerate(aspects):
        source = sources[n % len(sources)]
        view = items.add_clue(
            db, "wang.fang", jurisdiction=CITY, source=source, aspect=aspect, summary=f"线索 {n}"
        )
        assert (view["source"], view["aspect"], view["state"]) == (source, aspect, "submitted")
    listed = items.list_items(db, "wang.fang")
    assert {v["source"] for v in listed} == set(sources)
    assert {v["aspect"] for v in listed} == set(aspects)


def test_a_clue_may_link_a_whitelist_item_of_its_jurisdiction_or_below(db):
    application = apply(db)  # of the city
    view = items.add_clue(
        db,
        "wang.fang",
        jurisdiction=CITY,
        source="evaluation",
        aspect="social-affairs",
        summary="讲座占用教学时间",
        linked_item=application,
    )
    assert view["linked_item"] == application
    with refused(db, 5, en=(str(view["id"]), CITY)):
        clue(db, linked_item=view["id"])  # a rectification item
    with refused(db, 5, en=(str(application), COUNTY)):
        clue(db, "wu.min", jurisdiction=COUNTY, linked_item=application)  # the city's, from below
    with refused(db, 3, en=("999",)):
        clue(db, linked_item=999)


# --------------------------------------------------------------------------- life cycle


def test_the_reviewer_who_took_the_clue_reviews_files_and_closes_it(db):
    # no separation of duties on rectification items
    item_id = clue(db, "wang.fang")
    view = fire(db, "wang.fang", item_id, "review")
    assert (view["state"], view["reviewed_by"]) == ("reviewed", "wang.fang")

    view = fire(db, "wang.fang", item_id, "file", **ledger())
    assert view["state"] == "filed"
    assert (view["standard"], view["deadline"], view["owner"]) == (
        STANDARD,
        "2027-01-31",
        "chen.jing",
    )

    view = fire(db, "wang.fang", item_id, "publish", result=RESULT)
    assert (view["state"], view["result"], view["actions"]) == ("published", RESULT, [])

    history = items.show_item(db, "wang.fang", item_id)["history"]
    assert [(e["trigger"], e["from_state"], e["to_state"], e["actor"]) for e in history] == [
        ("clue", None, "submitted", "wang.fang"),
        ("review", "submitted", "reviewed", "wang.fang"),
        ("file", "reviewed", "filed", "wang.fang"),
        ("publish", "filed", "published", "wang.fang"),
    ]
    assert history[2]["changes"] == {
        "standard": [None, STANDARD],
        "deadline": [None, "2027-01-31"],
        "owner": [None, "chen.jing"],
    }
    assert history[3]["changes"] == {"result": [None, RESULT]}


def test_approvers_file_too(db):
    item_id = reviewed_clue(db)
    assert fire(db, "zhao.lei", item_id, "file", **ledger())["state"] == "filed"
    # gao.feng holds both hats and may do every step himself
    other = clue(db, "gao.feng")
    fire(db, "gao.feng", other, "review")
    assert fire(db, "gao.feng", other, "file", **ledger())["state"] == "filed"


def en(code: str) -> str:
    """A state's or trigger's English words on a rectification item (``published``: closed)."""
    return label(code, "en", "rectification")


#: trigger -> (how to get an item it leaves from, its parameters, zh label, who may not fire it)
NOT_PERMITTED = {
    "review": (clue, {}, "审核", ["li.na", "zhao.lei", "admin", "he.jun", "wu.min", "zheng.hua"]),
    "file": (
        reviewed_clue,
        ledger(),
        "上台账",
        ["li.na", "chen.jing", "admin", "city.admin", "he.jun", "wu.min", "zheng.hua"],
    ),
    "extend": (
        on_ledger,
        {"deadline": "2027-03-31", "reason": "延期"},
        "延期",
        ["wang.fang", "chen.jing", "he.jun", "admin", "zheng.hua"],
    ),
    "publish": (
        on_ledger,
        {"result": RESULT},
        "销号",
        # li.na: same department as the owner chen.jing, but not the owner
        ["li.na", "sun.hao", "zhou.qiang", "admin", "he.jun", "wu.min"],
    ),
    "suspend": (
        on_ledger,
        {"reason": "暂停"},
        "暂停",
        ["wang.fang", "chen.jing", "he.jun", "admin", "zheng.hua"],
    ),
    "reinstate": (
        suspended,
        {"reason": "恢复"},
        "恢复",
        ["wang.fang", "chen.jing", "he.jun", "admin", "zheng.hua"],
    ),
    "revoke": (
        on_ledger,
        {"reason": "撤销"},
        "撤销",
        ["chen.jing", "li.na", "admin", "he.jun", "wu.min"],
    ),
}


@pytest.mark.parametrize("trigger", NOT_PERMITTED)
def test_triggers_are_refused_to_those_without_the_role(db, trigger):
    make, params, zh_label, logins = NOT_PERMITTED[trigger]
    item_id = make(db)
    for login in logins:
        with refused(db, 4, en=(login, en(trigger), str(item_id)), zh=(login, zh_label)):
            fire(db, login, item_id, trigger, **params)


def test_a_refusal_names_the_roles_needed_in_the_readers_language(db):
    item_id = clue(db)
    with refused(db, 4) as excinfo:
        fire(db, "li.na", item_id, "review")
    assert excinfo.value.message("en").endswith("needs reviewer")
    assert excinfo.value.message("zh").endswith("审核人")
    fire(db, "wang.fang", item_id, "review")
    fire(db, "wang.fang", item_id, "file", **ledger())
    with refused(db, 4) as excinfo:
        fire(db, "li.na", item_id, "publish", result=RESULT)
    assert excinfo.value.message("en").endswith("needs reviewer / approver / responsible person")
    assert excinfo.value.message("zh").endswith("审核人 / 审批人 / 责任人")


def test_file_needs_standard_deadline_and_owner(db):
    item_id = reviewed_clue(db)
    for missing in ("standard", "deadline", "owner"):
        for blank in (None, "", "  "):
            with refused(
                db, 2, en=(f"--{missing}", "'put on the ledger'"), zh=(f"--{missing}", "“上台账”")
            ):
                fire(db, "wang.fang", item_id, "file", **ledger(**{missing: blank}))


def test_missing_input_beats_missing_permission(db):
    # §7 precedence: an applicant firing 'file' without a standard hears about the input (2)
    item_id = reviewed_clue(db)
    with refused(db, 2, en=("--standard",)):
        fire(db, "li.na", item_id, "file", **ledger(standard=None))


def test_file_rejects_a_malformed_deadline(db):
    item_id = reviewed_clue(db)
    for bad in ("2027-02-30", "31/01/2027", "next month"):
        with refused(db, 2, en=(bad, "YYYY-MM-DD"), zh=(bad,)):
            fire(db, "wang.fang", item_id, "file", **ledger(deadline=bad))


def test_file_refuses_a_deadline_before_today_and_accepts_today(db):
    item_id = reviewed_clue(db)
    with refused(db, 5, en=("2026-11-30", "2026-12-01"), zh=("2026-11-30", "2026-12-01")):
        fire(db, "wang.fang", item_id, "file", **ledger(deadline="2026-11-30"))
    view = fire(db, "wang.fang", item_id, "file", **ledger(deadline="2026-12-01"))
    assert (view["state"], view["deadline"]) == ("filed", "2026-12-01")


def test_file_with_an_unknown_owner_is_not_found(db):
    item_id = reviewed_clue(db)
    with refused(db, 3, en=("ghost",), zh=("ghost",)):
        fire(db, "wang.fang", item_id, "file", **ledger(owner="ghost"))
    # §7 precedence: the unknown user (3) before the missing permission (4)
    with refused(db, 3, en=("ghost",)):
        fire(db, "li.na", item_id, "file", **ledger(owner="ghost"))


@pytest.mark.parametrize(
    ("where", "reviewer", "outside", "below"),
    [
        (CITY, "wang.fang", ["he.jun", "admin"], "zhou.qiang"),  # province above; county below
        (COUNTY, "wu.min", ["chen.jing", "zhao.lei"], "zhou.qiang"),  # city above; county itself
    ],
)
def test_the_owner_must_sit_in_the_jurisdiction_or_below(db, where, reviewer, outside, below):
    item_id = clue(db, reviewer, jurisdiction=where)
    fire(db, reviewer, item_id, "review")
    for owner in outside:
        with refused(db, 5, en=(owner, where), zh=(owner, where)):
            fire(db, reviewer, item_id, "file", **ledger(owner=owner))
    assert fire(db, reviewer, item_id, "file", **ledger(owner=below))["owner"] == below


#: An item in a given state, and the triggers (with parameters) that do not leave that state.
WRONG_STATE = {
    "submitted": (
        clue,
        [
            ("file", ledger()),
            ("publish", {"result": RESULT}),
            ("suspend", {"reason": "暂停"}),
            ("reinstate", {"reason": "恢复"}),
        ],
    ),
    "reviewed": (
        reviewed_clue,
        [
            ("review", {}),
            ("publish", {"result": RESULT}),
            ("extend", {"deadline": "2027-03-01", "reason": "延期"}),
        ],
    ),
    "filed": (on_ledger, [("review", {}), ("file", ledger()), ("reinstate", {"reason": "恢复"})]),
    "suspended": (
        suspended,
        [
            ("publish", {"result": RESULT}),
            ("suspend", {"reason": "暂停"}),
            ("extend", {"deadline": "2027-03-01", "reason": "延期"}),
        ],
    ),
}


def test_triggers_from_the_wrong_state_are_refused(db):
    for from_state, (make, attempts) in WRONG_STATE.items():
        item_id = make(db)
        assert state(db, item_id) == from_state
        for trigger, params in attempts:
            # gao.feng is reviewer and approver of the city: only the state stands in his way
            with refused(db, 5, en=(str(item_id), en(from_state), en(trigger))):
                fire(db, "gao.feng", item_id, trigger, **params)


# --------------------------------------------------------------------------- extend


def test_an_approver_extends_the_deadline_with_a_reason(db):
    item_id = on_ledger(db, deadline="2027-01-31")
    view = fire(db, "zhao.lei", item_id, "extend", deadline="2027-03-31", reason="寒假期间无法核查")
    assert (view["state"], view["deadline"]) == ("filed", "2027-03-31")
    last = items.show_item(db, "zhao.lei", item_id)["history"][-1]
    assert (last["trigger"], last["actor"], last["reason"]) == (
        "extend",
        "zhao.lei",
        "寒假期间无法核查",
    )
    assert last["changes"] == {"deadline": ["2027-01-31", "2027-03-31"]}


def test_extend_needs_a_later_deadline(db):
    item_id = on_ledger(db, deadline="2027-01-31")
    for new in ("2027-01-31", "2027-01-15", "2026-12-01"):
        with refused(db, 5, en=(new, "2027-01-31"), zh=(new, "2027-01-31")):
            fire(db, "zhao.lei", item_id, "extend", deadline=new, reason="延期")


def test_extend_needs_a_deadline_and_a_reason(db):
    item_id = on_ledger(db)
    for params, named in (
        ({"deadline": "2027-03-31"}, "--reason"),
        ({"deadline": "2027-03-31", "reason": "  "}, "--reason"),
        ({"reason": "延期"}, "--deadline"),
    ):
        with refused(db, 2, en=(named, "extend"), zh=(named, "延期")):
            fire(db, "zhao.lei", item_id, "extend", **params)
    with refused(db, 2, en=("2027-04-31", "YYYY-MM-DD")):
        fire(db, "zhao.lei", item_id, "extend", deadline="2027-04-31", reason="延期")


# --------------------------------------------------------------------------- publish (close)


@pytest.mark.parametrize(
    ("login", "owner"),
    [
        ("wang.fang", "chen.jing"),  # reviewer
        ("zhao.lei", "chen.jing"),  # approver
        ("chen.jing", "chen.jing"),  # the responsible person
        ("zhou.qiang", "zhou.qiang"),  # a responsible person in a county, on a city item
    ],
)
def test_reviewer_approver_or_the_responsible_person_closes_the_item(db, login, owner):
    item_id = on_ledger(db, owner=owner)
    if login == "chen.jing":  # all the responsible person may do
        assert items.show_item(db, owner, item_id)["actions"] == ["publish"]
    view = fire(db, login, item_id, "publish", result=RESULT)
    assert (view["state"], view["result"]) == ("published", RESULT)


def test_a_responsible_person_in_a_county_reads_the_city_item_he_owns(db):
    item_id = on_ledger(db, owner="zhou.qiang")
    view = items.show_item(db, "zhou.qiang", item_id)
    assert (view["standard"], view["deadline"], view["actions"]) == (
        STANDARD,
        "2027-01-31",
        ["publish"],
    )
    assert "reporter" not in view
    assert [v["id"] for v in items.list_items(db, "zhou.qiang")] == [item_id]


def test_publish_needs_a_result(db):
    item_id = on_ledger(db)
    for result in (None, "", "   "):
        with refused(db, 2, en=("--result", "'close'"), zh=("--result", "“销号”")):
            fire(db, "chen.jing", item_id, "publish", result=result)


# --------------------------------------------------------------------------- suspend, reinstate


def test_an_approver_suspends_and_reinstates_a_ledger_item(db):
    item_id = on_ledger(db)
    assert fire(db, "zhao.lei", item_id, "suspend", reason="责任人调岗")["state"] == "suspended"
    view = fire(db, "qian.min", item_id, "reinstate", reason="已指定新责任人")
    assert (view["state"], view["owner"], view["deadline"]) == ("filed", "chen.jing", "2027-01-31")
    history = items.show_item(db, "zhao.lei", item_id)["history"]
    assert [(e["trigger"], e["to_state"], e["reason"]) for e in history[-2:]] == [
        ("suspend", "suspended", "责任人调岗"),
        ("reinstate", "filed", "已指定新责任人"),
    ]


def test_suspend_and_reinstate_need_a_reason(db):
    item_id = on_ledger(db)
    with refused(db, 2, en=("reason", "suspend"), zh=("--reason", "暂停")):
        fire(db, "zhao.lei", item_id, "suspend")
    fire(db, "zhao.lei", item_id, "suspend", reason="暂停")
    with refused(db, 2, en=("reason", "reinstate"), zh=("--reason", "恢复")):
        fire(db, "zhao.lei", item_id, "reinstate", reason=" ")


# --------------------------------------------------------------------------- revoke


def test_reviewer_or_approver_revokes_from_every_open_state(db):
    for make, login in itertools.product(
        (clue, reviewed_clue, on_ledger, suspended), ("wang.fang", "zhao.lei")
    ):
        item_id = make(db)
        view = fire(db, login, item_id, "revoke", reason="线索不实")
        assert (view["state"], view["actions"]) == ("revoked", [])
        last = items.show_item(db, login, item_id)["history"][-1]
        assert (last["trigger"], last["actor"], last["to_state"], last["reason"]) == (
            "revoke",
            login,
            "revoked",
            "线索不实",
        )


def test_revoke_is_refused_once_closed_or_revoked(db):
    for item_id, from_state in ((published(db), "published"), (revoked(db), "revoked")):
        for login in ("wang.fang", "zhao.lei"):
            with refused(
                db, 5, en=(str(item_id), en(from_state), "revoke"), zh=(str(item_id), "撤销")
            ):
                fire(db, login, item_id, "revoke", reason="撤销")


def test_revoke_needs_a_reason(db):
    item_id = clue(db)
    with refused(db, 2, en=("reason", "revoke"), zh=("--reason",)):
        fire(db, "wang.fang", item_id, "revoke")


# --------------------------------------------------------------------------- odd triggers, ids


def test_triggers_rectification_items_do_not_have_are_invalid(db):
    item_id = reviewed_clue(db)
    for trigger in ("approve", "ratify", "amend", "return"):  # none; three whitelist triggers
        with refused(db, 2, en=(trigger,)):
            fire(db, "gao.feng", item_id, trigger)


def test_unknown_items_are_not_found_and_odd_ids_are_invalid(db):
    for item_id, exit_code in ((999, 3), ("999", 3), ("abc", 2), ("1.5", 2)):
        with refused(db, exit_code, en=(str(item_id),)):
            fire(db, "wang.fang", item_id, "review")
        with refused(db, exit_code, en=(str(item_id),)):
            items.show_item(db, "wang.fang", item_id)


# --------------------------------------------------------------------------- privacy


def views(db: Database, login: str, item_id: int) -> list[dict[str, Any]]:
    """The item as ``login`` reads it: ``show_item`` and its row in ``list_items``."""
    listed = [v for v in items.list_items(db, login) if v["id"] == item_id]
    assert len(listed) == 1
    return [items.show_item(db, login, item_id), listed[0]]


def test_reviewers_and_approvers_of_the_jurisdiction_see_the_reporter(db):
    item_id = on_ledger(db)
    for login in ("wang.fang", "liu.yang", "zhao.lei", "qian.min", "gao.feng"):
        for view in views(db, login, item_id):
            assert view["reporter"] == REPORTER, login


def test_nobody_else_sees_the_reporter(db):
    item_id = on_ledger(db, owner="chen.jing")
    for login in (
        "admin",
        "city.admin",  # they read everything, but are no reviewers or approvers
        "he.jun",  # approver of the parent jurisdiction
        "chen.jing",  # the responsible person
        "li.na",
        "sun.hao",  # applicants of the city
    ):
        for view in views(db, login, item_id):
            assert "reporter" not in view, login
            assert "13800000000" not in json.dumps(view, ensure_ascii=False), login


def test_the_responsible_person_does_not_see_the_reporter_when_closing(db):
    item_id = on_ledger(db, owner="chen.jing")
    assert "reporter" not in fire(db, "chen.jing", item_id, "publish", result=RESULT)


def test_the_reporter_of_a_county_item_is_for_the_county_only(db):
    item_id = county_clue(db)
    for login in ("wu.min", "zheng.hua"):
        for view in views(db, login, item_id):
            assert view["reporter"] == REPORTER, login
    # city staff supervise the county, but the contact stays with the county
    for login in ("zhou.qiang", "wang.fang", "zhao.lei", "gao.feng", "he.jun", "admin"):
        for view in views(db, login, item_id):
            assert "reporter" not in view, login


def test_a_clue_without_reporter_shows_none_to_the_jurisdiction(db):
    item_id = clue(db, reporter=None)
    assert items.show_item(db, "wang.fang", item_id)["reporter"] is None
    assert "reporter" not in items.show_item(db, "admin", item_id)


# --------------------------------------------------------------------------- read scope


def test_county_users_cannot_read_a_city_item(db):
    item_id = clue(db)
    for login in ("wu.min", "zheng.hua", "zhou.qiang"):
        with refused(db, 4, en=(login, str(item_id)), zh=(login, str(item_id))):
            items.show_item(db, login, item_id)
        assert items.list_items(db, login) == []
        with refused(db, 4, en=(login, CITY), zh=(login, CITY)):
            items.list_items(db, login, jurisdiction=CITY)


def test_city_and_province_users_read_county_items(db):
    item_id = county_clue(db)
    for login in ("wang.fang", "zhao.lei", "li.na", "city.admin", "he.jun", "admin"):
        view = items.show_item(db, login, item_id)
        assert view["jurisdiction"] == COUNTY, login
        assert view["actions"] == [], login  # supervision reads; it does not act
        assert [v["id"] for v in items.list_items(db, login, jurisdiction=COUNTY)] == [item_id]


def test_list_items_returns_only_readable_items(db):
    city_item = clue(db)
    county_item = county_clue(db)
    assert [v["id"] for v in items.list_items(db, "wang.fang")] == [city_item, county_item]
    assert [v["id"] for v in items.list_items(db, "he.jun")] == [city_item, county_item]
    assert [v["id"] for v in items.list_items(db, "wu.min")] == [county_item]
    assert [v["id"] for v in items.list_items(db, "wu.min", kind="rectification")] == [county_item]
    assert items.list_items(db, "wu.min", kind="whitelist") == []
    fire(db, "wang.fang", city_item, "review")
    assert [v["id"] for v in items.list_items(db, "admin", state="reviewed")] == [city_item]
    assert items.list_items(db, "admin", jurisdiction=PROVINCE) == []
