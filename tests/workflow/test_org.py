"""The organisation and quotas (SPEC §2, §4.3, §7 ``org …``, ``quota …``): ``workflow.org``.

``empty_db`` has no users (bootstrap); ``db`` holds the test organisation of ``tests/org.py``.
Every refusal is checked for its exit code, its message and an unchanged database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from campusgate.models import Database
from campusgate.workflow import items, org
from campusgate.workflow.errors import not_found
from campusgate.workflow.items import Params
from tests.org import CITY, COUNTY, COUNTY2, PROVINCE, filed, refused, set_quota

ORG_TOML = """\
[[jurisdiction]]
name = "河南省"
level = "province"

[[jurisdiction]]
name = "鹤壁市"
level = "city"
parent = "河南省"

[[jurisdiction]]
name = "淇县"
level = "county"
parent = "鹤壁市"

[[department]]
name = "淇县卫健委"
jurisdiction = "淇县"

[[school]]
name = "淇县第一中学"
jurisdiction = "淇县"

[[user]]
login = "root"
roles = ["admin"]
jurisdiction = "河南省"
name = "系统管理员"

[[user]]
login = "ma.li"
roles = ["applicant"]
jurisdiction = "淇县"
department = "淇县卫健委"
email = "ma.li@example.gov.cn"
name = "马丽"

[[user]]
login = "niu.bo"
roles = ["reviewer", "approver"]
jurisdiction = "淇县"
email = "niu.bo@example.gov.cn"
name = "牛博"
"""


def write(tmp_path: Path, text: str, name: str = "org.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def tree_names(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    """``org.show``'s tree reduced to ``{name: {child: {...}}}``."""
    return {n["name"]: tree_names(n["children"]) for n in nodes}


# --------------------------------------------------------------------------- bootstrap, admins


def test_anyone_bootstraps_an_empty_database_then_only_admins(empty_db):
    db = empty_db
    assert org.show(db, "installer") == []
    # no users yet: anyone may lay the first stones
    assert org.add_jurisdiction(db, "installer", PROVINCE, "province", None) == "created"
    assert org.add_jurisdiction(db, "installer", CITY, "city", PROVINCE) == "created"
    assert org.add_department(db, "installer", "市教体局", CITY) == "created"
    assert org.add_school(db, "installer", "鹤壁市高级中学", CITY) == "created"
    assert (
        org.add_user(db, "installer", new_login="root", roles=["admin"], jurisdiction=PROVINCE)
        == "created"
    )
    # now there is a user: the installer is nobody (3), a non-admin is refused (4)
    with refused(db, 3, en=("installer",)):
        org.add_jurisdiction(db, "installer", COUNTY, "county", CITY)
    assert (
        org.add_user(db, "root", new_login="wang.fang", roles=["reviewer"], jurisdiction=CITY)
        == "created"
    )
    with refused(db, 4, en=("admin",), zh=("管理员",)):
        org.add_jurisdiction(db, "wang.fang", COUNTY, "county", CITY)
    assert org.add_jurisdiction(db, "root", COUNTY, "county", CITY) == "created"


def test_the_first_user_must_be_an_admin_and_then_the_door_is_shut(empty_db):
    db = empty_db
    org.add_jurisdiction(db, "x", PROVINCE, "province", None)
    # a first user who is no admin would leave nobody able to organise
    with refused(db, 2, en=("admin",), zh=("管理员",), code="bootstrap_needs_admin"):
        org.add_user(db, "x", new_login="he.jun", roles=["approver"], jurisdiction=PROVINCE)
    org.add_user(db, "x", new_login="boss", roles=["admin"], jurisdiction=PROVINCE)
    org.add_user(db, "boss", new_login="he.jun", roles=["approver"], jurisdiction=PROVINCE)
    with refused(db, 4, en=("admin",)):
        org.add_user(db, "he.jun", new_login="boss2", roles=["admin"], jurisdiction=PROVINCE)
    with refused(db, 3, en=("x",)):
        org.set_quota(db, "x", jurisdiction=PROVINCE, year=2027, max_items=1)


#: Every organisation change, as a non-admin ``login`` would attempt it.
CHANGES: dict[str, Callable[[Database, str, Path], Any]] = {
    "add-jurisdiction": lambda db, login, _: org.add_jurisdiction(
        db, login, "淇县", "county", CITY
    ),
    "add-department": lambda db, login, _: org.add_department(db, login, "市教体局", CITY),
    "add-school": lambda db, login, _: org.add_school(db, login, "鹤壁市第二中学", CITY),
    "add-user": lambda db, login, _: org.add_user(
        db, login, new_login="new.user", roles=["reviewer"], jurisdiction=CITY
    ),
    "load": lambda db, login, tmp_path: org.load(db, login, write(tmp_path, ORG_TOML)),
    "quota set": lambda db, login, _: org.set_quota(
        db, login, jurisdiction=CITY, year=2027, max_items=10
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_only_admins_change_the_organisation_and_quotas(db, tmp_path, change):
    for login in ("li.na", "wang.fang", "zhao.lei", "he.jun", "gao.feng", "zheng.hua"):
        with refused(db, 4, en=("only an admin",), zh=("管理员",)):
            CHANGES[change](db, login, tmp_path)
    # admins act in every jurisdiction, not just their own
    assert CHANGES[change](db, "city.admin", tmp_path)


def test_a_city_admin_also_changes_the_province(db):
    assert org.add_jurisdiction(db, "city.admin", "安阳市", "city", PROVINCE) == "created"
    assert org.set_quota(db, "city.admin", jurisdiction=PROVINCE, year=2027, max_items=3)


# --------------------------------------------------------------------------- jurisdictions


@pytest.fixture
def bare_tree(empty_db: Database) -> Database:
    """河南省 > 鹤壁市 > 淇滨区 and no users yet (so anyone may change it)."""
    org.add_jurisdiction(empty_db, "installer", PROVINCE, "province", None)
    org.add_jurisdiction(empty_db, "installer", CITY, "city", PROVINCE)
    org.add_jurisdiction(empty_db, "installer", COUNTY, "county", CITY)
    return empty_db


def test_level_rules(bare_tree):
    db = bare_tree
    for name, level, parent, named in [
        ("安阳市", "city", None, "city"),  # a city needs a parent …
        ("安阳市", "city", CITY, "province"),  # … that is a province
        ("安阳市", "city", COUNTY, "province"),
        ("滑县", "county", None, "county"),  # a county needs a city parent
        ("滑县", "county", PROVINCE, "city"),
        ("滑县", "county", COUNTY, "city"),
        ("河北省", "province", PROVINCE, "province"),  # a province has no parent
        ("安阳市", "town", PROVINCE, "town"),
        ("安阳市", "", PROVINCE, "level"),
        ("", "city", PROVINCE, "name"),
    ]:
        with refused(db, 2, en=(named,)):
            org.add_jurisdiction(db, "x", name, level, parent)
    # and the right parents are fine
    assert org.add_jurisdiction(db, "x", "河北省", "province", None) == "created"
    assert org.add_jurisdiction(db, "x", "安阳市", "city", PROVINCE) == "created"
    assert org.add_jurisdiction(db, "x", "滑县", "county", "安阳市") == "created"
    assert tree_names(org.show(db, "x")) == {
        PROVINCE: {CITY: {COUNTY: {}}, "安阳市": {"滑县": {}}},
        "河北省": {},
    }


def test_an_unknown_parent_is_not_found(bare_tree):
    db = bare_tree
    with refused(db, 3, en=("安阳市",), zh=("安阳市",)):
        org.add_jurisdiction(db, "x", "滑县", "county", "安阳市")


def test_a_province_with_an_unknown_parent_is_invalid_input(bare_tree):
    # SPEC §7 precedence: a province takes no parent at all (2), whatever its name (3)
    db = bare_tree
    with refused(db, 2, en=("province",)):
        org.add_jurisdiction(db, "x", "河北省", "province", "中国")


def test_adding_again_is_unchanged_and_moving_is_refused(db):
    assert org.add_jurisdiction(db, "admin", COUNTY, "county", CITY) == "unchanged"
    assert org.add_department(db, "admin", "市卫健委", CITY) == "unchanged"
    assert org.add_school(db, "admin", "浚县第一中学", COUNTY2) == "unchanged"
    # never a silent move: the message says where it is
    with refused(
        db, 5, en=("浚县第一中学", COUNTY2, COUNTY), zh=("学校",), code="placed_elsewhere"
    ):
        org.add_school(db, "admin", "浚县第一中学", COUNTY)
    with refused(db, 5, en=("department", "市卫健委", CITY, COUNTY)):
        org.add_department(db, "admin", "市卫健委", COUNTY)
    # a non-admin learns no more than that they are no admin
    with refused(db, 4, code="admin_only"):
        org.add_school(db, "wang.fang", "浚县第一中学", COUNTY)


def test_unknown_places_are_not_found(db):
    for call, named in [
        (lambda: org.add_department(db, "admin", "安阳市教育局", "安阳市"), "安阳市"),
        (lambda: org.add_school(db, "admin", "安阳一中", "安阳市"), "安阳市"),
        (
            lambda: org.add_user(
                db, "admin", new_login="x", roles=["reviewer"], jurisdiction="安阳市"
            ),
            "安阳市",
        ),
        (
            lambda: org.add_user(
                db,
                "admin",
                new_login="x",
                roles=["applicant"],
                jurisdiction=CITY,
                department="市教育局",
            ),
            "市教育局",
        ),
    ]:
        with refused(db, 3, en=(named,), zh=(named,)):
            call()


# --------------------------------------------------------------------------- users


@pytest.mark.parametrize(
    ("name", "near"),
    [
        ("淇具", ("淇县",)),
        ("浚具", ("浚县",)),
        ("滑县县", ("滑县",)),
        ("淇滨区第一中学", ()),  # a longer name: a ratio under 0.6 is not close
        ("鹤壁市第一中学", ("鹤壁市第二中学",)),
    ],
)
def test_short_names_are_close_with_one_character_of_two_right(name, near):
    known = ("淇县", "浚县", "滑县", "鹤壁市第二中学", "淇滨区实验小学")
    refusal = not_found("no_school", name, known)
    shown = refusal.params["near"].names if near else ()
    assert (refusal.code, shown) == ("no_school_near" if near else "no_school", near)


def test_add_user_and_update_it(db):
    assert (
        org.add_user(
            db,
            "admin",
            new_login="ma.li",
            roles=["applicant"],
            jurisdiction=CITY,
            department="市公安局",
            email="ma.li@example.gov.cn",
            name="马丽",
        )
        == "created"
    )
    same = {
        "new_login": "ma.li",
        "roles": ["applicant"],
        "jurisdiction": CITY,
        "department": "市公安局",
        "name": "马丽",
    }
    assert org.add_user(db, "admin", **same, email="ma.li@example.gov.cn") == "unchanged"
    assert org.add_user(db, "admin", **same, email="mali@example.gov.cn") == "updated"
    # a new role is an update too
    assert (
        org.add_user(
            db,
            "admin",
            new_login="wang.fang",
            roles=["reviewer", "approver"],
            jurisdiction=CITY,
            name="王芳",
        )
        == "updated"
    )
    city = org.show(db, "admin")[0]["children"][0]
    assert [u["roles"] for u in city["users"] if u["login"] == "wang.fang"] == [
        ["approver", "reviewer"]
    ]
    (user,) = [u for u in city["users"] if u["login"] == "ma.li"]
    assert user == {
        "login": "ma.li",
        "name": "马丽",
        "roles": ["applicant"],
        "department": "市公安局",
        "email": "mali@example.gov.cn",
    }


def test_add_user_rejects_bad_input(db):
    for fields, named in [
        ({"roles": ["applicant"]}, "department"),  # an applicant needs a department …
        ({"roles": ["applicant"], "department": "淇滨区卫健委"}, "淇滨区卫健委"),  # … of his place
        ({"roles": ["teacher"]}, "teacher"),
        ({"roles": []}, "role"),
        ({"roles": ["reviewer"], "new_login": ""}, "login"),
        ({"roles": ["reviewer"], "new_login": "x" * 65}, "login"),
        ({"roles": ["reviewer"], "email": "a@b\nBcc: c@d"}, "email"),
    ]:
        args = {"new_login": "new.user", "jurisdiction": CITY, **fields}
        with refused(db, 2, en=(named,)):
            org.add_user(db, "admin", **args)


def test_missing_department_beats_an_unknown_jurisdiction(db):
    with refused(db, 2, en=("department",)):
        org.add_user(db, "admin", new_login="x", roles=["applicant"], jurisdiction="安阳市")


# --------------------------------------------------------------------------- org load


def test_load_creates_then_leaves_unchanged_then_updates(empty_db, tmp_path):
    db = empty_db
    path = write(tmp_path, ORG_TOML)
    # bootstrap: nobody exists yet, so anyone may load
    assert org.load(db, "installer", path) == {"created": 8, "updated": 0, "unchanged": 0}
    assert org.load(db, "root", path) == {"created": 0, "updated": 0, "unchanged": 8}

    changed = write(tmp_path, ORG_TOML.replace("niu.bo@example.gov.cn", "niubo@example.gov.cn"))
    assert org.load(db, "root", changed) == {"created": 0, "updated": 1, "unchanged": 7}

    (province,) = org.show(db, "root")
    assert tree_names([province]) == {PROVINCE: {CITY: {"淇县": {}}}}
    county = province["children"][0]["children"][0]
    assert county["departments"] == ["淇县卫健委"]
    assert county["schools"] == ["淇县第一中学"]
    assert county["users"] == [
        {
            "login": "ma.li",
            "name": "马丽",
            "roles": ["applicant"],
            "department": "淇县卫健委",
            "email": "ma.li@example.gov.cn",
        },
        {
            "login": "niu.bo",
            "name": "牛博",
            "roles": ["approver", "reviewer"],
            "department": None,
            "email": "niubo@example.gov.cn",
        },
    ]
    assert province["users"][0]["login"] == "root"


def test_load_on_an_existing_organisation_adds_to_it(db, tmp_path):
    counts = org.load(db, "admin", write(tmp_path, ORG_TOML))
    # 河南省 and 鹤壁市 exist already; everything else is new
    assert counts == {"created": 6, "updated": 0, "unchanged": 2}
    city = org.show(db, "admin")[0]["children"][0]
    assert [c["name"] for c in city["children"]] == [COUNTY, COUNTY2, "淇县"]


#: Broken organisation files, and what the message must name.
MALFORMED = [
    ("[[user]\nlogin = ", "org.toml"),  # not TOML
    (
        '[[jurisdiction]]\nname = "安阳市"\nlevel = "city"\nparent = "河南省"\n\n'
        '[[department]]\nname = "安阳市教育局"\n',
        "[[department]] #1: missing required field: jurisdiction",
    ),
    ('[[jurisdiction]]\nname = "安阳市"\nparent = "河南省"\n', "missing required field: level"),
    ('[[school]]\njurisdiction = "鹤壁市"\n', "missing required field: name"),
    ('[[user]]\nroles = ["reviewer"]\njurisdiction = "鹤壁市"\n', "missing required field: login"),
    ('[[user]]\nlogin = "x"\nroles = ["reviewer"]\n', "missing required field: jurisdiction"),
    ("jurisdiction = 5\n", "[[jurisdiction]]"),
]


def test_load_rejects_a_malformed_file_and_writes_nothing(db, tmp_path):
    for text, named in MALFORMED:
        path = write(tmp_path, text)
        with refused(db, 2, en=(str(path), named)):
            org.load(db, "admin", path)


def test_load_of_a_missing_file_is_invalid_input(db, tmp_path):
    path = tmp_path / "nowhere.toml"
    with refused(db, 2, en=(str(path), "no such file")):
        org.load(db, "admin", path)


#: The third [[user]] of ORG_TOML broken in different ways, and the exit code that follows.
BROKEN_THIRD_USER = {
    "missing login": ('login = "niu.bo"\n', "", 2),
    "bad role": ('roles = ["reviewer", "approver"]', 'roles = ["reviewer", "boss"]', 2),
    "unknown jurisdiction": (
        'jurisdiction = "淇县"\nemail = "niu',
        'jurisdiction = "淇河县"\nemail = "niu',
        3,
    ),
    "applicant without department": (
        'roles = ["reviewer", "approver"]',
        'roles = ["applicant"]',
        2,
    ),
}


def test_load_is_all_or_nothing(db, tmp_path):
    # the file also changes an existing user: that must not stick either
    change_li_na = (
        '\n[[user]]\nlogin = "li.na"\nroles = ["applicant"]\njurisdiction = "鹤壁市"\n'
        'department = "市卫健委"\nemail = "changed@example.gov.cn"\nname = "李娜"\n'
    )
    for breakage, (old, new, exit_code) in BROKEN_THIRD_USER.items():
        assert old in ORG_TOML, breakage
        path = write(tmp_path, ORG_TOML.replace(old, new) + change_li_na)
        with refused(db, exit_code):
            org.load(db, "admin", path)
    # the same file unbroken goes in whole
    assert org.load(db, "admin", write(tmp_path, ORG_TOML + change_li_na))["created"] == 6


def test_load_names_every_problem_of_the_file_at_once(db, tmp_path):
    """A file with several mistakes is refused naming each with its entry: first those of its
    form (an unknown key, a name given twice), then, once the form is right, those of the
    entries (a mistyped parent, a missing department); nothing is written."""
    form = (
        '[[jurisdiction]]\nname = "内乡县"\nlevel = "county"\nparent = "南杨市"\n'
        '[[school]]\nname = "内乡县第一小学"\njurisdiction = "内乡县"\nprincipal = "张三"\n'
        '[[school]]\nname = "内乡县第一小学"\njurisdiction = "内乡县"\n'
    )
    with refused(db, 2, code="org_file_problems") as found:
        org.load(db, "admin", write(tmp_path, form))
    zh = found.value.message("zh")
    assert "有 2 处问题，未做任何更改" in zh
    assert zh.count(str(tmp_path)) == 1  # the file is named once
    assert "[[school]] #1 含有未知的键 “principal”" in zh
    assert "[[school]] #2：“内乡县第一小学” 出现了两次（首次在 [[school]] #1）" in zh

    entries = (
        '[[jurisdiction]]\nname = "内乡县"\nlevel = "county"\nparent = "南杨市"\n'
        '[[user]]\nlogin = "bai.xue"\nroles = ["applicant"]\njurisdiction = "鹤壁市"\n'
        'department = "县卫健委"\n'
        '[[school]]\nname = "鹤壁市第九中学"\njurisdiction = "鹤壁市"\n'
    )
    with refused(db, 3, code="org_file_problems", en=("2 problems",)) as found:
        org.load(db, "admin", write(tmp_path, entries))
    zh = found.value.message("zh")
    assert zh.count(str(tmp_path)) == 1
    assert "[[jurisdiction]] #1 有误：" in zh and "南杨市" in zh
    assert "[[user]] #1 有误：" in zh and "县卫健委" in zh
    # one problem alone reads as it is, naming its entry, with its own exit code (3)
    alone = '[[school]]\nname = "一中"\njurisdiction = "淇河县"\n'
    with refused(db, 3, code="org_entry_invalid", zh=("[[school]] #1", "淇河县")):
        org.load(db, "admin", write(tmp_path, alone))


def test_load_rejects_values_of_the_wrong_type(db, tmp_path):
    for text, named in [
        ('[[jurisdiction]]\nname = 123\nlevel = "province"\n', "[[jurisdiction]] #1"),
        ('jurisdiction = ["河北省"]\n', "[[jurisdiction]] #1"),  # a string for a table
        ('[[user]]\nlogin = "x"\nroles = 5\njurisdiction = "鹤壁市"\n', "[[user]] #1"),
        ('[[jurisdiction]]\nname = "x"\nlevel = ["province"]\n', "[[jurisdiction]] #1"),
    ]:
        with refused(db, 2, en=(named,)):
            org.load(db, "admin", write(tmp_path, text))


def test_load_takes_a_single_role_as_a_string(db, tmp_path):
    text = '[[user]]\nlogin = "x"\nroles = "reviewer"\njurisdiction = "鹤壁市"\n'
    assert org.load(db, "admin", write(tmp_path, text))["created"] == 1
    assert org.load(db, "admin", write(tmp_path, text))["unchanged"] == 1


def test_load_rejects_a_number_for_a_jurisdiction(db, tmp_path):
    for text in [
        '[[school]]\nname = "一中"\njurisdiction = 7\n',
        '[[department]]\nname = "教育局"\njurisdiction = 7\n',
        '[[department]]\nname = "教育局"\njurisdiction = ""\n',
    ]:
        with refused(db, 2, en=("jurisdiction",)):
            org.load(db, "admin", write(tmp_path, text))


# --------------------------------------------------------------------------- org show


def test_show_returns_the_tree(db):
    nodes = org.show(db, "admin")
    assert tree_names(nodes) == {PROVINCE: {CITY: {COUNTY: {}, COUNTY2: {}}}}
    (province,) = nodes
    city = province["children"][0]
    county, county2 = city["children"]
    assert (province["level"], city["level"], county["level"]) == ("province", "city", "county")
    assert city["departments"] == ["市卫健委", "市公安局"]
    assert city["schools"] == ["鹤壁市高级中学"]
    assert county["departments"] == ["淇滨区卫健委"]
    assert county2["schools"] == ["浚县第一中学"]
    assert [u["login"] for u in province["users"]] == ["admin", "he.jun"]
    (li_na,) = [u for u in city["users"] if u["login"] == "li.na"]
    assert li_na == {
        "login": "li.na",
        "name": "李娜",
        "roles": ["applicant"],
        "department": "市卫健委",
        "email": "li.na@example.gov.cn",
    }
    (gao,) = [u for u in city["users"] if u["login"] == "gao.feng"]
    assert gao["roles"] == ["approver", "reviewer"]
    assert [u["login"] for u in county["users"]] == ["wu.min", "zheng.hua", "zhou.qiang"]


def test_show_is_admin_only(db):
    # SPEC §7: 'org show' is admin only, except on a database with no users yet
    for login in ("wu.min", "wang.fang", "he.jun"):
        with refused(db, 4, en=("admin",), zh=("管理员",)):
            org.show(db, login)
    assert tree_names(org.show(db, "city.admin")) == tree_names(org.show(db, "admin"))


# --------------------------------------------------------------------------- quotas


def test_set_and_show_quotas(db):
    view = org.set_quota(db, "admin", jurisdiction=CITY, year=2027, max_items=20, per_school_max=6)
    assert view == {
        "jurisdiction": CITY,
        "year": 2027,
        "max_items": 20,
        "per_school_max": 6,
        "used": 0,
    }
    org.set_quota(db, "admin", jurisdiction=COUNTY, year=2027, max_items=8)
    org.set_quota(db, "admin", jurisdiction=CITY, year=2028, max_items=15)
    shown = org.show_quotas(db, "admin")
    assert [(q["jurisdiction"], q["year"], q["max_items"]) for q in shown] == [
        (CITY, 2027, 20),
        (COUNTY, 2027, 8),
        (CITY, 2028, 15),
    ]
    assert [q["jurisdiction"] for q in org.show_quotas(db, "admin", year=2027)] == [CITY, COUNTY]
    # supervision runs downward: the county sees its own quota only
    assert [q["jurisdiction"] for q in org.show_quotas(db, "wu.min")] == [COUNTY]
    assert len(org.show_quotas(db, "wang.fang")) == 3
    with refused(db, 4, en=("wu.min", CITY)):
        org.show_quotas(db, "wu.min", jurisdiction=CITY)
    # setting it again replaces the maximum and, without --per-school, keeps the cap
    assert org.set_quota(db, "admin", jurisdiction=CITY, year=2027, max_items=12)["max_items"] == 12
    assert org.show_quotas(db, "admin", year=2027, jurisdiction=CITY)[0]["per_school_max"] == 6


def test_quota_used_counts_filed_published_and_suspended(db):
    set_quota(db, 5)
    first, second, third = filed(db), filed(db), filed(db)
    items.fire(db, "zhao.lei", second, "publish", today=date(2027, 1, 5))
    items.fire(db, "zhao.lei", third, "publish", today=date(2027, 1, 5))
    items.fire(db, "zhao.lei", third, "suspend", Params(reason="评估不合格"))
    fourth = filed(db)
    items.fire(db, "zhao.lei", fourth, "revoke", Params(reason="撤销"))  # frees its place
    assert [q["used"] for q in org.show_quotas(db, "admin", year=2027)] == [3]
    assert first


def test_a_quota_cannot_drop_below_what_is_already_filed(db):
    set_quota(db, 3)
    filed(db)
    filed(db)
    with refused(db, 5, en=(CITY, "2027", "2"), zh=(CITY, "2027", "2")):
        org.set_quota(db, "admin", jurisdiction=CITY, year=2027, max_items=1)
    view = org.set_quota(db, "admin", jurisdiction=CITY, year=2027, max_items=2)
    assert (view["max_items"], view["used"]) == (2, 2)
    assert org.show_quotas(db, "zhao.lei")[0]["used"] == 2


def test_set_quota_rejects_bad_input(db):
    for fields, exit_code, named in [
        ({"max_items": -1}, 2, "max"),
        ({"max_items": "many"}, 2, "many"),
        ({"max_items": None}, 2, "max"),
        ({"year": 1999}, 2, "1999"),
        ({"year": "next"}, 2, "next"),
        ({"per_school_max": 0}, 2, "per_school"),
        ({"jurisdiction": "安阳市"}, 3, "安阳市"),
    ]:
        args = {"jurisdiction": CITY, "year": 2027, "max_items": 10, **fields}
        with refused(db, exit_code, en=(named,)):
            org.set_quota(db, "admin", **args)


def test_a_zero_per_school_cap_is_refused_with_the_minimum(db):
    with refused(db, 2, en=("per_school", "at least 1")):
        org.set_quota(db, "admin", jurisdiction=CITY, year=2027, max_items=5, per_school_max=0)


def test_an_unknown_jurisdiction_beats_a_missing_admin_role(db):
    # SPEC §7 precedence: not found (3) before permission (4)
    for call in [
        lambda: org.set_quota(db, "li.na", jurisdiction="安阳市", year=2027, max_items=1),
        lambda: org.add_department(db, "li.na", "安阳市教育局", "安阳市"),
        lambda: org.add_school(db, "li.na", "安阳一中", "安阳市"),
    ]:
        with refused(db, 3, en=("安阳市",)):
            call()


def test_changing_a_user_keeps_what_is_not_given(db):
    """An e-mail set on its own keeps the user's roles, jurisdiction and department; a new
    user still needs them."""
    assert (
        org.add_user(
            db,
            "admin",
            new_login="li.na",
            roles=[],
            jurisdiction=None,
            email="lina.new@example.gov.cn",
        )
        == "updated"
    )
    person = next(
        u for node in org.show(db, "admin") for u in _users(node) if u["login"] == "li.na"
    )
    assert person["roles"] == ["applicant"] and person["department"] == "市卫健委"
    assert person["email"] == "lina.new@example.gov.cn"
    with refused(db, 2, en=("role",)):
        org.add_user(db, "admin", new_login="new.one", roles=[], jurisdiction=None)
    with refused(db, 2, en=("jurisdiction",)):
        org.add_user(db, "admin", new_login="new.one", roles=["reviewer"], jurisdiction=None)


def _users(node):
    yield from node["users"]
    for child in node["children"]:
        yield from _users(child)
