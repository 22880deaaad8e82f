"""Issue 8 on SQLite and PostgreSQL: whitelists shown and exported in every format and read
back, imports (XLSX, CSV with and without BOM, GB18030) all or nothing, the ledger, stats,
and hostile cells. The gate has its own file."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from campusgate.models import Database
from campusgate.workflow import items, ledger
from campusgate.workflow.clock import local
from campusgate.workflow.items import Params
from tests.cli.test_cli import ok, ok_json, refused, refused_json
from tests.org import CITY, clue, on_ledger
from tests.publication.helpers import PUBLISHED_ON, county_published, published, quotas

HOTLINE, MAILBOX = "0392-3322110", "jianfu@hb.example.gov.cn"

#: A real-looking published list: a title row, Chinese headers, lists in cells.
PUBLISHED_LIST = [
    ["鹤壁市2026年度社会事务进校园白名单"],
    [
        *("序号", "申请部门", "年度", "准入类别", "事项名称", "实施单位", "开展时间"),
        *("开展地点", "实施范围", "开展方式", "活动主要内容", "开展依据"),
    ],
    [
        *("1", "市卫健委", "2026", "law", "学生常见病防治宣传", "市卫健委\n市教育局"),
        *("每年1-2次", "各中小学校", "全市中小学", "专题讲座", "近视、肥胖等常见病防治"),
        "《学校卫生工作条例》",
    ],
    [
        *("2", "市公安局", "2026", "党委政府统一部署的专项工作", "=SUM(A1:A9)"),
        *("市公安局；市消防救援支队", "2026年4-5月", "", "全市中小学", "演练", "消防安全演练"),
        "《消防法》;《中小学幼儿园安全管理办法》",
    ],
]


@pytest.fixture
def config(tmp_path: Path) -> dict[str, str | None]:
    """A configuration with the complaint hotline and mailbox (and drills allowed)."""
    path = tmp_path / "publish.toml"
    path.write_text(
        f'[clock]\nallow_override = true\n[publish]\nhotline = "{HOTLINE}"\n'
        f'mailbox = "{MAILBOX}"\n',
        encoding="utf-8",
    )
    return {"CAMPUSGATE_CONFIG": str(path)}


def xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            cell = sheet.cell(row=r, column=c, value=value)
            cell.data_type = "s"  # text as typed, a leading = included
    book.save(path)
    return path


def csv_file(path: Path, rows: list[list[str]], encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def take_to_published(db: Database, ids: list[int]) -> None:
    quotas(db)
    for item_id in ids:
        items.fire(db, "liu.yang", item_id, "review")
        items.fire(db, "zhao.lei", item_id, "file")
        items.fire(db, "zhao.lei", item_id, "publish", today=PUBLISHED_ON)


# --------------------------------------------------------------------------- round trip


def test_a_published_list_round_trips_through_every_format(
    db: Database, tmp_path: Path, config: dict[str, str | None]
) -> None:
    source = xlsx(tmp_path / "list.xlsx", PUBLISHED_LIST)
    done = ok_json(db, "wang.fang", ["import", "applications", str(source)])
    ids = done["imported"]
    assert len(ids) == 2
    for item_id in ids:  # submitted, the importer recorded as the one who applied
        view = items.show_item(db, "admin", item_id)
        assert view["state"] == "submitted" and view["history"][0]["actor"] == "wang.fang"
    take_to_published(db, ids)
    expected = [
        ["学生常见病防治宣传", "市卫健委；市教育局", "每年1-2次", "《学校卫生工作条例》"],
        [
            "=SUM(A1:A9)",
            "市公安局；市消防救援支队",
            "2026年4-5月",
            "《消防法》；《中小学幼儿园安全管理办法》",
        ],
    ]
    files = {}
    for fmt in ("csv", "xlsx", "json", "html"):
        path = tmp_path / f"out.{fmt}"
        argv = ["whitelist", "export", "--year", "2026", "--jurisdiction", CITY]
        result = ok(db, "li.na", [*argv, "--format", fmt, "--output", str(path)], env=config)
        assert result.stdout == f"已导出 2 行到 {path}\n"
        files[fmt] = path

    raw = files["csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    head = table[0]
    # every format carries the item's number (编号) beside the row number: the gate asks for it
    assert head[:3] == ["序号", "编号", "事项名称"]
    assert [row[:2] for row in table[1:]] == [["1", str(ids[0])], ["2", str(ids[1])]]
    picked = [head.index(h) for h in ("事项名称", "实施单位", "开展时间/周期", "开展依据")]
    read = [[row[i] for i in picked] for row in table[1:]]
    assert read[0] == expected[0]
    assert read[1] == ["'=SUM(A1:A9)", *expected[1][1:]]  # shown, never evaluated

    sheet = load_workbook(files["xlsx"]).active
    assert sheet is not None
    assert sheet["A1"].value == "鹤壁市2026年度社会事务进校园白名单"
    assert [c.value for c in sheet[2]] == head
    numbers = [(sheet[f"A{r}"].value, sheet[f"B{r}"].value) for r in (3, 4)]
    assert numbers == [(1, ids[0]), (2, ids[1])]
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["C"].width == 28
    assert sheet["C3"].alignment.wrap_text
    cells = [[sheet.cell(row=r, column=i + 1).value for i in picked] for r in (3, 4)]
    assert cells == [expected[0], ["'=SUM(A1:A9)", *expected[1][1:]]]

    document = json.loads(files["json"].read_text(encoding="utf-8"))
    assert document["columns"] == head
    assert [(i["编号"], i["id"]) for i in document["items"]] == [(n, n) for n in ids]
    assert document["year"] == 2026 and document["level"] == "city"
    assert document["hotline"] == HOTLINE and document["mailbox"] == MAILBOX
    got = [
        [i[h] for h in ("事项名称", "实施单位", "开展时间/周期", "开展依据")]
        for i in document["items"]
    ]
    assert got == expected

    page = files["html"].read_text(encoding="utf-8")
    assert "<th>序号</th><th>编号</th><th>事项名称</th>" in page
    assert f'<td data-label="编号">{ids[1]}</td>' in page and "请使用该事项的“编号”" in page
    assert HOTLINE in page and MAILBOX in page and "2026年度" in page
    assert "http" not in page.replace("http-equiv", "")  # no external assets
    assert 'name="viewport"' in page and "@media print" in page

    # the exported CSV imports again: the same titles, units, schedules and bases
    again = tmp_path / "again.csv"
    rows = [["申请部门", "年度", "准入类别", *head[1:]]] + [
        [dept, "2027", "law", *row[1:]]
        for dept, row in zip(("市卫健委", "市公安局"), table[1:], strict=True)
    ]
    title = rows[0].index("事项名称")  # the 编号 column is ignored on import
    rows[2][title] = rows[2][title].removeprefix("'")
    csv_file(again, rows, "utf-8-sig")
    reimported = ok_json(db, "wang.fang", ["import", "applications", str(again)])["imported"]
    views = [items.show_item(db, "admin", i) for i in reimported]
    assert [
        [v["title"], "；".join(v["lead_units"]), v["schedule"], "；".join(v["basis_docs"])]
        for v in views
    ] == expected


def test_whitelist_show_for_a_school_lists_every_level(db: Database) -> None:
    quotas(db)
    city = published(db, title="市级事项")
    county = county_published(db, title="区级事项")
    data = ok_json(db, "wu.min", "whitelist show --year 2026 --school 淇滨区实验小学")
    assert [(i["id"], i["level"], i["jurisdiction"]) for i in data["items"]] == [
        (city, "city", CITY),
        (county, "county", "淇滨区"),
    ]
    only_city = ok_json(
        db, "wu.min", ["whitelist", "show", "--year", "2026", "--school", "浚县第一中学"]
    )
    assert [i["id"] for i in only_city["items"]] == [city]
    shown = ok(db, "wu.min", "whitelist show --year 2026 --school 淇滨区实验小学").stdout
    assert "市级事项" in shown and "区级事项" in shown and "县（区）" in shown
    # the same field has the same name as on the posted page
    assert "编号" in shown and "事项名称" in shown and "活动名称" not in shown


# --------------------------------------------------------------------------- imports


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_imports_in_every_encoding(db: Database, tmp_path: Path, encoding: str) -> None:
    path = csv_file(tmp_path / "list.csv", PUBLISHED_LIST[1:], encoding)
    ids = ok_json(db, "wang.fang", ["import", "applications", str(path)])["imported"]
    titles = [items.show_item(db, "admin", i)["title"] for i in ids]
    assert titles == ["学生常见病防治宣传", "=SUM(A1:A9)"]  # stored literally
    assert items.show_item(db, "admin", ids[1])["basis_kind"] == "unified"


def test_bad_rows_are_all_reported_and_nothing_is_written(db: Database, tmp_path: Path) -> None:
    rows = [
        *PUBLISHED_LIST[:3],
        ["2", "市公安局", "2026", "sometimes", "消防", "", "", "", "", "", "", "《消防法》"],
        ["3", "不存在的局", "2026", "law", "禁毒", "", "", "", "", "", "", "《禁毒法》"],
        ["4", "市公安局", "2026", "law", "", "", "", "", "", "", "", "《禁毒法》"],
    ]
    path = xlsx(tmp_path / "bad.xlsx", rows)
    result = refused(db, "wang.fang", ["import", "applications", str(path)], exit=2, lines=4)
    message = result.stderr
    assert "3 行有误" in message
    assert "第 4 行 准入类别" in message and "第 5 行 申请部门" in message
    assert "第 6 行 事项名称" in message
    argv = ["import", "applications", str(path)]
    error = refused_json(db, "wang.fang", argv, exit=2, code="import_bad_rows")
    assert "第 4 行" in error["message"]
    english = refused(db, "wang.fang", ["--lang", "en", *argv], exit=2, lang="en", lines=4).stderr
    assert "3 bad rows, nothing imported:\n  row 4, 准入类别: invalid basis_kind" in english


def test_import_refusals(db: Database, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    refused(
        db, "wang.fang", ["import", "applications", str(empty)], exit=2, contains=("没有数据行",)
    )
    header_only = csv_file(tmp_path / "header.csv", PUBLISHED_LIST[1:2], "utf-8")
    refused(db, "wang.fang", ["import", "applications", str(header_only)], exit=2)
    odd = csv_file(
        tmp_path / "odd.csv", [["title", "department", "colour"], ["a", "b", "c"]], "utf-8"
    )
    refused(db, "wang.fang", ["import", "applications", str(odd)], exit=2, contains=("colour",))
    missing = csv_file(tmp_path / "missing.csv", [["title", "department"], ["a", "b"]], "utf-8")
    refused(db, "wang.fang", ["import", "applications", str(missing)], exit=2, contains=("year",))
    # a published list's own headers: every required column that is missing, named both ways
    chinese = csv_file(
        tmp_path / "chinese.csv", [["活动名称", "实施单位", "开展时间"], ["a", "b", "c"]], "utf-8"
    )
    refused(
        db,
        "wang.fang",
        ["import", "applications", str(chinese)],
        exit=2,
        contains=("department / 申请部门", "year / 年度", "basis_kind / 准入类别", "开展依据"),
    )
    refused(db, "wang.fang", ["import", "applications", str(tmp_path / "nope.csv")], exit=2)
    good = xlsx(tmp_path / "list.xlsx", PUBLISHED_LIST)
    # an applicant: told who may import, with no jurisdiction left blank
    denied = refused(db, "li.na", ["import", "applications", str(good)], exit=4)
    assert "须为管理员或审核人" in denied.stderr and "—" not in denied.stderr
    refused(db, "wu.min", ["import", "applications", str(good)], exit=4)  # another county


def test_clues_import_with_their_audit_events(db: Database, tmp_path: Path) -> None:
    rows = [
        ["jurisdiction", "source", "aspect", "summary", "school", "reporter"],
        [CITY, "hotline", "duty", "节假日安排教师值班", "鹤壁市高级中学", "张老师 138"],
        [CITY, "教师反映", "报表填写和调研统计", "重复填报表格", "", ""],
    ]
    path = csv_file(tmp_path / "clues.csv", rows, "gb18030")
    ids = ok_json(db, "wang.fang", ["import", "clues", str(path)])["imported"]
    views = [items.show_item(db, "wang.fang", i) for i in ids]
    assert [(v["source"], v["aspect"], v["state"]) for v in views] == [
        ("hotline", "duty", "submitted"),
        ("teacher", "forms", "submitted"),
    ]
    assert all(v["history"][0]["trigger"] == "clue" for v in views)
    others = csv_file(
        tmp_path / "others.csv", [rows[0], [CITY, "mailbox", "forms", "又一张表"]], "utf-8"
    )
    assert len(ok_json(db, "city.admin", ["import", "clues", str(others)])["imported"]) == 1
    refused(db, "li.na", ["import", "clues", str(path)], exit=4)


def test_an_unknown_jurisdiction_in_an_import_names_its_column_and_the_closest(
    db: Database, tmp_path: Path
) -> None:
    rows = [
        ["行政区", "线索来源", "问题方面", "问题线索"],
        [CITY, "hotline", "duty", "节假日安排教师值班"],
        ["鹤壁", "hotline", "forms", "重复填报表格"],
    ]
    path = csv_file(tmp_path / "clues.csv", rows, "utf-8")
    result = refused(db, "wang.fang", ["import", "clues", str(path)], exit=2)
    assert result.stderr == (
        f"错误：文件 {path} 有 1 行有误，未导入任何数据："
        "第 3 行 行政区：行政区 “鹤壁” 不存在；是否指：鹤壁市？\n"
    )


# --------------------------------------------------------------------------- errors


def test_an_output_in_a_missing_folder_is_refused_and_nothing_is_created(
    db: Database, tmp_path: Path
) -> None:
    """A mistyped --output is refused (exit 2) naming the missing folder: no folder is made,
    no file written, by every command that writes a file the user names."""
    quotas(db)
    published(db)
    on_ledger(db)
    missing = tmp_path / "nonexist"
    target = missing / "白名单.html"
    whitelist = ["whitelist", "export", "--year", "2026", "--jurisdiction", CITY]
    ledger = ["ledger", "export", "--jurisdiction", CITY, "--format", "csv"]
    exports = {
        "whitelist": [*whitelist, "--format", "html", "--output", str(target)],
        "ledger": [*ledger, "--output", str(missing / "台账.csv")],
    }
    for argv in exports.values():
        path = argv[-1]
        zh = f"错误：文件夹 {missing} 不存在（或不是文件夹），未写入 {path}："
        zh += "请更正路径或先建立该文件夹\n"
        refused(db, "wang.fang", argv, exit=2, stderr=zh)
        refused(
            db,
            "wang.fang",
            ["--lang", "en", *argv],
            exit=2,
            lang="en",
            contains=(f"the folder {missing} does not exist", f"nothing was written to {path}"),
        )
        refused_json(db, "wang.fang", argv, exit=2, code="output_folder_missing")
        assert not missing.exists()
    # input comes first: an unknown jurisdiction with a missing folder is still exit 2
    elsewhere = [*whitelist[:-1], "火星市", "--format", "csv", "--output", str(target)]
    refused(db, "li.na", elsewhere, exit=2, contains=(str(missing),))
    # the public (no --as) is refused the same way
    refused(db, None, exports["whitelist"], exit=2, contains=(str(missing),))
    diagram = ["workflow", "diagram", "--format", "dot", "--output", str(missing / "a.dot")]
    refused(db, None, diagram, exit=2, contains=(str(missing),))
    assert not missing.exists()
    # the folder given exists: written as before
    missing.mkdir()
    ok(db, "wang.fang", exports["whitelist"])
    assert target.is_file() and [p.name for p in missing.iterdir()] == ["白名单.html"]


def test_export_refusals(db: Database, tmp_path: Path) -> None:
    argv = ["whitelist", "export", "--year", "2026", "--jurisdiction", CITY, "--format"]
    refused(
        db,
        "li.na",
        [*argv, "csv", "--output", str(tmp_path / "x.csv")],
        exit=3,
        contains=("没有已发布",),
    )
    quotas(db)
    published(db)
    refused(db, "li.na", [*argv, "pdf", "--output", str(tmp_path / "x.pdf")], exit=2)
    blocked = tmp_path / "file"
    blocked.write_text("")
    refused(
        db,
        "li.na",
        [*argv, "csv", "--output", str(blocked / "x.csv")],
        exit=2,
        contains=(f"文件夹 {blocked} 不存在（或不是文件夹）",),
    )
    unknown = ["whitelist", "export", "--year", "2026", "--jurisdiction", "火星市", "--format"]
    refused(db, "li.na", [*unknown, "csv", "--output", str(tmp_path / "y.csv")], exit=3)
    refused(db, "li.na", "whitelist show --year 2026 --school 火星小学", exit=3)
    refused(
        db,
        "li.na",
        ["whitelist", "show", "--year", "2026", "--jurisdiction", CITY, "--school", "x"],
        exit=2,
    )
    assert not list(tmp_path.glob("*.part"))


# --------------------------------------------------------------------------- the ledger


def test_the_ledger_never_carries_the_reporter(db: Database, tmp_path: Path) -> None:
    open_one = on_ledger(db, deadline="2026-12-31")
    reported = clue(db, summary="@cmd|' /C calc'!A0", reporter="秘密联系人 13900000000")
    items.fire(db, "wang.fang", reported, "review")
    ledgered = Params(standard="不再值班", deadline="2026-12-25", owner="chen.jing")
    items.fire(db, "wang.fang", reported, "file", ledgered)
    closed = on_ledger(db, deadline="2026-12-20")
    clue(db, summary="尚未上台账的线索")  # not on the ledger: no row
    items.fire(db, "wang.fang", closed, "publish", Params(result="已整改"))
    closing = items.show_item(db, "admin", closed)["history"][-1]
    closed_on = (
        closing.get("as_of") or local(datetime.fromisoformat(closing["at"])).date().isoformat()
    )
    for fmt in ("csv", "xlsx"):
        path = tmp_path / f"ledger.{fmt}"
        argv = ["ledger", "export", "--jurisdiction", CITY, "--year", "2026", "--format", fmt]
        done = ok_json(db, "wang.fang", [*argv, "--output", str(path)])
        assert done["rows"] == 3
        if fmt == "csv":
            text = path.read_text(encoding="utf-8-sig")
            rows = list(csv.reader(text.splitlines()))
        else:
            sheet = load_workbook(path).active
            assert sheet is not None
            rows = [
                ["" if c is None else str(c) for c in r]
                for r in sheet.iter_rows(min_row=2, values_only=True)
            ]
            text = json.dumps(rows, ensure_ascii=False)
        assert "13900000000" not in text and "13800000000" not in text and "秘密" not in text
        assert "尚未上台账" not in text
        assert rows[0] == [
            "序号",
            "编号",
            "问题线索",
            "来源",
            "方面",
            "学校",
            "整改标准",
            "整改时限",
            "责任人",
            "状态",
            "整改结果",
            "销号日期",
            "是否逾期",
        ]
        # the item's number beside the row's: what advance and item show ask for
        numbers = [[str(n), str(i)] for n, i in enumerate((open_one, reported, closed), 1)]
        assert [r[:2] for r in rows[1:]] == numbers
        assert rows[1][7] == "2026-12-31" and rows[1][8] == "陈静" and rows[1][9] == "已上台账"
        assert rows[2][2].startswith("'@")
        assert rows[3][9:12] == ["已销号", "已整改", closed_on]
    shown = ledger.show(db, "wang.fang", jurisdiction=CITY, year=2026)
    assert shown.headings[:2] == ["序号", "编号"]
    assert [list(r[:2]) for r in shown.cells] == [[1, open_one], [2, reported], [3, closed]]


def test_stats_count_states_aspects_sources_and_quota_use(db: Database) -> None:
    quotas(db, per_school=4, max_items=7)
    published(db)
    overdue = on_ledger(db, deadline="2026-12-05")
    data = ok_json(db, "wang.fang", "--today 2026-12-10 stats --jurisdiction 鹤壁市 --year 2026")
    assert data["by_state"]["whitelist"]["published"] == 1
    assert data["by_state"]["rectification"]["filed"] == 1
    assert data["by_aspect"]["duty"] == 1 and data["by_source"]["hotline"] == 1
    assert [o["id"] for o in data["overdue"]] == [overdue]
    city = next(r for r in data["whitelist"] if r["jurisdiction"] == CITY)
    assert (city["items"], city["max_items"], city["per_school_max"]) == (1, 7, 4)
    assert "逾期整改事项" in ok(db, "wang.fang", "stats").stdout
    # a year with nothing overdue says so in a line, not with an empty grid
    calm = ok(db, "wang.fang", "stats --year 2027").stdout
    assert calm.endswith("逾期整改事项：无\n")
    assert ok(db, "wang.fang", "--lang en stats --year 2027").stdout.endswith(
        "overdue rectification items: none\n"
    )


@pytest.mark.parametrize(
    ("lang", "whitelist_filed", "ledgered", "closed"),
    [("zh", "已备案", "已上台账", "已销号"), ("en", "filed", "on the ledger", "closed")],
)
def test_stats_word_each_kinds_states_in_its_own_words(
    db: Database, lang: str, whitelist_filed: str, ledgered: str, closed: str
) -> None:
    """A rectification item's states read as the ledger's (on the ledger, closed), a
    whitelist item's as the whitelist's (filed, published)."""
    quotas(db)
    published(db)
    on_ledger(db)
    stdout = ok(db, "wang.fang", f"--lang {lang} stats --jurisdiction 鹤壁市 --year 2026").stdout
    rows = {
        tuple(cell.strip() for cell in line.strip("│┃ ").split("│"))
        for line in stdout.splitlines()
        if line.count("│") >= 3
    }
    kinds = {"zh": ("白名单", "整改"), "en": ("whitelist", "rectification")}[lang]
    assert (kinds[0], whitelist_filed, "0") in rows
    assert (kinds[1], ledgered, "1") in rows
    assert (kinds[1], closed, "0") in rows
    assert not any(row[:2] == (kinds[1], whitelist_filed) for row in rows)
