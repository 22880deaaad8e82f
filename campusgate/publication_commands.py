"""``whitelist show|export``, ``check``, ``entry record``, ``import``, ``ledger export`` and
``stats`` (SPEC §7)."""

from __future__ import annotations

from typing import Any

import click

from campusgate.app import App, cli, command, emit
from campusgate.options import one_of

WHITELIST_FORMATS = ("html", "csv", "xlsx", "json")
LEDGER_FORMATS = ("xlsx", "csv")


@cli.group()
def whitelist() -> None:
    """The published whitelists."""


@command(whitelist, "show")
@click.option("--year", required=True, help="Whitelist year.")
@click.option("--jurisdiction", help="This jurisdiction's list.")
@click.option("--school", help="Every level's list that covers this school.")
def whitelist_show(app: App, year: str, jurisdiction: str | None, school: str | None) -> None:
    """Show a published whitelist: a jurisdiction's, or every level's covering a school.

    \b
    Example:
        campusgate whitelist show --year 2027 --jurisdiction 鹤壁市
        campusgate whitelist show --year 2027 --school 淇滨区实验小学
    """
    from campusgate import render
    from campusgate.workflow import publication

    listing = publication.show(
        app.db, app.reader, year=year, jurisdiction=jurisdiction, school=school
    )
    where = listing.get("jurisdiction") or listing.get("school") or ""
    emit(
        app,
        listing,
        lambda data: render.whitelist_table(
            data, app.lang, publication.title_of(where, data["year"])
        ),
    )


@command(whitelist, "export")
@click.option("--year", required=True, help="Whitelist year.")
@click.option("--jurisdiction", required=True, help="This jurisdiction's list.")
@click.option("--format", "fmt", required=True, help=one_of(WHITELIST_FORMATS))
@click.option("--output", required=True, type=click.Path(dir_okay=False), help="The file to write.")
def whitelist_export(app: App, year: str, jurisdiction: str, fmt: str, output: str) -> None:
    """Write a published whitelist as a postable HTML page, CSV, XLSX or JSON.

    \b
    Example:
        campusgate whitelist export --year 2027 --jurisdiction 鹤壁市 --format html \\
          --output 鹤壁市2027.html
    """
    from campusgate.workflow import publication

    publish = app.settings.publish
    done = publication.export(
        app.db,
        app.reader,
        year=year,
        jurisdiction=jurisdiction,
        fmt=fmt,
        output=output,
        hotline=publish.hotline,
        mailbox=publish.mailbox,
    )
    emit(app, done, app.t("exported", count=done["rows"], path=done["path"]))


@command(cli, "check")
@click.option("--school", required=True, help="The school's name.")
@click.option("--item", "item_id", required=True, help="The item's id.")
@click.option("--date", "day", help="YYYY-MM-DD (default today).")
def check_cmd(app: App, school: str, item_id: str, day: str | None) -> int:
    """May ITEM enter SCHOOL on the date? Exit 0 allowed, 5 not (the reason says why).

    \b
    Example:
        campusgate check --school 淇滨区实验小学 --item 12 --date 2027-03-01
    """
    from campusgate.workflow import gate

    verdict = gate.check(app.db, app.reader, school=school, item_id=item_id, day=day)
    params = {"item": verdict.item_id, "school": verdict.school, "date": verdict.day}
    if verdict.allowed:
        emit(app, verdict.view(), app.t("gate_allowed", **params))
        return 0
    emit(
        app,
        verdict.view(),
        app.t("gate_refused", reason=app.label(verdict.reason), **params),
    )
    return 5


@cli.group()
def entry() -> None:
    """Entries of whitelist items into schools."""


@command(entry, "record")
@click.option("--school", required=True, help="The school's name.")
@click.option("--item", "item_id", required=True, help="The item's id.")
@click.option("--date", "day", help="YYYY-MM-DD, today or earlier (default today).")
def entry_record(app: App, school: str, item_id: str, day: str) -> None:
    """Record that ITEM entered SCHOOL on the date; refused when 'campusgate check' says no.

    \b
    Example:
        campusgate --as wu.min entry record --school 淇滨区实验小学 --item 12 --date 2027-03-01
    """
    from campusgate.workflow import gate

    done = gate.record_entry(app.db, app.login, school=school, item_id=item_id, day=day)
    code = "entry_recorded" if done["recorded"] else "entry_exists"
    emit(app, done, app.t(code, item=done["item"], school=done["school"], date=done["date"]))


@command(entry, "list")
@click.option("--school", help="Only this school.")
@click.option("--item", "item_id", help="Only this item.")
@click.option("--year", help="Only this year.")
def entry_list(app: App, school: str | None, item_id: str | None, year: str | None) -> None:
    """List the entries recorded into the schools you read, by date.

    \b
    Example:
        campusgate --as wu.min entry list --school 淇滨区实验小学 --year 2027
    """
    from campusgate import render
    from campusgate.workflow import gate
    from campusgate.workflow.clock import local_text

    found = gate.list_entries(app.db, app.login, school=school, item_id=item_id, year=year)

    def human(data: list[dict[str, Any]]) -> None:
        if not data:
            click.echo(app.t("entries_empty"))
            return
        keys = ("date", "school", "id", "title", "recorded_by", "at_local")
        rows = [
            (
                e["date"],
                e["school"],
                e["item"],
                e["title"],
                render.named(e["recorded_by"], e["recorded_by_name"], app.lang),
                local_text(e["recorded_at"]),
            )
            for e in data
        ]
        render.rows_table(keys, rows, app.lang)

    emit(app, found, human)


@cli.group(name="import")
def import_group() -> None:
    """Import applications or clues from CSV (UTF-8, GB18030) or XLSX, all or nothing."""


@command(import_group, "applications")
@click.argument("path", type=click.Path(dir_okay=False))
def import_applications(app: App, path: str) -> None:
    """Import whitelist applications (admin, or a reviewer of their jurisdiction).

    \b
    Example:
        campusgate --as wang.fang import applications 2027年白名单申报汇总.xlsx
    """
    from campusgate.workflow import imports

    ids = imports.import_applications(app.db, app.login, path, today=app.today)
    emit(app, {"imported": ids}, app.t("imported", count=len(ids), ids=_ids(ids)))


@command(import_group, "clues")
@click.argument("path", type=click.Path(dir_okay=False))
def import_clues(app: App, path: str) -> None:
    """Import problem clues (a reviewer of their jurisdiction, or an admin).

    \b
    Example:
        campusgate --as wang.fang import clues 问题线索.csv
    """
    from campusgate.workflow import imports

    ids = imports.import_clues(app.db, app.login, path, today=app.today)
    emit(app, {"imported": ids}, app.t("imported", count=len(ids), ids=_ids(ids)))


def _ids(ids: list[int]) -> str:
    return ", ".join(str(i) for i in ids) or "—"


@cli.group()
def ledger() -> None:
    """The rectification ledger (整改台账)."""


@command(ledger, "export")
@click.option("--jurisdiction", required=True, help="This jurisdiction's ledger.")
@click.option("--year", help="Only this year.")
@click.option("--format", "fmt", required=True, help=one_of(LEDGER_FORMATS))
@click.option("--output", required=True, type=click.Path(dir_okay=False), help="The file to write.")
def ledger_export(app: App, jurisdiction: str, year: str | None, fmt: str, output: str) -> None:
    """Write the ledger as XLSX or CSV; the reporter's contact is never in it.

    \b
    Example:
        campusgate ledger export --jurisdiction 鹤壁市 --year 2027 --format xlsx --output 台账.xlsx
    """
    from campusgate.workflow import ledger as service

    done = service.export(
        app.db, app.login, jurisdiction=jurisdiction, year=year, fmt=fmt, output=output
    )
    emit(app, done, app.t("exported", count=done["rows"], path=done["path"]))


@command(cli, "stats")
@click.option("--jurisdiction", help="This jurisdiction and those under it.")
@click.option("--year", help="Only this year.")
def stats_cmd(app: App, jurisdiction: str | None, year: str | None) -> None:
    """Counts by state, aspect and source; overdue items; whitelist items against quotas.

    \b
    Example:
        campusgate stats --jurisdiction 鹤壁市 --year 2027
    """
    from campusgate import render
    from campusgate.workflow import stats

    data: dict[str, Any] = stats.stats(app.db, app.login, jurisdiction=jurisdiction, year=year)
    emit(app, data, lambda d: render.stats_tables(d, app.lang))
