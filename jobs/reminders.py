"""``reminders`` (daily 01:00): ledger reminders, escalations and digests into the outbox."""

from __future__ import annotations

from datetime import date
from typing import Any

from campusgate.jobs.base import Context, chunk, default_context, log, progress
from campusgate.models import Database
from campusgate.workflow import outbox
from campusgate.workflow.reminders import digest_mails, ledger_mails
from campusgate.workflow.scope import Tree
from campusgate.workflow.workdays import WorkingDays

NAME = "reminders"


def run(db: Database, as_of: date, dry_run: bool = False, ctx: Context | None = None) -> dict:
    """Write the reminders due on ``as_of``; a rerun for the same date adds nothing."""
    ctx = ctx or default_context(db)
    rules = ctx.settings.reminders
    workdays = WorkingDays(ctx.jobs.calendar) if rules.working_days else None
    counts: dict[str, Any] = {"items": 0, "queued": 0, "already": 0}
    after_id = 0
    while True:
        with chunk(db, dry_run) as session:
            tree = Tree.load(session)
            mails, last = ledger_mails(
                session, as_of, rules, workdays, tree, after_id=after_id, limit=ctx.jobs.chunk
            )
            added = outbox.enqueue(session, mails)
        if last is None:
            break
        counts["items"] += len({m.item_id for m in mails})
        counts["queued"] += added
        counts["already"] += len(mails) - added
        after_id = last
        progress(ctx, NAME, counts["items"])
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
