"""The commands of SPEC §7. Each parses options, calls one service function, prints."""

from __future__ import annotations

import sys
from typing import Any

import click

from campusgate import domain
from campusgate.app import App, cli, command, emit, error_line
from campusgate.options import application_fields, one_of

# --------------------------------------------------------------------------- db


@cli.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@command(db, "upgrade")
@click.argument("revision", default="head")
def db_upgrade(app: App, revision: str) -> None:
    """Create or upgrade the schema.

    \b
    Example:
        campusgate --db postgresql://postgres@127.0.0.1/campusgate db upgrade
    """
    from campusgate import migrations

    current = migrations.upgrade(app.creating_db(), revision)
    emit(
        app,
        {"revision": current, "database": app.db.display_url},
        app.t("db_at", revision=current or "base", url=app.db.display_url),
    )


@command(db, "downgrade")
@click.argument("revision")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def db_downgrade(app: App, revision: str, yes: bool) -> None:
    """Downgrade the schema to REVISION ('base' removes everything). Drops data: asks for
    confirmation on a terminal, else needs --yes; once users exist, for admins only.

    \b
    Example:
        campusgate --as admin db downgrade base --yes
    """
    from campusgate import migrations
    from campusgate.workflow.errors import InvalidInput
    from campusgate.workflow.schema import check_downgrade

    asking = not yes
    if asking and not on_terminal():
        raise InvalidInput("downgrade_needs_yes")
    check_downgrade(app.db, app.login)
    if asking and not click.confirm(
        app.t("downgrade_confirm", url=app.db.display_url, revision=revision), err=True
    ):
        raise InvalidInput("downgrade_declined")
    current = migrations.downgrade(app.db, revision)
    emit(
        app,
        {"revision": current, "database": app.db.display_url},
        app.t("db_at", revision=current or "base", url=app.db.display_url),
    )


def on_terminal() -> bool:
    """Whether someone at a terminal can answer a confirmation."""
    return sys.stdin.isatty()


@command(db, "current")
def db_current(app: App) -> None:
    """Print the schema revision and which database is in use (a SQLite file not created
    yet is said to be missing, and stays uncreated); in remote mode, also the server that
    every command but the db ones goes to.

    \b
    Example:
        campusgate db current
    """
    from campusgate import migrations
    from campusgate.remote import configured

    database, missing = existing_db(app)
    current = migrations.current(database) if database else None
    url = database.display_url if database else missing
    server = configured(app)
    if database is None and server is not None:  # a staff PC: no database here, none needed
        lines = [app.t("db_none_here", path=missing)]
    elif database is None:
        lines = [app.t("db_not_created", path=missing)]
    else:
        lines = [app.t("db_at", revision=current or "base", url=url)]
        if current != migrations.head():
            lines.append(app.t("db_upgrade_due", head=migrations.head()))
    if server is not None:
        lines.append(app.t("db_remote_mode", server=server.url))
    emit(
        app,
        {
            "revision": current,
            "head": migrations.head(),
            "database": url,
            "exists": database is not None,
            "backend": database.backend if database else "sqlite",
            "server": server.url if server else None,
        },
        "\n".join(lines),
    )


def existing_db(app: App) -> tuple[Any, str | None]:
    """``(the configured database, None)``, or ``(None, its path)`` when it is a SQLite file
    that does not exist yet (only ``db upgrade`` creates one)."""
    from campusgate.models import Unavailable

    try:
        return app.db, None
    except Unavailable as exc:
        if exc.code != "db_missing":
            raise
        return None, str(exc.params["path"])


# --------------------------------------------------------------------------- org


@cli.group()
def org() -> None:
    """Organisation: jurisdictions, departments, schools, users (admin only)."""


@command(org, "load")
@click.argument("path", type=click.Path(dir_okay=False))
def org_load(app: App, path: str) -> None:
    """Load an organisation from TOML; running it twice changes nothing.

    \b
    Example:
        campusgate org load hebi.toml
    """
    from campusgate.workflow import org as service

    counts = service.load(app.db, app.login, path)
    emit(app, counts, app.t("org_loaded", **counts))


@command(org, "add-jurisdiction")
@click.argument("name")
@click.option("--level", required=True, help=one_of(domain.LEVELS))
@click.option("--parent", help="The jurisdiction above (required for city and county).")
def org_add_jurisdiction(app: App, name: str, level: str, parent: str | None) -> None:
    """Add a jurisdiction.

    \b
    Example:
        campusgate org add-jurisdiction 淇滨区 --level county --parent 鹤壁市
    """
    from campusgate.workflow import org as service

    outcome = service.add_jurisdiction(app.db, app.login, name, level, parent)
    emit(app, {"name": name, "outcome": outcome}, app.t(f"org_{outcome}", name=name))


@command(org, "add-department")
@click.argument("name")
@click.option("--jurisdiction", required=True, help="The jurisdiction it belongs to.")
def org_add_department(app: App, name: str, jurisdiction: str) -> None:
    """Add a department that applies for items.

    \b
    Example:
        campusgate org add-department 市卫健委 --jurisdiction 鹤壁市
    """
    from campusgate.workflow import org as service

    outcome = service.add_department(app.db, app.login, name, jurisdiction)
    emit(app, {"name": name, "outcome": outcome}, app.t(f"org_{outcome}", name=name))


@command(org, "add-school")
@click.argument("name")
@click.option("--jurisdiction", required=True, help="The jurisdiction it belongs to.")
def org_add_school(app: App, name: str, jurisdiction: str) -> None:
    """Add a school.

    \b
    Example:
        campusgate org add-school 鹤壁市高级中学 --jurisdiction 鹤壁市
    """
    from campusgate.workflow import org as service

    outcome = service.add_school(app.db, app.login, name, jurisdiction)
    emit(app, {"name": name, "outcome": outcome}, app.t(f"org_{outcome}", name=name))


@command(org, "add-user")
@click.argument("login")
@click.option(
    "--role",
    "roles",
    multiple=True,
    help=one_of(domain.ROLES) + " (repeatable)",
)
@click.option("--jurisdiction", help="The user's jurisdiction.")
@click.option("--department", help="The user's department.")
@click.option("--email", help="The user's email address.")
@click.option("--name", help="Display name.")
def org_add_user(
    app: App,
    login: str,
    roles: tuple[str, ...],
    jurisdiction: str | None,
    department: str | None,
    email: str | None,
    name: str | None,
) -> None:
    """Add a user (--role and --jurisdiction needed), or change one: what is not given stays
    as it was.

    \b
    Example:
        campusgate org add-user wang.fang --role reviewer --jurisdiction 鹤壁市 --name 王芳
        campusgate org add-user wang.fang --email wangfang@jyj.example.gov.cn
    """
    from campusgate.workflow import org as service

    outcome = service.add_user(
        app.db,
        app.login,
        new_login=login,
        roles=list(roles),
        jurisdiction=jurisdiction,
        department=department,
        email=email,
        name=name,
    )
    emit(app, {"login": login, "outcome": outcome}, app.t(f"org_{outcome}", name=login))


@command(org, "show")
def org_show(app: App) -> None:
    """Show the organisation tree you can read.

    \b
    Example:
        campusgate org show
    """
    from campusgate import render
    from campusgate.workflow import org as service

    nodes = service.show(app.db, app.login)
    emit(app, nodes, lambda d: render.org_tree(d, app.lang))


# --------------------------------------------------------------------------- quota


@cli.group()
def quota() -> None:
    """Total quantity control per jurisdiction and year."""


@command(quota, "set")
@click.option("--jurisdiction", required=True, help="The jurisdiction the quota is for.")
@click.option("--year", required=True, help="Whitelist year.")
@click.option("--max", "max_items", required=True, help="Most whitelist items this year.")
@click.option(
    "--per-school",
    help="Most distinct items one school may receive a year; 'none' lifts the cap.",
)
def quota_set(
    app: App, jurisdiction: str, year: str, max_items: str, per_school: str | None
) -> None:
    """Set a quota (admin).

    \b
    Example:
        campusgate quota set --jurisdiction 鹤壁市 --year 2027 --max 12 --per-school 6
    """
    from campusgate import render
    from campusgate.workflow import org as service

    row = service.set_quota(
        app.db,
        app.login,
        jurisdiction=jurisdiction,
        year=year,
        max_items=max_items,
        per_school_max=per_school,
    )
    emit(app, row, lambda r: render.quotas_table([r], app.lang))


@command(quota, "show")
@click.option("--year", help="Only this year.")
@click.option("--jurisdiction", help="Only this jurisdiction.")
def quota_show(app: App, year: str | None, jurisdiction: str | None) -> None:
    """Show quotas and how much of each is used.

    \b
    Example:
        campusgate quota show --year 2027
    """
    from campusgate import render
    from campusgate.workflow import org as service

    rows = service.show_quotas(app.db, app.login, year=year, jurisdiction=jurisdiction)
    emit(app, rows, lambda r: render.quotas_table(r, app.lang))


# --------------------------------------------------------------------------- items


@command(cli, "apply")
@click.option("--department", required=True, help="The applying department.")
@click.option("--year", required=True, help="Whitelist year.")
@application_fields(required=True)
def apply_cmd(
    app: App,
    department: str,
    title: str,
    year: str,
    basis_kind: str,
    basis_docs: tuple[str, ...],
    lead_units: tuple[str, ...],
    schedule: str | None,
    manner: str | None,
    scope: str | None,
    place: str | None,
    content: str | None,
    teacher_hours: str | None,
) -> None:
    """Apply for a whitelist item; prints the new id.

    \b
    Example:
        campusgate --as li.na apply --department 市卫健委 --title 学生常见病防治宣传 \\
          --year 2027 --basis-kind law --basis-doc 《学校卫生工作条例》 --schedule 每年1次
    """
    from campusgate.workflow import items

    item = items.apply(
        app.db,
        app.login,
        department=department,
        title=title,
        year=year,
        basis_kind=basis_kind,
        basis_docs=list(basis_docs),
        lead_units=list(lead_units),
        schedule=schedule,
        manner=manner,
        scope=scope,
        place=place,
        content=content,
        teacher_hours=teacher_hours,
        today=app.today,
    )
    emit(app, item, str(item["id"]))


@cli.group()
def clue() -> None:
    """Problem clues for the rectification ledger."""


@command(clue, "add")
@click.option("--jurisdiction", required=True, help="The jurisdiction the problem is in.")
@click.option("--source", required=True, help=one_of(domain.SOURCES))
@click.option("--aspect", required=True, help=one_of(domain.ASPECTS))
@click.option("--summary", required=True, help="What the problem is, in a sentence.")
@click.option("--school", help="The school concerned, if one.")
@click.option("--reporter", help="Reporter contact; shown only to reviewers and approvers.")
@click.option("--link", "linked_item", type=int, help="The whitelist item this clue concerns.")
def clue_add(
    app: App,
    jurisdiction: str,
    source: str,
    aspect: str,
    summary: str,
    school: str | None,
    reporter: str | None,
    linked_item: int | None,
) -> None:
    """Take in a problem clue (reviewer); prints the new id.

    \b
    Example:
        campusgate --as wang.fang clue add --jurisdiction 鹤壁市 --source hotline \\
          --aspect duty --summary 一线教师节假日被安排校园值班
    """
    from campusgate.workflow import items

    item = items.add_clue(
        app.db,
        app.login,
        jurisdiction=jurisdiction,
        source=source,
        aspect=aspect,
        summary=summary,
        school=school,
        reporter=reporter,
        linked_item=linked_item,
        today=app.today,
    )
    emit(app, item, str(item["id"]))


@cli.group()
def item() -> None:
    """List, show and amend items."""


@command(item, "list")
@click.option("--kind", help=one_of(domain.KINDS))
@click.option(
    "--state",
    help=one_of(domain.STATES) + "; a rectification item's own words, 'on the ledger' "
    "(filed) and 'closed' (published), also select --kind rectification.",
)
@click.option("--year", help="Only this year.")
@click.option("--jurisdiction", help="Only this jurisdiction.")
@click.option("--limit", help="At most this many items (a page).")
@click.option("--after", help="Only items after this id (the next page: the last id shown).")
def item_list(
    app: App,
    kind: str | None,
    state: str | None,
    year: str | None,
    jurisdiction: str | None,
    limit: str | None,
    after: str | None,
) -> None:
    """List the items you can read, by id.

    \b
    Example:
        campusgate item list --kind whitelist --state reviewed --year 2027
        campusgate item list --limit 50 --after 150
    """
    from campusgate import render
    from campusgate.workflow import items

    rows = items.list_items(
        app.db,
        app.login,
        kind=kind,
        state=state,
        year=year,
        jurisdiction=jurisdiction,
        limit=limit,
        after=after,
    )

    def human(found: list[dict[str, Any]]) -> None:
        render.items_table(found, app.lang)
        if limit and found and len(found) == int(limit):  # there may be more
            click.echo(app.t("items_next_page", after=found[-1]["id"]))

    emit(app, rows, human)


@command(item, "show")
@click.argument("item_id")
def item_show(app: App, item_id: str) -> None:
    """Show an item: fields, state, what you may do now, history.

    \b
    Example:
        campusgate item show 7
    """
    from campusgate import render
    from campusgate.workflow import items

    view = items.show_item(app.db, app.login, item_id)
    emit(app, view, lambda v: render.item_detail(v, app.lang))


@command(item, "edit")
@click.argument("item_id")
@application_fields(required=False)
def item_edit(app: App, item_id: str, **fields: Any) -> None:
    """Amend a submitted application (its department's applicant).

    \b
    Example:
        campusgate --as li.na item edit 7 --schedule 2027年4-5月 --place 各中小学校
    """
    from campusgate.workflow import items

    changes = {
        k: (list(v) if isinstance(v, tuple) else v)
        for k, v in fields.items()
        if v not in (None, ())
    }
    view = items.amend(app.db, app.login, item_id, changes)
    emit(app, view, app.t("amended", id=view["id"], version=view["version"]))


#: How a needed parameter is given, where it is not an option of ``advance``.
_OPTION = {"amendment": "item edit ID --FIELD VALUE"}


def _trigger_table(lang: str = "en") -> str:
    """The triggers of both kinds, from the transition tables themselves: in English their
    codes; in Chinese each trigger's code (what is typed) with its label, and the states and
    roles by their labels, in each kind's own words (a rectification item's ``file`` is
    上台账). The heading stays the help catalogue's msgid, translated when shown."""
    from campusgate.app import text_width
    from campusgate.workflow.kinds import TABLES
    from campusgate.workflow.messages import label

    lines = ["\b", "Triggers (from state -> to state: who; needs):"]
    shown = {
        (kind, row.trigger): f"{row.trigger}（{label(row.trigger, lang, kind)}）"
        for kind, table in TABLES.items()
        for row in table
    }
    column = max(text_width(trigger) for trigger in shown.values()) + 2
    for kind, table in TABLES.items():
        if lang == "en":
            lines.append(f"  {kind}:")
            for row in table:
                needs = ", ".join(_OPTION.get(n, f"--{n}") for n in row.needs)
                lines.append(
                    f"    {row.trigger:<10}{'|'.join(row.source)} -> {row.dest}: "
                    f"{', '.join(row.who)}{'; ' + needs if needs else ''}"
                )
            continue
        lines.append(f"  {kind}（{label(kind, lang)}）：")
        for row in table:
            trigger = shown[kind, row.trigger]
            needs = "、".join(_OPTION.get(n, f"--{n}") for n in row.needs)
            states = "|".join(label(s, lang, kind) for s in row.source)
            parts = [
                f"{states} -> {label(row.dest, lang, kind)}：",
                "、".join(label(w, lang) for w in row.who) + ("；" if needs else ""),
                needs,
            ]
            # within a terminal's 80 columns (the epilog is indented by 2): what does not
            # fit goes on the next line, under the states
            cut = next(
                (i for i in (3, 2, 1) if text_width("".join(parts[:i])) + 4 + column <= 78), 1
            )
            lines.append(
                f"    {trigger}{' ' * (column - text_width(trigger))}" + "".join(parts[:cut])
            )
            if "".join(parts[cut:]):
                lines.append(" " * (4 + column) + "".join(parts[cut:]))
    return "\n".join(lines)


@command(cli, "advance", epilog_in=_trigger_table)
@click.argument("trigger")
@click.argument("item_ids", nargs=-1, required=True)
@click.option("--reason", help="Why (return, suspend, reinstate, revoke, extend).")
@click.option("--standard", help="Rectification standard (file a clue onto the ledger).")
@click.option("--deadline", help="Deadline YYYY-MM-DD (file, extend).")
@click.option("--owner", help="Responsible person's login (file).")
@click.option("--result", help="Rectification result (publish = close the item).")
def advance(
    app: App,
    trigger: str,
    item_ids: tuple[str, ...],
    reason: str | None,
    standard: str | None,
    deadline: str | None,
    owner: str | None,
    result: str | None,
) -> int:
    """Fire TRIGGER on each item, each in its own transaction.

    Exits with the worst outcome: an internal error (1) outranks everything, then the
    highest code.

    \b
    Example:
        campusgate --as zhao.lei advance file 3 4 5
        campusgate --as wang.fang advance file 9 --standard 一线教师不再参与值班 \\
          --deadline 2027-03-31 --owner chen.jing
    """
    from campusgate.app import translate, warning_line
    from campusgate.workflow import items

    params = items.Params(
        reason=reason, standard=standard, deadline=deadline, owner=owner, result=result
    )
    results, worst, whole = items.advance(
        app.db,
        app.login,
        item_ids,
        trigger,
        params,
        explain=lambda exc: translate(exc, app),
        warn=lambda notice: warning_line(app.lang, notice.message(app.lang)),
    )

    def human(_: Any) -> None:
        if whole:  # one refusal for every id: said once, and nothing was tried
            error_line(app.lang, results[0]["error"]["message"])
            click.echo(app.t("advance_none", total=len(results)))
            return
        for r in results:
            if r["ok"]:
                click.echo(
                    app.t(
                        "advanced",
                        id=r["id"],
                        trigger=items.trigger_code(trigger, r["kind"]),
                        state=r["state"],
                        kind=r["kind"],
                    )
                )
            else:
                error_line(app.lang, r["error"]["message"])
        done = sum(1 for r in results if r["ok"])
        click.echo(app.t("advance_summary", ok=done, total=len(results)))

    emit(app, {"results": results}, human)
    return worst


@command(cli, "evaluate")
@click.argument("item_id")
@click.option("--rating", required=True, help=one_of(domain.RATINGS))
@click.option("--outcome", required=True, help=one_of(domain.OUTCOMES))
@click.option("--note", help="A remark kept with the evaluation.")
def evaluate_cmd(app: App, item_id: str, rating: str, outcome: str, note: str | None) -> None:
    """Record the year-end evaluation of a published item (approver); the evaluation job
    applies it.

    \b
    Example:
        campusgate --as zhao.lei evaluate 3 --rating poor --outcome rectify --note 占用课时过多
    """
    from campusgate import render
    from campusgate.workflow import items
    from campusgate.workflow.clock import local_text

    view = items.evaluate(app.db, app.login, item_id, rating=rating, outcome=outcome, note=note)
    said = {
        "id": view["id"],
        "rating": view["evaluation"]["rating"],
        "outcome": view["evaluation"]["outcome"],
    }
    old = view["replaced"]
    if view["unchanged"]:
        emit(app, view, app.t("evaluation_unchanged", **said))
        return
    if old is None:
        emit(app, view, app.t("evaluated", **said))
        return
    message = app.t(
        "evaluation_replaced",
        **said,
        by=render.named(old["by"], old["by_name"], app.lang),
        at=local_text(old["at"]),
        old_rating=old["rating"],
        old_outcome=old["outcome"],
    )
    emit(app, view, message)


# --------------------------------------------------------------------------- audit, diagram


@cli.group()
def audit() -> None:
    """The hash-chained audit trail."""


@command(audit, "verify")
@click.option(
    "--against",
    "against",
    type=click.Path(dir_okay=False),
    help="Also check the log against checkpoints kept outside the database "
    "(what 'campusgate audit checkpoint' printed: its JSON, or its lines).",
)
def audit_verify(app: App, against: str | None) -> int:
    """Recompute every hash chain, replay it against the rows it describes and check the
    log against its checkpoints; exit 5 and name the first break if any.

    \b
    Example:
        campusgate audit verify
        campusgate audit verify --against checkpoints.txt
    """
    from campusgate.workflow import audit as service

    marks = service.read_checkpoints(against) if against else []
    with app.db.read() as session:
        verdict = service.verify(session, marks)
    data = {
        "ok": verdict.ok,
        "events": verdict.events,
        "first_broken": verdict.first_broken,
        "org_events": verdict.org_events,
        "checkpoints": verdict.checkpoints,
    }
    if verdict.ok:
        emit(app, data, app.t("audit_ok", events=verdict.events, org_events=verdict.org_events))
        return 0
    broken = verdict.first_broken or {}
    shown = app.label(broken.get("detail_code"))
    if broken.get("what"):
        shown += f": {broken['what']}"
    chain = broken.get("chain")
    if chain == "org":
        message = app.t(
            "audit_broken_org",
            seq=broken.get("seq"),
            entity=broken.get("entity", ""),
            key=broken.get("key", ""),
            detail=shown,
        )
    elif chain == "checkpoint":
        message = app.t(
            "audit_broken_checkpoint",
            checkpoint=broken.get("checkpoint"),
            source=broken.get("source"),
            detail=shown,
        )
    else:
        message = app.t(
            "audit_broken", item_id=broken.get("item_id"), seq=broken.get("seq"), detail=shown
        )
    if app.as_json:  # type: ignore[attr-defined]
        emit(app, data)
    else:
        error_line(app.lang, message)
    return 5


@command(audit, "checkpoint")
def audit_checkpoint(app: App) -> None:
    """Record the head digest of the whole audit log and print it (admin).

    Keep the printed line outside the database (mail, paper, another machine):
    'campusgate audit verify --against FILE' checks the log against such lines later.

    \b
    Example:
        campusgate audit checkpoint >> /srv/elsewhere/checkpoints.txt
    """
    import json

    from campusgate.workflow import audit as service

    mark = service.checkpoint(app.db, app.login)

    def human(data: dict[str, Any]) -> None:
        click.echo(app.t("audit_checkpointed", **data))
        click.echo(json.dumps(data, ensure_ascii=False, sort_keys=True))

    emit(app, mark, human)


@command(audit, "show")
@click.option("--item", "item_id", help="The events of this item.")
@click.option("--org", "org_only", is_flag=True, help="The organisation's events (admin).")
@click.option("--since", help="From this date on (YYYY-MM-DD, Asia/Shanghai).")
def audit_show(app: App, item_id: str | None, org_only: bool, since: str | None) -> None:
    """Print audit events: of one item, of the organisation, or all of them (admin).

    \b
    Example:
        campusgate audit show --item 12
        campusgate audit show --org --since 2026-12-01
    """
    from campusgate import render
    from campusgate.workflow import trail
    from campusgate.workflow.clock import local_text

    events = trail.show(app.db, app.login, item_id=item_id, org=org_only, since=since)

    def human(rows: list[dict[str, Any]]) -> None:
        for e in rows:
            if e["chain"] == "org":
                what = app.t(
                    "audit_org_event",
                    entity=e["entity"],
                    key=e["key"],
                    action=app.label("org_" + e["action"]),
                    changes=render.org_changes(e["entity"], e["before"], e["after"], app.lang),
                )
            else:
                kind = e.get("kind")
                moved = f"{app.label(e['from_state'], kind) or '—'} → "
                moved += app.label(e["to_state"], kind)
                what = f"#{e['item_id']}.{e['seq']} {app.label(e['trigger'], kind)} {moved}"
                if e.get("reason"):
                    what += f" {e['reason']}"
                if e.get("changes"):
                    what += " " + render.event_changes(e["changes"], app.lang)
            click.echo(f"{local_text(e['at'])} {e['actor']} {what}")

    emit(app, events, human)


@cli.group()
def workflow() -> None:
    """The state machines."""


@command(workflow, "diagram")
@click.option(
    "--kind",
    type=click.Choice(domain.KINDS),
    default=None,
    help="One kind (default: both).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mermaid", "dot", "svg", "png"]),
    default="mermaid",
    show_default=True,
    help="Output format (svg and png need Graphviz's dot).",
)
@click.option("--output", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
def workflow_diagram(app: App, kind: str | None, fmt: str, output: str | None) -> None:
    """Draw the state diagram, generated from the transition tables.

    \b
    Example:
        campusgate workflow diagram --kind whitelist
        campusgate workflow diagram --format svg --output whitelist.svg --kind whitelist
    """
    from campusgate import diagrams

    kinds = [kind] if kind else list(domain.KINDS)
    data = diagrams.draw(kinds, fmt, app.lang, output)
    emit(
        app,
        {
            "format": fmt,
            "kinds": kinds,
            "output": output,
            "diagram": data if isinstance(data, str) else None,
        },
        data if isinstance(data, str) and not output else app.t("written", path=output),
    )


from campusgate import (  # noqa: E402
    jobs_commands,  # noqa: F401  (jobs, scheduler, outbox)
    publication_commands,  # noqa: F401  (whitelist, check, entry, import, ledger, stats)
    server_commands,  # noqa: F401  (serve, token, login, logout, whoami)
)
