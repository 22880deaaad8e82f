"""Contract tests for whitelist applications (SPEC §2, §3.1, §4.3, §5, §7).

Every test calls the service functions of ``workflow.items`` directly and runs on SQLite and
PostgreSQL. "Today" is 2026-12-01 (``CAMPUSGATE_TODAY``, set by an autouse fixture): 2026 is
the current year, 2027 the year applications are normally made for.

Every refusal is checked three ways (``refused``): the error class and exit code, words of
its message (English, and Chinese where the wording matters), and an unchanged database.
Since a refusal changes nothing, one test may try many refusals on one database; those lists
run as subtests so that each case is reported on its own.

The role matrix uses an oracle written from SPEC §2/§3.1 (``may``), not from
``workflow.kinds``, so that a wrong row in the transition table is caught.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from campusgate.models import Database, ItemEvent
from campusgate.workflow import audit, items, org
from campusgate.workflow.errors import (
    CampusgateError,
    ConcurrentChange,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RuleRefused,
)
from campusgate.workflow.items import Params
from tests.org import (
    CITY,
    COUNTY,
    PROVINCE,
    USERS,
    application,
    apply,
    clue,
    set_quota,
    snapshot,
    state,
)
from tests.org import refused as shared_refused

YEAR = 2026  # the current year of the fixed clock
NEXT = 2027  # the year applications are normally made for in December
IN_NEXT_YEAR = "2027-01-05"  # a day of NEXT, to publish NEXT's items

LIVE = ("submitted", "reviewed", "filed", "published", "suspended")
STATES = (*LIVE, "revoked")
TRIGGERS = (
    "amend", "review", "return", "ratify", "file", "publish", "suspend", "reinstate", "revoke",
)  # fmt: skip
ZH_STATE = {
    "submitted": "已提交",
    "reviewed": "已审核",
    "filed": "已备案",
    "published": "已发布",
    "suspended": "已暂停",
    "revoked": "已撤销",
}
LOGINS = [u["login"] for u in USERS]
USER = {u["login"]: u for u in USERS}
COUNTY_DEPT = "淇滨区卫健委"
CJK = re.compile(r"[\u4e00-\u9fff]")


# --------------------------------------------------------------------------- helpers


def refused(
    db: Database,
    error: type[CampusgateError],
    exit_code: int,
    *en: object,
    **kwargs: Any,
) -> AbstractContextManager[pytest.ExceptionInfo[CampusgateError]]:
    """``tests.org.refused`` with the error class and the English words given positionally."""
    return shared_refused(db, exit_code, en=en, error=error, **kwargs)


def fire(db: Database, login: str, item_id: int | str, trigger: str, **params: Any) -> dict:
    return items.fire(db, login, item_id, trigger, Params(**params))


def county_apply(db: Database, **overrides: Any) -> int:
    return apply(db, "zhou.qiang", department=COUNTY_DEPT, **overrides)


def advance_to(db: Database, item_id: int, target: str) -> None:
    """Move a submitted application to ``target`` with the usual staff of its jurisdiction
    (ratifying an emergency on the way); the quota must be set."""
    view = items.show_item(db, "admin", item_id)
    if view["jurisdiction"] == COUNTY:
        reviewer, approver, parent = "wu.min", "zheng.hua", "zhao.lei"
    else:
        reviewer, approver, parent = "wang.fang", "zhao.lei", "he.jun"
    if target == "revoked":
        fire(db, approver, item_id, "revoke", reason="测试：撤销")
        return
    for step in LIVE[1 : LIVE.index(target) + 1]:
        if step == "reviewed":
            fire(db, reviewer, item_id, "review")
        elif step == "filed":
            if view["basis_kind"] == "emergency" and view["jurisdiction"] != PROVINCE:
                fire(db, parent, item_id, "ratify")
            fire(db, approver, item_id, "file")
        elif step == "published":
            fire(db, approver, item_id, "publish")
        elif step == "suspended":
            fire(db, approver, item_id, "suspend", reason="测试：暂停")
    assert state(db, item_id) == target


def make(db: Database, target: str, *, county: bool = False, **overrides: Any) -> int:
    """An application of the current year (so it can be published today) in ``target``."""
    overrides.setdefault("year", YEAR)
    item_id = county_apply(db, **overrides) if county else apply(db, **overrides)
    advance_to(db, item_id, target)
    return item_id


def actions(db: Database, login: str, item_id: int) -> set[str]:
    return set(items.show_item(db, login, item_id)["actions"])


def history(db: Database, item_id: int) -> list[tuple[Any, ...]]:
    return [
        (e["seq"], e["trigger"], e["from_state"], e["to_state"], e["actor"])
        for e in items.show_item(db, "admin", item_id)["history"]
    ]


def last_event(db: Database, item_id: int) -> dict[str, Any]:
    return items.show_item(db, "admin", item_id)["history"][-1]


# --------------------------------------------------------------------------- the oracle

#: SPEC §3.1: the states each trigger leaves.
FROM = {
    "amend": {"submitted"},
    "review": {"submitted"},
    "return": {"reviewed"},
    "ratify": {"reviewed"},
    "file": {"reviewed"},
    "publish": {"filed"},
    "suspend": {"published"},
    "reinstate": {"suspended"},
    "revoke": set(LIVE),
}
PARENT = {PROVINCE: None, CITY: PROVINCE, COUNTY: CITY}
DEPARTMENT = {CITY: "市卫健委", COUNTY: COUNTY_DEPT}
AT_OR_ABOVE = {PROVINCE: {PROVINCE}, CITY: {CITY, PROVINCE}, COUNTY: {COUNTY, CITY, PROVINCE}}


def may(login: str, trigger: str, state_: str, where: str) -> bool:
    """SPEC §2/§3.1: may ``login`` fire ``trigger`` on an application of ``where`` (made by
    its health department, reviewed by someone else) in ``state_``?"""
    if state_ not in FROM[trigger]:
        return False
    user = USER[login]
    roles, home = set(user["roles"]), user["jurisdiction"]
    applicant = "applicant" in roles and user.get("department") == DEPARTMENT[where]
    reviewer = "reviewer" in roles and home == where
    approver = "approver" in roles and home == where
    if trigger == "amend":
        return applicant
    if trigger in ("review", "return"):
        return reviewer
    if trigger == "ratify":
        return "approver" in roles and home == PARENT[where]
    if trigger == "revoke":
        return approver or (applicant and state_ == "submitted")
    return approver  # file, publish, suspend, reinstate


def reads(login: str, where: str) -> bool:
    """SPEC §2: supervision runs downward; admins read everything."""
    user = USER[login]
    return "admin" in user["roles"] or user["jurisdiction"] in AT_OR_ABOVE[where]


def attempt(db: Database, login: str, item_id: int, trigger: str) -> dict:
    """Fire ``trigger`` with whatever input it needs, so only role and state decide."""
    if trigger == "amend":
        return items.amend(db, login, item_id, {"title": "修改后的标题"})
    reason = "测试" if trigger in ("return", "suspend", "reinstate", "revoke") else None
    return fire(db, login, item_id, trigger, reason=reason)


# --------------------------------------------------------------------------- apply


def test_apply_creates_a_submitted_application(db):
    view = items.apply(db, "li.na", **application(lead_units=None))
    assert (view["kind"], view["state"], view["version"]) == ("whitelist", "submitted", 1)
    assert (view["jurisdiction"], view["department"]) == (CITY, "市卫健委")
    assert (view["year"], view["basis_kind"]) == (NEXT, "law")
    assert view["basis_docs"] == ["《学校卫生工作条例》"]
    assert view["lead_units"] == ["市卫健委"]  # defaults to the department
    assert view["applied_by"] == "li.na"
    assert set(view["actions"]) == {"amend", "revoke"}
    assert history(db, view["id"]) == [(1, "apply", None, "submitted", "li.na")]
    # a colleague of the same department; this year; lead units as given; text kept literally
    odd = "'; DROP TABLE items; -- <script>"
    view = items.apply(
        db,
        "chen.jing",
        **application(title=odd, year=YEAR, lead_units=["市卫健委", "市疾控中心"]),
    )
    assert (view["applied_by"], view["year"], view["title"]) == ("chen.jing", YEAR, odd)
    assert view["lead_units"] == ["市卫健委", "市疾控中心"]
    # an emergency for the current year
    view = items.apply(db, "li.na", **application(basis_kind="emergency", year=YEAR))
    assert (view["state"], view["basis_kind"], view["year"]) == ("submitted", "emergency", YEAR)


#: Users who may not apply for 市卫健委, the department of li.na and chen.jing.
NOT_APPLICANTS = [
    "sun.hao",  # applicant of another department (市公安局)
    "zhou.qiang",  # applicant of another jurisdiction
    "wang.fang",  # reviewer
    "zhao.lei",  # approver
    "gao.feng",  # reviewer and approver
    "he.jun",  # approver of the province
    "admin",
    "city.admin",
]


def test_apply_refusals(db, subtests):
    for login in NOT_APPLICANTS:
        with (
            subtests.test("not an applicant of the department", login=login),
            refused(db, PermissionDenied, 4, login, "市卫健委", "applicant", zh=("市卫健委",)),
        ):
            items.apply(db, login, **application())
    # entering a department's sheet (import): admins and reviewers of the jurisdiction only
    for login in ("wu.min", "li.na", "zhao.lei"):
        with (
            subtests.test("on behalf", login=login),
            refused(db, PermissionDenied, 4, login, "市卫健委"),
        ):
            items.apply(db, login, on_behalf=True, **application())
    cases: list[tuple[str, dict[str, Any], type[CampusgateError], int, list[str]]] = [
        ("missing title", {"title": ""}, InvalidInput, 2, ["title"]),
        ("blank title", {"title": "   "}, InvalidInput, 2, ["title"]),
        ("no basis docs", {"basis_docs": []}, InvalidInput, 2, ["basis_docs"]),
        ("blank basis doc", {"basis_docs": ["  "]}, InvalidInput, 2, ["basis_docs"]),
        ("bad basis kind", {"basis_kind": "rumour"}, InvalidInput, 2,
         ["basis_kind", "rumour", "law, joint, unified, emergency"]),
        ("missing basis kind", {"basis_kind": ""}, InvalidInput, 2, ["basis_kind"]),
        ("bad year", {"year": "next"}, InvalidInput, 2, ["year", "next"]),
        ("missing department", {"department": ""}, InvalidInput, 2, ["department"]),
        ("control character", {"title": "标题\x00"}, InvalidInput, 2, ["title", "control"]),
        ("overlong title", {"title": "长" * 201}, InvalidInput, 2, ["title", "200"]),
        ("bad teacher hours", {"teacher_hours": "many"}, InvalidInput, 2, ["teacher_hours"]),
        ("unknown department", {"department": "市教育局"}, NotFound, 3, ["市教育局"]),
        ("year before the current", {"year": 2025}, RuleRefused, 5, ["2025", str(YEAR)]),
        ("emergency for next year", {"basis_kind": "emergency", "year": NEXT}, RuleRefused, 5,
         ["emergency", str(YEAR)]),
    ]  # fmt: skip
    for name, overrides, error, exit_code, words in cases:
        with subtests.test(name), refused(db, error, exit_code, *words):
            items.apply(db, "li.na", **application(**overrides))
    with subtests.test("unknown user"), refused(db, NotFound, 3, "nobody"):
        items.apply(db, "nobody", **application())


# --------------------------------------------------------------------------- amend


def test_amend_records_the_changed_fields_only(db):
    item_id = apply(db)
    view = items.amend(
        db,
        "li.na",
        item_id,
        {"title": "学生近视防控宣传", "place": "各中小学校", "basis_docs": ["甲", "乙"]},
    )
    assert (view["state"], view["title"], view["version"]) == ("submitted", "学生近视防控宣传", 2)
    event = last_event(db, item_id)
    assert (event["trigger"], event["from_state"], event["to_state"], event["actor"]) == (
        "amend",
        "submitted",
        "submitted",
        "li.na",
    )
    # the place did not change, so it is not recorded
    assert event["changes"] == {
        "title": ["学生常见病防治宣传", "学生近视防控宣传"],
        "basis_docs": [["《学校卫生工作条例》"], ["甲", "乙"]],
    }
    # a colleague of the same department may amend too
    items.amend(db, "chen.jing", item_id, {"schedule": "每学期1次"})
    event = last_event(db, item_id)
    assert (event["actor"], event["changes"]) == (
        "chen.jing",
        {"schedule": ["每年1-2次", "每学期1次"]},
    )


def test_amend_refusals(db, subtests):
    item_id = apply(db)
    for login in ("sun.hao", "zhou.qiang", "wang.fang", "zhao.lei", "he.jun", "admin"):
        with (
            subtests.test("other department", login=login),
            refused(db, PermissionDenied, 4, login, f"item {item_id}", "submitted", "'amend'"),
        ):
            items.amend(db, login, item_id, {"title": "别人的修改"})
    bad: list[tuple[dict[str, Any], list[str]]] = [
        ({}, ["nothing to amend"]),
        ({"title": "学生常见病防治宣传"}, ["nothing to amend"]),  # the same value
        ({"year": 2028}, ["year"]),
        ({"department": "市公安局"}, ["department"]),
        ({"state": "filed"}, ["state"]),
        ({"title": ""}, ["title"]),
        ({"basis_docs": []}, ["basis_docs"]),
        ({"basis_kind": "rumour"}, ["basis_kind", "rumour"]),
        ({"teacher_hours": "-1"}, ["teacher_hours"]),
    ]
    for changes, words in bad:
        with subtests.test("bad input", changes=changes), refused(db, InvalidInput, 2, *words):
            items.amend(db, "li.na", item_id, changes)
    # next year's application cannot become an emergency (the apply rule holds)
    with refused(db, RuleRefused, 5, "emergency", str(YEAR), code="emergency_current_year"):
        items.amend(db, "li.na", item_id, {"basis_kind": "emergency"})
    # once reviewed, it cannot be amended
    fire(db, "wang.fang", item_id, "review")
    with refused(db, RuleRefused, 5, f"item {item_id} is reviewed", "'amend'", zh=("已审核",)):
        items.amend(db, "li.na", item_id, {"title": "晚了的修改"})
    # this year's application may become an emergency
    this_year = apply(db, year=YEAR)
    items.amend(db, "li.na", this_year, {"basis_kind": "emergency"})
    assert last_event(db, this_year)["changes"] == {"basis_kind": ["law", "emergency"]}


def test_amend_through_fire_validates_the_amendment(db):
    item_id = apply(db)
    with refused(db, InvalidInput, 2, "year"):
        fire(db, "li.na", item_id, "amend", amendment={"year": 2020, "title": ""})


def test_amend_lost_race_is_6_and_writes_nothing(db):
    item_id = apply(db)

    after_winner: dict[str, Any] = {}

    def meanwhile() -> None:  # the reviewer gets there first
        fire(db, "wang.fang", item_id, "review")
        after_winner.update(snapshot(db))

    with pytest.raises(ConcurrentChange) as excinfo:
        items.amend(db, "li.na", item_id, {"title": "迟到的修改"}, before_write=meanwhile)
    assert excinfo.value.exit_code == 6
    assert str(item_id) in excinfo.value.message("en")
    assert snapshot(db) == after_winner  # nothing of the loser's was written
    view = items.show_item(db, "li.na", item_id)
    assert (view["state"], view["title"], view["version"]) == ("reviewed", "学生常见病防治宣传", 2)


# --------------------------------------------------------------------------- review / return


def test_review_and_return(db, subtests):
    item_id = apply(db)
    with refused(db, RuleRefused, 5, f"item {item_id} is submitted", "'return'"):
        fire(db, "wang.fang", item_id, "return", reason="还没审核")
    view = fire(db, "wang.fang", item_id, "review")
    assert (view["state"], view["reviewed_by"]) == ("reviewed", "wang.fang")
    with refused(db, RuleRefused, 5, f"item {item_id} is reviewed", "'review'"):
        fire(db, "liu.yang", item_id, "review")
    for reason in (None, "", "   "):
        with (
            subtests.test("return needs a reason", reason=reason),
            refused(db, InvalidInput, 2, "reason", "'return'", zh=("理由",)),
        ):
            fire(db, "wang.fang", item_id, "return", reason=reason)
    # another reviewer returns it, with a reason
    view = fire(db, "liu.yang", item_id, "return", reason="依据文件不全，请补充")
    assert (view["state"], view["reviewed_by"]) == ("submitted", None)
    event = last_event(db, item_id)
    assert (event["trigger"], event["from_state"], event["to_state"]) == (
        "return",
        "reviewed",
        "submitted",
    )
    assert (event["actor"], event["reason"]) == ("liu.yang", "依据文件不全，请补充")
    # the applicant can amend again, and it is reviewed afresh
    items.amend(db, "li.na", item_id, {"basis_docs": ["《学校卫生工作条例》", "补充文件"]})
    assert fire(db, "wang.fang", item_id, "review")["state"] == "reviewed"


# --------------------------------------------------------------------------- ratify


def test_ratify_by_the_province_approver_for_a_city_emergency(db, subtests):
    set_quota(db, 5, YEAR)
    item_id = apply(db, basis_kind="emergency", year=YEAR)
    with refused(db, RuleRefused, 5, f"item {item_id} is submitted", "'ratify'"):
        fire(db, "he.jun", item_id, "ratify")
    fire(db, "wang.fang", item_id, "review")
    assert actions(db, "he.jun", item_id) == {"ratify"}
    # filing before the ratification is refused, naming the level above
    with refused(db, RuleRefused, 5, f"item {item_id}", PROVINCE, code="ratification_missing"):
        fire(db, "zhao.lei", item_id, "file")
    # only an approver of the parent jurisdiction ratifies
    for login in ("zhao.lei", "gao.feng", "wang.fang", "li.na", "zheng.hua", "admin"):
        with (
            subtests.test("not the parent's approver", login=login),
            refused(db, PermissionDenied, 4, login, f"item {item_id}", "'ratify'"),
        ):
            fire(db, login, item_id, "ratify")
    view = fire(db, "he.jun", item_id, "ratify")
    assert (view["state"], view["ratified_by"]) == ("reviewed", "he.jun")
    event = last_event(db, item_id)
    assert (event["trigger"], event["from_state"], event["to_state"], event["actor"]) == (
        "ratify",
        "reviewed",
        "reviewed",
        "he.jun",
    )
    assert event["changes"] == {"ratified_by": [None, "he.jun"]}
    # twice is refused
    with refused(db, RuleRefused, 5, f"item {item_id}", "already ratified", "he.jun"):
        fire(db, "he.jun", item_id, "ratify")
    assert fire(db, "zhao.lei", item_id, "file")["state"] == "filed"
    # only emergencies are ratified
    law = apply(db)
    fire(db, "wang.fang", law, "review")
    with refused(db, RuleRefused, 5, "emergency", code="ratify_emergency_only"):
        fire(db, "he.jun", law, "ratify")


def test_return_drops_the_ratification(db):
    set_quota(db, 5, YEAR)
    item_id = apply(db, basis_kind="emergency", year=YEAR)
    fire(db, "wang.fang", item_id, "review")
    fire(db, "he.jun", item_id, "ratify")
    view = fire(db, "wang.fang", item_id, "return", reason="内容有变")
    assert view["ratified_by"] is None
    fire(db, "wang.fang", item_id, "review")
    with refused(db, RuleRefused, 5, f"item {item_id}", code="ratification_missing"):
        fire(db, "zhao.lei", item_id, "file")


def test_county_emergency_needs_the_city_approver(db):
    set_quota(db, 0, YEAR)  # the city's full quota does not concern the county
    set_quota(db, 1, YEAR, jurisdiction=COUNTY)
    item_id = county_apply(db, basis_kind="emergency", year=YEAR)
    fire(db, "wu.min", item_id, "review")
    with refused(db, RuleRefused, 5, f"item {item_id}", CITY, code="ratification_missing"):
        fire(db, "zheng.hua", item_id, "file")
    # not the county's own approver, not the province (two levels up)
    for login in ("zheng.hua", "he.jun"):
        with refused(db, PermissionDenied, 4, login, f"item {item_id}", "'ratify'"):
            fire(db, login, item_id, "ratify")
    assert actions(db, "zhao.lei", item_id) == {"ratify"}
    assert fire(db, "zhao.lei", item_id, "ratify")["ratified_by"] == "zhao.lei"
    # the city ratifies, but only the county reviews, returns, files, revokes
    for login, trigger in [
        ("zhao.lei", "file"),
        ("gao.feng", "return"),
        ("wang.fang", "return"),
        ("qian.min", "revoke"),
        ("city.admin", "file"),
    ]:
        with refused(db, PermissionDenied, 4, login, f"item {item_id}", f"'{trigger}'"):
            attempt(db, login, item_id, trigger)
    assert fire(db, "zheng.hua", item_id, "file")["state"] == "filed"


def test_province_emergency_needs_no_ratification(db):
    # the province has no level above: nobody ratifies, filing does not wait for it
    org.add_department(db, "admin", "省卫健委", PROVINCE)
    org.add_user(
        db,
        "admin",
        new_login="sheng.app",
        roles=["applicant"],
        jurisdiction=PROVINCE,
        department="省卫健委",
    )
    org.add_user(db, "admin", new_login="sheng.rev", roles=["reviewer"], jurisdiction=PROVINCE)
    set_quota(db, 5, YEAR, jurisdiction=PROVINCE)
    item_id = apply(db, "sheng.app", department="省卫健委", basis_kind="emergency", year=YEAR)
    fire(db, "sheng.rev", item_id, "review")
    assert actions(db, "he.jun", item_id) == {"file", "revoke"}
    with refused(db, PermissionDenied, 4, "he.jun", "'ratify'"):
        fire(db, "he.jun", item_id, "ratify")
    assert fire(db, "he.jun", item_id, "file")["state"] == "filed"


# --------------------------------------------------------------------------- file and quota


def test_file_without_a_quota_says_how_to_set_one(db):
    item_id = apply(db)
    fire(db, "wang.fang", item_id, "review")
    set_quota(db, 5, NEXT + 1)  # another year's quota does not count
    with refused(
        db,
        RuleRefused,
        5,
        "no quota",
        "quota set --jurisdiction 鹤壁市 --year 2027",
        zh=("quota set", "2027"),
        code="no_quota",
    ):
        fire(db, "zhao.lei", item_id, "file")


def test_quota_boundary(db, subtests):
    for maximum, year in ((1, NEXT), (3, NEXT + 1)):
        with subtests.test(max=maximum):
            set_quota(db, maximum, year)
            ids = [apply(db, title=f"活动{n}", year=year) for n in range(maximum + 1)]
            for item_id in ids:
                fire(db, "wang.fang", item_id, "review")
            for item_id in ids[:maximum]:  # up to the N-th filing passes ...
                assert fire(db, "zhao.lei", item_id, "file")["state"] == "filed"
            last = ids[maximum]  # ... the N+1-th is refused
            with refused(
                db,
                RuleRefused,
                5,
                CITY,
                str(year),
                f"{maximum} of {maximum}",
                code="quota_exceeded",
            ):
                fire(db, "zhao.lei", last, "file")


def test_quota_counts_filed_published_suspended_but_not_revoked(db):
    set_quota(db, 3, YEAR)
    make(db, "filed")
    make(db, "published")
    suspended = make(db, "suspended")
    make(db, "revoked")  # never counted
    waiting = make(db, "reviewed")
    with refused(db, RuleRefused, 5, "3 of 3", code="quota_exceeded"):
        fire(db, "zhao.lei", waiting, "file")
    fire(db, "zhao.lei", suspended, "revoke", reason="不再开展")  # frees its place
    assert fire(db, "zhao.lei", waiting, "file")["state"] == "filed"


# --------------------------------------------------------------------------- separation of duties


def test_the_reviewer_may_not_file(db):
    item_id = apply(db)
    fire(db, "gao.feng", item_id, "review")  # gao.feng is reviewer and approver
    assert actions(db, "gao.feng", item_id) == {"return", "revoke"}
    # separation (4) is decided before the quota (there is none yet: that would be 5)
    with refused(
        db,
        PermissionDenied,
        4,
        "separation",
        "gao.feng",
        f"item {item_id}",
        "'file'",
        zh=("职责分离",),
        code="separation_reviewer",
    ):
        fire(db, "gao.feng", item_id, "file")
    set_quota(db, 5, NEXT)
    with refused(db, PermissionDenied, 4, "separation", code="separation_reviewer"):
        fire(db, "gao.feng", item_id, "file")
    assert fire(db, "qian.min", item_id, "file")["state"] == "filed"


def test_whoever_entered_an_application_may_not_review_or_file_it(db):
    set_quota(db, 5, NEXT)
    # the bureau enters departments' sheets: whoever entered one is its applicant
    by_reviewer = items.apply(db, "wang.fang", on_behalf=True, **application())["id"]
    by_both = items.apply(db, "gao.feng", on_behalf=True, **application(title="近视防控"))["id"]
    assert items.show_item(db, "wang.fang", by_reviewer)["applied_by"] == "wang.fang"
    assert actions(db, "wang.fang", by_reviewer) == set()
    with refused(
        db,
        PermissionDenied,
        4,
        "separation",
        "wang.fang",
        f"item {by_reviewer}",
        "'review'",
        code="separation_applicant",
    ):
        fire(db, "wang.fang", by_reviewer, "review")
    assert fire(db, "liu.yang", by_reviewer, "review")["state"] == "reviewed"

    fire(db, "liu.yang", by_both, "review")
    assert actions(db, "gao.feng", by_both) == {"return", "revoke"}
    with refused(db, PermissionDenied, 4, "separation", "gao.feng", code="separation_applicant"):
        fire(db, "gao.feng", by_both, "file")
    assert fire(db, "zhao.lei", by_both, "file")["state"] == "filed"
    # an admin may enter sheets too
    view = items.apply(db, "city.admin", on_behalf=True, **application(title="食品安全"))
    assert view["applied_by"] == "city.admin"


# --------------------------------------------------------------------------- publish


def test_publish_only_during_the_items_year(db, monkeypatch):
    set_quota(db, 5, YEAR)
    set_quota(db, 5, NEXT)
    this_year = make(db, "filed")
    next_year = apply(db)
    advance_to(db, next_year, "filed")
    # December: next year's item waits
    with refused(
        db,
        RuleRefused,
        5,
        f"item {next_year}",
        "2027",
        "2026-12-01",
        code="publish_outside_year",
    ):
        fire(db, "zhao.lei", next_year, "publish")
    monkeypatch.setenv("CAMPUSGATE_TODAY", IN_NEXT_YEAR)
    assert fire(db, "qian.min", next_year, "publish")["state"] == "published"
    # ... and this year's item missed its year
    with refused(db, RuleRefused, 5, f"item {this_year}", "2026", IN_NEXT_YEAR):
        fire(db, "zhao.lei", this_year, "publish")


# --------------------------------------------------------------------------- suspend / reinstate


def test_suspend_and_reinstate_with_a_reason(db, subtests):
    set_quota(db, 5, YEAR)
    item_id = make(db, "published")
    for trigger in ("suspend", "reinstate"):
        for reason in (None, "", "  "):
            with (
                subtests.test(trigger, reason=reason),
                refused(db, InvalidInput, 2, "reason", f"'{trigger}'"),
            ):
                fire(db, "zhao.lei", item_id, trigger, reason=reason)
        fire(
            db,
            "qian.min",
            item_id,
            trigger,
            reason="家长投诉" if trigger == "suspend" else "已核实",
        )
    assert history(db, item_id)[-2:] == [
        (5, "suspend", "published", "suspended", "qian.min"),
        (6, "reinstate", "suspended", "published", "qian.min"),
    ]
    reasons = [e["reason"] for e in items.show_item(db, "admin", item_id)["history"][-2:]]
    assert reasons == ["家长投诉", "已核实"]


def test_reinstate_waits_for_the_linked_rectification(db):
    set_quota(db, 5, YEAR)
    rectified, unfounded = make(db, "suspended"), make(db, "suspended")
    rects = {
        item_id: clue(db, linked_item=item_id, summary="该活动要求教师填写大量表格")
        for item_id in (rectified, unfounded)
    }
    for item_id, rect in rects.items():
        with refused(db, RuleRefused, 5, f"item {item_id}", str(rect), code="linked_open"):
            fire(db, "zhao.lei", item_id, "reinstate", reason="想恢复")
    # on the ledger it is still open
    rect = rects[rectified]
    fire(db, "wang.fang", rect, "review")
    fire(
        db, "wang.fang", rect, "file", standard="取消表格", deadline="2026-12-31", owner="chen.jing"
    )
    with refused(db, RuleRefused, 5, f"item {rectified}", str(rect), code="linked_open"):
        fire(db, "zhao.lei", rectified, "reinstate", reason="想恢复")
    # closed: rectified by the responsible person, or revoked as unfounded
    fire(db, "chen.jing", rect, "publish", result="表格已取消")
    fire(db, "wang.fang", rects[unfounded], "revoke", reason="线索不实")
    for item_id in (rectified, unfounded):
        assert fire(db, "zhao.lei", item_id, "reinstate", reason="整改完成")["state"] == "published"


# --------------------------------------------------------------------------- revoke / withdraw


def test_approver_revokes_from_every_live_state(db, subtests):
    set_quota(db, 5, YEAR)
    for target in LIVE:
        with subtests.test(target):
            item_id = make(db, target)
            view = fire(db, "qian.min", item_id, "revoke", reason="年度清理")
            assert (view["state"], view["actions"]) == ("revoked", [])
            event = last_event(db, item_id)
            assert (event["trigger"], event["from_state"], event["to_state"]) == (
                "revoke",
                target,
                "revoked",
            )
            assert (event["actor"], event["reason"]) == ("qian.min", "年度清理")
            # revoked is final
            with refused(db, RuleRefused, 5, f"item {item_id} is revoked", zh=("已撤销",)):
                fire(db, "zhao.lei", item_id, "revoke", reason="再撤一次")


def test_applicant_withdraws_only_a_submitted_application(db, subtests):
    mine, colleagues, reviewed = apply(db), apply(db), apply(db)
    fire(db, "wang.fang", reviewed, "review")
    for reason in (None, "  "):
        with subtests.test("reason", reason=reason), refused(db, InvalidInput, 2, "reason"):
            fire(db, "li.na", mine, "revoke", reason=reason)
    for login in ("sun.hao", "zhou.qiang", "wang.fang", "he.jun", "admin"):
        with (
            subtests.test("not the department", login=login),
            refused(db, PermissionDenied, 4, login, f"item {mine}", "'revoke'"),
        ):
            fire(db, login, mine, "revoke", reason="不是我的")
    # once reviewed, withdrawing is no longer the applicant's: 4, not 5
    assert actions(db, "li.na", reviewed) == set()
    with refused(
        db,
        PermissionDenied,
        4,
        "li.na",
        f"item {reviewed} (reviewed)",
        "'revoke'",
        zh=("已审核",),
        code="not_permitted",
    ):
        fire(db, "li.na", reviewed, "revoke", reason="活动取消")
    assert fire(db, "li.na", mine, "revoke", reason="活动取消")["state"] == "revoked"
    assert fire(db, "chen.jing", colleagues, "revoke", reason="活动取消")["state"] == "revoked"
    assert last_event(db, colleagues)["actor"] == "chen.jing"
    # revoked is final
    assert actions(db, "li.na", mine) == set()
    with refused(db, RuleRefused, 5, f"item {mine} is revoked", "'revoke'", zh=("已撤销",)):
        fire(db, "li.na", mine, "revoke", reason="再撤一次")


# --------------------------------------------------------------------------- role matrix


#: The roles a trigger asks for in the item's own jurisdiction (ratify: the parent's).
ASKED_HERE = {
    "amend": {"applicant"},
    "review": {"reviewer"},
    "return": {"reviewer"},
    "ratify": set(),
    "file": {"approver"},
    "publish": {"approver"},
    "suspend": {"approver"},
    "reinstate": {"approver"},
    "revoke": {"approver", "applicant"},
}


def outside(login: str, trigger: str, state_: str) -> bool:
    """Issue 6: a user refused only because the item lies outside their jurisdiction is told
    so; the applicant's revoke is asked for only from submitted."""
    user = USER[login]
    asked = ASKED_HERE[trigger]
    if trigger == "revoke" and state_ in FROM[trigger] and state_ != "submitted":
        asked = {"approver"}
    return user["jurisdiction"] != CITY and bool(asked & set(user["roles"]))


def tried_in(trigger: str) -> list[str]:
    """The states ``trigger`` is tried in: those it leaves, a live one it does not leave,
    and the final one."""
    other = "filed" if "submitted" in FROM[trigger] else "submitted"
    return [s for s in STATES if s in FROM[trigger] or s in (other, "revoked")]


def test_role_matrix(db, subtests):
    """Every user of tests/org.py fires every trigger on a city emergency application
    (in the states of ``tried_in``). What SPEC §3.1 does not allow is refused: 4 without the
    role, outside the jurisdiction (county staff), or where the state makes the trigger
    someone else's (the applicant's revoke of a reviewed item); 5 for a user who could fire
    it, but not from this state. In every state the item view's ``actions`` list exactly
    what is allowed; that those go through is ``test_offered_actions_go_through``."""
    set_quota(db, 10, YEAR)
    ids = {s: make(db, s, basis_kind="emergency") for s in STATES}
    for login in LOGINS:
        before = snapshot(db)
        for state_, item_id in ids.items():
            allowed = {t for t in TRIGGERS if may(login, t, state_, CITY)}
            # these emergency items are not ratified: their `file` guard, which depends on
            # the item alone, keeps `file` out of the actions (firing it is refused with 5)
            offered = allowed - {"file"}
            with subtests.test("actions", login=login, state=state_):
                if reads(login, CITY):
                    assert actions(db, login, item_id) == offered
                else:
                    with refused(db, PermissionDenied, 4, login, f"item {item_id}"):
                        items.show_item(db, login, item_id)
        for trigger in TRIGGERS:
            for state_ in tried_in(trigger):
                if may(login, trigger, state_, CITY):
                    continue
                item_id = ids[state_]
                if state_ in FROM[trigger] or not any(may(login, trigger, s, CITY) for s in STATES):
                    code = "not_permitted"
                    if outside(login, trigger, state_):
                        code = "outside_jurisdiction"
                    error, exit_code, words = PermissionDenied, 4, [login]
                else:
                    error, exit_code, code, words = RuleRefused, 5, "state_refused", ["is"]
                with (
                    subtests.test(login=login, trigger=trigger, state=state_, exit=exit_code),
                    refused(
                        db,
                        error,
                        exit_code,
                        *words,
                        f"item {item_id}",
                        state_,
                        f"'{trigger}'",
                        zh=(f"事项 {item_id}", ZH_STATE[state_]),
                        code=code,
                        check_db=False,  # checked once per user, below
                    ),
                ):
                    attempt(db, login, item_id, trigger)
        with subtests.test("nothing changed", login=login):
            assert snapshot(db) == before


#: One user for each (trigger, state) the actions list offers, city and county.
OFFERED = [
    (CITY, "submitted", "amend", "chen.jing", "submitted"),
    (CITY, "submitted", "review", "gao.feng", "reviewed"),
    (CITY, "submitted", "revoke", "li.na", "revoked"),
    (CITY, "reviewed", "return", "liu.yang", "submitted"),
    (CITY, "reviewed", "ratify", "he.jun", "reviewed"),
    (COUNTY, "reviewed", "ratify", "gao.feng", "reviewed"),
    (CITY, "reviewed", "file", "qian.min", "filed"),
    (CITY, "filed", "publish", "gao.feng", "published"),
    (CITY, "published", "suspend", "qian.min", "suspended"),
    (CITY, "suspended", "reinstate", "qian.min", "published"),
    (CITY, "filed", "revoke", "gao.feng", "revoked"),
    (COUNTY, "suspended", "revoke", "zheng.hua", "revoked"),
]


def test_offered_actions_go_through(db, subtests):
    """The other half of the matrix: what the actions list offers succeeds."""
    set_quota(db, 20, YEAR)
    set_quota(db, 20, YEAR, jurisdiction=COUNTY)
    for where, state_, trigger, login, dest in OFFERED:
        with subtests.test(where=where, state=state_, trigger=trigger, login=login):
            # a law item can be filed without ratification: 'file' is tried on one
            basis = "law" if trigger == "file" else "emergency"
            item_id = make(db, state_, county=where == COUNTY, basis_kind=basis)
            assert trigger in actions(db, login, item_id)
            assert attempt(db, login, item_id, trigger)["state"] == dest
            event = last_event(db, item_id)
            assert (event["trigger"], event["from_state"], event["to_state"]) == (
                trigger,
                state_,
                dest,
            )
            assert event["actor"] == login


def test_permission_message_in_english_names_the_role_in_english(db):
    item_id = apply(db)
    with refused(db, PermissionDenied, 4, "needs applicant of the department") as excinfo:
        items.amend(db, "sun.hao", item_id, {"title": "别人的修改"})
    assert not CJK.search(excinfo.value.message("en"))


# --------------------------------------------------------------------------- precedence (SPEC §7)

Case = Callable[[Database, dict[str, int]], Any]
# fmt: off
PRECEDENCE: list[tuple[str, Case, type[CampusgateError], int, list[str]]] = [
    ("unknown trigger before unknown item",
     lambda db, i: fire(db, "zhao.lei", 9999, "approve"), InvalidInput, 2, ["'approve'"]),
    ("unknown trigger before unknown user",
     lambda db, i: fire(db, "nobody", i["submitted"], "approve"), InvalidInput, 2, ["'approve'"]),
    ("missing reason before unknown item",
     lambda db, i: fire(db, "zhao.lei", 9999, "revoke"), InvalidInput, 2, ["reason", "'revoke'"]),
    ("missing reason before unknown user",
     lambda db, i: fire(db, "nobody", i["reviewed"], "return"),
     InvalidInput, 2, ["reason", "'return'"]),
    ("missing reason before permission",
     lambda db, i: fire(db, "sun.hao", i["published"], "suspend"),
     InvalidInput, 2, ["reason", "'suspend'"]),
    ("rectification trigger on a whitelist item before permission",
     lambda db, i: fire(db, "sun.hao", i["filed"], "extend", reason="x", deadline="2027-03-01"),
     InvalidInput, 2, ["whitelist", "'extend'"]),
    ("unknown item before permission",
     lambda db, i: fire(db, "sun.hao", 9999, "review"), NotFound, 3, ["item 9999"]),
    ("malformed id is malformed input",
     lambda db, i: fire(db, "zhao.lei", "abc", "file"), InvalidInput, 2, ["abc"]),
    ("unknown user before permission",
     lambda db, i: fire(db, "nobody", i["submitted"], "publish"), NotFound, 3, ["nobody"]),
    ("role before state",
     lambda db, i: fire(db, "sun.hao", i["submitted"], "publish"),
     PermissionDenied, 4, ["sun.hao", "'publish'"]),
    ("jurisdiction before state",
     lambda db, i: fire(db, "zheng.hua", i["submitted"], "publish"),
     PermissionDenied, 4, ["zheng.hua", "'publish'"]),
    ("role before guard",  # the publish guard would refuse next year's item today
     lambda db, i: fire(db, "wang.fang", i["next_filed"], "publish"),
     PermissionDenied, 4, ["wang.fang", "'publish'"]),
    ("jurisdiction before guard",
     lambda db, i: fire(db, "zheng.hua", i["next_filed"], "publish"),
     PermissionDenied, 4, ["zheng.hua", "'publish'"]),
    ("state before guard",  # the ratify guard (emergency only) is not reached
     lambda db, i: fire(db, "he.jun", i["submitted"], "ratify"),
     RuleRefused, 5, ["is submitted", "'ratify'"]),
    ("apply: missing title before unknown department",
     lambda db, i: items.apply(db, "li.na", **application(title="", department="无此部门")),
     InvalidInput, 2, ["title"]),
    ("apply: unknown department before permission",
     lambda db, i: items.apply(db, "wang.fang", **application(department="无此部门")),
     NotFound, 3, ["无此部门"]),
    ("apply: permission before past year",
     lambda db, i: items.apply(db, "wang.fang", **application(year=2020)),
     PermissionDenied, 4, ["wang.fang"]),
    ("amend: uneditable field before unknown item",
     lambda db, i: items.amend(db, "li.na", 9999, {"year": 2030}), InvalidInput, 2, ["year"]),
    ("amend: unknown item",
     lambda db, i: items.amend(db, "li.na", 9999, {"title": "新"}), NotFound, 3, ["item 9999"]),
    ("amend: permission before state",
     lambda db, i: items.amend(db, "sun.hao", i["reviewed"], {"title": "新"}),
     PermissionDenied, 4, ["sun.hao", "'amend'"]),
    ("evaluate: bad outcome before unknown item",
     lambda db, i: items.evaluate(db, "zhao.lei", 9999, rating="good", outcome="praise"),
     InvalidInput, 2, ["outcome", "praise"]),
    ("evaluate: unknown item",
     lambda db, i: items.evaluate(db, "zhao.lei", 9999, rating="good", outcome="keep"),
     NotFound, 3, ["item 9999"]),
    ("evaluate: permission before state",
     lambda db, i: items.evaluate(db, "wang.fang", i["filed"], rating="good", outcome="keep"),
     PermissionDenied, 4, ["wang.fang", "approver", CITY]),
]
# fmt: on


def test_precedence(db, subtests):
    set_quota(db, 5, YEAR)
    set_quota(db, 5, NEXT)
    ids = {s: make(db, s) for s in ("submitted", "reviewed", "filed", "published")}
    ids["next_filed"] = apply(db, year=NEXT)
    advance_to(db, ids["next_filed"], "filed")
    for name, call, error, exit_code, words in PRECEDENCE:
        with subtests.test(name), refused(db, error, exit_code, *words):
            call(db, ids)


def test_blank_reason_before_unknown_item(db):
    with refused(db, InvalidInput, 2, "reason", "'revoke'"):
        fire(db, "zhao.lei", 9999, "revoke", reason="   ")


# --------------------------------------------------------------------------- evaluate


def test_evaluate_a_published_item(db):
    set_quota(db, 5, YEAR)
    item_id = make(db, "published")
    view = items.evaluate(db, "qian.min", item_id, rating="poor", outcome="rectify", note="负担重")
    assert view["state"] == "published"  # the evaluation sweep applies it later
    shown = items.show_item(db, "zhao.lei", item_id)
    assert shown["evaluation"] == {
        "rating": "poor",
        "outcome": "rectify",
        "note": "负担重",
        "by": "qian.min",
        "applied": False,
    }
    event = shown["history"][-1]
    assert (event["trigger"], event["from_state"], event["to_state"], event["actor"]) == (
        "evaluate",
        "published",
        "published",
        "qian.min",
    )
    assert (event["changes"], event["reason"]) == (
        {"rating": "poor", "outcome": "rectify"},
        "负担重",
    )
    # until the sweep applied it, a second look replaces the first
    items.evaluate(db, "zhao.lei", item_id, rating="good", outcome="keep")
    assert items.show_item(db, "admin", item_id)["evaluation"]["outcome"] == "keep"


def test_evaluate_refusals(db, subtests):
    set_quota(db, 5, YEAR)
    published = make(db, "published")
    for login in ("he.jun", "zheng.hua", "wang.fang", "li.na", "admin", "city.admin"):
        with (
            subtests.test("not an approver of the jurisdiction", login=login),
            refused(db, PermissionDenied, 4, login, f"item {published}", CITY),
        ):
            items.evaluate(db, login, published, rating="good", outcome="keep")
    bad = [("good", "praise", "outcome"), ("great", "keep", "rating"), ("", "keep", "rating")]
    for rating, outcome, word in bad:
        with (
            subtests.test("bad input", rating=rating, outcome=outcome),
            refused(db, InvalidInput, 2, word),
        ):
            items.evaluate(db, "zhao.lei", published, rating=rating, outcome=outcome)
    for target in ("submitted", "reviewed", "filed", "revoked"):
        item_id = make(db, target)
        with (
            subtests.test("not yet published", state=target),
            refused(
                db,
                RuleRefused,
                5,
                f"item {item_id} is {target}",
                code="evaluate_state",
                zh=(ZH_STATE[target],),
            ),
        ):
            items.evaluate(db, "zhao.lei", item_id, rating="good", outcome="keep")
    rect = clue(db)
    with refused(db, InvalidInput, 2, f"item {rect}", "whitelist"):
        items.evaluate(db, "zhao.lei", rect, rating="good", outcome="keep")


# --------------------------------------------------------------------------- reading


def test_show_and_list_follow_supervision_downward(db):
    city = apply(db)
    county = county_apply(db)
    fire(db, "wang.fang", city, "review")

    def listed(login: str, **filters: Any) -> list[int]:
        return [v["id"] for v in items.list_items(db, login, **filters)]

    assert listed("zhao.lei") == [city, county]
    assert listed("he.jun") == [city, county]
    assert listed("admin") == [city, county]
    assert listed("zheng.hua") == [county]
    assert listed("zhao.lei", jurisdiction=COUNTY) == [county]
    assert listed("zhao.lei", state="reviewed") == [city]
    assert listed("zhao.lei", kind="whitelist", year=NEXT) == [city, county]
    assert listed("zhao.lei", year=YEAR) == []
    # each listed item carries the user's actions, as item show does
    for view in items.list_items(db, "zhao.lei"):
        assert view["actions"] == items.show_item(db, "zhao.lei", view["id"])["actions"]
    assert items.show_item(db, "zhao.lei", county)["actions"] == []  # reads, does not act
    with refused(db, PermissionDenied, 4, "zheng.hua", f"item {city}"):
        items.show_item(db, "zheng.hua", city)
    with refused(db, PermissionDenied, 4, "zheng.hua", CITY):
        items.list_items(db, "zheng.hua", jurisdiction=CITY)
    with refused(db, NotFound, 3, "火星市"):
        items.list_items(db, "zhao.lei", jurisdiction="火星市")
    with refused(db, InvalidInput, 2, "state", "approved"):
        items.list_items(db, "zhao.lei", state="approved")
    with refused(db, NotFound, 3, "item 9999"):
        items.show_item(db, "zhao.lei", 9999)


# --------------------------------------------------------------------------- audit


def test_full_life_cycle_history_and_audit_chain(db, monkeypatch):
    set_quota(db, 5, NEXT)
    item_id = apply(db)
    items.amend(db, "li.na", item_id, {"place": "各中小学校礼堂"})
    fire(db, "wang.fang", item_id, "review")
    fire(db, "wang.fang", item_id, "return", reason="请补充依据")
    items.amend(db, "chen.jing", item_id, {"basis_docs": ["《学校卫生工作条例》", "市政府通知"]})
    fire(db, "gao.feng", item_id, "review")
    fire(db, "qian.min", item_id, "file")
    monkeypatch.setenv("CAMPUSGATE_TODAY", IN_NEXT_YEAR)
    fire(db, "zhao.lei", item_id, "publish")
    fire(db, "zhao.lei", item_id, "suspend", reason="家长投诉")
    fire(db, "qian.min", item_id, "reinstate", reason="已核实无问题")
    items.evaluate(db, "zhao.lei", item_id, rating="adequate", outcome="retire", note="效果一般")
    fire(db, "gao.feng", item_id, "revoke", reason="年度清理")

    view = items.show_item(db, "li.na", item_id)
    assert (view["state"], view["version"], view["actions"]) == ("revoked", 12, [])
    assert history(db, item_id) == [
        (1, "apply", None, "submitted", "li.na"),
        (2, "amend", "submitted", "submitted", "li.na"),
        (3, "review", "submitted", "reviewed", "wang.fang"),
        (4, "return", "reviewed", "submitted", "wang.fang"),
        (5, "amend", "submitted", "submitted", "chen.jing"),
        (6, "review", "submitted", "reviewed", "gao.feng"),
        (7, "file", "reviewed", "filed", "qian.min"),
        (8, "publish", "filed", "published", "zhao.lei"),
        (9, "suspend", "published", "suspended", "zhao.lei"),
        (10, "reinstate", "suspended", "published", "qian.min"),
        (11, "evaluate", "published", "published", "zhao.lei"),
        (12, "revoke", "published", "revoked", "gao.feng"),
    ]
    reasons = {e["seq"]: e["reason"] for e in view["history"] if e["reason"]}
    assert reasons == {
        4: "请补充依据",
        9: "家长投诉",
        10: "已核实无问题",
        11: "效果一般",
        12: "年度清理",
    }
    assert view["history"][1]["changes"] == {"place": ["各中小学校", "各中小学校礼堂"]}
    assert all(e["at"].endswith("Z") for e in view["history"])  # UTC

    with db.read() as s:
        verdict = audit.verify(s)
        total = s.scalar(select(func.count()).select_from(ItemEvent))
    assert (verdict.ok, verdict.events, verdict.first_broken) == (True, total, None)
    # append-only: the database itself refuses to edit an event
    with pytest.raises(DBAPIError), db.engine.begin() as conn:
        conn.execute(
            text("UPDATE item_events SET reason = '无' WHERE item_id = :i AND seq = 4"),
            {"i": item_id},
        )
    with db.read() as s:
        assert audit.verify(s).ok


def test_separation_of_duties_decides_before_the_state(db):
    """SPEC §7: permission, separation of duties included, is 4 even where the state is
    also wrong (5): the reviewer of a filed item is told it is not theirs to file."""
    set_quota(db, 10, NEXT)
    item_id = apply(db)
    fire(db, "gao.feng", item_id, "review")
    fire(db, "zhao.lei", item_id, "file")
    with refused(db, PermissionDenied, 4, "gao.feng", "reviewed", code="separation_reviewer"):
        fire(db, "gao.feng", item_id, "file")
    # the bureau's officer entered the sheet (on behalf): they may not review it, ever
    entered = int(
        items.apply(db, "wang.fang", on_behalf=True, **application(title="近视防控"))["id"]
    )
    fire(db, "liu.yang", entered, "review")
    with refused(db, PermissionDenied, 4, "wang.fang", "applied", code="separation_applicant"):
        fire(db, "wang.fang", entered, "review")
