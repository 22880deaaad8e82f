"""Human-readable output: rich tables in the reader's language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from rich.tree import Tree as RichTree

from campusgate.workflow.messages import heading, label, render


def console() -> Console:
    out = Console(highlight=False)
    if not out.is_terminal:
        out.width = 160
    return out


def items_table(items: list[dict[str, Any]], lang: str, title: str | None = None) -> None:
    table = Table(title=title, show_lines=False)
    for key in (
        "id",
        "kind",
        "state",
        "year",
        "jurisdiction",
        "title_or_summary",
        "department_or_owner",
        "deadline_short",
    ):
        table.add_column(heading(key, lang), overflow="fold")
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
    out.print(render("items_count", lang, count=len(items)))


FIELDS = (
    "kind",
    "state",
    "year",
    "jurisdiction",
    "department",
    "title",
    "basis_kind",
    "basis_docs",
    "lead_units",
    "schedule",
    "place",
    "scope",
    "manner",
    "content",
    "teacher_hours",
    "ratified_by",
    "summary",
    "source",
    "aspect",
    "school",
    "reporter",
    "standard",
    "deadline",
    "owner",
    "result",
    "linked_item",
    "applied_by",
    "reviewed_by",
    "version",
)

LABELLED = {"kind", "state", "basis_kind", "source", "aspect"}


def item_detail(item: dict[str, Any], lang: str) -> None:
    out = console()
    table = Table(title=render("item_heading", lang, id=item["id"]), show_header=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key in FIELDS:
        value = item.get(key)
        if value in (None, [], ""):
            continue
        if isinstance(value, list):
            shown = "；".join(str(v) for v in value)
        elif key in LABELLED:
            shown = f"{label(value, lang)} ({value})" if label(value, lang) != value else value
        else:
            shown = str(value)
        table.add_row(heading(key, lang), shown)
    if "evaluation" in item:
        ev = item["evaluation"]
        table.add_row(
            heading("evaluation", lang),
            f"{label(ev['rating'], lang)} → {label(ev['outcome'], lang)}"
            + (f"（{ev['note']}）" if ev.get("note") else ""),
        )
    actions = item.get("actions") or []
    table.add_row(
        heading("actions", lang),
        ", ".join(f"{a}（{label(a, lang)}）" if lang == "zh" else a for a in actions) or "—",
    )
    out.print(table)
    if item.get("history"):
        history = Table(title=heading("history", lang))
        for key in ("seq", "trigger", "state", "actor", "at_local", "reason_or_changes"):
            history.add_column(heading(key, lang), overflow="fold")
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
                note = (note + " " if note else "") + render("as_of_note", lang, date=e["as_of"])
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
    from rich.tree import Tree as RichTree

    out = console()

    def add(parent: RichTree, node: dict[str, Any]) -> None:
        branch = parent.add(f"[bold]{node['name']}[/bold]（{label(node['level'], lang)}）")
        if node["departments"]:
            branch.add(heading("departments", lang) + "、".join(node["departments"]))
        if node["schools"]:
            branch.add(heading("schools", lang) + "、".join(node["schools"]))
        for user in node["users"]:
            roles = "、".join(label(r, lang) for r in user["roles"])
            dept = f" @{user['department']}" if user["department"] else ""
            branch.add(f"{user['login']} {user['name']}（{roles}）{dept}")
        for child in node["children"]:
            add(branch, child)

    root = RichTree(heading("organisation", lang))
    for node in nodes:
        add(root, node)
    out.print(root)


def quotas_table(rows: list[dict[str, Any]], lang: str) -> None:
    table = Table(title=heading("quotas", lang))
    for key in ("jurisdiction", "year", "max", "used", "per_school"):
        table.add_column(heading(key, lang))
    for r in rows:
        table.add_row(
            r["jurisdiction"],
            str(r["year"]),
            str(r["max_items"]),
            str(r["used"]),
            str(r["per_school_max"] or "—"),
        )
    console().print(table)
