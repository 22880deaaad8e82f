"""The published whitelist of a jurisdiction and year (or of every level covering a school),
and the writers of tabular documents: HTML, CSV, XLSX, JSON. ``publish``, ``whitelist
export`` and the ledger use the same writers.

Every CSV and XLSX cell a spreadsheet would run as a formula is neutralised; every text in
the HTML page is escaped.
"""

from __future__ import annotations

import csv
import html
import json
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from campusgate.models import Database, Item
from campusgate.workflow.errors import InvalidInput
from campusgate.workflow.kinds import PUBLISHED, WHITELIST
from campusgate.workflow.messages import OsReason
from campusgate.workflow.scope import Tree

#: The whitelist's columns, by the row's key (``HEADINGS`` names them), in the order of real
#: published lists; every format and the page show exactly these. The item's number (编号)
#: stands beside the row number (序号): it is what the campus gate check asks for.
COLUMNS: tuple[str, ...] = (
    "no",
    "id",
    "title",
    "lead_units",
    "schedule",
    "place",
    "manner",
    "scope",
    "content",
    "basis_docs",
)
#: Column widths (in characters) of the XLSX sheet, by the row's key.
WIDTHS = {"no": 6, "id": 8, "title": 28, "content": 40, "basis_docs": 40, "lead_units": 18}
FORMATS = ("html", "csv", "xlsx", "json")
#: Leading characters a spreadsheet would read as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: How lists inside one cell are joined (imports split on it again).
LIST_SEPARATOR = "；"


def _entries(found: Iterable[Item], tree: Tree) -> list[dict[str, Any]]:
    return [
        {
            "no": n,
            "id": item.id,
            "title": item.title or "",
            "lead_units": LIST_SEPARATOR.join(item.lead_units or []),
            "schedule": item.schedule or "",
            "place": item.place or "",
            "manner": item.manner or "",
            "scope": item.scope or "",
            "content": item.content or "",
            "basis_docs": LIST_SEPARATOR.join(item.basis_docs or []),
            "basis_kind": item.basis_kind,
            "jurisdiction": tree.name(item.jurisdiction_id),
            "level": tree.levels.get(item.jurisdiction_id),
        }
        for n, item in enumerate(found, 1)
    ]


def _published_query(year: int) -> Select[tuple[Item]]:
    """The published whitelist items of ``year``, in filing order."""
    return (
        select(Item)
        .where(Item.kind == WHITELIST, Item.year == year, Item.state == PUBLISHED)
        .order_by(Item.id)
    )


def _published(session: Session, jurisdiction_ids: Sequence[int], year: int) -> list[Item]:
    found = session.scalars(
        _published_query(year).where(Item.jurisdiction_id.in_(jurisdiction_ids))
    )
    order = {jid: n for n, jid in enumerate(jurisdiction_ids)}
    return sorted(found, key=lambda item: order[item.jurisdiction_id])


def rows_by_jurisdiction(
    session: Session, year: int, tree: Tree
) -> dict[int, list[dict[str, Any]]]:
    """Every jurisdiction's whitelist of ``year`` (as :func:`rows`), in one read; a
    jurisdiction that published nothing is not there."""
    grouped: dict[int, list[Item]] = {}
    for item in session.scalars(_published_query(year)):
        grouped.setdefault(item.jurisdiction_id, []).append(item)
    return {jid: _entries(found, tree) for jid, found in grouped.items()}


def rows(
    session: Session, jurisdiction_id: int, year: int, tree: Tree | None = None
) -> list[dict[str, Any]]:
    """The whitelist: the jurisdiction's published items of ``year``, in filing order."""
    tree = tree or Tree.load(session)
    return _entries(_published(session, [jurisdiction_id], year), tree)


def rows_covering(
    session: Session, jurisdiction_id: int, year: int, tree: Tree
) -> list[dict[str, Any]]:
    """Every level's published items of ``year`` that cover a school of ``jurisdiction_id``,
    the highest level first; each row names its level and jurisdiction."""
    levels = list(reversed(tree.ancestors(jurisdiction_id)))
    return _entries(_published(session, levels, year), tree)


def neutral(value: Any) -> Any:
    """A cell a spreadsheet shows as text, never evaluates (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


@dataclass
class Document:
    """A table to write: a title, the headings, the rows' cells, and what the HTML page and
    the JSON document also show (year, level, hotline, mailbox)."""

    title: str
    headings: list[str]
    cells: Iterable[Sequence[Any]]
    widths: list[int] = field(default_factory=list)
    about: dict[str, Any] = field(default_factory=dict)
    #: the rows as objects, for JSON
    records: list[dict[str, Any]] | None = None
    #: the columns (0-based) whose cells wrap in XLSX; ``None``: every column. Styling a
    #: cell costs as much as writing it, so long ledgers wrap only their texts.
    wrapped: frozenset[int] | None = None
    #: a line the HTML page shows above the table
    note: str | None = None


def write_csv(path: Path, doc: Document) -> int:
    """UTF-8 with a BOM (so Excel shows Chinese); the header, then the rows."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(doc.headings)
        for row in doc.cells:
            writer.writerow([neutral(cell) for cell in row])
            count += 1
    return count


def write_xlsx(path: Path, doc: Document) -> int:
    """A title row, the header (frozen), column widths, wrapped text; written streaming
    (openpyxl's write-only mode), so memory stays flat however many rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(re.sub(r"[\\/*?:\[\]]", "-", doc.title)[:31] or "sheet")
    for n, width in enumerate(doc.widths, 1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    sheet.freeze_panes = "A3"
    wrap = Alignment(wrap_text=True, vertical="top")

    def styled(value: Any, font: Font | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=neutral(value))
        cell.alignment = wrap
        if font is not None:
            cell.font = font
        return cell

    sheet.append([styled(doc.title, Font(bold=True, size=14))])
    bold = Font(bold=True)
    sheet.append([styled(h, bold) for h in doc.headings])
    wrapped = doc.wrapped if doc.wrapped is not None else frozenset(range(len(doc.headings)))
    count = 0
    for row in doc.cells:
        sheet.append(
            [styled(cell) if n in wrapped else neutral(cell) for n, cell in enumerate(row)]
        )
        count += 1
    book.save(path)
    return count


def write_json(path: Path, doc: Document) -> int:
    records = doc.records
    if records is None:
        records = [dict(zip(doc.headings, row, strict=True)) for row in doc.cells]
    document = {"title": doc.title, **doc.about, "columns": doc.headings, "items": records}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return len(records)


_STYLE = """
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:1rem;
color:#111;line-height:1.5}
h1{font-size:1.4rem;text-align:center;margin:.5rem 0}
.about{text-align:center;color:#333;margin:.25rem 0 1rem}
.search{display:block;width:100%;box-sizing:border-box;font-size:1rem;padding:.5rem;
margin:0 0 1rem;border:1px solid #888;border-radius:4px}
.wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #555;padding:.35rem;vertical-align:top;text-align:left}
th{background:#eee}
tr[hidden]{display:none}
.note{text-align:center;color:#333;font-size:.9rem;margin:0 0 .75rem}
.contact{margin-top:1rem;font-size:.95rem}
@media (max-width:640px){thead{display:none}table,tbody,tr,td{display:block;width:100%}
tr{border:1px solid #555;margin-bottom:.75rem}td{border:none;border-bottom:1px solid #ddd}
td::before{content:attr(data-label)"：";font-weight:bold}}
@media print{.search{display:none}tr[hidden]{display:table-row}thead{display:table-header-group}
tr{page-break-inside:avoid}body{margin:0}}
"""

_SCRIPT = """
(function(){
var box=document.getElementById('search');
var rows=document.querySelectorAll('tbody tr');
var count=document.getElementById('shown');
function filter(){
  var words=box.value.trim().toLowerCase().split(/\\s+/).filter(Boolean);
  var shown=0;
  rows.forEach(function(row){
    var text=row.textContent.toLowerCase();
    var hit=words.every(function(w){return text.indexOf(w)>=0;});
    row.hidden=!hit; if(hit){shown++;}
  });
  count.textContent=shown;
}
box.addEventListener('input',filter);
var hash=location.hash.match(/^#q=(.*)$/);
if(hash){box.value=decodeURIComponent(hash[1]);}
filter();
})();
"""


def both(key: str) -> str:
    """A heading in Chinese and English, for the posted page."""
    from campusgate.workflow.messages import heading

    return f"{heading(key, 'zh')} / {heading(key, 'en')}"


def write_html(path: Path, doc: Document) -> int:
    """One self-contained page a bureau can post: no external assets, every text escaped."""
    e = html.escape
    about = doc.about
    labels = [e(h) for h in doc.headings]
    head = "".join(f"<th>{h}</th>" for h in labels)
    body_rows = []
    for row in doc.cells:
        cells = "".join(
            f'<td data-label="{label}">{e(str(cell))}</td>'
            for label, cell in zip(labels, row, strict=True)
        )
        body_rows.append(f"<tr>{cells}</tr>")
    subtitle = " · ".join(e(str(v)) for v in (about.get("year_text"), about.get("level_text")) if v)
    contact = [
        f"<p>{e(both(key))}：{e(about[key])}</p>"
        for key in ("hotline", "mailbox")
        if about.get(key)
    ]
    search = e(both("search"))
    total = len(body_rows)
    page = (
        '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(doc.title)}</title>\n<style>{_STYLE}</style></head><body>\n"
        f'<h1>{e(doc.title)}</h1>\n<p class="about">{subtitle}</p>\n'
        f'<input id="search" class="search" type="search" placeholder="{search}" '
        f'aria-label="{search}">\n'
        f'<p class="about">显示 <span id="shown">{total}</span> / {total} 项</p>\n'
        + (f'<p class="note">{e(doc.note)}</p>\n' if doc.note else "")
        + f'<div class="wrap"><table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
        + "\n".join(body_rows)
        + "\n</tbody>\n</table></div>\n"
        f'<div class="contact">{"".join(contact)}</div>\n'
        f"<script>{_SCRIPT}</script>\n</body></html>\n"
    )
    path.write_text(page, encoding="utf-8")
    return total


def notice_page(title: str, message: str, lang: str = "zh") -> str:
    """A page that says why there is no list to show (nothing published, a name mistyped):
    what a reader who followed a link sees instead of a bare error document."""
    e = html.escape
    return (
        f'<!doctype html>\n<html lang="{"en" if lang == "en" else "zh-CN"}"><head>'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n<style>{_STYLE}</style></head><body>\n"
        f'<h1>{e(title)}</h1>\n<p class="note">{e(message)}</p>\n</body></html>\n'
    )


WRITERS: dict[str, Callable[[Path, Document], int]] = {
    "html": write_html,
    "csv": write_csv,
    "xlsx": write_xlsx,
    "json": write_json,
}


#: What every published list is.
TITLE = "社会事务进校园白名单"


def title_of(jurisdiction: str, year: int | str) -> str:
    return f"{jurisdiction}{year}年度{TITLE}"


def whitelist_document(
    jurisdiction: str,
    year: int,
    entries: list[dict[str, Any]],
    *,
    level: str | None = None,
    hotline: str | None = None,
    mailbox: str | None = None,
) -> Document:
    from campusgate.workflow.messages import heading, label, render

    headings = [heading(key) for key in COLUMNS]
    return Document(
        title=title_of(jurisdiction, year),
        headings=headings,
        cells=[[row[key] for key in COLUMNS] for row in entries],
        widths=[WIDTHS.get(key, 16) for key in COLUMNS],
        about={
            "jurisdiction": jurisdiction,
            "year": year,
            "level": level,
            "hotline": hotline,
            "mailbox": mailbox,
            "year_text": f"{year}年度",
            "level_text": label(level) if level else None,
        },
        records=[
            dict(zip(headings, (row[key] for key in COLUMNS), strict=True)) | {"id": row["id"]}
            for row in entries
        ],
        note=" / ".join(render("whitelist_id_note", lang) for lang in ("zh", "en")),
    )


def write_document(path: Path, fmt: str, doc: Document) -> int:
    """Write one file (written aside, then renamed: readers never see half); the rows
    written. An unknown format is input; so is a missing folder (never created); an
    unwritable path says why."""
    from campusgate.workflow import validate

    if fmt not in WRITERS:
        raise InvalidInput("invalid_format", value=fmt, choices=" | ".join(WRITERS))
    validate.output_file(path)
    partial = path.with_name(path.name + ".part")
    try:
        count = WRITERS[fmt](partial, doc)
        partial.replace(path)
    except OSError as exc:
        if partial.parent.is_dir():
            partial.unlink(missing_ok=True)
        raise InvalidInput("output_unwritable", path=str(path), detail=OsReason.of(exc)) from None
    return count


def publish_folder(settings: Any, year: int, *, create: bool = True) -> Path:
    """Where the publish jobs write ``year``'s files: ``[publish] folder``/YEAR. A configured
    folder must exist (a missing one is a typo or a share not mounted: refused, never made);
    unset, it is ``published`` in the user data folder, made on first use. The year's folder
    is made when ``create``."""
    from campusgate.workflow.config import default_publish_folder

    base = Path(settings.folder) if settings.folder else default_publish_folder()
    if settings.folder and not base.is_dir():
        raise InvalidInput("publish_folder_missing", folder=str(base))
    folder = base / str(year)
    if create:
        try:
            folder.mkdir(parents=not settings.folder, exist_ok=True)
        except OSError as exc:
            raise InvalidInput(
                "output_unwritable", path=str(folder), detail=OsReason.of(exc)
            ) from None
    return folder


#: The formats whose files are the same bytes for the same list (XLSX stamps its time).
_STABLE = ("html", "csv", "json")


def write_files(
    folder: Path, name: str, doc: Document, *, dry_run: bool = False, changed: bool = False
) -> list[Path]:
    """``doc`` as NAME.html, .csv, .xlsx and .json in ``folder``, unless the files there say
    exactly this already (``changed``: known to differ): the paths written (in a dry run,
    that would be), none when they are current. Each file is written aside and renamed into
    place, the JSON last: a reader never sees half a file, and a run cut short is redone by
    the next."""
    targets = {fmt: folder / f"{name}.{fmt}" for fmt in FORMATS}
    try:
        with tempfile.TemporaryDirectory(
            prefix=".campusgate-", dir=None if dry_run else folder
        ) as staging:
            staged = {fmt: Path(staging) / target.name for fmt, target in targets.items()}
            for fmt in _STABLE:
                WRITERS[fmt](staged[fmt], doc)
            current = targets["xlsx"].is_file() and all(
                targets[fmt].is_file() and targets[fmt].read_bytes() == staged[fmt].read_bytes()
                for fmt in _STABLE
            )
            if current and not changed:
                return []
            if not dry_run:
                write_xlsx(staged["xlsx"], doc)
                for fmt in sorted(FORMATS, key=lambda fmt: fmt == "json"):
                    staged[fmt].replace(targets[fmt])
    except OSError as exc:
        raise InvalidInput("output_unwritable", path=str(folder), detail=OsReason.of(exc)) from None
    return list(targets.values())


def write(
    path: Path,
    fmt: str,
    jurisdiction: str,
    year: int,
    entries: list[dict[str, Any]],
    **about: Any,
) -> Path:
    """Write one whitelist file (``about``: level, hotline, mailbox)."""
    write_document(path, fmt, whitelist_document(jurisdiction, year, entries, **about))
    return path


# --------------------------------------------------------------------------- services


def show(
    db: Database,
    login: str | None,
    *,
    year: int | str,
    jurisdiction: str | None = None,
    school: str | None = None,
) -> dict[str, Any]:
    """The published whitelist of a jurisdiction, or every level's list covering a school
    (each item with its level). The published list is public: any known user reads it, and
    the public (``login=None``) through the server's public pages."""
    from campusgate.workflow import validate
    from campusgate.workflow.errors import NotFound
    from campusgate.workflow.intake import find_school
    from campusgate.workflow.scope import load_actor

    year_value = validate.year(year)
    if jurisdiction is not None and school is not None:
        raise InvalidInput("school_or_jurisdiction")
    with db.read() as session:
        if login is not None:
            load_actor(session, login)
        tree = Tree.load(session)
        if school is not None:
            found = find_school(session, validate.text("school", school, required=True) or "")
            entries = rows_covering(session, found.jurisdiction_id, year_value, tree)
            if not entries:
                raise NotFound("nothing_published_school", school=found.name, year=year_value)
            return {"year": year_value, "school": found.name, "items": entries}
        if jurisdiction is None:
            raise InvalidInput("missing_field", field="--jurisdiction / --school")
        jid = tree.resolve(jurisdiction)
        entries = rows(session, jid, year_value, tree)
        if not entries:
            raise NotFound("nothing_published", jurisdiction=tree.name(jid), year=year_value)
        return {
            "year": year_value,
            "jurisdiction": tree.name(jid),
            "level": tree.levels[jid],
            "items": entries,
        }


def export(
    db: Database,
    login: str | None,
    *,
    year: int | str,
    jurisdiction: str,
    fmt: str,
    output: str | Path,
    hotline: str | None = None,
    mailbox: str | None = None,
) -> dict[str, Any]:
    """Write the jurisdiction's published whitelist of ``year`` in ``fmt`` to ``output``
    (whose folder must exist)."""
    from campusgate.workflow import validate

    if fmt not in WRITERS:
        raise InvalidInput("invalid_format", value=fmt, choices=" | ".join(WRITERS))
    path = validate.output_file(output)
    listed = show(db, login, year=year, jurisdiction=jurisdiction)
    write(
        path,
        fmt,
        listed["jurisdiction"],
        listed["year"],
        listed["items"],
        level=listed["level"],
        hotline=hotline,
        mailbox=mailbox,
    )
    return {"path": str(path), "format": fmt, "rows": len(listed["items"])}
