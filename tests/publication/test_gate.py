"""The campus gate (SPEC §4.5) on SQLite and PostgreSQL: every reason ``check`` gives,
``entry record`` refused exactly when ``check`` says no, and the per-school cap held by
parallel ``entry record`` processes."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from sqlalchemy import func, select

from campusgate.models import Database, Entry, OrgEvent
from campusgate.workflow import audit, items
from campusgate.workflow.items import Params
from tests.backends import campusgate_command
from tests.cli.test_cli import ok, ok_json, refused, refused_json, run
from tests.org import clue, filed
from tests.publication.helpers import CHANGED_ON, YEAR, county_published, published, quotas

SCHOOL = "淇滨区实验小学"


def check(
    db: Database, item_id: int, school: str = SCHOOL, day: str | None = None
) -> tuple[int, dict]:
    argv = ["check", "--school", school, "--item", str(item_id), "--json"]
    if day:
        argv += ["--date", day]
    result = run(db, "wu.min", argv)
    assert result.stderr == ""
    return result.exit_code, json.loads(result.stdout)


def entries(db: Database) -> list[tuple[int, int, str]]:
    with db.read() as session:
        rows = session.execute(select(Entry.school_id, Entry.item_id, Entry.entered_on))
        return sorted((s, i, d.isoformat()) for s, i, d in rows)


def record(item_id: int, day: str = "2026-11-20", school: str = SCHOOL) -> list[str]:
    return ["entry", "record", "--school", school, "--item", str(item_id), "--date", day]


def test_every_reason_of_the_gate(db: Database) -> None:
    quotas(db, per_school=1)
    city = published(db, title="市级")
    county = county_published(db, title="区级")
    suspended = published(db, title="暂停")
    items.fire(db, "zhao.lei", suspended, "suspend", Params(reason="占用课时"), today=CHANGED_ON)
    revoked = published(db, title="撤销")
    items.fire(db, "zhao.lei", revoked, "revoke", Params(reason="重复"), today=CHANGED_ON)
    not_yet = filed(db, year=YEAR, title="未发布")
    rectification = clue(db)

    assert check(db, city) == (
        0,
        {
            "allowed": True,
            "reason": None,
            "school": SCHOOL,
            "item": city,
            "date": "2026-12-01",
            "per_school_max": 1,
            "received": 0,
        },
    )
    reasons = {
        "out_of_jurisdiction": check(db, county, school="浚县第一中学"),
        "wrong_year": check(db, city, day="2025-06-01"),
        "suspended": check(db, suspended),
        "revoked": check(db, revoked),
        "not_published": check(db, not_yet),
        "not_whitelist_item": check(db, rectification),
    }
    for reason, (code, answer) in reasons.items():
        assert (code, answer["allowed"], answer["reason"]) == (5, False, reason)
    # before it was published, and before it was suspended
    assert check(db, city, day="2026-01-01")[1]["reason"] == "not_published"
    assert check(db, suspended, day="2026-10-31")[0] == 0
    # the cap: one distinct item per school a year, counting every level
    ok(db, "wu.min", record(county))
    assert check(db, city)[1]["reason"] == "school_cap_reached"
    assert check(db, county)[0] == 0  # the same item again does not count twice
    assert check(db, city, school="鹤壁市高级中学")[0] == 0

    human = run(db, "wu.min", ["check", "--school", SCHOOL, "--item", str(city)])
    assert human.exit_code == 5
    assert human.stdout == f"不准许：事项 {city} 不能于 2026-12-01 进入 {SCHOOL}（已达每校上限）\n"


def test_a_rectification_item_is_no_whitelist_item_at_the_gate(db: Database) -> None:
    quotas(db)
    rectification = clue(db)
    assert check(db, rectification) == (
        5,
        {
            "allowed": False,
            "reason": "not_whitelist_item",
            "school": SCHOOL,
            "item": rectification,
            "date": "2026-12-01",
            "per_school_max": None,
            "received": 0,
        },
    )
    argv = ["check", "--school", SCHOOL, "--item", str(rectification)]
    human = run(db, "wu.min", argv)
    assert (human.exit_code, human.stderr) == (5, "")
    assert human.stdout == (
        f"不准许：事项 {rectification} 不能于 2026-12-01 进入 {SCHOOL}"
        "（整改台账事项，不是白名单事项）\n"
    )
    english = run(db, "wu.min", ["--lang", "en", *argv])
    assert (english.exit_code, english.stderr) == (5, "")
    assert english.stdout == (
        f"not allowed: item {rectification} may not enter {SCHOOL} on 2026-12-01"
        " (a rectification ledger item, not a whitelist item)\n"
    )
    refused(
        db,
        "wu.min",
        record(rectification),
        exit=5,
        stderr=f"错误：事项 {rectification} 是整改台账事项，不是白名单事项，不得进入 {SCHOOL}\n",
    )
    refused_json(db, "wu.min", record(rectification), exit=5, code="gate_not_whitelist_item")
    assert entries(db) == []


def test_entry_record_is_refused_when_check_fails(db: Database) -> None:
    quotas(db, per_school=5)
    city = published(db)
    county = county_published(db)
    suspended = published(db, title="暂停")
    items.fire(db, "zhao.lei", suspended, "suspend", Params(reason="占用课时"), today=CHANGED_ON)
    refused(db, "wu.min", record(suspended), exit=5, contains=("暂停",))
    refused_json(
        db,
        "wang.fang",
        record(county, school="浚县第一中学"),
        exit=5,
        code="gate_out_of_jurisdiction",
    )
    refused(db, "wu.min", record(city, day="2026-12-02"), exit=2, contains=("晚于今天",))
    refused(db, "wu.min", record(city, day="2026-13-01"), exit=2)
    refused(db, "li.na", record(city), exit=4)  # an applicant records no entries
    refused(db, "zheng.hua", record(city, school="鹤壁市高级中学"), exit=4)  # below the school
    refused(db, "wu.min", record(city, school="火星小学"), exit=3)
    refused(db, "wu.min", record(99999), exit=3)
    assert entries(db) == []

    done = ok_json(db, "wu.min", record(city))
    assert done["recorded"] is True and done["allowed"] is True
    today = ok_json(db, "wu.min", ["entry", "record", "--school", SCHOOL, "--item", str(city)])
    assert today["date"] == "2026-12-01" and today["recorded"] is True  # --date: today
    again = ok(db, "wu.min", record(city)).stdout
    assert again == f"此前已登记：事项 {city} 于 2026-11-20 进入 {SCHOOL}\n"
    assert len(entries(db)) == 2
    with db.read() as session:
        event = session.scalars(
            select(OrgEvent).where(OrgEvent.entity == "entry").order_by(OrgEvent.seq)
        ).first()
        assert event.key == f"{SCHOOL}/{city}/2026-11-20" and event.actor == "wu.min"
    with db.read() as session:
        assert audit.verify(session, []).ok


def test_the_per_school_cap_holds_under_parallel_entries(db: Database) -> None:
    quotas(db, per_school=2)
    ids = [published(db, title=f"事项{n}") for n in range(5)]
    env = dict(os.environ)
    procs = [
        subprocess.Popen(
            [*campusgate_command(), "--db", db.url, "--as", "wu.min", *record(i), "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=env,
            text=True,
        )
        for i in ids
    ]
    outcomes = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        outcomes.append((proc.returncode, out, err))
    codes = sorted(code for code, _, _ in outcomes)
    assert codes == [0, 0, 5, 5, 5], outcomes
    for code, out, _ in outcomes:
        if code == 5:
            assert json.loads(out)["error"]["code"] == "gate_school_cap_reached"
    with db.read() as session:
        distinct = session.scalar(select(func.count(func.distinct(Entry.item_id))))
        assert distinct == 2
    with db.read() as session:
        assert audit.verify(session, []).ok


def test_the_public_reads_the_list_and_asks_the_gate_without_a_login(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A school's gatekeeper need not be a user: without --as the published list and the gate
    answer for the public; a login that is asked for must still exist."""
    quotas(db)
    item_id = published(db, title="防溺水安全教育进校园")
    monkeypatch.delenv("CAMPUSGATE_USER", raising=False)
    shown = ok_json(db, None, ["whitelist", "show", "--year", str(YEAR), "--school", SCHOOL])
    assert [row["title"] for row in shown["items"]] == ["防溺水安全教育进校园"]
    code, answer = check_as(db, None, item_id, f"{YEAR}-05-01")
    assert (code, answer["allowed"]) == (0, True)
    refused(db, "nobody", ["check", "--school", SCHOOL, "--item", str(item_id)], exit=3)
    # recording an entry is staff work: the public may not
    refused(db, None, record(item_id), exit=3)


def check_as(db: Database, login: str | None, item_id: int, day: str) -> tuple[int, dict]:
    result = run(
        db, login, ["check", "--school", SCHOOL, "--item", str(item_id), "--date", day, "--json"]
    )
    return result.exit_code, json.loads(result.stdout)


def test_entry_list_shows_the_entries_of_the_schools_one_reads(db: Database) -> None:
    quotas(db, per_school=5)
    city = published(db, title="防溺水安全教育")
    other = published(db, title="消防演练进校园")
    ok(db, "wu.min", record(city, day="2026-11-20"))
    ok(db, "wu.min", record(other, day="2026-11-18"))
    ok(db, "wang.fang", record(city, day="2026-11-19", school="浚县第一中学"))

    def listed(login: str, *options: str) -> list[tuple[str, str, int]]:
        found = ok_json(db, login, ["entry", "list", *options])
        return [(e["date"], e["school"], e["item"]) for e in found]

    everyone = [
        ("2026-11-18", SCHOOL, other),
        ("2026-11-19", "浚县第一中学", city),
        ("2026-11-20", SCHOOL, city),
    ]
    assert listed("wang.fang") == everyone  # the city reads both counties
    assert listed("wu.min") == [everyone[0], everyone[2]]  # 淇滨区 only
    assert listed("wang.fang", "--item", str(city)) == everyone[1:]
    assert listed("wang.fang", "--school", "浚县第一中学") == [everyone[1]]
    assert listed("wang.fang", "--year", "2025") == []
    first = ok_json(db, "wu.min", ["entry", "list"])[0]
    assert first["title"] == "消防演练进校园" and first["recorded_by"] == "wu.min"
    assert first["recorded_at"].endswith("Z")

    table = ok(db, "wu.min", ["entry", "list"]).stdout
    for word in ("日期", "学校", "事项名称", "登记人", "消防演练进校园", SCHOOL, "吴敏（wu.min）"):
        assert word in table
    assert first["recorded_by_name"] == "吴敏"
    assert ok(db, "wu.min", ["entry", "list", "--year", "2025"]).stdout == "没有登记的进校园记录\n"

    refused(
        db,
        "wu.min",
        ["entry", "list", "--school", "浚县第一中学"],
        exit=4,
        contains=("无权查看", "浚县"),
    )
    refused(db, "wu.min", ["entry", "list", "--school", "淇滨区实验小"], exit=3)
    refused(db, "wu.min", ["entry", "list", "--item", "x1"], exit=2)
    refused(db, "wu.min", ["entry", "list", "--year", "二〇二六"], exit=2)
    refused(db, "nobody", ["entry", "list"], exit=3)
