"""``campusgate demo``: one year of the Hebi cycle on a fresh SQLite database.

The story is data (``hebi_story.toml`` beside the organisation ``hebi.toml``): who applies,
reviews, takes in clues and evaluates, on fixed dates; the scheduled jobs do the rest on
theirs (reminders, the year-end review, publication, the evaluation sweep). The demo holds no
rule of its own: every step goes through the same service functions and jobs as the CLI and
the scheduler, so it comes out the same whatever the real date is.

It prints the city's whitelist, the ledger, the outbox and a summary, and verifies the audit
chain. It writes only to ``demo --db PATH`` or to a new temporary folder.
"""

from __future__ import annotations

import sqlite3
import tempfile
import tomllib
from collections import Counter
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from campusgate import migrations
from campusgate.jobs.base import Context
from campusgate.jobs.runner import job
from campusgate.models import Database
from campusgate.workflow import (
    audit,
    items,
    org,
    validate,
)
from campusgate.workflow import outbox as outbox_messages
from campusgate.workflow.config import SMTP, Publish, Settings
from campusgate.workflow.errors import CampusgateError, GuardRefused, InvalidInput
from campusgate.workflow.items import Params
from campusgate.workflow.kinds import BASIS_KINDS, STATES
from campusgate.workflow.messages import heading, label
from campusgate.workflow.messages import render as render_message

#: ``PRAGMA user_version`` of a demo database: only such a file is replaced without --yes.
DEMO_MARK = 0x48454249  # "HEBI"


@cache
def story_data() -> dict[str, Any]:
    return tomllib.loads(_data_file("hebi_story.toml").read_text(encoding="utf-8"))


class Story:
    """The demo's database and what happened, for the summary."""

    def __init__(self, db: Database, lang: str, ctx: Context) -> None:
        self.db = db
        self.lang = lang
        self.ctx = ctx
        self.ids: dict[str, int] = {}
        #: each item's kind, by id: it words the item's triggers in the summary
        self.kinds: dict[int, str] = {}
        #: rules that said no on the way: (what was tried, the message)
        self.refusals: list[dict[str, Any]] = []
        self.jobs: list[dict[str, Any]] = []

    def item(self, key: str) -> int:
        return self.ids[key]

    def text(self, value: Any) -> Any:
        """Text naming items as ``{key}`` gets their ids."""
        return value.format_map(self.ids) if isinstance(value, str) and "{" in value else value

    # ---- the kinds of event in the story file

    def apply(self, event: dict[str, Any]) -> None:
        fields = _fields(event, "do", "date", "as", "key")
        view = items.apply(self.db, event["as"], year=YEAR, today=_day(event), **fields)
        self.ids[event["key"]] = int(view["id"])
        self.kinds[int(view["id"])] = view["kind"]

    def fire(self, event: dict[str, Any]) -> None:
        params = {
            k: self.text(v)
            for k, v in _fields(event, "do", "date", "as", "item", "trigger").items()
        }
        items.fire(
            self.db,
            event["as"],
            self.item(event["item"]),
            event["trigger"],
            Params(**params),
            today=_day(event),
        )

    def refused(self, event: dict[str, Any]) -> None:
        """A trigger that a rule is expected to refuse; the refusal is kept."""
        try:
            self.fire(event)
        except CampusgateError as exc:
            self.refusal(
                self.item(event["item"]), event["trigger"], event["as"], event["date"], exc
            )
        else:  # pragma: no cover - the story is fixed
            raise AssertionError(f"{event} was expected to be refused")

    def refusal(
        self, item_id: int, trigger: str, actor: str, day: str, exc: CampusgateError
    ) -> None:
        self.refusals.append(
            {
                "id": item_id,
                "kind": self.kinds[item_id],
                "trigger": trigger,
                "actor": actor,
                "date": day,
                "code": exc.code,
                "exit": exc.exit_code,
                "message": exc.message(self.lang),
            }
        )

    def amend(self, event: dict[str, Any]) -> None:
        items.amend(
            self.db,
            event["as"],
            self.item(event["item"]),
            _fields(event, "do", "date", "as", "item"),
        )

    def clue(self, event: dict[str, Any]) -> None:
        fields = _fields(event, "do", "date", "as", "key")
        view = items.add_clue(self.db, event["as"], today=_day(event), **fields)
        self.ids[event["key"]] = int(view["id"])
        self.kinds[int(view["id"])] = view["kind"]

    def ledger(self, event: dict[str, Any]) -> None:
        """Verify a clue (核实) and put it on the ledger with standard, deadline, owner."""
        who = {"as": event["as"], "item": event["item"], "date": event["date"]}
        self.fire({**who, "trigger": "review"})
        self.fire({**who, "trigger": "file", **_fields(event, "do", "date", "as", "item")})

    def evaluate(self, event: dict[str, Any]) -> None:
        fields = _fields(event, "do", "date", "as", "item")
        items.evaluate(self.db, event["as"], self.item(event["item"]), **fields)

    def adopt(self, event: dict[str, Any]) -> None:
        linked = self.item(event["linked"])
        found = [
            i["id"]
            for i in items.list_items(self.db, READER, kind="rectification")
            if i["linked_item"] == linked and i["source"] == event["source"]
        ]
        self.ids[event["key"]] = found[-1]
        self.kinds[found[-1]] = "rectification"

    def job(self, event: dict[str, Any]) -> None:
        name = event["job"]
        summary = job(name)(self.db, _day(event), False, self.ctx)
        self.jobs.append({"job": name, "date": event["date"], **_counts(summary)})
        for place in summary.get("jurisdictions", ()):  # the year-end review's docket
            for left in place["left"]:
                refusal = GuardRefused(left["reason"], **left["params"])
                self.refusal(left["id"], "file", f"system:{name}", event["date"], refusal)


def _counts(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: len(v) if isinstance(v, list) else v for k, v in summary.items() if k != "note"}


def _fields(event: dict[str, Any], *leave_out: str) -> dict[str, Any]:
    return {k: v for k, v in event.items() if k not in leave_out}


def _day(event: dict[str, Any]) -> date:
    return date.fromisoformat(event["date"])


# --------------------------------------------------------------------------- entry point


def run(
    db_path: str | None,
    lang: str = "zh",
    quiet: bool = False,
    *,
    smtp: str | None = None,
    yes: bool = False,
    configured: str | None = None,
) -> dict[str, Any]:
    """Build the demo database, tell the year, print it (unless quiet), return a summary.

    ``smtp`` (HOST:PORT) delivers the outbox to that server at the end; ``configured`` is the
    database of the configuration, which the demo refuses to write to.
    """
    path = _fresh_path(db_path, yes=yes, configured=configured)
    db = Database(str(path))
    try:
        migrations.upgrade(db)
        with db.engine.begin() as conn:
            conn.exec_driver_sql(f"PRAGMA user_version = {DEMO_MARK}")
        story = Story(db, lang, _context(db, path, smtp))
        org.load(db, "zhang.jian", _data_file("hebi.toml"))
        for quota in DATA["quota"]:
            org.set_quota(
                db,
                READER,
                jurisdiction=quota["jurisdiction"],
                year=YEAR,
                max_items=quota["max"],
                per_school_max=quota.get("per_school"),
            )
        for event in DATA["event"]:
            getattr(story, event["do"])(event)
        if smtp:
            story.job({"job": "deliver", "date": DATA["event"][-1]["date"]})
        summary = _summary(story, path)
        if not quiet:
            _print(story, summary)
        return summary
    finally:
        db.dispose()


def _context(db: Database, path: Path, smtp: str | None) -> Context:
    published = path.parent / "published"  # beside the demo database: the demo's own
    publish = Publish(
        folder=str(published),
        hotline=DATA["publish"]["hotline"],
        mailbox=DATA["publish"]["mailbox"],
    )
    mail = SMTP()
    if smtp:
        host, _, port = smtp.rpartition(":")
        if not host or not port.isdigit():
            raise InvalidInput("invalid_choice", field="--smtp", value=smtp, choices="HOST:PORT")
        mail = SMTP(host=host, port=int(port), security="none", sender="campusgate@example.gov.cn")
    published.mkdir(exist_ok=True)
    return Context(Settings(database_url=db.url, smtp=mail, publish=publish))


def _fresh_path(db_path: str | None, *, yes: bool, configured: str | None) -> Path:
    if db_path is None:
        return Path(tempfile.mkdtemp(prefix="campusgate-demo-")) / "hebi.db"
    if "://" in db_path:
        raise InvalidInput("demo_url", url=db_path)
    path = Path(db_path).expanduser().resolve()
    if configured is not None and _same_file(path, configured):
        raise InvalidInput("demo_configured_db", path=str(path))
    validate.output_file(path)
    if path.exists() and not yes and not _is_demo(path):
        raise InvalidInput("demo_not_demo_db", path=str(path))
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        stale.unlink(missing_ok=True)
    return path


def _same_file(path: Path, configured: str) -> bool:
    from campusgate.models import normalize_url

    url = normalize_url(configured)
    return url.startswith("sqlite:///") and Path(url.removeprefix("sqlite:///")).resolve() == path


def _is_demo(path: Path) -> bool:
    if not path.is_file():
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return bool(conn.execute("PRAGMA user_version").fetchone()[0] == DEMO_MARK)
    except sqlite3.DatabaseError:
        return False


def _data_file(name: str) -> Path:
    try:
        resource = resources.files("campusgate").joinpath(name)
        if resource.is_file():
            return Path(str(resource))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover
        pass
    return Path(__file__).resolve().parent / name


# --------------------------------------------------------------------------- summary, output


def _summary(story: Story, path: Path) -> dict[str, Any]:
    db = story.db
    everything = items.list_items(db, READER)
    counts: dict[str, dict[str, int]] = {"whitelist": {}, "rectification": {}}
    for kind in counts:
        tally = Counter(i["state"] for i in everything if i["kind"] == kind)
        counts[kind] = {s: tally[s] for s in STATES if tally[s]}
    tally = Counter(i["basis_kind"] for i in everything if i["kind"] == "whitelist")
    basis = {k: tally[k] for k in BASIS_KINDS if tally[k]}
    city_list = [
        i["id"]
        for i in everything
        if i["kind"] == "whitelist"
        and i["jurisdiction"] == CITY
        and i["year"] == YEAR
        and i["state"] in ("published", "suspended")
    ]
    with db.read() as session:
        verdict = audit.verify(session)
    return {
        "database": str(path),
        "year": YEAR,
        "counts": counts,
        "basis_kinds": basis,
        "published": [
            i["id"] for i in everything if i["kind"] == "whitelist" and i["state"] == "published"
        ],
        "city_whitelist": city_list,
        "suspended": [
            i["id"] for i in everything if i["kind"] == "whitelist" and i["state"] == "suspended"
        ],
        "left_reviewed": [
            i["id"] for i in everything if i["kind"] == "whitelist" and i["state"] == "reviewed"
        ],
        "ledger": [
            i["id"]
            for i in everything
            if i["kind"] == "rectification" and i["state"] in ("filed", "published", "suspended")
        ],
        "ledger_open": [
            i["id"] for i in everything if i["kind"] == "rectification" and i["state"] == "filed"
        ],
        "quotas": org.show_quotas(db, READER, year=YEAR),
        "refusals": story.refusals,
        "jobs": story.jobs,
        "outbox": _outbox_counts(db),
        "audit": {"ok": verdict.ok, "events": verdict.events, "first_broken": verdict.first_broken},
    }


def _outbox_counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        tally = Counter(m["kind"] for m in outbox_messages.list_messages(session))
    return dict(sorted(tally.items()))


def _print_outbox(story: Story) -> None:
    """The messages the jobs wrote: what each person was reminded of, and when."""
    from campusgate import render

    lang = story.lang
    with story.db.read() as session:
        messages = outbox_messages.list_messages(session)
    title = render_message("outbox_title", lang, count=len(messages))
    render.outbox_table(messages, lang, ("date", "recipient", "kind", "state", "subject"), title)


def _print(story: Story, summary: dict[str, Any]) -> None:
    """The city's whitelist and ledger through the renderer of ``whitelist show`` and the
    ledger, the quotas, the outbox and a short summary."""
    from campusgate import render
    from campusgate.workflow import ledger, publication

    lang, db = story.lang, story.db
    publish = story.ctx.settings.publish
    out = render.console()
    out.print(render_message("demo_title", lang, city=CITY, year=YEAR), style="bold")

    listing = publication.show(db, READER, year=YEAR, jurisdiction=CITY)
    render.whitelist_table(
        listing,
        lang,
        publication.title_of(CITY, YEAR),
        render_message("complaints", lang, hotline=publish.hotline, mailbox=publish.mailbox),
    )
    book = ledger.show(db, READER, jurisdiction=CITY, year=YEAR)
    render.ledger_table(book.title, book.headings, book.cells)
    render.quotas_table(summary["quotas"], lang)
    _print_outbox(story)

    wl, rc = summary["counts"]["whitelist"], summary["counts"]["rectification"]
    sep = render_message("list_separator", lang)

    def states(tally: dict[str, int], kind: str) -> str:
        return sep.join(f"{label(s, lang, kind)} {n}" for s, n in tally.items())

    basis = sep.join(f"{label(k, lang)} {n}" for k, n in summary["basis_kinds"].items())
    lines = [
        render_message(
            "demo_applications", lang, count=sum(wl.values()), states=states(wl, "whitelist")
        ),
        render_message("demo_basis", lang, basis=basis),
        render_message(
            "demo_clues",
            lang,
            count=sum(rc.values()),
            states=states(rc, "rectification"),
            ledger=len(summary["ledger"]),
            open=len(summary["ledger_open"]),
        ),
        render_message("demo_refusals", lang),
    ]
    lines += [
        render_message(
            "demo_refusal",
            lang,
            date=r["date"],
            actor=r["actor"],
            trigger=r["trigger"],
            kind=r["kind"],
            id=r["id"],
            message=r["message"],
            exit=r["exit"],
        )
        for r in summary["refusals"]
    ]
    verdict = summary["audit"]
    lines.append(
        render_message(
            "demo_audit_ok" if verdict["ok"] else "demo_audit_broken",
            lang,
            events=verdict["events"],
        )
    )
    lines.append(render_message("demo_database", lang, path=summary["database"]))
    out.print(heading("summary_heading", lang), style="bold")
    for line in lines:
        out.print(line, markup=False)


DATA = story_data()
YEAR: int = DATA["year"]
READER: str = DATA["reader"]
CITY: str = DATA["city"]
PROVINCE: str = DATA["province"]
