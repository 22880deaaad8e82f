"""The evaluation sweep (SPEC §4.6): apply the recorded outcomes of a year's published items.

keep: nothing; suspend: ``suspend``; rectify: ``suspend`` and a linked rectification item
with source ``evaluation`` (``reinstate`` then waits for it to be published); revoke:
``revoke``; retire (清理): ``revoke`` recorded as housekeeping.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, select

from campusgate.domain import EVALUABLE
from campusgate.models import Database, Evaluation, Item
from campusgate.workflow import items
from campusgate.workflow.clock import now_utc
from campusgate.workflow.items import Params, changing_item, transition
from campusgate.workflow.kinds import RECTIFICATION, WHITELIST
from campusgate.workflow.machines import MACHINES
from campusgate.workflow.messages import label, render
from campusgate.workflow.scope import Actor, Tree

#: The trigger each outcome fires on a published item (``None``: nothing to fire).
OUTCOME_TRIGGERS: dict[str, str | None] = {
    "keep": None,
    "suspend": "suspend",
    "rectify": "suspend",
    "revoke": "revoke",
    "retire": "revoke",
}
#: The aspect of the rectification item a ``rectify`` outcome opens.
RECTIFY_ASPECT = "social-affairs"


def pending(db: Database, year: int) -> list[int]:
    """Items of ``year`` with an outcome recorded and not yet applied."""
    with db.read() as session:
        return list(
            session.scalars(
                select(Evaluation.item_id)
                .where(Evaluation.year == year, Evaluation.applied_at.is_(None))
                .order_by(Evaluation.item_id)
            )
        )


def lacking_evaluation(query: Select[Any], year: int) -> Select[Any]:
    """``query`` narrowed to the published (or suspended) items of ``year`` without an
    evaluation."""
    return query.outerjoin(Evaluation, Evaluation.item_id == Item.id).where(
        Item.kind == WHITELIST,
        Item.year == year,
        Item.state.in_(EVALUABLE),
        Evaluation.item_id.is_(None),
    )


def unevaluated(db: Database, year: int) -> list[dict[str, Any]]:
    """Published (or suspended) items of ``year`` without an evaluation."""
    with db.read() as session:
        tree = Tree.load(session)
        query = select(Item.id, Item.title, Item.jurisdiction_id).order_by(Item.id)
        rows = session.execute(lacking_evaluation(query, year))
        return [{"id": i, "title": t, "jurisdiction": tree.name(j)} for i, t, j in rows]


def apply_outcome(db: Database, actor: Actor, item_id: int, as_of: date) -> str:
    """Apply one recorded outcome; safe to repeat after a crash at any point."""
    if _outcome(db, item_id) == "rectify" and _open_clue(db, item_id) is None:
        _open_rectification(db, actor, item_id, as_of)
    with changing_item(db, item_id) as (session, item):
        evaluation = session.get_one(Evaluation, item_id)
        trigger = OUTCOME_TRIGGERS[evaluation.outcome]
        # an outcome the item's state already holds (a suspended item to suspend) is done
        if trigger is not None and MACHINES[item.kind].leads_from(trigger, item.state):
            reason = render(
                "evaluation_reason",
                outcome=label(evaluation.outcome),
                note=evaluation.note or "",
            ).strip()
            tree = Tree.load(session)
            transition(session, actor, item, trigger, Params(reason=reason), tree, today=as_of)
        evaluation.applied_at = now_utc()
        return evaluation.outcome


def _outcome(db: Database, item_id: int) -> str:
    with db.read() as session:
        return session.get_one(Evaluation, item_id).outcome


def _open_clue(db: Database, item_id: int) -> int | None:
    with db.read() as session:
        return session.scalar(
            select(Item.id).where(
                Item.kind == RECTIFICATION,
                Item.source == "evaluation",
                Item.linked_item_id == item_id,
            )
        )


def _open_rectification(db: Database, actor: Actor, item_id: int, as_of: date) -> None:
    with db.read() as session:
        item = session.get_one(Item, item_id)
        evaluation = session.get_one(Evaluation, item_id)
        jurisdiction = Tree.load(session).name(item.jurisdiction_id)
        # the clue is taken by the job for the approver who asked for rectification
        evaluator = evaluation.evaluated_by
        summary = render(
            "evaluation_clue", title=item.title, id=item.id, note=evaluation.note or ""
        ).strip()
    items.add_clue(
        db,
        actor.login,
        jurisdiction=jurisdiction,
        source="evaluation",
        aspect=RECTIFY_ASPECT,
        summary=summary,
        linked_item=item_id,
        today=as_of,
        actor=actor,
        for_user=evaluator,
    )
