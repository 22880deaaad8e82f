"""Human-readable output: rich tables in the reader's language."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.tree import Tree as RichTree

from campusgate.workflow.messages import label


def console() -> Console:
    return Console(highlight=False, width=None if Console().is_terminal else 160)


def _h(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def items_table(items: list[dict[str, Any]], lang: str, title: str | None = None) -> None:
    table = Table(title=title, show_lines=False)
    for zh, en in (
        ("编号", "id"),
        ("类别", "kind"),
        ("状态", "state"),
        ("年度", "year"),
        ("行政区", "jurisdiction"),
        ("名称/线索", "title/summary"),
        ("部门/责任人", "department/owner"),
        ("时限", "deadline"),
    ):
        table.add_column(_h(lang, zh, en), overflow="fold")
    for item in items:
        text = item.get("title") or item.get("summary") or ""
        who = item.get("department") or item.get("owner") or ""
        table.add_row(
            str(item["id"]),
            label(item["kind"], lang),
            label(item["state"], lang),
            str(item["year"]),
            item["jurisdiction"],
            text if len(text) <= 40 else text[:39] + "…",
            who,
            item.get("deadline") or "",
        )
    out = console()
    out.print(table)
    out.print(_h(lang, f"共 {len(items)} 项", f"{len(items)} items"))


FIELDS = (
    ("kind", "类别", "kind"),
    ("state", "状态", "state"),
    ("year", "年度", "year"),
    ("jurisdiction", "行政区", "jurisdiction"),
    ("department", "申请部门", "department"),
    ("title", "活动名称", "title"),
    ("basis_kind", "准入依据类别", "basis kind"),
    ("basis_docs", "开展依据", "basis documents"),
    ("lead_units", "实施单位", "implementing units"),
    ("schedule", "开展时间", "schedule"),
    ("place", "开展地点", "place"),
    ("scope", "实施范围", "scope"),
    ("manner", "开展方式", "manner"),
    ("content", "主要内容", "content"),
    ("teacher_hours", "预计占用教师课时", "teacher hours"),
    ("ratified_by", "上级批准人", "ratified by"),
    ("summary", "问题线索", "summary"),
    ("source", "线索来源", "source"),
    ("aspect", "问题方面", "aspect"),
    ("school", "学校", "school"),
    ("reporter", "反映人联系方式", "reporter"),
    ("standard", "整改标准", "standard"),
    ("deadline", "整改时限", "deadline"),
    ("owner", "责任人", "responsible"),
    ("result", "整改结果", "result"),
    ("linked_item", "关联白名单事项", "linked item"),
    ("applied_by", "申请/登记人", "applied by"),
    ("reviewed_by", "审核人", "reviewed by"),
    ("version", "版本", "version"),
)

LABELLED = {"kind", "state", "basis_kind", "source", "aspect"}


def item_detail(item: dict[str, Any], lang: str) -> None:
    out = console()
    table = Table(title=_h(lang, f"事项 {item['id']}", f"item {item['id']}"), show_header=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key, zh, en in FIELDS:
        value = item.get(key)
        if value in (None, [], ""):
            continue
        if isinstance(value, list):
            shown = "；".join(str(v) for v in value)
        elif key in LABELLED:
            shown = f"{label(value, lang)} ({value})" if label(value, lang) != value else value
        else:
            shown = str(value)
        table.add_row(_h(lang, zh, en), shown)
    if "evaluation" in item:
        ev = item["evaluation"]
        table.add_row(
            _h(lang, "年度评估", "evaluation"),
            f"{label(ev['rating'], lang)} → {label(ev['outcome'], lang)}"
            + (f"（{ev['note']}）" if ev.get("note") else ""),
        )
    actions = item.get("actions") or []
    table.add_row(
        _h(lang, "可执行操作", "you may"),
        ", ".join(f"{a}（{label(a, lang)}）" if lang == "zh" else a for a in actions) or "—",
    )
    out.print(table)
    if item.get("history"):
        history = Table(title=_h(lang, "历史记录", "history"))
        for zh, en in (
            ("序号", "seq"),
            ("操作", "trigger"),
            ("状态", "state"),
            ("操作人", "actor"),
            ("时间（北京时间）", "time (Asia/Shanghai)"),
            ("理由/变更", "reason/changes"),
        ):
            history.add_column(_h(lang, zh, en), overflow="fold")
        from datetime import datetime

        from campusgate.workflow.clock import local

        for e in item["history"]:
            at = local(datetime.fromisoformat(e["at"].replace("Z", "+00:00"))).strftime(
                "%Y-%m-%d %H:%M"
            )
            note = e.get("reason") or ""
            if e.get("changes"):
                note = (note + " " if note else "") + json_changes(e["changes"])
            if e.get("as_of"):
                note = (note + " " if note else "") + _h(
                    lang, f"[按 {e['as_of']}]", f"[as of {e['as_of']}]"
                )
            states = f"{label(e['from_state'], lang) or '—'} → {label(e['to_state'], lang)}"
            history.add_row(str(e["seq"]), label(e["trigger"], lang), states, e["actor"], at, note)
        out.print(history)


def json_changes(changes: dict[str, Any]) -> str:
    parts = []
    for key, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            parts.append(f"{key}: {value[0]!s} → {value[1]!s}")
        else:
            parts.append(f"{key}: {value!s}")
    return "; ".join(parts)


def org_tree(nodes: list[dict[str, Any]], lang: str) -> None:
    out = console()

    def add(parent: RichTree, node: dict[str, Any]) -> None:
        branch = parent.add(f"[bold]{node['name']}[/bold]（{label(node['level'], lang)}）")
        if node["departments"]:
            branch.add(_h(lang, "部门：", "departments: ") + "、".join(node["departments"]))
        if node["schools"]:
            branch.add(_h(lang, "学校：", "schools: ") + "、".join(node["schools"]))
        for user in node["users"]:
            roles = "、".join(label(r, lang) for r in user["roles"])
            dept = f" @{user['department']}" if user["department"] else ""
            branch.add(f"{user['login']} {user['name']}（{roles}）{dept}")
        for child in node["children"]:
            add(branch, child)

    root = RichTree(_h(lang, "组织", "organisation"))
    for node in nodes:
        add(root, node)
    out.print(root)


def quotas_table(rows: list[dict[str, Any]], lang: str) -> None:
    table = Table(title=_h(lang, "总量控制", "quotas"))
    for zh, en in (
        ("行政区", "jurisdiction"),
        ("年度", "year"),
        ("上限", "max"),
        ("已占用", "used"),
        ("每校上限", "per school"),
    ):
        table.add_column(_h(lang, zh, en))
    for r in rows:
        table.add_row(
            r["jurisdiction"],
            str(r["year"]),
            str(r["max_items"]),
            str(r["used"]),
            str(r["per_school_max"] or "—"),
        )
    console().print(table)
