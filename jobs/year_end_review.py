"""``year-end-review`` (Dec 20 02:00): centralised filing of next year's applications."""

from __future__ import annotations

from datetime import date
from typing import Any

from campusgate.jobs.base import Context, chunk, log, progress
from campusgate.models import Database
from campusgate.workflow.filing import file_jurisdiction, jurisdictions_to_review
from campusgate.workflow.scope import Actor, Tree

NAME = "year-end-review"
ACTOR = Actor.system(NAME)


def run(db: Database, as_of: date, dry_run: bool = False, ctx: Context | None = None) -> dict:
    """File next year's reviewed applications per jurisdiction, one transaction each."""
    year = as_of.year + 1
    with db.read() as session:
        jurisdictions = list(jurisdictions_to_review(session, year))
        tree = Tree.load(session)
    summary: dict[str, Any] = {"year": year, "filed": 0, "left": 0, "jurisdictions": []}
    for n, jid in enumerate(jurisdictions, 1):
        with chunk(db, dry_run) as session:
            docket = file_jurisdiction(session, ACTOR, tree, jid, year, as_of)
        summary["filed"] += len(docket.filed)
        summary["left"] += len(docket.left)
        summary["jurisdictions"].append(
            {
                "jurisdiction": docket.jurisdiction,
                "filed": docket.filed,
                "left": [
                    {"id": i, "title": t, "reason": why.code, "params": why.params}
                    for i, t, why in docket.left
                ],
            }
        )
        if ctx is not None:
            progress(ctx, NAME, n, len(jurisdictions))
    log.info("year-end review %s: filed %s, left %s", as_of, summary["filed"], summary["left"])
    return summary
