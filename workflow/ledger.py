"""The rectification ledger (整改台账) as bureaus keep it, exported as XLSX or CSV through
the one set of writers. It never carries the reporter's contact."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from campusgate.domain import FILED, PUBLISHED, RECTIFICATION
from campusgate.models import Database, Item, ItemEvent, School, User
from campusgate.workflow import validate
from campusgate.workflow.clock import local
from campusgate.workflow.clock import today as clock_today
from campusgate.workflow.errors import InvalidInput
from campusgate.workflow.messages import label
from campusgate.workflow.publication import Document, write_document
from campusgate.workflow.scope import Tree, load_actor, readable_jurisdiction

#: (heading, width) of the ledger's columns, in the order bureaus keep them. The item's
#: number (编号) stands beside the row number (序号): ``advance`` and ``item show`` ask for it.
COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 6),
    ("编号", 8),
    ("问题线索", 40),
    ("来源", 10),
    ("方面", 16),
    ("学校", 18),
    ("整改标准", 30),
    ("整改时限", 12),
    ("责任人", 10),
    ("状态", 10),
    ("整改结果", 30),
    ("销号日期", 12),
    ("是否逾期", 8),
)
FORMATS = ("xlsx", "csv")
#: The columns of free text, wrapped in XLSX.
WRAPPED = frozenset(
    n for n, (heading, _) in enumerate(COLUMNS) if heading in ("问题线索", "整改标准", "整改结果")
)
OVERDUE_MARK = "逾期"
#: the streaming batch size: memory stays flat however long the ledger
BATCH = 1000


#: On the ledger: a rectification item filed and not yet closed (SQL conditions).
ON_LEDGER = (Item.kind == RECTIFICATION, Item.state == FILED)


def overdue(today: date) -> tuple[Any, ...]:
    """The SQL conditions of an item on the ledger past its deadline (``is_overdue``)."""
    return (*ON_LEDGER, Item.deadline < today)


def is_overdue(state: str, deadline: date | None, today: date) -> bool:
    """On the ledger (filed) and past its deadline: ``overdue`` for a row already read."""
    return state == FILED and deadline is not None and deadline < today


def ledger_rows(
    session: Session, jurisdiction_id: int, year: int | None, today: date
) -> Iterator[list[Any]]:
    """The ledger's rows, streamed: the items put on the ledger, closed or revoked since
    included; no reporter among them."""
    owner = aliased(User)
    closing = aliased(ItemEvent)
    query = (
        select(
            Item.id,
            Item.summary,
            Item.source,
            Item.aspect,
            School.name,
            Item.standard,
            Item.deadline,
            owner.name,
            Item.state,
            Item.result,
            closing.as_of,
            closing.at,
        )
        .outerjoin(School, School.id == Item.school_id)
        .outerjoin(owner, owner.id == Item.owner_id)
        .outerjoin(closing, and_(closing.item_id == Item.id, closing.to_state == PUBLISHED))
        .where(Item.kind == RECTIFICATION, Item.jurisdiction_id == jurisdiction_id)
        # put on the ledger (filing gives the deadline): a clue not yet filed, or dropped
        # before it was, is no ledger row
        .where(Item.deadline.is_not(None))
        .order_by(Item.id)
        .execution_options(yield_per=BATCH)
    )
    if year is not None:
        query = query.where(Item.year == year)
    for n, r in enumerate(session.execute(query), 1):
        closed = r.as_of or (local(r.at).date() if r.at else None)
        yield [
            n,
            r.id,
            r.summary or "",
            label(r.source),
            label(r.aspect),
            r[4] or "",
            r.standard or "",
            r.deadline.isoformat() if r.deadline else "",
            r[7] or "",
            label(r.state, kind=RECTIFICATION),
            r.result or "",
            closed.isoformat() if closed else "",
            OVERDUE_MARK if is_overdue(r.state, r.deadline, today) else "",
        ]


def ledger_document(
    session: Session, jurisdiction_id: int, name: str, year: int | None, today: date
) -> Document:
    """The ledger as a document for the writers and the renderer (rows streamed)."""
    span = f"{year}年度" if year else ""
    return Document(
        title=f"{name}{span}减轻中小学教师负担整改台账",
        headings=[heading for heading, _ in COLUMNS],
        cells=ledger_rows(session, jurisdiction_id, year, today),
        widths=[width for _, width in COLUMNS],
        wrapped=WRAPPED,
    )


def _opened(session: Session, login: str, jurisdiction: str) -> tuple[int, str]:
    actor = load_actor(session, login)
    tree = Tree.load(session)
    jid = readable_jurisdiction(actor, jurisdiction, tree)
    return jid, tree.name(jid)


def export(
    db: Database,
    login: str,
    *,
    jurisdiction: str,
    year: int | str | None,
    fmt: str,
    output: str | Path,
) -> dict[str, Any]:
    """Write the jurisdiction's ledger (of ``year``, or all years) to ``output`` (whose
    folder must exist)."""
    if fmt not in FORMATS:
        raise InvalidInput("invalid_format", value=fmt, choices=" | ".join(FORMATS))
    path = validate.output_file(output)
    year_value = validate.year(year) if year is not None else None
    with db.read() as session:
        jid, name = _opened(session, login, jurisdiction)
        doc = ledger_document(session, jid, name, year_value, clock_today())
        count = write_document(path, fmt, doc)
    return {"path": str(output), "format": fmt, "rows": count, "jurisdiction": name}


def show(
    db: Database, login: str, *, jurisdiction: str, year: int | None, today: date | None = None
) -> Document:
    """The ledger with its rows read, for printing."""
    with db.read() as session:
        jid, name = _opened(session, login, jurisdiction)
        doc = ledger_document(session, jid, name, year, today or clock_today())
        doc.cells = list(doc.cells)
    return doc
