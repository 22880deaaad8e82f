"""The CLI contract of SPEC §7, driven through click's CliRunner on SQLite and PostgreSQL.

Every refusal is checked three ways: the exit code, the message on stderr (Chinese by
default, one line starting with ``错误：``), and that nothing changed in the database.
Setup goes through the service functions (``tests.org``); what is under test goes through
the command line. Commands are written as shell-like strings (``shlex``) where their words
hold no spaces, as argument lists where they do.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text

from campusgate import migrations
from campusgate.cli import cli
from campusgate.models import Database
from campusgate.workflow import items
from campusgate.workflow.items import Params
from campusgate.workflow.kinds import TABLES
from tests.org import CITY, COUNTY, PROVINCE, apply, clue, filed, reviewed, set_quota, snapshot
from tests.org import state as state_of

#: The keys SPEC §7 promises for an item (whitelist: ``title``; rectification: ``summary``).
ITEM_KEYS = frozenset({"id", "kind", "state", "year", "jurisdiction", "version", "actions"})
#: The keys of one kind only: an item's JSON carries its own kind's, never the other's.
WHITELIST_KEYS = frozenset({"title", "department", "basis_kind", "basis_docs", "lead_units"})
RECTIFICATION_KEYS = frozenset({"summary", "deadline", "owner", "source", "aspect", "standard"})
HISTORY_KEYS = frozenset({"seq", "trigger", "from_state", "to_state", "actor", "at", "reason"})

#: ``advance``'s summary line on stdout when its only item was refused.
NONE_DONE = "成功 0 / 共 1\n"
NONE_DONE_EN = "0 of 1 done\n"
ADMIN_ONLY = "错误：只有管理员（admin）可以执行此操作\n"
NO_QUOTA = (
    "错误：鹤壁市 2027 年度尚未设置总量控制，不能备案。请管理员运行："
    "campusgate quota set --jurisdiction 鹤壁市 --year 2027 --max N\n"
)

Command = str | Sequence[str]


# --------------------------------------------------------------------------- helpers

#: The refusal of an acting login that is no user.
NOBODY = (
    "错误：操作人 nobody 不是本系统用户；请用 --as 登录名（或环境变量 CAMPUSGATE_USER）指定操作人\n"
)


def words(command: Command) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else list(command)


def run(
    db: Database | str | None,
    login: str | None,
    command: Command,
    *,
    env: dict[str, str | None] | None = None,
) -> Result:
    """``campusgate [--db URL] [--as LOGIN] COMMAND…`` in-process."""
    argv: list[str] = []
    if db is not None:
        argv += ["--db", db if isinstance(db, str) else db.url]
    if login is not None:
        argv += ["--as", login]
    return CliRunner().invoke(cli, [*argv, *words(command)], env=env, catch_exceptions=False)


def ok(db: Database | str | None, login: str | None, command: Command, **kw: Any) -> Result:
    result = run(db, login, command, **kw)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert result.stderr == ""
    return result


def document(result: Result) -> Any:
    """stdout must be exactly one JSON document (json.loads refuses trailing data)."""
    return json.loads(result.stdout)


def ok_json(db: Database | str | None, login: str | None, command: Command, **kw: Any) -> Any:
    return document(ok(db, login, [*words(command), "--json"], **kw))


def refused(
    db: Database,
    login: str | None,
    command: Command,
    *,
    exit: int,
    stderr: str | None = None,
    contains: tuple[str, ...] = (),
    stdout: str | None = "",
    lang: str = "zh",
    lines: int = 1,
) -> Result:
    """Run a command that must be refused with ``exit``, say why in one line on stderr (a
    refusal listing several problems: the line, then one indented line per problem),
    and change nothing."""
    before = snapshot(db)
    result = run(db, login, command)
    assert result.exit_code == exit, (result.stdout, result.stderr)
    assert result.stderr.startswith("错误：" if lang == "zh" else "error: "), result.stderr
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == lines, result.stderr
    assert all(line.startswith("  ") for line in result.stderr.splitlines()[1:]), result.stderr
    if stderr is not None:
        assert result.stderr == stderr
    for part in contains:
        assert part in result.stderr, result.stderr
    if stdout is not None:
        assert result.stdout == stdout
    assert snapshot(db) == before
    return result


def refused_json(
    db: Database, login: str | None, command: Command, *, exit: int, code: str
) -> dict[str, Any]:
    """The ``--json`` form of a refusal: one error document on stdout, nothing elsewhere."""
    before = snapshot(db)
    result = run(db, login, [*words(command), "--json"])
    assert result.exit_code == exit, (result.stdout, result.stderr)
    assert result.stderr == ""
    data = document(result)
    assert set(data) == {"error"}
    error = data["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert not error["message"].startswith(("错误：", "error: "))
    assert error.get("exit", exit) == exit
    assert snapshot(db) == before
    return error


def apply_argv(
    *,
    department: str = "市卫健委",
    title: str = "学生常见病防治宣传",
    year: str = "2027",
    basis_kind: str = "law",
    docs: Sequence[str] = ("《学校卫生工作条例》",),
    extra: Sequence[str] = (),
) -> list[str]:
    argv = ["apply", "--department", department, "--title", title, "--year", year]
    argv += ["--basis-kind", basis_kind]
    for doc in docs:
        argv += ["--basis-doc", doc]
    return [*argv, *extra]


def clue_argv(
    *, jurisdiction: str = CITY, summary: str = "一线教师节假日被安排校园值班", extra: str = ""
) -> list[str]:
    argv = ["clue", "add", "--jurisdiction", jurisdiction, "--source", "hotline"]
    return [*argv, "--aspect", "duty", "--summary", summary, *shlex.split(extra)]


def county_item(db: Database) -> int:
    """A submitted application of 淇滨区 (outside the city staff's acting scope)."""
    return apply(db, login="zhou.qiang", department="淇滨区卫健委")


def published_2026(db: Database) -> int:
    """A published whitelist item of the current year (today is 2026-12-01)."""
    set_quota(db, 5, year=2026)
    item_id = filed(db, year=2026)
    items.fire(db, "zhao.lei", item_id, "publish")
    return item_id


def tamper(db: Database, item_id: int, seq: int) -> None:
    """Edit one audit event behind the application's back (the append-only trigger off)."""
    with db.engine.begin() as conn:
        if db.backend == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            conn.execute(text("DROP TRIGGER item_events_no_update"))
        conn.execute(
            text("UPDATE item_events SET reason = 'tampered' WHERE item_id = :i AND seq = :s"),
            {"i": item_id, "s": seq},
        )


# --------------------------------------------------------------------------- apply


def test_apply_prints_the_new_id_alone(db: Database) -> None:
    extra = shlex.split(
        "--lead-unit 市卫健委 --lead-unit 市教育局 --schedule 每年1-2次 --manner 专题讲座 "
        "--scope 全市中小学 --place 各中小学校 --content 近视、肥胖等常见病防治知识宣传 "
        "--teacher-hours 2"
    )
    assert ok(db, "li.na", apply_argv(extra=extra)).stdout == "1\n"
    assert ok(db, "li.na", apply_argv(title="防溺水安全教育")).stdout == "2\n"
    assert state_of(db, 1) == state_of(db, 2) == "submitted"


def test_apply_json_is_one_item(db: Database) -> None:
    docs = ("《学校卫生工作条例》", "《中小学健康教育指导纲要》")
    data = ok_json(db, "li.na", apply_argv(docs=docs))
    assert set(data) >= ITEM_KEYS | WHITELIST_KEYS
    assert not set(data) & RECTIFICATION_KEYS
    shown = (*ITEM_KEYS, "title", "department", "basis_kind", "basis_docs")
    assert {k: data[k] for k in shown} == {
        "actions": ["amend", "revoke"],
        "basis_docs": list(docs),
        "basis_kind": "law",
        "department": "市卫健委",
        "id": 1,
        "jurisdiction": CITY,
        "kind": "whitelist",
        "state": "submitted",
        "version": 1,
        "year": 2027,
        "title": "学生常见病防治宣传",
    }
    assert state_of(db, 1) == "submitted"


# --------------------------------------------------------------------------- item show / list


def test_item_show_json_has_the_history(db: Database) -> None:
    item_id = reviewed(db)
    items.fire(db, "wang.fang", item_id, "return", Params(reason="依据文件不全"))
    data = ok_json(db, "li.na", f"item show {item_id}")
    assert set(data) >= ITEM_KEYS | {"title", "history"}
    assert (data["id"], data["state"], data["version"]) == (item_id, "submitted", 3)
    assert data["actions"] == ["amend", "revoke"]
    history = data["history"]
    assert isinstance(history, list)
    for event in history:
        assert set(event) >= HISTORY_KEYS
        assert event["at"].endswith("Z")
        datetime.fromisoformat(event["at"].replace("Z", "+00:00"))
    keys = ("seq", "trigger", "from_state", "to_state", "actor", "reason")
    assert [tuple(e[k] for k in keys) for e in history] == [
        (1, "apply", None, "submitted", "li.na", None),
        (2, "review", "submitted", "reviewed", "wang.fang", None),
        (3, "return", "reviewed", "submitted", "wang.fang", "依据文件不全"),
    ]


def test_item_show_human(db: Database) -> None:
    item_id = reviewed(db)
    out = ok(db, "wang.fang", f"item show {item_id}").stdout
    assert "学生常见病防治宣传" in out and "历史记录" in out and "已审核" in out
    out = ok(db, "wang.fang", f"--lang en item show {item_id}").stdout
    assert "history" in out and "reviewed" in out


def test_item_list_json_is_a_list(db: Database) -> None:
    first = apply(db)
    second = reviewed(db, title="防溺水安全教育")
    ledger = clue(db)
    listed = ok_json(db, "li.na", "item list")
    assert isinstance(listed, list)
    assert [i["id"] for i in listed] == [first, second, ledger]
    for entry in listed:
        assert set(entry) >= ITEM_KEYS
    # each item the keys of its own kind only
    own = {"whitelist": WHITELIST_KEYS, "rectification": RECTIFICATION_KEYS}
    for entry in listed:
        other = RECTIFICATION_KEYS if entry["kind"] == "whitelist" else WHITELIST_KEYS
        assert set(entry) >= own[entry["kind"]] and not set(entry) & other, entry
    assert listed[0]["title"] == "学生常见病防治宣传"
    assert listed[2]["summary"] == "一线教师节假日被安排校园值班"
    only = ok_json(db, "li.na", "item list --kind rectification")
    assert [i["id"] for i in only] == [ledger]
    only = ok_json(db, "li.na", "item list --state reviewed --year 2027")
    assert [i["id"] for i in only] == [second]
    # 淇滨区 staff read their own county only
    assert ok_json(db, "zhou.qiang", "item list") == []
    assert "共 3 项" in ok(db, "li.na", "item list").stdout


def test_item_list_pages_by_limit_and_after(db: Database) -> None:
    ids = [apply(db, title=f"事项{n}") for n in range(5)]

    def page(*options: str) -> list[int]:
        return [i["id"] for i in ok_json(db, "li.na", ["item", "list", *options])]

    assert page("--limit", "2") == ids[:2]
    assert page("--limit", "2", "--after", str(ids[1])) == ids[2:4]
    assert page("--after", str(ids[3])) == ids[4:]
    shown = ok(db, "li.na", ["item", "list", "--limit", "2"]).stdout
    assert shown.endswith(f"共 2 项\n下一页：--after {ids[1]}\n")
    assert "下一页" not in ok(db, "li.na", ["item", "list", "--limit", "9"]).stdout
    refused(
        db,
        "li.na",
        ["item", "list", "--limit", "0"],
        exit=2,
        stderr="错误：每页条数（--limit）至少为 1，收到 “0”\n",
    )
    refused(
        db, "li.na", ["item", "list", "--after", "x"], exit=2, contains=("起始编号（--after）",)
    )


def test_item_list_refusals(db: Database) -> None:
    apply(db)
    refused(db, "li.na", "item list --state bogus", exit=2, contains=("state", "bogus"))
    refused(
        db,
        "li.na",
        "item list --jurisdiction 火星市",
        exit=3,
        stderr="错误：行政区 “火星市” 不存在\n",
    )
    refused(
        db,
        "zhou.qiang",
        f"item list --jurisdiction {CITY}",
        exit=4,
        stderr="错误：zhou.qiang 无权查看 鹤壁市 的数据\n",
    )


def test_an_unknown_jurisdiction_suggests_the_closest_names(db: Database) -> None:
    refused(
        db,
        "li.na",
        "item list --jurisdiction 鹤壁",
        exit=3,
        stderr="错误：行政区 “鹤壁” 不存在；是否指：鹤壁市？\n",
    )
    refused(
        db,
        "li.na",
        "--lang en item list --jurisdiction 鹤壁",
        exit=3,
        stderr="error: jurisdiction '鹤壁' does not exist; did you mean: 鹤壁市?\n",
        lang="en",
    )
    refused_json(db, "li.na", "item list --jurisdiction 鹤壁", exit=3, code="no_jurisdiction_near")
    # up to three, closest first; the parent of a new jurisdiction too
    ok(db, "admin", f"org add-jurisdiction 鹤山区 --level county --parent {CITY}")
    refused(
        db,
        "admin",
        "org add-jurisdiction 新区 --level county --parent 鹤壁区",
        exit=3,
        stderr="错误：行政区 “鹤壁区” 不存在；是否指：鹤山区、鹤壁市？\n",
    )
    # nothing close: the plain message, under its own code
    refused_json(db, "li.na", "item list --jurisdiction 火星市", exit=3, code="no_jurisdiction")


def test_a_two_character_name_with_one_wrong_is_suggested(db: Database) -> None:
    """浚具 for 浚县: one character of two right is close for a short name."""
    clue = ["clue", "add", "--source", "hotline", "--aspect", "duty", "--summary", "值班"]
    refused(
        db,
        "wang.fang",
        [*clue, "--jurisdiction", "浚具"],
        exit=3,
        stderr="错误：行政区 “浚具” 不存在；是否指：浚县？\n",
    )
    refused(
        db,
        "wang.fang",
        ["--lang", "en", *clue, "--jurisdiction", "浚具"],
        exit=3,
        stderr="error: jurisdiction '浚具' does not exist; did you mean: 浚县?\n",
        lang="en",
    )
    for county in ("淇县", "滑县"):
        ok(db, "admin", f"org add-jurisdiction {county} --level county --parent {CITY}")
    refused(
        db,
        "wang.fang",
        [*clue, "--jurisdiction", "淇具"],
        exit=3,
        stderr="错误：行政区 “淇具” 不存在；是否指：淇县？\n",
    )


def test_env_vars_give_database_and_user(db: Database) -> None:
    item_id = apply(db)
    env = {"CAMPUSGATE_DB": db.url, "CAMPUSGATE_USER": "li.na"}
    listed = ok_json(None, None, "item list", env=env)
    assert [i["id"] for i in listed] == [item_id]
    assert listed[0]["actions"] == ["amend", "revoke"]  # acted as li.na


# --------------------------------------------------------------------------- clue add


def test_clue_add_prints_id_and_json_has_summary(db: Database) -> None:
    assert ok(db, "wang.fang", clue_argv()).stdout == "1\n"
    extra = "--school 淇滨区实验小学 --reporter '教师张某 13800000000'"
    data = ok_json(db, "wang.fang", clue_argv(summary="学校被要求填报重复表格", extra=extra))
    assert set(data) >= ITEM_KEYS | RECTIFICATION_KEYS
    assert not set(data) & WHITELIST_KEYS
    assert (data["id"], data["kind"], data["state"]) == (2, "rectification", "submitted")
    assert (data["summary"], data["jurisdiction"]) == ("学校被要求填报重复表格", CITY)
    assert (data["source"], data["aspect"], data["school"]) == ("hotline", "duty", "淇滨区实验小学")
    assert (data["deadline"], data["owner"]) == (None, None)
    assert data["reporter"] == "教师张某 13800000000"
    assert data["actions"] == ["review", "revoke"]
    # the reporter's contact is for reviewers and approvers only (SPEC §3.2)
    assert "reporter" not in ok_json(db, "li.na", "item show 2")
    assert ok_json(db, "zhao.lei", "item show 2")["reporter"] == "教师张某 13800000000"


def test_clue_add_refusals(db: Database) -> None:
    refused(
        db,
        "wang.fang",
        clue_argv(jurisdiction="火星市"),
        exit=3,
        stderr="错误：行政区 “火星市” 不存在\n",
    )
    refused(
        db,
        "wang.fang",
        clue_argv(extra="--school 不存在的学校"),
        exit=3,
        stderr="错误：学校 “不存在的学校” 不存在\n",
    )
    refused(
        db,
        "li.na",
        clue_argv(),
        exit=4,
        stderr="错误：li.na 不能在 鹤壁市 登记问题线索：需要该地审核人（reviewer）角色\n",
    )
    refused(db, "wu.min", clue_argv(), exit=4, contains=("wu.min", "鹤壁市"))
    # a city school is above 淇滨区, not inside it
    refused(
        db,
        "wu.min",
        clue_argv(jurisdiction=COUNTY, extra="--school 鹤壁市高级中学"),
        exit=5,
        stderr="错误：学校 鹤壁市高级中学 不在 淇滨区 或其下级\n",
    )
    bad_source = f"clue add --jurisdiction {CITY} --source rumour --aspect duty --summary x"
    refused(db, "wang.fang", bad_source, exit=2, contains=("source", "rumour"))


def test_clue_add_with_an_unknown_linked_item_is_not_found(db: Database) -> None:
    refused(
        db, "wang.fang", clue_argv(extra="--link 999"), exit=3, stderr="错误：事项 999 不存在\n"
    )


# --------------------------------------------------------------------------- advance


def test_advance_human_output(db: Database) -> None:
    first, second = apply(db), apply(db, title="防溺水安全教育")
    result = ok(db, "wang.fang", f"advance review {first} {second}")
    assert result.stdout == (
        f"事项 {first}：审核 → 已审核\n事项 {second}：审核 → 已审核\n成功 2 / 共 2\n"
    )
    result = ok(db, "wang.fang", f"--lang en advance return {first} --reason 材料不全")
    assert result.stdout == f"item {first}: return → submitted\n1 of 1 done\n"
    assert [state_of(db, first), state_of(db, second)] == ["submitted", "reviewed"]


def test_advance_one_ok_one_state_refusal_exits_5_and_the_ok_one_stays(db: Database) -> None:
    fresh, done = apply(db), reviewed(db, title="防溺水安全教育")
    result = run(db, "wang.fang", f"advance review {fresh} {done}")
    assert result.exit_code == 5
    assert result.stdout == f"事项 {fresh}：审核 → 已审核\n成功 1 / 共 2\n"
    assert result.stderr == f"错误：事项 {done} 当前状态为 “已审核”，不能执行 “审核”\n"
    assert state_of(db, fresh) == "reviewed"  # its own transaction, committed

    again = apply(db, title="交通安全进校园")
    result = run(db, "wang.fang", f"advance review {done} {again} --json")
    assert result.exit_code == 5
    assert result.stderr == ""
    data = document(result)
    assert set(data) == {"results"}
    first, second = data["results"]
    for entry in (first, second):
        assert set(entry) >= {"id", "ok", "kind", "state", "error"}
    # a refused item's result carries its kind and state (issue 6)
    assert (first["id"], first["ok"], first["state"]) == (done, False, "reviewed")
    assert first["kind"] == "whitelist"
    assert (first["error"]["code"], first["error"]["exit"]) == ("state_refused", 5)
    assert first["error"]["message"] == f"事项 {done} 当前状态为 “已审核”，不能执行 “审核”"
    assert second == {
        "id": again,
        "ok": True,
        "kind": "whitelist",
        "state": "reviewed",
        "error": None,
    }
    assert state_of(db, again) == "reviewed"


@pytest.mark.parametrize(
    ("cases", "worst"),
    [
        (["ok", "ok"], 0),
        (["ok", "state"], 5),
        (["state", "scope"], 5),
        (["scope", "state"], 5),
        (["ok", "missing"], 3),
        (["missing", "scope"], 4),
        (["scope", "missing", "ok"], 4),
        (["missing", "missing"], 3),
        (["ok", "state", "missing"], 5),  # the highest, whichever id met it
    ],
)
def test_advance_exits_with_the_worst(db: Database, cases: list[str], worst: int) -> None:
    """ok: a submitted city item; state: already reviewed (5); scope: a county item, outside
    wang.fang's jurisdiction (4); missing: no such item (3). Each id is its own transaction."""
    expected = {"ok": 0, "state": 5, "scope": 4, "missing": 3}
    ids: list[int] = []
    for n, case in enumerate(cases):
        if case == "ok":
            ids.append(apply(db, title=f"事项{n}"))
        elif case == "state":
            ids.append(reviewed(db, title=f"事项{n}"))
        elif case == "scope":
            ids.append(county_item(db))
        else:
            ids.append(900 + n)
    before = {i: state_of(db, i) for i in ids}
    result = run(db, "wang.fang", ["advance", "review", *map(str, ids), "--json"])
    assert result.exit_code == worst
    results = document(result)["results"]
    assert [r["id"] for r in results] == ids
    for case, entry, item_id in zip(cases, results, ids, strict=True):
        if case == "ok":
            assert entry == {
                "id": item_id,
                "ok": True,
                "kind": "whitelist",
                "state": "reviewed",
                "error": None,
            }
            assert state_of(db, item_id) == "reviewed"
        else:
            # a refused item's result carries its kind and state, where the user may read it
            assert (entry["ok"], entry["state"]) == (False, before[item_id] or None)
            assert entry["kind"] == ("whitelist" if entry["state"] else None)
            assert entry["error"]["exit"] == expected[case]
            assert state_of(db, item_id) == before[item_id]


def test_advance_on_several_ids_checks_the_input_first_and_names_each_refused_item(
    db: Database,
) -> None:
    """A malformed id among several refuses the call (2) before any id is fired, said once;
    a refusal that does not name its item (a full quota) is prefixed with it."""
    first, second = apply(db), apply(db, title="防溺水安全教育")
    refused(
        db,
        "wang.fang",
        f"advance review {first} {second} abc",
        exit=2,
        stderr="错误：编号 “abc” 无效，应为正整数\n",
        stdout="未执行任何事项（共 3 项）\n",
    )
    refused(  # a whole-call refusal reads once, not once per id
        db,
        "wang.fang",
        f"advance frobnicate {first} {second}",
        exit=2,
        contains=("“frobnicate”",),
        stdout="未执行任何事项（共 2 项）\n",
    )
    refused(  # an id given twice would be fired twice: input, refused before anything
        db,
        "wang.fang",
        f"advance review {first} {second} {first}",
        exit=2,
        stderr=f"错误：事项 {first} 出现了不止一次\n",
        stdout="未执行任何事项（共 3 项）\n",
    )
    assert [state_of(db, first), state_of(db, second)] == ["submitted", "submitted"]

    set_quota(db, 1)
    ok(db, "wang.fang", f"advance review {first} {second}")
    result = run(db, "zhao.lei", f"advance file {first} {second}")
    assert result.exit_code == 5
    assert result.stdout == f"事项 {first}：备案 → 已备案\n成功 1 / 共 2\n"
    assert result.stderr == (
        f"错误：事项 {second}：鹤壁市 2027 年度白名单已达总量上限 1 项"
        "（已占用 1 项：已备案、已发布、已暂停的事项）\n"
    )
    alone = run(db, "zhao.lei", f"advance file {second}")  # one id: its words suffice
    assert alone.stderr.startswith("错误：鹤壁市 2027 年度白名单已达总量上限 1 项")
    data = document(run(db, "zhao.lei", f"advance file {first} {second} --json"))
    assert data["results"][1]["error"]["code"] == "quota_exceeded"
    assert data["results"][1]["error"]["message"].startswith(f"事项 {second}：鹤壁市")


# --------------------------------------------------------------------------- exit 2


def test_exit_2_unknown_trigger(db: Database) -> None:
    item_id = apply(db)
    refused(
        db,
        "wang.fang",
        f"advance frobnicate {item_id}",
        exit=2,
        contains=("“frobnicate”", "可用操作", "review"),
        stdout=NONE_DONE,
    )
    refused(
        db,
        "wang.fang",
        f"--lang en advance frobnicate {item_id}",
        exit=2,
        contains=("no trigger 'frobnicate'",),
        stdout=NONE_DONE_EN,
        lang="en",
    )
    # a trigger of the other kind is unknown for this item
    extend = f"advance extend {item_id} --deadline 2027-03-01 --reason 延期"
    refused(db, "zhao.lei", extend, exit=2, contains=("“延期”",), stdout=NONE_DONE)


def test_a_trigger_may_be_given_by_its_label(db: Database) -> None:
    """The labels output shows are accepted as input, a kind's own ones (销号, 上台账, close)
    only for that kind; what was refused changed nothing."""
    item_id = clue(db)
    ok(db, "wang.fang", f"advance 审核 {item_id}")
    file = f"advance 上台账 {item_id} --standard 不再值班 --deadline 2027-03-31 --owner chen.jing"
    result = ok(db, "wang.fang", file)
    assert result.stdout == f"事项 {item_id}：上台账 → 已上台账\n成功 1 / 共 1\n"
    refused(
        db,
        "wang.fang",
        f"advance 销号 {item_id}",
        exit=2,
        stderr="错误：操作 “销号” 需要 --result\n",
        stdout=NONE_DONE,
    )
    refused(
        db,
        "wang.fang",
        f"--lang en advance close {item_id}",
        exit=2,
        stderr="error: trigger 'close' needs --result\n",
        stdout=NONE_DONE_EN,
        lang="en",
    )
    result = ok(db, "wang.fang", f"--lang en advance close {item_id} --result done")
    assert result.stdout == f"item {item_id}: close → closed\n1 of 1 done\n"
    assert state_of(db, item_id) == "published"
    # a rectification item's own word is no whitelist trigger
    set_quota(db, 5)
    application = reviewed(db)
    refused(
        db,
        "zhao.lei",
        f"advance 销号 {application}",
        exit=2,
        stderr=(
            "错误：白名单事项没有操作 “销号”，可用操作：review（审核）、return（退回）、"
            "ratify（上级批准）、file（备案）、publish（发布）、suspend（暂停）、"
            "reinstate（恢复）、revoke（撤销）\n"
        ),
        stdout=NONE_DONE,
    )
    ok(db, "zhao.lei", f"advance 备案 {application}")
    assert state_of(db, application) == "filed"


def test_an_unknown_trigger_is_refused_listing_the_triggers_with_their_labels(db: Database) -> None:
    item_id = apply(db)
    refused(
        db,
        "wang.fang",
        f"advance 批准 {item_id}",
        exit=2,
        stderr=(
            "错误：没有操作 “批准”，可用操作：review（审核）、return（退回）、ratify（上级批准）、"
            "file（备案/上台账）、publish（发布/销号）、suspend（暂停）、reinstate（恢复）、"
            "revoke（撤销）、extend（延期）\n"
        ),
        stdout=NONE_DONE,
    )
    refused(
        db,
        "wang.fang",
        f"--lang en advance approve {item_id}",
        exit=2,
        stderr=(
            "error: there is no trigger 'approve'; triggers: review, return, ratify, "
            "file (put on the ledger), publish (close), suspend, reinstate, revoke, extend\n"
        ),
        stdout=NONE_DONE_EN,
        lang="en",
    )
    rectification = clue(db)
    refused(
        db,
        "wang.fang",
        f"advance 退回 {rectification} --reason 重新核实",
        exit=2,
        contains=("错误：整改事项没有操作 “退回”，可用操作：review（审核）、file（上台账）",),
        stdout=NONE_DONE,
    )


def test_advance_amend_points_to_item_edit(db: Database) -> None:
    item_id = apply(db)
    for trigger in ("amend", "修改"):
        refused(
            db,
            "li.na",
            f"advance {trigger} {item_id}",
            exit=2,
            stderr=(
                "错误：修改申请不用 advance，请用：campusgate item edit "
                f"{item_id} --字段 新值（如 --place 各中小学校）\n"
            ),
            stdout=NONE_DONE,
        )
    refused(
        db,
        "li.na",
        f"--lang en advance amend {item_id}",
        exit=2,
        stderr=(
            "error: an application is amended by item edit, not advance: "
            f"campusgate item edit {item_id} --field value (e.g. --place 'all schools')\n"
        ),
        stdout=NONE_DONE_EN,
        lang="en",
    )
    # several ids: each is refused alike, naming no one id
    result = run(db, "li.na", f"advance amend {item_id} {item_id} --json")
    assert result.exit_code == 2
    errors = [r["error"] for r in document(result)["results"]]
    assert [e["code"] for e in errors] == ["amend_by_edit"] * 2
    assert "campusgate item edit ID --字段 新值" in errors[0]["message"]
    ok(db, "li.na", f"item edit {item_id} --place 各中小学校礼堂")


def test_unknown_trigger_message_is_all_chinese(db: Database) -> None:
    item_id = apply(db)
    result = refused(db, "wang.fang", f"advance frobnicate {item_id}", exit=2, stdout=NONE_DONE)
    assert "any" not in result.stderr


def test_exit_2_malformed_deadline(db: Database) -> None:
    item_id = clue(db)
    items.fire(db, "wang.fang", item_id, "review")
    file = f"advance file {item_id} --standard 不再值班"
    refused(
        db,
        "wang.fang",
        f"{file} --deadline 2027-13-45 --owner chen.jing",
        exit=2,
        stderr="错误：日期 “2027-13-45” 格式无效，应为 YYYY-MM-DD\n",
        stdout=NONE_DONE,
    )
    refused(
        db,
        "wang.fang",
        f"{file} --deadline 2027-03-31",
        exit=2,
        stderr="错误：操作 “上台账” 需要 --owner\n",
        stdout=NONE_DONE,
    )
    refused(
        db,
        "wang.fang",
        f"{file} --deadline 2026-01-31 --owner chen.jing",
        exit=5,
        stderr="错误：整改时限 2026-01-31 早于今天 2026-12-01\n",
        stdout=NONE_DONE,
    )
    result = ok(db, "wang.fang", f"{file} --deadline 2027-03-31 --owner chen.jing")
    assert result.stdout == f"事项 {item_id}：上台账 → 已上台账\n成功 1 / 共 1\n"
    data = ok_json(db, "chen.jing", f"item show {item_id}")
    assert (data["deadline"], data["owner"], data["state"]) == ("2027-03-31", "chen.jing", "filed")


#: The warning on stderr when a responsible person without e-mail is given an item.
NO_EMAIL = (
    "注意：责任人 孙浩（sun.hao）没有电子邮箱，设置前收不到整改提醒；请管理员设置邮箱："
    "campusgate org add-user sun.hao --email 邮箱地址\n"
)


def test_an_owner_without_email_is_accepted_with_a_warning_naming_the_fix(db: Database) -> None:
    first, second, third = (reviewed_clue(db) for _ in range(3))
    ledger = "--standard 不再值班 --deadline 2027-03-31 --owner sun.hao"
    result = run(db, "wang.fang", f"advance file {first} {ledger}")
    assert result.exit_code == 0
    assert result.stdout == f"事项 {first}：上台账 → 已上台账\n成功 1 / 共 1\n"
    assert result.stderr == NO_EMAIL
    assert state_of(db, first) == "filed"
    result = run(db, "wang.fang", f"--lang en advance file {second} {ledger} --json")
    assert result.exit_code == 0
    assert document(result)["results"][0]["state"] == "filed"  # stdout: the one document
    assert result.stderr == (
        "warning: responsible person 孙浩 (sun.hao) has no e-mail address and gets no "
        "reminders until an admin sets one: campusgate org add-user sun.hao --email ADDRESS\n"
    )
    # the command it names gives the address and keeps the rest; then no warning
    fix = NO_EMAIL.split("设置邮箱：")[1].strip().replace("邮箱地址", "sun.hao@example.gov.cn")
    assert fix.startswith("campusgate ")
    before = person(ok_json(db, "admin", "org show"), "sun.hao")
    ok(db, "admin", fix.removeprefix("campusgate "))
    after = person(ok_json(db, "admin", "org show"), "sun.hao")
    assert after == before | {"email": "sun.hao@example.gov.cn"}
    ok(db, "wang.fang", f"advance file {third} {ledger}")  # ok(): stderr is empty


def person(nodes: list[dict[str, Any]], login: str) -> dict[str, Any]:
    """A user as ``org show --json`` shows them."""
    for node in nodes:
        for user in node["users"]:
            if user["login"] == login:
                return dict(user)
        try:
            return person(node["children"], login)
        except LookupError:
            continue
    raise LookupError(login)


def reviewed_clue(db: Database) -> int:
    item_id = clue(db)
    items.fire(db, "wang.fang", item_id, "review")
    return item_id


def test_exit_2_return_needs_a_reason(db: Database) -> None:
    item_id = reviewed(db)
    needs_reason = "错误：操作 “退回” 需要填写理由（--reason）\n"
    refused(
        db, "wang.fang", f"advance return {item_id}", exit=2, stderr=needs_reason, stdout=NONE_DONE
    )
    refused(
        db,
        "wang.fang",
        f"advance return {item_id} --reason '   '",
        exit=2,
        stderr=needs_reason,
        stdout=NONE_DONE,
    )
    ok(db, "wang.fang", f"advance return {item_id} --reason 依据文件不全")
    assert state_of(db, item_id) == "submitted"


def test_exit_2_unknown_basis_kind_and_other_bad_input(db: Database) -> None:
    refused(
        db,
        "li.na",
        apply_argv(basis_kind="rumour"),
        exit=2,
        stderr="错误：准入依据类别（--basis-kind）的取值 “rumour” 无效，可选："
        "law（法律法规或党委政府文件明确规定）、joint（部委联合教育部部署）、unified（党委政府统一部署的专项工作）、"
        "emergency（特殊时期、紧急情况）\n",
    )
    english = refused(
        db, "li.na", ["--lang", "en", *apply_argv(basis_kind="rumour")], exit=2, lang="en"
    )
    assert english.stderr.endswith("choose from: law, joint, unified, emergency\n")
    # the label a user reads names the code too
    item = ok_json(db, "li.na", apply_argv(basis_kind="部委联合教育部部署"))
    assert item["basis_kind"] == "joint"
    refused(
        db,
        "li.na",
        apply_argv(year="next"),
        exit=2,
        stderr="错误：年度（--year）应为非负整数，收到 “next”\n",
    )
    refused(
        db,
        "li.na",
        apply_argv(docs=("  ",)),
        exit=2,
        stderr="错误：缺少必填项：开展依据（--basis-doc）\n",
    )
    refused(
        db, "li.na", apply_argv(title=" "), exit=2, stderr="错误：缺少必填项：事项名称（--title）\n"
    )
    hours = apply_argv(extra=("--teacher-hours", "-1"))
    refused(db, "li.na", hours, exit=2, contains=("预计占用教师课时（--teacher-hours）",))


def test_out_of_range_year_message_is_not_misleading(db: Database) -> None:
    result = refused(db, "li.na", apply_argv(year="1999"), exit=2)
    assert "非负整数" not in result.stderr


# --------------------------------------------------------------------------- exit 3


def test_exit_3_not_found(db: Database) -> None:
    apply(db)
    no_item = "错误：事项 999 不存在\n"
    no_user = NOBODY
    refused(db, "li.na", "item show 999", exit=3, stderr=no_item)
    refused(db, "wang.fang", "advance review 999", exit=3, stderr=no_item, stdout=NONE_DONE)
    refused(db, "nobody", apply_argv(), exit=3, stderr=no_user)
    refused(db, "nobody", "item list", exit=3, stderr=no_user)
    refused(db, "nobody", "item show 1", exit=3, stderr=no_user)
    refused(
        db,
        "li.na",
        apply_argv(department="市教育局"),
        exit=3,
        stderr="错误：部门 “市教育局” 不存在\n",
    )
    no_mars = "错误：行政区 “火星市” 不存在\n"
    quota = "quota set --jurisdiction 火星市 --year 2027 --max 3"
    refused(db, "admin", quota, exit=3, stderr=no_mars)
    add_dept = "org add-department 火星卫健委 --jurisdiction 火星市"
    refused(db, "admin", add_dept, exit=3, stderr=no_mars)
    add_user = f"org add-user new.one --role applicant --jurisdiction {CITY} --department 市教育局"
    refused(db, "admin", add_user, exit=3, stderr="错误：部门 “市教育局” 不存在\n")


def test_an_owner_given_by_name_or_with_a_typo_is_refused_naming_the_login(db: Database) -> None:
    item_id = clue(db)
    ok(db, "wang.fang", f"advance review {item_id}")
    file = f"advance file {item_id} --standard 不再值班 --deadline 2027-03-31 --owner"
    refused(
        db,
        "wang.fang",
        f"{file} 陈静",
        exit=3,
        stderr="错误：用户 陈静 不存在；是否指：chen.jing（陈静）？\n",
        stdout=NONE_DONE,
    )
    refused(
        db,
        "wang.fang",
        f"{file} chen.jin",
        exit=3,
        stderr="错误：用户 chen.jin 不存在；是否指：chen.jing、he.jun？\n",
        stdout=NONE_DONE,
    )
    refused(
        db,
        "wang.fang",
        f"{file} 无名氏",
        exit=3,
        stderr="错误：用户 无名氏 不存在\n",
        stdout=NONE_DONE,
    )


# --------------------------------------------------------------------------- exit 4


def test_exit_4_wrong_role(db: Database) -> None:
    item_id = apply(db)
    refused(
        db,
        "li.na",
        f"advance review {item_id}",
        exit=4,
        stderr=f"错误：li.na 无权对事项 {item_id}（已提交）执行 “审核”：需要审核人\n",
        stdout=NONE_DONE,
    )
    refused(
        db,
        "wang.fang",
        apply_argv(),
        exit=4,
        stderr="错误：wang.fang 不能以 市卫健委 的名义申请：需要该部门的申请人（applicant）角色\n",
    )
    refused(db, "sun.hao", apply_argv(), exit=4, contains=("sun.hao", "市卫健委"))
    quota = f"quota set --jurisdiction {CITY} --year 2027 --max 3"
    refused(db, "li.na", quota, exit=4, stderr=ADMIN_ONLY)
    refused(db, "li.na", f"org add-school 新学校 --jurisdiction {CITY}", exit=4, stderr=ADMIN_ONLY)


def test_exit_4_who_depends_on_the_state(db: Database) -> None:
    """An applicant may withdraw (revoke) only a submitted item; later that is exit 4."""
    item_id = reviewed(db)
    refused(
        db,
        "li.na",
        f"advance revoke {item_id} --reason 不办了",
        exit=4,
        stderr=f"错误：li.na 无权对事项 {item_id}（已审核）执行 “撤销”：需要审批人\n",
        stdout=NONE_DONE,
    )
    own = apply(db, title="防溺水安全教育")
    ok(db, "li.na", f"advance revoke {own} --reason 不办了")
    assert state_of(db, own) == "revoked"


def test_exit_4_other_jurisdiction(db: Database) -> None:
    city_item, county = apply(db), county_item(db)
    refused(
        db,
        "wu.min",
        f"advance review {city_item}",
        exit=4,
        stderr=f"错误：wu.min 不能对事项 {city_item}（已提交）执行 “审核”："
        "该事项属于 鹤壁市，不在其职权范围内（wu.min 只在 淇滨区 办理）\n",
        stdout=NONE_DONE,
    )
    refused(
        db,
        "wang.fang",
        f"advance review {county}",
        exit=4,
        contains=("wang.fang", f"事项 {county}"),
        stdout=NONE_DONE,
    )
    refused(
        db,
        "zhou.qiang",
        f"item show {city_item}",
        exit=4,
        stderr=f"错误：zhou.qiang 无权查看事项 {city_item}\n",
    )
    # supervision runs downward: the city reads the county's item, but does not act on it
    assert ok_json(db, "wang.fang", f"item show {county}")["actions"] == []


def test_exit_4_separation_of_duties(db: Database) -> None:
    set_quota(db, 5)
    item_id = apply(db)
    ok(db, "gao.feng", f"advance review {item_id}")
    refused(
        db,
        "gao.feng",
        f"advance file {item_id}",
        exit=4,
        stderr=f"错误：职责分离：审核人 gao.feng 不能对自己审核的事项 {item_id} 执行 “备案”\n",
        stdout=NONE_DONE,
    )
    ok(db, "zhao.lei", f"advance file {item_id}")
    assert state_of(db, item_id) == "filed"

    # a user with both hats may not review what they applied for
    dual = "org add-user dual --role applicant --role reviewer --department 市卫健委"
    ok(db, "admin", f"{dual} --jurisdiction {CITY}")
    own = int(ok(db, "dual", apply_argv(title="防溺水安全教育")).stdout)
    refused(
        db,
        "dual",
        f"advance review {own}",
        exit=4,
        stderr=f"错误：职责分离：申请人 dual 不能对自己申请的事项 {own} 执行 “审核”\n",
        stdout=NONE_DONE,
    )
    assert "review" not in ok_json(db, "dual", f"item show {own}")["actions"]


# --------------------------------------------------------------------------- exit 5


def test_exit_5_state(db: Database) -> None:
    item_id = reviewed(db)
    refused(
        db,
        "wang.fang",
        f"advance review {item_id}",
        exit=5,
        stderr=f"错误：事项 {item_id} 当前状态为 “已审核”，不能执行 “审核”\n",
        stdout=NONE_DONE,
    )
    refused(
        db,
        "li.na",
        f"item edit {item_id} --schedule 每年1次",
        exit=5,
        stderr=f"错误：事项 {item_id} 当前状态为 “已审核”，不能执行 “修改”\n",
    )
    refused(
        db,
        "li.na",
        apply_argv(year="2025"),
        exit=5,
        stderr="错误：白名单年度 2025 早于当前年度 2026\n",
    )
    refused(
        db,
        "li.na",
        apply_argv(basis_kind="emergency"),
        exit=5,
        stderr="错误：应急事项只能申请当年（2026）的白名单\n",
    )


def test_exit_5_no_quota_says_how_to_set_one(db: Database) -> None:
    first = reviewed(db)
    second = reviewed(db, title="防溺水安全教育")
    result = refused(
        db, "zhao.lei", f"advance file {first}", exit=5, stderr=NO_QUOTA, stdout=NONE_DONE
    )
    assert "campusgate quota set" in result.stderr
    # the message's own command works (with N = 1)
    suggested = result.stderr.split("campusgate ", 1)[1].strip()
    ok(db, "admin", suggested.replace("--max N", "--max 1"))
    result = ok(db, "zhao.lei", f"advance file {first}")
    assert result.stdout == f"事项 {first}：备案 → 已备案\n成功 1 / 共 1\n"
    refused(
        db,
        "zhao.lei",
        f"advance file {second}",
        exit=5,
        stderr="错误：鹤壁市 2027 年度白名单已达总量上限 1 项"
        "（已占用 1 项：已备案、已发布、已暂停的事项）\n",
        stdout=NONE_DONE,
    )
    refused(
        db,
        "qian.min",
        f"--lang en advance file {second}",
        exit=5,
        stderr="error: 鹤壁市's 2027 whitelist is full: 1 of 1 places taken "
        "(filed, published and suspended items)\n",
        stdout=NONE_DONE_EN,
        lang="en",
    )


def test_exit_5_no_quota_in_english(db: Database) -> None:
    item_id = reviewed(db)
    result = refused(
        db,
        "zhao.lei",
        f"--lang en advance file {item_id}",
        exit=5,
        stdout=NONE_DONE_EN,
        lang="en",
    )
    assert result.stderr.startswith("error: 鹤壁市 has no quota for 2027")
    assert "campusgate quota set --jurisdiction 鹤壁市 --year 2027 --max N" in result.stderr


# --------------------------------------------------------------------------- precedence


def test_the_first_kind_of_wrong_decides(db: Database) -> None:
    """SPEC §7: input (2) before not found (3) before permission (4) before state/guards (5)."""
    done = reviewed(db)
    ledger = clue(db)
    items.fire(db, "wang.fang", ledger, "review")
    file = f"advance file {ledger} --standard 不再值班"
    # 2 beats 3, 4 and 5
    refused(db, "nobody", "advance frobnicate 999", exit=2, stdout=NONE_DONE)
    refused(db, "li.na", f"advance return {done}", exit=2, stdout=NONE_DONE)
    refused(db, "nobody", apply_argv(basis_kind="rumour", department="市教育局"), exit=2)
    bad_date = f"{file} --deadline 2027-13-45 --owner nobody"
    refused(db, "li.na", bad_date, exit=2, stdout=NONE_DONE)
    refused(db, "nobody", "item list --year next", exit=2)
    # 3 beats 4 and 5
    refused(db, "nobody", apply_argv(department="市教育局"), exit=3)
    refused(db, "li.na", "advance review 999", exit=3, stdout=NONE_DONE)
    refused(db, "wang.fang", apply_argv(department="市教育局", year="2025"), exit=3)
    no_owner = f"{file} --deadline 2027-03-31 --owner nobody"
    refused(db, "li.na", no_owner, exit=3, stdout=NONE_DONE)
    # 4 beats 5
    refused(db, "li.na", f"advance review {done}", exit=4, stdout=NONE_DONE)
    refused(db, "wang.fang", apply_argv(year="2025"), exit=4)
    past = f"{file} --deadline 2026-01-01 --owner chen.jing"
    refused(db, "wu.min", past, exit=4, stdout=NONE_DONE)
    gao = apply(db, title="防溺水安全教育")
    items.fire(db, "gao.feng", gao, "review")
    # separation of duties, and no quota either
    refused(db, "gao.feng", f"advance file {gao}", exit=4, contains=("职责分离",), stdout=NONE_DONE)


@pytest.mark.parametrize(
    ("command", "exit"),
    [
        (f"org add-jurisdiction 淇县 --level bogus --parent {CITY}", 2),
        (f"org add-user x.y --role chief --jurisdiction {CITY}", 2),
        ("org add-department 火星卫健委 --jurisdiction 火星市", 3),
        ("quota set --jurisdiction 火星市 --year 2027 --max 3", 3),
    ],
    ids=["bad-level", "bad-role", "department-unknown-jurisdiction", "quota-unknown-jurisdiction"],
)
def test_org_and_quota_precedence(db: Database, command: str, exit: int) -> None:
    refused(db, "li.na", command, exit=exit)


def test_quota_show_malformed_year_beats_unknown_user(db: Database) -> None:
    refused(
        db,
        "nobody",
        "quota show --year next",
        exit=2,
        stderr="错误：年度（--year）应为非负整数，收到 “next”\n",
    )


# --------------------------------------------------------------------------- languages


def test_lang_en_option(db: Database) -> None:
    refused(
        db,
        "li.na",
        "--lang en item show 999",
        exit=3,
        stderr="error: item 999 does not exist\n",
        lang="en",
    )
    done = reviewed(db)
    refused(
        db,
        "wang.fang",
        f"--lang en advance review {done}",
        exit=5,
        stderr=f"error: item {done} is reviewed; 'review' is not possible from there\n",
        stdout=NONE_DONE_EN,
        lang="en",
    )
    refused(
        db,
        "li.na",
        f"--lang en quota set --jurisdiction {CITY} --year 2027 --max 3",
        exit=4,
        stderr="error: only an admin may do this\n",
        lang="en",
    )


def test_lang_from_environment(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMPUSGATE_LANG", "en")
    en = "error: item 999 does not exist\n"
    refused(db, "li.na", "item show 999", exit=3, stderr=en, lang="en")
    # the option beats the environment
    refused(db, "li.na", "--lang zh item show 999", exit=3, stderr="错误：事项 999 不存在\n")
    error = refused_json(db, "li.na", "item show 999", exit=3, code="no_item")
    assert error["message"] == "item 999 does not exist"


@pytest.mark.parametrize(
    ("command", "zh", "en"),
    [
        ("item show", "错误：缺少参数 'ITEM_ID'.", "Error: Missing argument 'ITEM_ID'."),
        (
            "clue add --link 七",
            "错误：'--link' 的值无效：'七' 不是有效的数字。",
            "Error: Invalid value for '--link': '七' is not a valid integer.",
        ),
    ],
)
def test_click_s_usage_errors_speak_the_reader_s_language(
    db: Database, command: str, zh: str, en: str
) -> None:
    """click's own refusals too (tests/cli/test_click_language.py has them all); the same in
    remote mode."""
    before = snapshot(db)
    for prefix, usage, last in (("", "用法: ", zh), ("--lang en ", "Usage: ", en)):
        result = run(db, "wang.fang", prefix + command)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.startswith(usage)
        assert result.stderr.endswith(f"\n{last}\n")
    assert snapshot(db) == before


# --------------------------------------------------------------------------- --json errors


@pytest.mark.parametrize(
    ("login", "command", "exit", "code"),
    [
        ("li.na", "item show 999", 3, "no_item"),
        ("nobody", "item list", 3, "no_acting_user"),
        ("li.na", apply_argv(basis_kind="rumour"), 2, "invalid_choice"),
        ("li.na", apply_argv(title="x" * 201), 2, "too_long"),
        ("wang.fang", apply_argv(), 4, "not_permitted_apply"),
        ("li.na", f"quota set --jurisdiction {CITY} --year 2027 --max 3", 4, "admin_only"),
        ("li.na", apply_argv(year="2025"), 5, "year_past"),
        ("li.na", "workflow diagram --format svg", 2, "output_required"),
        ("admin", "org load /nonexistent/org.toml", 2, "org_file_invalid"),
    ],
)
def test_json_errors_are_one_document_on_stdout(
    db: Database, login: str, command: Command, exit: int, code: str
) -> None:
    error = refused_json(db, login, command, exit=exit, code=code)
    assert re.search(r"[\u4e00-\u9fff]", error["message"])  # Chinese by default


def test_an_organisation_file_that_is_not_toml_is_refused_naming_line_and_column(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "org.toml"
    path.write_text('[[user]]\nlogin = "zhou.li"\nroles = ["reviewer"\n', encoding="utf-8")
    refused(
        db,
        "admin",
        ["org", "load", str(path)],
        exit=2,
        stderr=f"错误：组织文件 {path} 第 4 行第 1 列不符合 TOML 语法：Unclosed array\n",
    )
    refused(
        db,
        "admin",
        ["--lang", "en", "org", "load", str(path)],
        exit=2,
        lang="en",
        stderr=f"error: organisation file {path} is not valid TOML at line 4, column 1: "
        "Unclosed array\n",
    )
    refused_json(db, "admin", ["org", "load", str(path)], exit=2, code="org_file_syntax")


@pytest.mark.parametrize(
    ("command", "exit", "message"),
    [
        ("item show 999", 3, "item 999 does not exist"),
        (f"quota set --jurisdiction {CITY} --year 2027 --max 3", 4, "only an admin may do this"),
    ],
)
def test_json_errors_in_english(db: Database, command: str, exit: int, message: str) -> None:
    before = snapshot(db)
    result = run(db, "li.na", f"--lang en {command} --json")
    assert result.exit_code == exit
    assert result.stderr == ""
    assert document(result)["error"]["message"] == message
    assert snapshot(db) == before


def test_advance_json_refusals_stay_on_stdout(db: Database) -> None:
    item_id = apply(db)
    result = run(db, "wang.fang", f"advance frobnicate {item_id} 999 --json")
    assert result.exit_code == 2
    assert result.stderr == ""
    results = document(result)["results"]
    assert [(r["id"], r["ok"], r["error"]["code"]) for r in results] == [
        (item_id, False, "unknown_trigger"),
        (999, False, "unknown_trigger"),
    ]


# --------------------------------------------------------------------------- bootstrap, org


def test_bootstrap_on_an_empty_database(empty_db: Database) -> None:
    db = empty_db
    province = f"org add-jurisdiction {PROVINCE} --level province"
    county = f"org add-jurisdiction {COUNTY} --level county --parent {CITY}"
    assert ok_json(db, "nobody", "org show") == []
    assert ok(db, "nobody", province).stdout == f"已新建：{PROVINCE}\n"
    assert ok(db, "nobody", province).stdout == f"已存在，未变：{PROVINCE}\n"
    city = f"org add-jurisdiction {CITY} --level city --parent {PROVINCE}"
    assert ok_json(db, "nobody", city) == {"name": CITY, "outcome": "created"}
    ok(db, "nobody", f"org add-user boss --role admin --jurisdiction {PROVINCE}")
    ok(db, "boss", f"org add-user rev --role reviewer --jurisdiction {CITY}")
    # users exist now: only admins change the organisation
    refused(db, "rev", county, exit=4, stderr=ADMIN_ONLY)
    refused(
        db, "rev", f"org add-department 市卫健委 --jurisdiction {CITY}", exit=4, stderr=ADMIN_ONLY
    )
    refused(
        db,
        "nobody",
        county,
        exit=3,
        stderr=NOBODY,
    )
    assert ok(db, "boss", county).stdout == f"已新建：{COUNTY}\n"
    tree = ok_json(db, "boss", "org show")
    assert [n["name"] for n in tree] == [PROVINCE]
    assert [c["name"] for c in tree[0]["children"]] == [CITY]
    assert [c["name"] for c in tree[0]["children"][0]["children"]] == [COUNTY]


def test_bootstrap_refuses_bad_input(empty_db: Database) -> None:
    no_parent = f"org add-jurisdiction {CITY} --level city"
    refused(empty_db, "nobody", no_parent, exit=2, contains=("--parent",))
    bad_level = f"org add-jurisdiction {CITY} --level metropolis"
    refused(empty_db, "nobody", bad_level, exit=2, contains=("metropolis",))


ORG_TOML = """\
[[jurisdiction]]
name = "河南省"
level = "province"

[[jurisdiction]]
name = "鹤壁市"
level = "city"
parent = "河南省"

[[jurisdiction]]
name = "淇滨区"
level = "county"
parent = "鹤壁市"

[[department]]
name = "市卫健委"
jurisdiction = "鹤壁市"

[[school]]
name = "淇滨区实验小学"
jurisdiction = "淇滨区"

[[user]]
login = "boss"
roles = ["admin"]
jurisdiction = "河南省"

[[user]]
login = "li.na"
roles = ["applicant"]
jurisdiction = "鹤壁市"
department = "市卫健委"
email = "li.na@example.gov.cn"
name = "李娜"
"""


def test_org_load_is_idempotent(empty_db: Database, tmp_path: Path) -> None:
    db = empty_db
    path = tmp_path / "hebi.toml"
    path.write_text(ORG_TOML, encoding="utf-8")
    load = ["org", "load", str(path)]
    assert ok(db, "boss", load).stdout == "组织已载入：新建 7，更新 0，未变 0\n"
    before = snapshot(db)
    assert ok(db, "boss", load).stdout == "组织已载入：新建 0，更新 0，未变 7\n"
    assert ok_json(db, "boss", load) == {"created": 0, "updated": 0, "unchanged": 7}
    assert ok(db, "boss", ["--lang", "en", *load]).stdout == (
        "organisation loaded: 0 created, 0 updated, 7 unchanged\n"
    )
    assert snapshot(db) == before
    # a changed e-mail is one update
    path.write_text(ORG_TOML.replace("li.na@example.gov.cn", "lina@example.gov.cn"), "utf-8")
    assert ok(db, "boss", load).stdout == "组织已载入：新建 0，更新 1，未变 6\n"
    # only admins load once users exist; broken files are refused whole
    refused(db, "li.na", load, exit=4, stderr=ADMIN_ONLY)
    broken = tmp_path / "broken.toml"
    broken.write_text(ORG_TOML + '\n[[department]]\nname = "孤儿部门"\n', encoding="utf-8")
    missing = ("[[department]] #2 有误：缺少必填项：行政区（jurisdiction）",)
    refused(db, "boss", ["org", "load", str(broken)], exit=2, contains=missing)
    broken.write_text("[[jurisdiction]\nname = ", encoding="utf-8")
    refused(db, "boss", ["org", "load", str(broken)], exit=2, contains=(str(broken),))


# --------------------------------------------------------------------------- quota


def test_quota_set_and_show(db: Database) -> None:
    data = ok_json(
        db, "admin", f"quota set --jurisdiction {CITY} --year 2027 --max 12 --per-school 6"
    )
    assert data == {
        "jurisdiction": CITY,
        "year": 2027,
        "max_items": 12,
        "per_school_max": 6,
        "used": 0,
    }
    out = ok(db, "city.admin", f"quota set --jurisdiction {COUNTY} --year 2027 --max 4").stdout
    assert COUNTY in out and "2027" in out and "总量控制" in out
    shown = ok_json(db, "li.na", "quota show")
    assert [(q["jurisdiction"], q["max_items"], q["used"]) for q in shown] == [
        (CITY, 12, 0),
        (COUNTY, 4, 0),
    ]
    assert ok_json(db, "zhou.qiang", "quota show") == [
        {"jurisdiction": COUNTY, "year": 2027, "max_items": 4, "per_school_max": None, "used": 0}
    ]
    assert ok_json(db, "admin", "quota show --year 2028") == []
    only = ok_json(db, "admin", f"quota show --jurisdiction {COUNTY}")
    assert [q["jurisdiction"] for q in only] == [COUNTY]
    out = ok(db, "admin", "quota show --year 2027").stdout
    assert CITY in out and COUNTY in out and "12" in out
    # without --per-school the cap stays; none (无) lifts it, and says so in the audit trail
    kept = ok_json(db, "admin", f"quota set --jurisdiction {CITY} --year 2027 --max 10")
    assert (kept["max_items"], kept["per_school_max"]) == (10, 6)
    for lift in ("none", "无"):
        cmd = f"quota set --jurisdiction {CITY} --year 2027 --max 10 --per-school {lift}"
        assert ok_json(db, "admin", cmd)["per_school_max"] is None
    last = ok_json(db, "admin", "audit show --org")[-1]
    assert last["entity"] == "quota" and last["before"]["per_school_max"] == 6

    filed(db)
    assert ok_json(db, "admin", f"quota show --jurisdiction {CITY}")[0]["used"] == 1
    city = f"quota set --jurisdiction {CITY} --year 2027"
    below = "错误：鹤壁市 2027 年度已占用 1 项（已备案、已发布、已暂停），上限不能低于此数\n"
    refused(db, "admin", f"{city} --max 0", exit=5, stderr=below)
    many = "错误：上限（--max）应为非负整数，收到 “many”\n"
    refused(db, "admin", f"{city} --max many", exit=2, stderr=many)
    refused(
        db,
        "admin",
        f"{city} --max 3 --per-school 0",
        exit=2,
        contains=("每校上限（--per-school）",),
    )
    not_readable = "错误：zhou.qiang 无权查看 鹤壁市 的数据\n"
    refused(db, "zhou.qiang", f"quota show --jurisdiction {CITY}", exit=4, stderr=not_readable)


# --------------------------------------------------------------------------- evaluate


def test_evaluate(db: Database) -> None:
    item_id = published_2026(db)
    result = ok(
        db, "zhao.lei", f"evaluate {item_id} --rating poor --outcome rectify --note 占用课时过多"
    )
    assert result.stdout == f"事项 {item_id} 的评估已记录：评价 差，结论 整改\n"
    shown = ok_json(db, "zhao.lei", f"item show {item_id}")
    assert shown["state"] == "published"  # the evaluation job applies it later
    assert shown["evaluation"] == {
        "rating": "poor",
        "outcome": "rectify",
        "note": "占用课时过多",
        "by": "zhao.lei",
        "applied": False,
    }
    assert shown["history"][-1]["trigger"] == "evaluate"
    # a second evaluation replaces the first, and says so; the history keeps both
    result = ok(db, "qian.min", f"--lang en evaluate {item_id} --rating good --outcome keep")
    assert result.stdout.startswith(
        f"evaluation of item {item_id} updated: rating good, outcome keep (replacing the one"
        " 赵磊 (zhao.lei) recorded at 20"
    )
    assert result.stdout.endswith(": rating poor, outcome rectify)\n")
    data = ok_json(db, "zhao.lei", f"evaluate {item_id} --rating adequate --outcome keep")
    assert set(data) >= ITEM_KEYS and data["id"] == item_id
    assert data["evaluation"]["rating"] == "adequate" and data["evaluation"]["by"] == "zhao.lei"
    assert data["replaced"]["rating"] == "good" and data["replaced"]["by"] == "qian.min"
    last = ok_json(db, "zhao.lei", f"item show {item_id}")["history"][-1]
    assert last["trigger"] == "evaluate" and last["changes"]["rating"] == ["good", "adequate"]
    # the same evaluation again: said so, nothing recorded
    before = snapshot(db)
    same = ok(db, "zhao.lei", f"evaluate {item_id} --rating adequate --outcome keep").stdout
    assert same == f"事项 {item_id} 的评估已是：评价 一般，结论 保留，未做改动\n"
    assert snapshot(db) == before

    fresh = apply(db, title="防溺水安全教育")
    ledger = clue(db)
    refused(
        db,
        "li.na",
        f"evaluate {item_id} --rating poor --outcome keep",
        exit=4,
        stderr=f"错误：li.na 不能评估事项 {item_id}：需要 鹤壁市 的审批人（approver）角色\n",
    )
    refused(
        db,
        "zhao.lei",
        f"evaluate {fresh} --rating poor --outcome keep",
        exit=5,
        stderr=f"错误：只能评估已发布或已暂停的白名单事项；事项 {fresh} 当前为 “已提交”\n",
    )
    awful = f"evaluate {item_id} --rating awful --outcome keep"
    refused(db, "zhao.lei", awful, exit=2, contains=("rating", "awful"))
    forget = f"evaluate {item_id} --rating poor --outcome forget"
    refused(db, "zhao.lei", forget, exit=2, contains=("outcome", "forget"))
    missing = "evaluate 999 --rating poor --outcome keep"
    refused(db, "zhao.lei", missing, exit=3, stderr="错误：事项 999 不存在\n")
    wrong_kind = f"evaluate {ledger} --rating poor --outcome keep"
    refused(db, "zhao.lei", wrong_kind, exit=2, stderr=f"错误：事项 {ledger} 不是白名单事项\n")


# --------------------------------------------------------------------------- item edit


def test_item_edit(db: Database) -> None:
    item_id = apply(db)
    result = ok(db, "li.na", f"item edit {item_id} --schedule 2027年4-5月")
    assert result.stdout == f"事项 {item_id} 已修改（版本 2）\n"
    shown = ok_json(db, "chen.jing", f"item show {item_id}")
    assert shown["schedule"] == "2027年4-5月"
    assert shown["history"][-1]["trigger"] == "amend"
    nothing = "错误：没有需要修改的字段\n"
    refused(db, "li.na", f"item edit {item_id}", exit=2, stderr=nothing)
    refused(db, "li.na", f"item edit {item_id} --schedule 2027年4-5月", exit=2, stderr=nothing)
    other = f"item edit {item_id} --schedule 每年1次"
    refused(db, "sun.hao", other, exit=4, contains=("sun.hao", "“修改”"))
    long_title = ["item", "edit", str(item_id), "--title", "x" * 201]
    refused(
        db, "li.na", long_title, exit=2, stderr="错误：事项名称（--title）过长（最多 200 字）\n"
    )


# --------------------------------------------------------------------------- audit


def verdict(db: Database) -> dict[str, Any]:
    """``audit verify --json``: SPEC §7's keys, then the organisation's events and checkpoints."""
    data = ok_json(db, "li.na", "audit verify")
    assert list(data) == ["ok", "events", "first_broken", "org_events", "checkpoints"]
    assert data["org_events"] > 0  # the test organisation was loaded through the program
    return {k: data[k] for k in ("ok", "events", "first_broken")}


def test_audit_verify_ok(db: Database) -> None:
    assert verdict(db) == {"ok": True, "events": 0, "first_broken": None}
    item_id = reviewed(db)
    clue(db)
    items.fire(db, "wang.fang", item_id, "return", Params(reason="材料不全"))
    assert verdict(db) == {"ok": True, "events": 4, "first_broken": None}
    org_events = ok_json(db, "li.na", "audit verify")["org_events"]
    assert org_events > 0  # the test organisation's own events
    assert ok(db, "li.na", "audit verify").stdout == (
        f"审计链完整：事项事件 4 条、组织事件 {org_events} 条，全部校验通过\n"
    )
    en = ok(db, "li.na", "--lang en audit verify").stdout
    assert (
        en == f"audit chains intact: 4 item events and {org_events} organisation events verified\n"
    )


def test_audit_verify_names_the_broken_event(db: Database) -> None:
    item_id = reviewed(db)
    tamper(db, item_id, 2)
    result = refused(db, "li.na", "audit verify", exit=5, contains=(f"事项 {item_id} 第 2 条事件",))
    assert result.stderr.startswith("错误：审计链在事项")
    result = run(db, "li.na", "audit verify --json")
    assert result.exit_code == 5
    assert result.stderr == ""
    data = document(result)
    assert data["ok"] is False
    assert (data["first_broken"]["item_id"], data["first_broken"]["seq"]) == (item_id, 2)


# --------------------------------------------------------------------------- workflow diagram


def _triggers() -> set[str]:
    return {row.trigger for table in TABLES.values() for row in table} | {"apply", "clue"}


def _labelled_triggers(mermaid: str) -> set[str]:
    found: set[str] = set()
    for line in mermaid.splitlines():
        if " : " in line:
            found |= set(re.findall(r"(?:^|; )([a-z]+)", line.split(" : ", 1)[1]))
    return found


def test_workflow_diagram_mermaid() -> None:
    out = ok(None, None, "workflow diagram").stdout
    assert out.startswith("stateDiagram-v2\n")
    assert out.count("stateDiagram-v2") == 2
    assert "%% whitelist" in out and "%% rectification" in out
    assert _labelled_triggers(out) == _triggers()
    assert "review (审核人)" in out
    assert "review (reviewer)" in ok(None, None, "--lang en workflow diagram").stdout
    only = ok(None, None, "workflow diagram --kind whitelist").stdout
    assert only.count("stateDiagram-v2") == 1 and "%% rectification" not in only
    assert "ratify" in only and "extend" not in only
    data = ok_json(None, None, "workflow diagram --kind rectification")
    assert data["format"] == "mermaid" and data["kinds"] == ["rectification"]
    assert data["diagram"].startswith("stateDiagram-v2")


def test_workflow_diagram_dot_and_files(tmp_path: Path) -> None:
    out = ok(None, None, "workflow diagram --format dot").stdout
    assert out.startswith("digraph campusgate {")
    for trigger in _triggers():
        assert f'label="{trigger}' in out or f"; {trigger} (" in out, trigger
    path = tmp_path / "flow.mmd"
    result = ok(None, None, ["workflow", "diagram", "--output", str(path)])
    assert result.stdout == f"已写入 {path}\n"
    assert path.read_text(encoding="utf-8").startswith("stateDiagram-v2")


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_workflow_diagram_image_needs_output(fmt: str) -> None:
    result = run(None, None, f"workflow diagram --format {fmt}")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"错误：{fmt} 格式需要 --output 文件路径\n"
    result = run(None, None, f"--lang en workflow diagram --format {fmt} --json")
    assert result.exit_code == 2
    assert result.stderr == ""
    assert document(result) == {
        "error": {"code": "output_required", "message": f"{fmt} needs --output PATH", "exit": 2}
    }


def test_workflow_diagram_unknown_format_is_usage() -> None:
    result = run(None, None, "workflow diagram --format gif")
    assert result.exit_code == 2
    assert result.stdout == ""


# --------------------------------------------------------------------------- db


def test_db_current_json(db: Database) -> None:
    assert ok_json(db, None, "db current") == {
        "revision": migrations.head(),
        "head": migrations.head(),
        "database": db.display_url,
        "exists": True,
        "backend": db.backend,
        "server": None,
    }
    assert db.backend in ("sqlite", "postgresql")
    out = ok(db, None, "db current").stdout
    assert out == f"数据库 {db.display_url} 当前版本：{migrations.head()}\n"


def test_db_current_in_remote_mode_names_the_server(db: Database) -> None:
    # no server answers there: db current stays local and asks it nothing
    env = {"CAMPUSGATE_SERVER": "http://127.0.0.1:9/", "CAMPUSGATE_TOKEN": "cg_1_x"}
    answer = ok_json(db, None, "db current", env=env)
    assert (answer["server"], answer["revision"]) == ("http://127.0.0.1:9", migrations.head())
    assert answer["database"] == db.display_url
    assert ok(db, None, "db current", env=env).stdout == (
        f"数据库 {db.display_url} 当前版本：{migrations.head()}\n"
        "已配置服务器 http://127.0.0.1:9：其他命令均发往该服务器，db 命令只作用于上述本地数据库\n"
    )
    assert ok(db, None, "--lang en db current", env=env).stdout == (
        f"database {db.display_url} is at revision {migrations.head()}\n"
        "a server is configured: every other command goes to http://127.0.0.1:9; "
        "db acts on the local database above\n"
    )


def test_db_current_on_a_staff_pc_says_no_database_is_needed(tmp_path: Path) -> None:
    """Logged in to a server, with no database file here: nothing to create."""
    path = tmp_path / "campusgate.db"
    env = {"CAMPUSGATE_SERVER": "http://127.0.0.1:9/", "CAMPUSGATE_TOKEN": "cg_1_x"}
    out = ok(str(path), None, "db current", env=env).stdout
    assert out == (
        f"本机没有数据库（{path}）；远程模式下无需本机数据库\n"
        "已配置服务器 http://127.0.0.1:9：其他命令均发往该服务器，db 命令只作用于上述本地数据库\n"
    )
    assert not path.exists()


def test_db_upgrade_on_a_new_sqlite_file(tmp_path: Path) -> None:
    path = str(tmp_path / "new.db")
    result = run(path, "nobody", "item list")
    assert result.exit_code == 1
    assert result.stdout == ""
    missing = (
        f"错误：数据库文件 {path} 不存在；新建请运行：campusgate --db {path} db upgrade"
        "（员工电脑连接服务器请改用：campusgate login --server 服务器地址）\n"
    )
    assert result.stderr == missing
    assert ok_json(path, None, "db current")["revision"] is None
    assert not Path(path).exists()  # reading creates nothing
    assert ok_json(path, None, "db upgrade")["revision"] == migrations.head()
    assert ok_json(path, None, "db current")["revision"] == migrations.head()
    # now the schema is there: an unknown user is a plain "not found"
    result = run(path, "nobody", "item list")
    assert (result.exit_code, result.stderr) == (
        3,
        NOBODY,
    )


# --------------------------------------------------------------------------- odd text


INJECTIONS = [
    "'; DROP TABLE items; --",
    "<script>alert(1)</script>",
    'Robert"); DELETE FROM users; --',
    "%s %(title)s {0} ${HOME} $(rm -rf /) `id`",
    "学生常见病防治宣传 ‘引号’ “双引号” \\反斜杠",
]


@pytest.mark.parametrize("title", INJECTIONS)
def test_injection_strings_are_stored_literally(db: Database, title: str) -> None:
    content = f"{title}\n第二行 {title}"
    argv = apply_argv(title=title, docs=(title,), extra=("--content", content))
    created = ok_json(db, "li.na", argv)
    shown = ok_json(db, "li.na", f"item show {created['id']}")
    assert shown["title"] == title
    assert shown["basis_docs"] == [title]
    assert shown["content"] == content
    ledger = ok_json(db, "wang.fang", clue_argv(summary=title))
    assert ok_json(db, "wang.fang", f"item show {ledger['id']}")["summary"] == title
    # every table is still there and whole
    listed = ok_json(db, "li.na", "item list")
    assert [i["id"] for i in listed] == [created["id"], ledger["id"]]
    assert len(snapshot(db)["users"]) == 14
    assert ok_json(db, "li.na", "audit verify")["ok"] is True


def test_overlong_and_odd_text_is_refused(db: Database) -> None:
    control = "错误：事项名称（--title）含有不可见控制字符\n"
    too_long = "错误：事项名称（--title）过长（最多 200 字）\n"
    refused(db, "li.na", apply_argv(title="题" * 201), exit=2, stderr=too_long)
    refused(db, "li.na", apply_argv(title="学生\x07常见病"), exit=2, stderr=control)
    refused(db, "li.na", apply_argv(title="学生\n常见病"), exit=2, stderr=control)
    refused(db, "li.na", apply_argv(title="学生\u200b常见病"), exit=2, stderr=control)
    long_doc = apply_argv(docs=("《" + "依" * 300 + "》",))
    refused(db, "li.na", long_doc, exit=2, contains=("开展依据（--basis-doc）",))
    summary = clue_argv(summary="线索\x1b[31m红字")
    refused(
        db, "wang.fang", summary, exit=2, stderr="错误：问题线索（--summary）含有不可见控制字符\n"
    )
    item_id = reviewed(db)
    refused(
        db,
        "wang.fang",
        ["advance", "return", str(item_id), "--reason", "理由\x00"],
        exit=2,
        stderr="错误：理由（--reason）含有不可见控制字符\n",
        stdout=NONE_DONE,
    )
    # exactly at the limit is fine, and round-trips
    title = "题" * 200
    created = ok_json(db, "li.na", apply_argv(title=title))
    assert ok_json(db, "li.na", f"item show {created['id']}")["title"] == title
