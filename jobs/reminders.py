"""``reminders`` (daily 01:00): ledger reminders, escalations and digests into the outbox."""

from __future__ import annotations

from datetime import date
from typing import Any

from campusgate.jobs.base import Context, chunk, default_context, log, progress
from campusgate.models import Database
from campusgate.workflow import outbox
from campusgate.workflow.reminders import digest_mails, due_items, ledger_mails
from campusgate.workflow.scope import Tree
from campusgate.workflow.workdays import WorkingDays

NAME = "reminders"


def run(db: Database, as_of: date, dry_run: bool = False, ctx: Context | None = None) -> dict:
    """Write the reminders due on ``as_of``; a rerun for the same date adds nothing."""
    ctx = ctx or default_context(db)
    rules = ctx.settings.reminders
    workdays = WorkingDays(ctx.jobs.calendar) if rules.working_days else None
    counts: dict[str, Any] = {"items": 0, "queued": 0, "already": 0}
    with db.read() as session:
        due = due_items(session, as_of, rules, workdays)
    step = ctx.jobs.chunk
    for start in range(0, len(due), step):
        item_ids = due[start : start + step]
        with chunk(db, dry_run) as session:
            tree = Tree.load(session)
            mails = ledger_mails(session, as_of, rules, workdays, tree, item_ids)
            added = outbox.enqueue(session, mails)
        counts["items"] += len(item_ids)
        counts["queued"] += added
        counts["already"] += len(mails) - added
        progress(ctx, NAME, counts["items"], len(due))
    with chunk(db, dry_run) as session:
        tree = Tree.load(session)
        schedule = ctx.settings.schedule
        mails = digest_mails(
            session, as_of, rules, schedule.year_end_review, schedule.evaluation, tree
        )
        added = outbox.enqueue(session, mails)
    counts["digests"] = added
    counts["queued"] += added
    counts["already"] += len(mails) - added
    log.info("reminders %s: %s", as_of, counts)
    return counts
