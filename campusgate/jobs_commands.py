"""``jobs run|list``, ``scheduler`` and ``outbox list`` (SPEC §6, §7)."""

from __future__ import annotations

from typing import Any

import click

from campusgate.app import App, cli, command, emit


@cli.group()
def jobs() -> None:
    """Scheduled jobs: run one by hand for a date, list them."""


@command(jobs, "run")
@click.argument("name")
@click.option(
    "--date",
    "day",
    help="Act as of this date (YYYY-MM-DD; default today). A later date than today is a "
    "drill: it needs [clock] allow_override and really changes the database (a dry run "
    "takes any date).",
)
@click.option("--dry-run", is_flag=True, help="Count what would be done; change nothing.")
def jobs_run(app: App, name: str, day: str | None, dry_run: bool) -> None:
    """Run job NAME for a date: reminders, year-end-review, publish, refresh-published,
    evaluation, deliver, checkpoint.

    \b
    Example:
        campusgate --as admin jobs run reminders --date 2027-01-24 --dry-run
    """
    from campusgate.jobs.base import Context
    from campusgate.jobs.runner import check_date, check_operator, job, run_job
    from campusgate.workflow import validate
    from campusgate.workflow.clock import today

    job(name)  # an unknown name is input error before anything else
    as_of = validate.parse_date(day) or today()
    check_date(as_of, app.settings, dry_run=dry_run)
    check_operator(app.db, app.login)
    summary = run_job(
        app.db, name, as_of, dry_run=dry_run, ctx=Context(app.settings, progress=True)
    )
    emit(app, summary, lambda data: _print_summary(app, data))


def _print_summary(app: App, summary: dict[str, Any]) -> None:
    """What the job counted, each count under its name in the reader's language (in a dry
    run, as what it would do); then the files it wrote (or would write), one a line."""
    dry = bool(summary.get("dry_run"))
    shown = {k: v for k, v in summary.items() if k not in ("job", "date", "head", "dry_run")}
    sep = "，" if app.lang == "zh" else ", "
    text = sep.join(f"{_count_label(app, k, dry)} {_short(app, k, v)}" for k, v in shown.items())
    done = "job_dry_done" if dry else "job_done"
    click.echo(app.t(done, job=summary["job"], day=summary["date"], summary=text))
    written = "job_would_write" if dry else "job_wrote"
    for path in summary.get("files", ()):
        click.echo(app.t(written, path=path))


def _count_label(app: App, key: str, dry: bool) -> str:
    """A count's name; in a dry run its ``job_would_`` form where the catalogue has one."""
    from campusgate.workflow.messages import LABELS

    if dry and f"job_would_{key}" in LABELS:
        return app.label(f"job_would_{key}")
    return app.label(f"job_{key}")


def _short(app: App, key: str, value: Any) -> str:
    if key == "note":  # a message code
        return app.t(value)
    if isinstance(value, list):
        return str(len(value))
    if isinstance(value, dict):
        return " ".join(f"{app.label(k)} {v}" for k, v in value.items()) or "0"
    if isinstance(value, bool):
        return app.label("yes" if value else "no")
    return str(value)


@command(jobs, "list")
def jobs_list(app: App) -> None:
    """Each job, its schedule, its next run time and its last run.

    \b
    Example:
        campusgate jobs list
    """
    from campusgate.jobs.runner import JOBS, last_runs
    from campusgate.jobs.scheduler import next_runs

    nexts = next_runs(app.settings)
    lasts = last_runs(app.db)
    rows = [
        {
            "job": name,
            "schedule": getattr(app.settings.schedule, attr),
            "next_run": nexts[name],
            "last_run": lasts.get(name),
        }
        for name, (_, attr) in JOBS.items()
    ]

    def human(data: list[dict[str, Any]]) -> None:
        from campusgate import render
        from campusgate.workflow.messages import label

        render.rows_table(
            ("job", "job_about", "schedule_cron", "next_run", "last_run"),
            [
                (
                    row["job"],
                    label(f"job_named_{row['job']}", app.lang),
                    row["schedule"],
                    (row["next_run"] or "").replace("T", " ")[:16],
                    row["last_run"]["for_date"] if row["last_run"] else None,
                )
                for row in data
            ],
            app.lang,
        )

    emit(app, rows, human)


@command(cli, "scheduler")
@click.option("--interval", type=float, hidden=True, help="Every job every N seconds (drills).")
@click.option("--only", multiple=True, hidden=True, help="Schedule only this job.")
def scheduler_cmd(app: App, interval: float | None, only: tuple[str, ...]) -> None:
    """Run the scheduler daemon until SIGTERM or SIGINT.

    \b
    Example:
        campusgate --db postgresql://campusgate@db/campusgate scheduler
    """
    import logging

    from campusgate.jobs import scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    scheduler.serve(app.settings, app.settings.source, interval_seconds=interval, only=only or None)


@cli.group()
def outbox() -> None:
    """Messages waiting to be sent, sent, or failed."""


@command(outbox, "list")
@click.option("--state", help="pending | sent | failed (or their labels: 待发送 …)")
def outbox_list(app: App, state: str | None) -> None:
    """List outbox messages.

    \b
    Example:
        campusgate --as admin outbox list --state pending
    """
    from campusgate.workflow import outbox as messages

    with app.db.read() as session:
        rows = messages.list_messages(session, state, reader=app.login)

    def human(data: list[dict[str, Any]]) -> None:
        from campusgate import render

        if not data:
            click.echo(app.t("outbox_empty"))
            return
        render.outbox_table(data, app.lang)

    emit(app, rows, human)


@command(cli, "demo")
@click.option(
    "--db",
    "demo_db",
    type=click.Path(dir_okay=False),
    help="SQLite file for the demo (default: a fresh file in a new temporary folder).",
)
@click.option("--smtp", help="Deliver the demo's outbox to this SMTP server (HOST:PORT).")
@click.option("--yes", is_flag=True, help="Replace an existing file that is not a demo database.")
def demo_cmd(app: App, demo_db: str | None, smtp: str | None, yes: bool) -> None:
    """Build the Hebi demo on SQLite, run a year through the jobs, print the whitelist, the
    ledger and the outbox. Never writes to the configured database (global --db,
    CAMPUSGATE_DB or the configuration file).

    \b
    Example:
        campusgate demo
        campusgate demo --db hebi.db --smtp 127.0.0.1:8025
    """
    from campusgate import demo

    summary = demo.run(
        demo_db,
        app.lang,
        quiet=app.as_json,  # type: ignore[attr-defined]
        smtp=smtp,
        yes=yes,
        configured=app.settings.database_url,
    )
    emit(app, summary)
