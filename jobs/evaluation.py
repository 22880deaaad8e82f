"""``evaluation`` (Dec 25 03:00): apply this year's recorded evaluation outcomes."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from campusgate.jobs.base import Context, log, progress
from campusgate.models import Database
from campusgate.workflow import evaluation
from campusgate.workflow.scope import Actor

NAME = "evaluation"
ACTOR = Actor.system(NAME)


def run(db: Database, as_of: date, dry_run: bool = False, ctx: Context | None = None) -> dict:
    """Apply each recorded outcome in its own transaction; list items without one."""
    year = as_of.year
    todo = evaluation.pending(db, year)
    applied: Counter[str] = Counter()
    if not dry_run:
        for n, item_id in enumerate(todo, 1):
            applied[evaluation.apply_outcome(db, ACTOR, item_id, as_of)] += 1
            if ctx is not None:
                progress(ctx, NAME, n, len(todo))
    summary: dict[str, Any] = {"year": year, "to_apply": len(todo)}
    if not dry_run:  # a dry run applies nothing, so has nothing applied to count
        summary["applied"] = dict(applied)
    summary["unevaluated"] = evaluation.unevaluated(db, year)
    log.info("evaluation %s: %s", as_of, summary)
    return summary
