"""The test organisation and small helpers the contract tests share.

河南省 > 鹤壁市 > 淇滨区, 浚县. Logins tell their role:

=============  ==========================  =========================================
login          roles                       where
=============  ==========================  =========================================
admin          admin                       河南省
he.jun         approver                    河南省 (ratifies the city's emergencies)
li.na          applicant                   鹤壁市, 市卫健委
sun.hao        applicant                   鹤壁市, 市公安局 (no e-mail)
wang.fang      reviewer                    鹤壁市
liu.yang       reviewer                    鹤壁市
zhao.lei       approver                    鹤壁市
qian.min       approver                    鹤壁市
gao.feng       reviewer, approver          鹤壁市 (both hats: separation of duties)
chen.jing      applicant                   鹤壁市, 市卫健委 (a responsible person, with e-mail)
zhou.qiang     applicant                   淇滨区, 淇滨区卫健委
wu.min         reviewer                    淇滨区
zheng.hua      approver                    淇滨区
city.admin     admin                       鹤壁市
=============  ==========================  =========================================
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import func, select, text

from campusgate.models import Database, Item
from campusgate.workflow import items, org
from campusgate.workflow.errors import CampusgateError
from campusgate.workflow.items import Params

CITY, PROVINCE, COUNTY, COUNTY2 = "鹤壁市", "河南省", "淇滨区", "浚县"

USERS: list[dict[str, Any]] = [
    {"login": "admin", "roles": ["admin"], "jurisdiction": PROVINCE, "name": "管理员"},
    {"login": "he.jun", "roles": ["approver"], "jurisdiction": PROVINCE, "name": "何军"},
    {
        "login": "li.na",
        "roles": ["applicant"],
        "jurisdiction": CITY,
        "department": "市卫健委",
        "name": "李娜",
        "email": "li.na@example.gov.cn",
    },
    {
        "login": "sun.hao",
        "roles": ["applicant"],
        "jurisdiction": CITY,
        "department": "市公安局",
        "name": "孙浩",
    },
    {"login": "wang.fang", "roles": ["reviewer"], "jurisdiction": CITY, "name": "王芳"},
    {"login": "liu.yang", "roles": ["reviewer"], "jurisdiction": CITY, "name": "刘洋"},
    {"login": "zhao.lei", "roles": ["approver"], "jurisdiction": CITY, "name": "赵磊"},
    {"login": "qian.min", "roles": ["approver"], "jurisdiction": CITY, "name": "钱敏"},
    {"login": "gao.feng", "roles": ["reviewer", "approver"], "jurisdiction": CITY, "name": "高峰"},
    {
        "login": "chen.jing",
        "roles": ["applicant"],
        "jurisdiction": CITY,
        "department": "市卫健委",
        "name": "陈静",
        "email": "chen.jing@example.gov.cn",
    },
    {
        "login": "zhou.qiang",
        "roles": ["applicant"],
        "jurisdiction": COUNTY,
        "department": "淇滨区卫健委",
        "name": "周强",
    },
    {"login": "wu.min", "roles": ["reviewer"], "jurisdiction": COUNTY, "name": "吴敏"},
    {"login": "zheng.hua", "roles": ["approver"], "jurisdiction": COUNTY, "name": "郑华"},
    {"login": "city.admin", "roles": ["admin"], "jurisdiction": CITY, "name": "市管理员"},
]


def build_org(db: Database) -> None:
    a = "admin"
    org.add_jurisdiction(db, a, PROVINCE, "province", None)
    org.add_user(db, a, new_login="admin", roles=["admin"], jurisdiction=PROVINCE, name="管理员")
    org.add_jurisdiction(db, a, CITY, "city", PROVINCE)
    org.add_jurisdiction(db, a, COUNTY, "county", CITY)
    org.add_jurisdiction(db, a, COUNTY2, "county", CITY)
    for name, where in (("市卫健委", CITY), ("市公安局", CITY), ("淇滨区卫健委", COUNTY)):
        org.add_department(db, a, name, where)
    schools = (("鹤壁市高级中学", CITY), ("淇滨区实验小学", COUNTY), ("浚县第一中学", COUNTY2))
    for name, where in schools:
        org.add_school(db, a, name, where)
    for user in USERS[1:]:
        org.add_user(
            db,
            a,
            new_login=user["login"],
            roles=user["roles"],
            jurisdiction=user["jurisdiction"],
            department=user.get("department"),
            email=user.get("email"),
            name=user.get("name"),
        )


def application(**overrides: Any) -> dict[str, Any]:
    """Keyword arguments for ``items.apply`` of a valid city application."""
    fields: dict[str, Any] = {
        "department": "市卫健委",
        "title": "学生常见病防治宣传",
        "year": 2027,
        "basis_kind": "law",
        "basis_docs": ["《学校卫生工作条例》"],
        "lead_units": ["市卫健委"],
        "schedule": "每年1-2次",
        "manner": "专题讲座",
        "scope": "全市中小学",
        "place": "各中小学校",
        "content": "近视、肥胖等常见病防治知识宣传",
    }
    fields.update(overrides)
    return fields


def apply(db: Database, login: str = "li.na", **overrides: Any) -> int:
    fields = application(**overrides)
    if "title" not in overrides:  # a department applies once per title and year
        with db.read() as session:
            earlier = session.scalar(select(func.count()).select_from(Item)) or 0
        if earlier:
            fields["title"] = f"{fields['title']}（{earlier + 1}）"
    return int(items.apply(db, login, **fields)["id"])


def set_quota(db: Database, max_items: int, year: int = 2027, jurisdiction: str = CITY) -> None:
    org.set_quota(db, "admin", jurisdiction=jurisdiction, year=year, max_items=max_items)


def reviewed(db: Database, **overrides: Any) -> int:
    item_id = apply(db, **overrides)
    items.fire(db, "wang.fang", item_id, "review")
    return item_id


def filed(db: Database, **overrides: Any) -> int:
    item_id = reviewed(db, **overrides)
    items.fire(db, "zhao.lei", item_id, "file")
    return item_id


def clue(db: Database, login: str = "wang.fang", **overrides: Any) -> int:
    fields: dict[str, Any] = {
        "jurisdiction": CITY,
        "source": "hotline",
        "aspect": "duty",
        "summary": "一线教师节假日被安排校园值班",
        "reporter": "教师张某 13800000000",
    }
    fields.update(overrides)
    return int(items.add_clue(db, login, **fields)["id"])


def on_ledger(db: Database, owner: str = "chen.jing", deadline: str = "2027-01-31") -> int:
    item_id = clue(db)
    items.fire(db, "wang.fang", item_id, "review")
    items.fire(
        db,
        "wang.fang",
        item_id,
        "file",
        Params(standard="一线教师不再参与值班", deadline=deadline, owner=owner),
    )
    return item_id


def state(db: Database, item_id: int) -> str:
    with db.read() as session:
        return session.scalar(select(Item.state).where(Item.id == item_id)) or ""


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table that a refused action could touch, for 'nothing changed'."""
    out = {}
    with db.engine.connect() as conn:
        for table in (
            "items",
            "item_events",
            "evaluations",
            "quotas",
            "users",
            "user_roles",
            "jurisdictions",
            "departments",
            "schools",
            "org_events",
            "audit_checkpoints",
            "outbox",
            "job_runs",
            "entries",
            "tokens",
        ):
            rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))
            out[table] = [tuple(r) for r in rows]
    return out


@contextmanager
def refused(
    db: Database,
    exit_code: int,
    *,
    en: tuple[object, ...] = (),
    zh: tuple[object, ...] = (),
    code: str | None = None,
    error: type[CampusgateError] = CampusgateError,
    check_db: bool = True,
) -> Iterator[pytest.ExceptionInfo[CampusgateError]]:
    """The block must raise ``error`` with ``exit_code`` (and message key ``code``), with an
    English / Chinese message naming every one of ``en`` / ``zh``, and change nothing."""
    before = snapshot(db) if check_db else None
    with pytest.raises(error) as excinfo:
        yield excinfo
    exc = excinfo.value
    message_en, message_zh = exc.message("en"), exc.message("zh")
    assert exc.exit_code == exit_code, message_en
    if code is not None:
        assert exc.code == code, message_en
    for word in en:
        assert str(word) in message_en, f"{word!r} not in {message_en!r}"
    for word in zh:
        assert str(word) in message_zh, f"{word!r} not in {message_zh!r}"
    if check_db:
        assert snapshot(db) == before, "a refused action changed the database"
