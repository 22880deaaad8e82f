"""``import applications`` and ``import clues`` name every problem of every row at once (and
the header's unknown columns with them), suggest close names for unknown departments and
schools, and refuse a clue sheet imported twice; all or nothing, through the command line on
SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from campusgate.models import Database
from campusgate.workflow import items
from tests.cli.test_cli import ok, ok_json, refused, refused_json
from tests.org import CITY, clue

APPLICATION_HEADER = ["申请部门", "活动名称", "年度", "准入类别", "开展依据"]
GOOD_APPLICATION = ["市卫健委", "学生常见病防治宣传", "2027", "law", "《学校卫生工作条例》"]
CLUE_HEADER = ["行政区", "线索来源", "问题方面", "问题线索", "学校", "反映人联系方式"]


def sheet(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def positions(text: str, parts: list[str]) -> list[int]:
    found = [text.find(part) for part in parts]
    assert -1 not in found, (parts, text)
    return found


# --------------------------------------------------------------------------- every problem


def test_every_problem_of_every_row_is_named_and_nothing_is_imported(
    db: Database, tmp_path: Path
) -> None:
    path = sheet(
        tmp_path / "bad.csv",
        [
            [*APPLICATION_HEADER, "备注"],
            [*GOOD_APPLICATION, ""],
            ["市卫健委", "", "2027", "lawx", "《学校卫生工作条例》", ""],
            ["县卫生健康委", "禁毒宣传", "二〇二七", "law", "", "请核对"],
        ],
    )
    argv = ["import", "applications", str(path)]
    stderr = refused(db, "wang.fang", argv, exit=2, lines=7).stderr
    summary = "有 2 行有误（共 5 处），表头有 1 列无法识别，未导入任何数据：\n"
    assert f"错误：文件 {path} {summary}" in stderr
    assert stderr.count("可用列") == 1  # the columns there are, named once
    parts = [
        "\n  第 1 行 备注：无法识别的列，可用列：department | 申请部门 | title",
        "\n  第 3 行 活动名称：缺少必填项：事项名称\n",
        "\n  第 3 行 准入类别：准入依据类别的取值 “lawx” 无效",
        "\n  第 4 行 申请部门：部门 “县卫生健康委” 不存在；是否指：市卫健委？\n",
        "\n  第 4 行 年度：年度应为非负整数，收到 “二〇二七”\n",
        "\n  第 4 行 开展依据：缺少必填项：开展依据\n",
    ]
    found = positions(stderr, parts)
    assert found == sorted(found)  # row by row, in the order of the file's columns
    error = refused_json(db, "wang.fang", argv, exit=2, code="import_bad_rows")
    assert "第 4 行 开展依据" in error["message"]
    english = refused(db, "wang.fang", ["--lang", "en", *argv], exit=2, lang="en", lines=7)
    assert (
        "2 bad rows (5 problems); 1 unknown columns in the header, nothing imported:\n"
        "  row 1, 备注: unknown column" in english.stderr
    )
    unknown = "department '县卫生健康委' does not exist; did you mean: 市卫健委?"
    assert f"\n  row 4, 申请部门: {unknown}\n" in english.stderr


def test_a_row_with_one_problem_reads_as_before(db: Database, tmp_path: Path) -> None:
    path = sheet(
        tmp_path / "one.csv",
        [APPLICATION_HEADER, GOOD_APPLICATION, ["市卫健委", "禁毒宣传", "2020", "law", "禁毒法"]],
    )
    refused(
        db,
        "wang.fang",
        ["import", "applications", str(path)],
        exit=2,
        stderr=f"错误：文件 {path} 有 1 行有误，未导入任何数据："
        "第 3 行 年度：白名单年度 2020 早于当前年度 2026\n",
    )


def test_rules_are_named_with_the_input_problems_of_the_same_row(
    db: Database, tmp_path: Path
) -> None:
    # a past year (a rule) beside an unknown basis kind and an unknown department
    path = sheet(
        tmp_path / "mixed.csv",
        [APPLICATION_HEADER, ["市卫建委", "禁毒宣传", "2020", "sometimes", "《禁毒法》"]],
    )
    stderr = refused(db, "wang.fang", ["import", "applications", str(path)], exit=2, lines=4).stderr
    positions(
        stderr,
        [
            "有 1 行有误（共 3 处）",
            "第 2 行 申请部门：部门 “市卫建委” 不存在；是否指：市卫健委？",
            "第 2 行 年度：白名单年度 2020 早于当前年度 2026",
            "第 2 行 准入类别：准入依据类别的取值 “sometimes” 无效",
        ],
    )


def test_an_unknown_column_alone_is_one_line_naming_every_such_column(
    db: Database, tmp_path: Path
) -> None:
    path = sheet(
        tmp_path / "extra.csv",
        [[*APPLICATION_HEADER, "备注", "附件"], [*GOOD_APPLICATION, "", ""]],
    )
    error = refused_json(
        db, "wang.fang", ["import", "applications", str(path)], exit=2, code="import_unknown_column"
    )
    assert error["message"].startswith(f"文件 {path} 的列无法识别：备注、附件；可用列：department")


def test_a_misspelt_required_column_is_named_with_the_unknown_one(
    db: Database, tmp_path: Path
) -> None:
    path = sheet(
        tmp_path / "typo.csv",
        [["申请部门", "活动名", "年度", "准入类别", "开展依据"], GOOD_APPLICATION],
    )
    refused(
        db,
        "wang.fang",
        ["import", "applications", str(path)],
        exit=2,
        contains=("缺少必填列：title / 活动名称；另有无法识别的列：活动名（可用列：",),
    )


@pytest.mark.parametrize(
    ("what", "header", "row", "column"),
    [
        ("applications", APPLICATION_HEADER, GOOD_APPLICATION, "活动名称"),
        ("clues", CLUE_HEADER, [CITY, "mailbox", "forms", "多个平台重复填报", "", ""], "问题线索"),
    ],
)
def test_a_row_the_file_repeats_names_that_row_not_an_id_that_will_not_exist(
    db: Database, tmp_path: Path, what: str, header: list[str], row: list[str], column: str
) -> None:
    path = sheet(tmp_path / "twice.csv", [header, row, row])
    refused(
        db,
        "wang.fang",
        ["import", what, str(path)],
        exit=2,
        stderr=f"错误：文件 {path} 有 1 行有误，未导入任何数据：第 3 行 {column}：与第 2 行重复\n",
    )


def test_a_row_the_importer_may_not_enter_refuses_the_whole_file(
    db: Database, tmp_path: Path
) -> None:
    # a county reviewer and the city's department: exit 4, as before
    path = sheet(tmp_path / "city.csv", [APPLICATION_HEADER, GOOD_APPLICATION])
    refused(db, "wu.min", ["import", "applications", str(path)], exit=4, contains=("市卫健委",))


def test_apply_still_names_the_first_problem_alone(db: Database) -> None:
    argv = ["apply", "--department", "市卫健委", "--title", " ", "--year", "二〇二七"]
    refused(
        db,
        "li.na",
        [*argv, "--basis-kind", "lawx", "--basis-doc", "x"],
        exit=2,
        stderr="错误：年度（--year）应为非负整数，收到 “二〇二七”\n",
    )


# --------------------------------------------------------------------------- close names


def test_unknown_departments_and_schools_name_the_closest(db: Database) -> None:
    apply = ["apply", "--department", "市卫健", "--title", "禁毒宣传", "--year", "2027"]
    apply += ["--basis-kind", "law", "--basis-doc", "《禁毒法》"]
    clue_add = ["clue", "add", "--jurisdiction", CITY, "--source", "hotline", "--aspect", "duty"]
    add_user = ["org", "add-user", "x.y", "--role", "applicant", "--jurisdiction", CITY]
    cases = [
        ("li.na", apply, "部门 “市卫健” 不存在；是否指：市卫健委？"),
        (
            "wang.fang",
            [*clue_add, "--summary", "值班", "--school", "鹤壁高级中学"],
            "学校 “鹤壁高级中学” 不存在；是否指：鹤壁市高级中学？",
        ),
        (
            "wang.fang",
            ["check", "--school", "鹤壁高级中学", "--item", "1"],
            "学校 “鹤壁高级中学” 不存在；是否指：鹤壁市高级中学？",
        ),
        (
            "admin",
            [*add_user, "--department", "市公安"],
            "部门 “市公安” 不存在；是否指：市公安局？",
        ),
        # nothing close: the plain refusal
        (
            "wang.fang",
            [*clue_add, "--summary", "值", "--school", "火星小学"],
            "学校 “火星小学” 不存在",
        ),
    ]
    for login, argv, message in cases:
        refused(db, login, argv, exit=3, stderr=f"错误：{message}\n")
    error = refused_json(db, "li.na", apply, exit=3, code="no_department_near")
    assert error["message"] == "部门 “市卫健” 不存在；是否指：市卫健委？"
    english = ["--lang", "en", "check", "--school", "鹤壁高级中学", "--item", "1"]
    refused(
        db,
        "wang.fang",
        english,
        exit=3,
        lang="en",
        stderr="error: school '鹤壁高级中学' does not exist; did you mean: 鹤壁市高级中学?\n",
    )


# --------------------------------------------------------------------------- clues twice


def clue_sheet(path: Path) -> Path:
    return sheet(
        path,
        [
            CLUE_HEADER,
            [CITY, "hotline", "duty", "节假日安排教师值班", "鹤壁市高级中学", "张老师 138"],
            [CITY, "教师反映", "报表填写和调研统计", "重复填报表格", "", ""],
        ],
    )


def test_a_clue_sheet_imported_twice_is_refused_naming_the_open_clues(
    db: Database, tmp_path: Path
) -> None:
    path = clue_sheet(tmp_path / "clues.csv")
    first = ok_json(db, "wang.fang", ["import", "clues", str(path)])["imported"]
    same = ("（行政区、来源、方面、问题线索、学校、反映人均一致），不能重复登记",)
    refused(
        db,
        "liu.yang",
        ["import", "clues", str(path)],
        exit=2,
        lines=3,
        stderr=f"错误：文件 {path} 有 2 行有误，未导入任何数据：\n"
        f"  第 2 行 问题线索：与未销号的问题线索 {first[0]} 相同{same[0]}\n"
        f"  第 3 行 问题线索：与未销号的问题线索 {first[1]} 相同{same[0]}\n",
    )
    english = refused(
        db,
        "city.admin",
        ["--lang", "en", "import", "clues", str(path)],
        exit=2,
        lang="en",
        lines=3,
    ).stderr
    assert f"row 2, 问题线索: the same as the open clue {first[0]}" in english
    # once a clue is closed or revoked, the same report is a new clue; any field differing,
    # too (another reporter)
    items.fire(db, "wang.fang", first[0], "revoke", items.Params(reason="核实不实"))
    refused(db, "wang.fang", ["import", "clues", str(path)], exit=2, contains=("第 3 行 问题线索",))
    again = sheet(
        tmp_path / "again.csv",
        [
            CLUE_HEADER,
            [CITY, "hotline", "duty", "节假日安排教师值班", "鹤壁市高级中学", "张老师 138"],
            [CITY, "教师反映", "报表填写和调研统计", "重复填报表格", "", "李老师"],
        ],
    )
    assert len(ok_json(db, "wang.fang", ["import", "clues", str(again)])["imported"]) == 2


def test_clue_add_takes_a_second_report_of_one_problem(db: Database) -> None:
    # the bureau verifies it and revokes it as a duplicate: no refusal at intake
    first = clue(db)
    argv = ["clue", "add", "--jurisdiction", CITY, "--source", "hotline", "--aspect", "duty"]
    second = ok(db, "wang.fang", [*argv, "--summary", "一线教师节假日被安排校园值班"]).stdout
    assert int(second) != first


def test_a_file_that_cannot_be_read_says_why_in_the_readers_language(
    db: Database, tmp_path: Path
) -> None:
    missing = tmp_path / "nothere.csv"
    argv = ["import", "applications", str(missing)]
    chinese = refused(db, "wang.fang", argv, exit=2).stderr
    assert chinese == f"错误：无法读取文件 {missing}：文件或文件夹不存在\n"
    english = refused(db, "wang.fang", ["--lang", "en", *argv], exit=2, lang="en").stderr
    assert english == f"error: cannot read {missing}: no such file or directory\n"


def test_unknown_columns_are_one_problem_of_the_header_beside_the_rows(
    db: Database, tmp_path: Path
) -> None:
    path = sheet(
        tmp_path / "extra.csv",
        [
            [*APPLICATION_HEADER, "备注", "联系人"],
            [*GOOD_APPLICATION, "", ""],
            ["市卫健委", "", "2027", "law", "《学校卫生工作条例》", "", ""],
        ],
    )
    stderr = refused(db, "wang.fang", ["import", "applications", str(path)], exit=2, lines=3).stderr
    assert f"文件 {path} 有 1 行有误，表头有 2 列无法识别，未导入任何数据：\n" in stderr
    assert "\n  第 1 行 备注、联系人：无法识别的列，可用列：" in stderr
    assert stderr.count("可用列") == 1
    assert "\n  第 3 行 活动名称：缺少必填项：事项名称\n" in stderr


def test_missing_columns_are_listed_in_the_readers_language(db: Database, tmp_path: Path) -> None:
    path = sheet(tmp_path / "short.csv", [["申请部门", "年度"], ["市卫健委", "2027"]])
    argv = ["import", "applications", str(path)]
    chinese = refused(db, "wang.fang", argv, exit=2).stderr
    assert "缺少必填列：title / 活动名称、basis_kind / 准入类别、basis_docs / 开展依据" in chinese
    english = refused(db, "wang.fang", ["--lang", "en", *argv], exit=2, lang="en").stderr
    listed = "title / 活动名称, basis_kind / 准入类别, basis_docs / 开展依据"
    assert f"required columns: {listed}" in english


def test_an_organisation_file_that_cannot_be_read_says_why(db: Database, tmp_path: Path) -> None:
    missing = tmp_path / "org.toml"
    argv = ["org", "load", str(missing)]
    assert refused(db, "admin", argv, exit=2).stderr.endswith("：文件或文件夹不存在\n")
    english = refused(db, "admin", ["--lang", "en", *argv], exit=2, lang="en").stderr
    assert english.endswith(": no such file or directory\n")
