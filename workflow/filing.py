"""Centralised filing (集中审核审批、备案, SPEC §6): per jurisdiction, next year's reviewed
applications are filed in priority order up to the quota; the rest stay reviewed.

Each filing is an ordinary ``file`` transition (``items.transition``): the quota, the
ratification of emergencies and the permission are checked by the table's own guards.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, case, select
from sqlalchemy.orm import Session

from campusgate.models import Item
from campusgate.workflow import audit
from campusgate.workflow.errors import GuardRefused
from campusgate.workflow.guards import took_place
from campusgate.workflow.items import Params, transition
from campusgate.workflow.kinds import FILING_PRIORITY, REVIEWED, WHITELIST
from campusgate.workflow.messages import render
from campusgate.workflow.outbox import NO_ITEM, Mail, enqueue, staff
from campusgate.workflow.scope import Actor, Tree

DOCKET = "docket"


def priority_order() -> tuple:
    """Law, joint, unified, emergency; then the earliest applied."""
    return (
        case(FILING_PRIORITY, value=Item.basis_kind, else_=len(FILING_PRIORITY)),
        Item.created_at,
        Item.id,
    )


def jurisdictions_to_review(session: Session, year: int) -> Iterator[int]:
    """Jurisdictions with reviewed applications for ``year``, streamed."""
    query = (
        select(Item.jurisdiction_id)
        .where(Item.kind == WHITELIST, Item.year == year, Item.state == REVIEWED)
        .group_by(Item.jurisdiction_id)
        .order_by(Item.jurisdiction_id)
    )
    yield from session.scalars(query)


@functools.cache
def _filing_query() -> Select[tuple[Item]]:
    """A jurisdiction's reviewed applications of a year in priority order, built once."""
    return (
        select(Item)
        .where(
            Item.kind == WHITELIST,
            Item.year == bindparam("year"),
            Item.state == REVIEWED,
            Item.jurisdiction_id == bindparam("jurisdiction_id"),
        )
        .order_by(*priority_order())
    )


@dataclass
class Docket:
    """What the review of one jurisdiction did."""

    jurisdiction: str
    year: int
    filed: list[int] = field(default_factory=list)
    #: (item id, title, why it was not filed)
    left: list[tuple[int, str, GuardRefused]] = field(default_factory=list)


def file_jurisdiction(
    session: Session, actor: Actor, tree: Tree, jurisdiction_id: int, year: int, as_of: date
) -> Docket:
    """File ``jurisdiction_id``'s reviewed applications for ``year`` up to its quota, in the
    caller's transaction; the rest are listed in a docket mailed to its approvers."""
    docket = Docket(tree.name(jurisdiction_id), year)
    full: GuardRefused | None = None
    # One quota look-up (and lock) for the jurisdiction: each filing counts its place; the
    # filed items and their events are written together at the end.
    cache: dict[Any, Any] = {}
    writes = audit.Writes()
    filing = _filing_query()
    for item in list(session.scalars(filing, {"jurisdiction_id": jurisdiction_id, "year": year})):
        if full is not None:  # the quota is reached: the rest need not be tried
            docket.left.append((item.id, item.title or "", full))
            continue
        try:
            transition(
                session,
                actor,
                item,
                "file",
                Params(),
                tree,
                today=as_of,
                cache=cache,
                writes=writes,
            )
        except GuardRefused as refusal:
            docket.left.append((item.id, item.title or "", refusal))
            if refusal.code in ("quota_exceeded", "no_quota"):
                full = refusal
            continue
        took_place(cache, item)
        docket.filed.append(item.id)
    writes.write(session)
    if docket.left:
        enqueue(session, docket_mails(session, docket, jurisdiction_id, as_of))
    return docket


def docket_mails(session: Session, docket: Docket, jurisdiction_id: int, as_of: date) -> list[Mail]:
    subject = render(
        "mail_docket",
        jurisdiction=docket.jurisdiction,
        year=docket.year,
        filed=len(docket.filed),
        left=len(docket.left),
    )
    shown: dict[int, str] = {}  # the items left by a full quota share one refusal
    for _, _, why in docket.left[:200]:
        if id(why) not in shown:
            shown[id(why)] = why.message()
    lines = "\n".join(
        f"{item_id}  {title}  （{shown[id(why)]}）" for item_id, title, why in docket.left[:200]
    )
    mails = []
    for user in staff(session, ("approver",), [jurisdiction_id]):
        body = render("mail_items_body", name=user.name, lines=f"{subject}\n\n{lines}")
        mails.append(Mail(user.login, user.email, DOCKET, NO_ITEM, as_of, subject, body))
    return mails
