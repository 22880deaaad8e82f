"""``checkpoint`` (daily 00:30): record the digest of the whole audit log and mail it to the
admins, so that a copy of it lives outside the database (SPEC §5)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

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
    one message per admin in the outbox, both in one transaction: a dry run does the same
    and rolls it back, reporting what a real run would record and queue (but no checkpoint
    number, which only a real run gives)."""
    with chunk(db, dry_run) as session:
        done = session.scalars(
            select(Checkpoint)
            .where(Checkpoint.actor == ACTOR.login, Checkpoint.as_of == as_of)
            .order_by(Checkpoint.id)
        ).first()
        if done is not None:
            mark = audit.checkpoint_view(done)
        else:
            mark = audit.record_checkpoint(session, ACTOR.login, as_of, actor=ACTOR)
        summary: dict[str, Any] = {"recorded": done is None, "queued": 0}
        if not (dry_run and done is None):
            summary["checkpoint"] = mark["checkpoint"]
        summary["head"] = mark["head"]
        summary["queued"] = _queue(session, as_of, mark)
    log.info("checkpoint %s: %s", as_of, summary)
    return summary


def _queue(session: Session, as_of: date, mark: dict[str, Any]) -> int:
    """One mail of the checkpoint per admin; how many were new in the outbox."""
    line = json.dumps(mark, ensure_ascii=False, sort_keys=True)
    admins = session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "admin")
        .distinct()
        .order_by(User.id)
    ).all()
    return enqueue(
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
