"""``publish`` (Jan 2 02:00): publish this year's filed items, write each whitelist; and the
writing of the whitelist files that ``refresh-published`` runs nightly."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import select

from campusgate.jobs.base import Context, chunk, default_context, log, progress
from campusgate.models import Database, Item
from campusgate.workflow import audit, publication
from campusgate.workflow.items import Params, transition
from campusgate.workflow.kinds import FILED, WHITELIST
from campusgate.workflow.scope import Actor, Tree

NAME = "publish"
ACTOR = Actor.system(NAME)


def run(db: Database, as_of: date, dry_run: bool = False, ctx: Context | None = None) -> dict:
    """Publish ``as_of``'s year's filed items in chunks, then write the whitelists; a dry
    run writes nothing and reports the files it would write."""
    ctx = ctx or default_context(db)
    year = as_of.year
    summary: dict[str, Any] = {"year": year, "published": 0, "files": []}
    publishing: set[int] = set()
    after_id = 0
    while True:
        with chunk(db, dry_run) as session:
            tree = Tree.load(session)
            batch = list(
                session.scalars(
                    select(Item)
                    .where(
                        Item.kind == WHITELIST,
                        Item.year == year,
                        Item.state == FILED,
                        Item.id > after_id,
                    )
                    .order_by(Item.id)
                    .limit(ctx.jobs.chunk)
                )
            )
            # the batch's items and their events are written together (executemany)
            cache: dict[Any, Any] = {}
            writes = audit.Writes()
            for item in batch:
                transition(
                    session,
                    ACTOR,
                    item,
                    "publish",
                    Params(),
                    tree,
                    today=as_of,
                    cache=cache,
                    writes=writes,
                )
                publishing.add(item.jurisdiction_id)
                after_id = item.id  # read here: a dry run's rollback detaches the items
            writes.write(session)
        if not batch:
            break
        summary["published"] += len(batch)
        progress(ctx, NAME, summary["published"])
    summary["files"] = write_whitelists(
        db, year, ctx.settings.publish, dry_run=dry_run, publishing=publishing
    )
    log.info("publish %s: %s published", as_of, summary["published"])
    return summary


def write_whitelists(
    db: Database,
    year: int,
    settings: Any,
    *,
    dry_run: bool = False,
    publishing: Collection[int] = (),
) -> list[str]:
    """Bring the whitelist files of ``year`` under the publish folder up to date: the files
    (every format, with the configured hotline and mailbox) of each jurisdiction that has
    published items or has files there, rewritten where they no longer say what its
    published list says (a list emptied by revocations is written empty); the paths
    written. With ``dry_run``, the paths it would write, counting the jurisdictions of
    ``publishing`` (whose items a dry run published and rolled back) as changed."""
    folder = publication.publish_folder(settings, year, create=False)
    written = []
    with db.read() as session:
        tree = Tree.load(session)
        published = publication.rows_by_jurisdiction(session, year, tree)  # one read for all
        posted = {
            jid
            for jid, name in tree.names.items()
            if any((folder / f"{name}.{fmt}").exists() for fmt in publication.FORMATS)
        }
        due = sorted({*published, *publishing, *posted})
        if due and not dry_run:  # the year's folder is made when there is a list to write
            publication.publish_folder(settings, year)
        for jid in due:
            name = tree.name(jid)
            document = publication.whitelist_document(
                name,
                year,
                published.get(jid, []),
                level=tree.levels[jid],
                hotline=settings.hotline,
                mailbox=settings.mailbox,
            )
            paths = publication.write_files(
                folder, name, document, dry_run=dry_run, changed=jid in publishing
            )
            written += [str(path) for path in paths]
    return written
