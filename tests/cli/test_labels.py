"""What users read names things in words: a rectification item's states and triggers in the
ledger's own words wherever they are shown, changed fields by their labels, the organisation's
audit events as sentences, timestamps in Beijing time, and refused input by the field's label
with its option. Through the command line, in Chinese and English."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from campusgate.models import Database
from campusgate.workflow import items
from campusgate.workflow.clock import local_text
from campusgate.workflow.items import Params
from tests.cli.test_cli import (
    NONE_DONE,
    NONE_DONE_EN,
    apply_argv,
    ok,
    ok_json,
    published_2026,
    refused,
)
from tests.org import CITY, clue, on_ledger, reviewed, set_quota
from tests.org import state as state_of

#: Beijing time as the command line shows it.
MINUTE = r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}"


def _reviewed_clue(db: Database) -> int:
    item_id = clue(db)
    items.fire(db, "wang.fang", item_id, "review")
    return item_id


# --------------------------------------------------------------------------- 1. item kinds


@pytest.mark.parametrize(
    ("lang", "filed", "closed"),
    [
        ("zh", "事项 {id}：上台账 → 已上台账\n成功 1 / 共 1\n", "事项 {id}：销号 → 已销号\n"),
        (
            "en",
            "item {id}: put on the ledger → on the ledger\n1 of 1 done\n",
            "item {id}: close → closed\n",
        ),
    ],
)
def test_advance_words_a_rectification_items_trigger_and_state(
    db: Database, lang: str, filed: str, closed: str
) -> None:
    item_id = _reviewed_clue(db)
    file = f"--lang {lang} advance file {item_id} --standard 不再值班 --deadline 2027-03-31"
    assert ok(db, "wang.fang", f"{file} --owner chen.jing").stdout == filed.format(id=item_id)
    result = ok(db, "chen.jing", f"--lang {lang} advance publish {item_id} --result 已整改")
    assert result.stdout.startswith(closed.format(id=item_id))


def test_a_whitelist_items_words_stay_its_own(db: Database) -> None:
    set_quota(db, 5)
    item_id = reviewed(db)
    assert ok(db, "zhao.lei", f"advance file {item_id}").stdout.startswith(
        f"事项 {item_id}：备案 → 已备案\n"
    )
    english = ok(db, "zhao.lei", f"--lang en --today 2027-01-05 advance publish {item_id}")
    assert english.stdout.startswith(f"item {item_id}: publish → published\n")


def test_refusals_word_a_rectification_items_trigger_and_state(db: Database) -> None:
    item_id = on_ledger(db)
    refused(
        db,
        "chen.jing",
        f"advance publish {item_id}",
        exit=2,
        stderr="错误：操作 “销号” 需要 --result\n",
        stdout=NONE_DONE,
    )
    refused(
        db,
        "chen.jing",
        f"--lang en advance publish {item_id}",
        exit=2,
        stderr="error: trigger 'close' needs --result\n",
        stdout=NONE_DONE_EN,
        lang="en",
    )
    extend = f"advance extend {item_id} --deadline 2027-03-31 --reason 寒假"
    refused(
        db,
        "li.na",
        extend,
        exit=4,
        stderr=f"错误：li.na 无权对事项 {item_id}（已上台账）执行 “延期”：需要审批人\n",
        stdout=NONE_DONE,
    )
    refused(
        db,
        "li.na",
        f"--lang en {extend}",
        exit=4,
        stderr=f"error: li.na may not 'extend' item {item_id} (on the ledger): needs approver\n",
        stdout=NONE_DONE_EN,
        lang="en",
    )
    items.fire(db, "chen.jing", item_id, "publish", Params(result="已整改"))
    refused(
        db,
        "zhao.lei",
        f"advance revoke {item_id} --reason 重复",
        exit=5,
        stderr=f"错误：事项 {item_id} 当前状态为 “已销号”，不能执行 “撤销”\n",
        stdout=NONE_DONE,
    )
    refused(
        db,
        "zhao.lei",
        f"--lang en advance file {item_id} --standard x --deadline 2027-03-31 --owner chen.jing",
        exit=5,
        stderr=f"error: item {item_id} is closed; 'put on the ledger' is not possible from there\n",
        stdout=NONE_DONE_EN,
        lang="en",
    )


def test_ledger_export_words_the_ledgers_states(db: Database, tmp_path: Path) -> None:
    open_one, closed = on_ledger(db), on_ledger(db)
    items.fire(db, "chen.jing", closed, "publish", Params(result="已整改"))
    path = tmp_path / "ledger.csv"
    argv = ["ledger", "export", "--jurisdiction", CITY, "--format", "csv", "--output", str(path)]
    ok(db, "wang.fang", argv)
    rows = path.read_text(encoding="utf-8-sig").splitlines()
    assert [row.split(",")[9] for row in rows[1:]] == ["已上台账", "已销号"]
    assert "已备案" not in path.read_text(encoding="utf-8-sig")
    assert (state_of(db, open_one), state_of(db, closed)) == ("filed", "published")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", ("#{id}.3 上台账 已审核 → 已上台账", "#{id}.4 销号 已上台账 → 已销号")),
        ("en", ("#{id}.3 put on the ledger reviewed → on the ledger", "#{id}.4 close on the")),
    ],
)
def test_audit_show_words_a_rectification_items_events(
    db: Database, lang: str, words: tuple[str, str]
) -> None:
    item_id = on_ledger(db)
    items.fire(db, "chen.jing", item_id, "publish", Params(result="已整改"))
    for command in (f"audit show --item {item_id}", "audit show"):
        shown = ok(db, "admin", f"--lang {lang} {command}").stdout
        for word in words:
            assert word.format(id=item_id) in shown
    events = ok_json(db, "admin", f"audit show --item {item_id}")
    assert {e["kind"] for e in events} == {"rectification"}
    assert events[-1]["trigger"] == "publish" and events[-1]["to_state"] == "published"


# --------------------------------------------------------------------------- 2. history


def _history(stdout: str) -> str:
    """The history table's text without spaces and rules: its cells' wrapped lines joined."""
    return _bare(stdout.split("历史记录" if "历史记录" in stdout else "history")[1])


def _bare(text: str) -> str:
    return re.sub(r"[\s│┃]+", "", text)


def test_history_names_changed_fields_by_their_labels(db: Database) -> None:
    item_id = on_ledger(db)
    items.fire(db, "chen.jing", item_id, "publish", Params(result="已整改"))
    shown = _history(ok(db, "wang.fang", f"item show {item_id}").stdout)
    assert _bare(
        "整改标准：— → 一线教师不再参与值班；整改时限：— → 2027-01-31；"
        "责任人：— → 陈静（chen.jing）"
    ) in (shown)
    assert _bare("整改结果：— → 已整改") in shown
    assert "standard" not in shown and "deadline" not in shown and "result" not in shown
    english = _history(ok(db, "wang.fang", f"--lang en item show {item_id}").stdout)
    assert _bare("standard: — → 一线教师不再参与值班; deadline: — → 2027-01-31; responsible:") in (
        english
    )
    # --json keeps the raw keys
    history = ok_json(db, "wang.fang", f"item show {item_id}")["history"]
    assert history[2]["changes"] == {
        "standard": [None, "一线教师不再参与值班"],
        "deadline": [None, "2027-01-31"],
        "owner": [None, "chen.jing"],
    }
    assert history[3]["changes"] == {"result": [None, "已整改"]}


def test_people_are_shown_by_name_and_login_and_json_keeps_the_logins(db: Database) -> None:
    item_id = on_ledger(db)
    shown = ok(db, "wang.fang", f"item show {item_id}").stdout
    fields = _bare(shown.split("历史记录")[0])
    assert "责任人陈静（chen.jing）" in fields
    assert "申请/登记人王芳（wang.fang）" in fields and "审核人王芳（wang.fang）" in fields
    history = _history(shown)
    assert history.count("王芳（wang.fang）") == 3  # clue, review, file: the same person
    assert "责任人：—→陈静（chen.jing）" in history
    english = ok(db, "wang.fang", f"--lang en item show {item_id}").stdout
    assert "陈静 (chen.jing)" in english and "王芳 (wang.fang)" in english
    listed = ok(db, "wang.fang", "item list --kind rectification").stdout
    assert "陈静（chen.jing）" in _bare(listed)
    assert "陈静 (chen.jing)" in ok(db, "wang.fang", "--lang en item list").stdout
    # JSON: the logins under their keys, and who they are beside them
    data = ok_json(db, "wang.fang", f"item show {item_id}")
    assert (data["owner"], data["applied_by"]) == ("chen.jing", "wang.fang")
    assert data["history"][0]["actor"] == "wang.fang"
    assert data["people"] == {"chen.jing": "陈静", "wang.fang": "王芳"}
    assert ok_json(db, "wang.fang", "item list")[0]["people"] == data["people"]


def test_history_labels_amendments_and_evaluations(db: Database) -> None:
    item_id = int(items.apply(db, "li.na", **_application())["id"])
    ok(db, "li.na", ["item", "edit", str(item_id), "--schedule", "2027年6月下旬"])
    ok(db, "li.na", ["item", "edit", str(item_id), "--basis-kind", "joint"])
    shown = _history(ok(db, "wang.fang", f"item show {item_id}").stdout)
    assert _bare("开展时间/周期：每年1-2次 → 2027年6月下旬") in shown
    assert _bare("准入依据类别：法律法规或党委政府文件明确规定 → 部委联合教育部部署") in shown
    set_quota(db, 5)
    items.fire(db, "wang.fang", item_id, "review")
    items.fire(db, "zhao.lei", item_id, "file")
    items.fire(db, "zhao.lei", item_id, "publish", today=_day("2027-01-05"))
    ok(db, "zhao.lei", f"--today 2027-12-10 evaluate {item_id} --rating good --outcome keep")
    assert _bare("评价：好；结论：保留") in _history(
        ok(db, "wang.fang", f"item show {item_id}").stdout
    )
    english = _history(ok(db, "wang.fang", f"--lang en item show {item_id}").stdout)
    assert _bare("schedule: 每年1-2次 → 2027年6月下旬") in english
    assert _bare("rating: good; outcome: keep") in english
    history = ok_json(db, "wang.fang", f"item show {item_id}")["history"]
    assert history[-1]["changes"] == {"rating": "good", "outcome": "keep"}


def _application() -> dict[str, object]:
    from tests.org import application

    return application(title="防溺水安全教育")


def _day(text: str) -> object:
    from datetime import date

    return date.fromisoformat(text)


# --------------------------------------------------------------------------- 4, 5. audit, tokens


def test_audit_show_org_reads_as_sentences(db: Database) -> None:
    set_quota(db, 5)
    issued = ok_json(db, "admin", "token issue wang.fang --note 办公室电脑")
    ok(db, "admin", f"token revoke {issued['id']}")
    zh = ok(db, "admin", "audit show --org").stdout
    expires = local_text(issued["expires"])
    assert (
        f"签发令牌 {issued['id']}（登录名：wang.fang；备注：办公室电脑；有效期至：{expires}" in zh
    )
    assert f"吊销令牌 {issued['id']}（已吊销：否 → 是）" in zh
    assert "新增总量控制 鹤壁市/2027（上限：5；每校上限：—）" in zh
    assert "新增用户 wang.fang（姓名：王芳；" in zh
    for raw in ("entity_", "org_", "配额", "max_items", "expires", "+00:00", "token"):
        assert raw not in zh, raw
    assert all(re.match(MINUTE, line) for line in zh.splitlines())
    en = ok(db, "admin", "--lang en audit show --org").stdout
    assert f"token {issued['id']} issued (login: wang.fang; note: 办公室电脑; valid until: " in en
    assert f"token {issued['id']} revoked (revoked: no → yes)" in en
    assert "quota 鹤壁市/2027 created (max: 5; per school: —)" in en
    # --json keeps the events as they are
    events = ok_json(db, "admin", "audit show --org")
    token = next(e for e in events if e["entity"] == "token" and e["action"] == "issued")
    recorded = datetime.fromisoformat(token["after"]["expires"])  # as stored: +00:00
    assert recorded == datetime.fromisoformat(issued["expires"])  # as JSON shows times: Z


def test_token_issue_shows_its_expiry_in_beijing_time(db: Database) -> None:
    shown = ok(db, "admin", "token issue wang.fang").stdout
    (expires,) = re.findall(rf"有效期至 ({MINUTE})）", shown)
    listed = ok_json(db, "admin", "token list")
    assert local_text(listed[-1]["expires"]) == expires
    english = ok(db, "admin", "--lang en token issue wang.fang --expires-days 30").stdout
    assert re.search(rf"valid until {MINUTE}\)", english)
    data = ok_json(db, "admin", "token issue wang.fang")  # --json: ISO 8601, as stored
    assert re.fullmatch(r"[0-9-]{10}T[0-9:.]+Z", data["expires"])  # as every JSON time
    issued_at = listed[-1]["issued_at"]
    assert _days_between(issued_at, listed[-1]["expires"]) == 180  # the default lifetime


def _days_between(start: str, end: str) -> int:
    from datetime import datetime

    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).days


# --------------------------------------------------------------------------- 6. refused input


@pytest.mark.parametrize(
    ("argv", "zh", "en"),
    [
        (
            apply_argv(year="x"),
            "年度（--year）应为非负整数，收到 “x”",
            "year must be a non-negative integer, got 'x'",
        ),
        (
            apply_argv(basis_kind="lawx"),
            "准入依据类别（--basis-kind）的取值 “lawx” 无效，可选：law（",
            "invalid basis_kind 'lawx'; choose from: law, joint, unified, emergency",
        ),
        (
            ["quota", "set", "--jurisdiction", CITY, "--year", "2027", "--max", "-1"],
            "上限（--max）至少为 0，收到 “-1”",
            "max must be at least 0, got '-1'",
        ),
        (
            ["org", "add-user", "zhang.san", "--role", "applicant", "--jurisdiction", CITY],
            "缺少必填项：申请部门（--department）",
            "missing required field: department",
        ),
        (
            ["token", "issue", "wang.fang", "--expires-days", "0"],
            "有效天数（--expires-days）至少为 1，收到 “0”",
            "--expires-days must be at least 1, got '0'",
        ),
    ],
)
def test_refused_input_names_the_field_by_its_label_and_option(
    db: Database, argv: list[str], zh: str, en: str
) -> None:
    refused(db, "admin" if argv[0] != "apply" else "li.na", argv, exit=2, contains=(f"错误：{zh}",))
    refused(
        db,
        "admin" if argv[0] != "apply" else "li.na",
        ["--lang", "en", *argv],
        exit=2,
        contains=(en,),
        lang="en",
    )


@pytest.mark.parametrize(
    ("name", "content", "argv", "named"),
    [
        # an import row names its column already: the field by its label alone
        (
            "list.csv",
            "申请部门,活动名称,年度,准入类别,开展依据\n市卫健委,禁毒宣传,明年,law,《禁毒法》\n",
            ["import", "applications"],
            "第 2 行 年度：年度应为非负整数，收到 “明年”",
        ),
        # an organisation file: the field by its label and its key there
        (
            "org.toml",
            '[[user]]\nlogin = "Zhang San"\nroles = ["reviewer"]\njurisdiction = "鹤壁市"\n',
            ["org", "load"],
            "登录名（login） “Zhang San” 无效",
        ),
    ],
)
def test_a_files_refusal_names_the_field_as_the_file_writes_it(
    db: Database, tmp_path: Path, name: str, content: str, argv: list[str], named: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = refused(db, "admin", [*argv, str(path)], exit=2, contains=(named,))
    assert "（--" not in result.stderr


def test_item_list_filters_by_the_state_each_kind_shows(db: Database) -> None:
    """``--state`` takes the label a list shows: 已销号 is a closed rectification item, 已发布 a
    published whitelist item; the code ``published`` is both."""
    open_one, closed = on_ledger(db), on_ledger(db)
    items.fire(db, "chen.jing", closed, "publish", Params(result="已整改"))
    whitelist = published_2026(db)

    def listed(state: str, *more: str) -> list[int]:
        found = ok_json(db, "wang.fang", ["item", "list", "--state", state, *more])
        return [i["id"] for i in found]

    assert listed("已销号") == listed("closed") == [closed]
    assert listed("已发布") == [whitelist]
    assert sorted(listed("published")) == sorted([closed, whitelist])
    assert listed("已上台账") == listed("on the ledger") == [open_one]
    assert listed("已备案") == []
    refused(  # 已发布 is no rectification item's word: it lists that kind's
        db,
        "wang.fang",
        ["item", "list", "--kind", "rectification", "--state", "已发布"],
        exit=2,
        contains=("filed（已上台账）", "published（已销号）"),
    )
    refused(
        db,
        "wang.fang",
        ["item", "list", "--kind", "whitelist", "--state", "已销号"],
        exit=2,
        stderr="错误：状态（--state）的取值 “已销号” 无效，可选：submitted（已提交）、"
        "reviewed（已审核）、filed（已备案）、published（已发布）、suspended（已暂停）、"
        "revoked（已撤销）\n",
    )
