"""The published whitelist of a jurisdiction and year, and its writers (HTML, CSV, XLSX,
JSON) with the columns of real published lists. ``publish`` and ``whitelist export`` use them."""

from __future__ import annotations

import csv
import html
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from campusgate.models import Item
from campusgate.workflow.kinds import PUBLISHED, WHITELIST

#: (heading, the item's field) in the order of real published lists.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("序号", "no"),
    ("事项名称", "title"),
    ("实施单位", "lead_units"),
    ("开展时间/周期", "schedule"),
    ("开展方式", "manner"),
    ("实施范围", "scope"),
    ("主要内容", "content"),
    ("开展依据", "basis_docs"),
)
FORMATS = ("html", "csv", "xlsx", "json")
#: Leading characters a spreadsheet would read as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def rows(session: Session, jurisdiction_id: int, year: int) -> list[dict[str, Any]]:
    """The whitelist: the jurisdiction's published items of ``year``, in filing order."""
    found = session.scalars(
        select(Item)
        .where(
            Item.kind == WHITELIST,
            Item.year == year,
            Item.state == PUBLISHED,
            Item.jurisdiction_id == jurisdiction_id,
        )
        .order_by(Item.id)
    )
    return [
        {
            "no": n,
            "id": item.id,
            "title": item.title or "",
            "lead_units": "、".join(item.lead_units or []),
            "schedule": item.schedule or "",
            "manner": item.manner or "",
            "scope": item.scope or "",
            "content": item.content or "",
            "basis_docs": "；".join(item.basis_docs or []),
            "basis_kind": item.basis_kind,
        }
        for n, item in enumerate(found, 1)
    ]


def neutral(value: Any) -> Any:
    """A cell a spreadsheet shows as text, never evaluates (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _cells(row: dict[str, Any]) -> list[Any]:
    return [neutral(row[key]) for _, key in COLUMNS]


def write_csv(path: Path, title: str, entries: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([heading for heading, _ in COLUMNS])
        writer.writerows(_cells(row) for row in entries)


def write_xlsx(path: Path, title: str, entries: list[dict[str, Any]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "白名单"
    sheet.append([heading for heading, _ in COLUMNS])
    for row in entries:
        sheet.append(_cells(row))
    book.save(path)


def write_json(path: Path, title: str, entries: list[dict[str, Any]]) -> None:
    document = {
        "title": title,
        "columns": [heading for heading, _ in COLUMNS],
        "items": [
            {heading: row[key] for heading, key in COLUMNS} | {"id": row["id"]} for row in entries
        ],
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_html(path: Path, title: str, entries: list[dict[str, Any]]) -> None:
    head = "".join(f"<th>{html.escape(h)}</th>" for h, _ in COLUMNS)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape(str(row[key]))}</td>" for _, key in COLUMNS) + "</tr>"
        for row in entries
    )
    path.write_text(
        f'<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body>\n<h1>{html.escape(title)}</h1>\n"
        f'<table border="1">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n'
        "</table>\n</body></html>\n",
        encoding="utf-8",
    )


WRITERS: dict[str, Callable[[Path, str, list[dict[str, Any]]], None]] = {
    "html": write_html,
    "csv": write_csv,
    "xlsx": write_xlsx,
    "json": write_json,
}


def title_of(jurisdiction: str, year: int) -> str:
    return f"{jurisdiction}{year}年度社会事务进校园白名单"


def write(
    path: Path, fmt: str, jurisdiction: str, year: int, entries: list[dict[str, Any]]
) -> Path:
    """Write one whitelist file (written aside, then renamed: readers never see half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    WRITERS[fmt](partial, title_of(jurisdiction, year), entries)
    partial.replace(path)
    return path
