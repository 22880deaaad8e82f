"""``import applications`` and ``import clues``: CSV (UTF-8 with or without BOM, GB18030)
or XLSX, with the columns of SPEC §7 or the headers of real published lists.

All or nothing: every row is checked and opened in one transaction through the same intake
functions as ``apply`` and ``clue add`` (each with its audit event); when any row is bad,
every problem of every bad row is reported (row number, column, reason), together with the
header's unknown columns, exit 2, and nothing is written.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from campusgate.models import Database, Item
from campusgate.workflow.errors import CampusgateError, InvalidInput, PermissionDenied, Problems
from campusgate.workflow.intake import add_clue_in, application_values, apply_in, clue_values
from campusgate.workflow.messages import LABEL_ONLY, Names, OsReason, listed, render
from campusgate.workflow.scope import Actor, Tree, load_actor
from campusgate.workflow.tx import writing

#: Each field's accepted headers: its own name first, then those of real published lists.
APPLICATION_HEADERS: dict[str, tuple[str, ...]] = {
    "department": ("department", "申请部门"),
    "title": ("title", "活动名称", "事项名称"),
    "year": ("year", "年度"),
    "basis_kind": ("basis_kind", "准入类别", "准入依据类别"),
    "basis_docs": ("basis_docs", "开展依据"),
    "lead_units": ("lead_units", "实施单位", "主办单位", "牵头单位"),
    "schedule": ("schedule", "开展时间", "活动周期", "开展时间/周期"),
    "manner": ("manner", "开展方式"),
    "scope": ("scope", "实施范围", "对象范围"),
    "place": ("place", "开展地点"),
    "content": ("content", "活动主要内容", "主要内容"),
}
CLUE_HEADERS: dict[str, tuple[str, ...]] = {
    "jurisdiction": ("jurisdiction", "行政区"),
    "source": ("source", "来源", "线索来源"),
    "aspect": ("aspect", "方面", "问题方面"),
    "summary": ("summary", "问题线索"),
    "school": ("school", "学校"),
    "reporter": ("reporter", "反映人联系方式"),
}
REQUIRED = {
    id(APPLICATION_HEADERS): ("department", "title", "year", "basis_kind", "basis_docs"),
    id(CLUE_HEADERS): ("jurisdiction", "source", "aspect", "summary"),
}
#: The field a refusal without one concerns, by its message code.
FIELD_OF_ERROR = {
    "no_department": "department",
    "no_department_near": "department",
    "not_permitted_apply": "department",
    "no_school": "school",
    "no_school_near": "school",
    "no_jurisdiction": "jurisdiction",
    "no_jurisdiction_near": "jurisdiction",
    "not_permitted_clue": "jurisdiction",
    "no_item": "linked_item",
    "duplicate_application": "title",
    "duplicate_clue": "summary",
    "year_out_of_range": "year",
    "year_past": "year",
    "emergency_current_year": "basis_kind",
    "school_outside": "school",
}
#: The refusals that name an existing item as the one a row repeats.
DUPLICATES = frozenset({"duplicate_application", "duplicate_clue"})
#: Headers read and left alone.
IGNORED = frozenset({"序号", "no", "id", "编号"})
LIST_FIELDS = frozenset({"basis_docs", "lead_units"})
_LIST_SPLIT = re.compile(r"[\n；;]+")


def read_table(path: str | Path) -> list[tuple[int, list[str]]]:
    """The non-empty rows of a CSV or XLSX file, each with its row number in the file."""
    source = Path(path)
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise InvalidInput("import_unreadable", path=str(path), detail=OsReason.of(exc)) from None
    is_xlsx = raw.startswith(b"PK\x03\x04")  # a zip: the XLSX container
    table = _xlsx_rows(source, raw) if is_xlsx else _csv_rows(source, raw)
    return [(n, row) for n, row in table if any(cell for cell in row)]


def _csv_rows(path: Path, raw: bytes) -> list[tuple[int, list[str]]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise InvalidInput("import_unreadable", path=str(path), detail="encoding")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InvalidInput("import_unreadable", path=str(path), detail=str(exc)) from None
    return [(n, [cell.strip() for cell in row]) for n, row in enumerate(rows, 1)]


def _xlsx_rows(path: Path, raw: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # a damaged workbook: any of zipfile's and openpyxl's errors
        raise InvalidInput("import_unreadable", path=str(path), detail=type(exc).__name__) from None
    sheet = book.worksheets[0]
    found = []
    for n, row in enumerate(sheet.iter_rows(values_only=True), 1):
        found.append((n, ["" if v is None else _cell_text(v) for v in row]))
    book.close()
    return found


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value).strip()


@dataclass(frozen=True)
class Header:
    """The header row: its number in the file, ``{column index: (field, header as
    written)}``, and the columns it names that are not known (``(index, header)``)."""

    row: int
    columns: dict[int, tuple[str, str]]
    unknown: tuple[tuple[int, str], ...]

    def index(self, field: str) -> int | None:
        return next((i for i, (f, _) in self.columns.items() if f == field), None)


def _columns(
    path: str | Path, table: list[tuple[int, list[str]]], headers: dict[str, tuple[str, ...]]
) -> tuple[Header, list[tuple[int, list[str]]]]:
    """The header row (the first row naming two known columns; a title row above it is
    skipped) and the rows below it. A missing required column refuses the file at once;
    unknown columns are reported with the rows' problems."""
    known = {name: field for field, names in headers.items() for name in names}
    at = next(
        (n for n, (_, row) in enumerate(table) if sum(cell in known for cell in row) >= 2), None
    )
    if at is None:
        raise InvalidInput("import_empty", path=str(path))
    columns: dict[int, tuple[str, str]] = {}
    unknown: list[tuple[int, str]] = []
    for index, cell in enumerate(table[at][1]):
        if cell in known:
            columns[index] = (known[cell], cell)
        elif cell not in IGNORED and cell != "":
            unknown.append((index, cell))
    present = {field for field, _ in columns.values()}
    missing = [field for field in REQUIRED[id(headers)] if field not in present]
    if missing:
        # every missing column, by each of the names it may carry (the first Chinese one too)
        named = Names(tuple(" / ".join(headers[field][:2]) for field in missing))
        if unknown:  # a misspelt header is the likely cause: say both
            raise InvalidInput(
                "import_missing_column_unknown",
                path=str(path),
                column=named,
                unknown=Names(tuple(cell for _, cell in unknown)),
                choices=_choices(headers),
            )
        raise InvalidInput("import_missing_column", path=str(path), column=named)
    body = table[at + 1 :]
    if not body:
        raise InvalidInput("import_empty", path=str(path))
    return Header(table[at][0], columns, tuple(unknown)), body


def _choices(headers: dict[str, tuple[str, ...]]) -> str:
    return " | ".join(name for names in headers.values() for name in names)


def _record(columns: dict[int, tuple[str, str]], row: list[str]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for index, (field, _) in columns.items():
        cell = row[index] if index < len(row) else ""
        if field in LIST_FIELDS:
            record[field] = [part.strip() for part in _LIST_SPLIT.split(cell) if part.strip()]
        else:
            record[field] = cell or None  # a code's label is accepted where the code is checked
    return record


#: One problem of the file: row number, column (header as written), position of that column
#: (None: a problem of no column), the refusal.
Problem = tuple[int, str, int | None, CampusgateError]


@dataclass(frozen=True)
class RowProblems:
    """Every problem of the file: row number, column, reason, in the reader's language."""

    problems: tuple[Problem, ...]

    def message(self, lang: str = "zh") -> str:
        return listed(
            render("import_row", lang, row=n, column=column, reason=exc.message(lang, LABEL_ONLY))
            for n, column, _, exc in self.problems
        )


@dataclass(frozen=True)
class Tally:
    """How many data rows are bad, how many problems they have when that is more, and how
    many columns of the header are unknown."""

    rows: int
    problems: int
    unknown_columns: int = 0

    def message(self, lang: str = "zh") -> str:
        parts = []
        if self.rows:
            if self.problems == self.rows:
                parts.append(render("import_bad_row_count", lang, rows=self.rows))
            else:
                parts.append(
                    render("import_bad_row_problems", lang, rows=self.rows, problems=self.problems)
                )
        if self.unknown_columns:
            parts.append(render("import_unknown_column_count", lang, count=self.unknown_columns))
        return ("; " if lang == "en" else "，").join(parts)


def _import(
    db: Database,
    login: str,
    path: str | Path,
    headers: dict[str, tuple[str, ...]],
    open_item: Callable[[Session, Actor, Tree, dict[str, Any]], Item],
) -> list[int]:
    header, body = _columns(path, read_table(path), headers)
    unknown = Names(tuple(cell for _, cell in header.unknown))
    #: the header's unknown columns, named together with the columns there are, once
    problems: list[Problem] = (
        [
            (
                header.row,
                unknown.message(),
                None,
                InvalidInput("import_unknown_header", choices=_choices(headers)),
            )
        ]
        if header.unknown
        else []
    )
    #: the row that opened each item of this file (an item the file repeats names it)
    opened: dict[int, int] = {}
    with writing(db) as session:
        actor = load_actor(session, login)
        if not {"admin", "reviewer"} & actor.roles:
            raise PermissionDenied("not_permitted_import_any", actor=login)
        tree = Tree.load(session)
        for row_no, row in body:
            try:
                item = open_item(session, actor, tree, _record(header.columns, row))
            except PermissionDenied:
                raise  # the importer may not enter this row's department or jurisdiction
            except CampusgateError as exc:
                problems.extend(_row_problems(header, row_no, exc, opened))
                continue
            opened[item.id] = row_no
        in_rows = problems[1:] if header.unknown else problems
        if header.unknown and not in_rows:
            raise InvalidInput(
                "import_unknown_column", path=str(path), column=unknown, choices=_choices(headers)
            )
        if problems:
            count = Tally(len({n for n, *_ in in_rows}), len(in_rows), len(header.unknown))
            raise InvalidInput(
                "import_bad_rows", path=str(path), count=count, rows=RowProblems(tuple(problems))
            )
    return list(opened)


def _row_problems(
    header: Header, row_no: int, refusal: CampusgateError, opened: dict[int, int]
) -> list[Problem]:
    """Every problem of one row, in the file's order of columns (a problem of no column
    last); a row repeating an item an earlier row of the file opened names that row."""
    written = {field: name for field, name in header.columns.values()}
    found: list[Problem] = []
    for problem in refusal.every:
        field = str(problem.params.get("field") or FIELD_OF_ERROR.get(problem.code, ""))
        field = field.lstrip("-").replace("-", "_")
        if problem.code in DUPLICATES and problem.params.get("id") in opened:
            problem = InvalidInput("import_same_row", row=opened[problem.params["id"]])
        found.append((row_no, written.get(field, field or "—"), header.index(field), problem))
    found.sort(key=lambda p: (p[2] is None, p[2] or 0))
    return found


def import_applications(
    db: Database, login: str, path: str | Path, *, today: date | None = None
) -> list[int]:
    """Open every application of the file as if the importing user had applied for it."""

    def open_item(session: Session, actor: Actor, tree: Tree, record: dict[str, Any]) -> Item:
        found = Problems()
        fields = application_values(found, **_with_required(record, APPLICATION_HEADERS))
        return apply_in(session, actor, fields, today=today, on_behalf=True, found=found)

    return _import(db, login, path, APPLICATION_HEADERS, open_item)


def import_clues(
    db: Database, login: str, path: str | Path, *, today: date | None = None
) -> list[int]:
    """Take in every clue of the file as if the importing user had added it."""

    def open_item(session: Session, actor: Actor, tree: Tree, record: dict[str, Any]) -> Item:
        found = Problems()
        fields = clue_values(found, **_with_required(record, CLUE_HEADERS))
        return add_clue_in(session, actor, tree, fields, today=today, on_behalf=True, found=found)

    return _import(db, login, path, CLUE_HEADERS, open_item)


def _with_required(record: dict[str, Any], headers: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    """Required fields absent from a row passed as empty, so their check names them."""
    return {field: record.get(field) for field in REQUIRED[id(headers)]} | record
