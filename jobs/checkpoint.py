"""``checkpoint`` (daily 00:30): record the digest of the whole audit log and mail it to the
admins, so that a copy of it lives outside the database (SPEC §5)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select

from campusgate.jobs.base import Context, chunk, log
from campusgate.models import Checkpoint, Database, User, UserRole
from campusgate.workflow import audit
from campusgate.workflow.messages import render
from campusgate.workflow.outbox import NO_ITEM, Mail, enqueue
from campusgate.workflow.scope import Actor

NAME = "checkpoint"
ACTOR = Actor.system(NAME)
KIND = "checkpoint"


def run(db: Database, as_of: date, dry_run: bool = False, ctx: Context | None = None) -> dict:
    """Record today's checkpoint once (a rerun for the same date mails the same one) and put
    one message per admin in the outbox."""
    with db.read() as session:
        done = session.scalars(
            select(Checkpoint)
            .where(Checkpoint.actor == ACTOR.login, Checkpoint.as_of == as_of)
            .order_by(Checkpoint.id)
        ).first()
        mark = audit.checkpoint_view(done) if done is not None else None
    summary: dict[str, Any] = {"recorded": False, "queued": 0}
    if mark is None:
        if dry_run:
            return {**summary, "would_record": True}
        mark = audit.checkpoint(db, ACTOR.login, as_of, actor=ACTOR)
        summary["recorded"] = True
    summary.update(checkpoint=mark["checkpoint"], head=mark["head"])
    line = json.dumps(mark, ensure_ascii=False, sort_keys=True)
    with chunk(db, dry_run) as session:
        admins = session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == "admin")
            .distinct()
            .order_by(User.id)
        ).all()
        summary["queued"] = enqueue(
            session,
            (
                Mail(
                    recipient=admin.login,
                    address=admin.email,
                    kind=KIND,
                    item_id=NO_ITEM,
                    for_date=as_of,
                    subject=render("mail_checkpoint", day=as_of.isoformat(), **mark),
                    body=render("mail_checkpoint_body", name=admin.name or admin.login, line=line),
                )
                for admin in admins
            ),
        )
    log.info("checkpoint %s: %s", as_of, summary)
    return summary
