"""``refresh-published`` (daily 02:15): the whitelist files in the publish folder follow the
published lists. Where a list changed since its files were written (an item suspended,
reinstated, revoked or published late), the files are rewritten."""

from __future__ import annotations

from datetime import date

from campusgate.jobs.base import Context, default_context, log
from campusgate.jobs.publish import write_whitelists
from campusgate.models import Database

NAME = "refresh-published"


def run(db: Database, as_of: date, dry_run: bool = False, ctx: Context | None = None) -> dict:
    """Rewrite the stale whitelist files of ``as_of``'s year; a dry run lists them only."""
    ctx = ctx or default_context(db)
    files = write_whitelists(db, as_of.year, ctx.settings.publish, dry_run=dry_run)
    log.info("refresh-published %s: %s files", as_of, len(files))
    return {"year": as_of.year, "files": files}
