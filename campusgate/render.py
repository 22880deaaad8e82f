"""Human-readable output: rich tables in the reader's language."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from rich.tree import Tree as RichTree

from campusgate.workflow.messages import field_label, heading, label, render


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """A reader that left (``| head``) is the command's to handle (rich exits 1)."""
        raise BrokenPipeError


def console() -> Console:
    out = _Console(highlight=False)
    if not out.is_terminal:
        out.width = 160
    return out


def items_table(items: list[dict[str, Any]], lang: str, title: str | None = None) -> None:
    table = Table(title=title, show_lines=False)
    for key in (
        "id",
        "kind",
        "state",
        "year",
        "jurisdiction",
        "title_or_summary",
        "department_or_owner",
        "deadline_short",
    ):
        table.add_column(heading(key, lang), overflow="fold")
    for item in items:
        text = item.get("title") or item.get("summary") or ""
        who = item.get("department") or person(item.get("owner"), item, lang) or ""
        table.add_row(
            str(item["id"]),
            label(item["kind"], lang),
            label(item["state"], lang, item["kind"]),
            str(item["year"]),
            item["jurisdiction"],
            text if len(text) <= 40 else text[:39] + "…",
            who,
            item.get("deadline") or "",
        )
    out = console()
    out.print(table)
    out.print(render("items_count", lang, count=len(items)))


FIELDS = (
    "kind",
    "state",
    "year",
    "jurisdiction",
    "department",
    "title",
    "basis_kind",
    "basis_docs",
    "lead_units",
    "schedule",
    "place",
    "scope",
    "manner",
    "content",
    "teacher_hours",
    "ratified_by",
    "summary",
    "source",
    "aspect",
    "school",
    "reporter",
    "standard",
    "deadline",
    "owner",
    "result",
    "linked_item",
    "applied_by",
    "reviewed_by",
    "version",
)

LABELLED = {"kind", "state", "basis_kind", "source", "aspect"}
#: Fields whose values are logins, shown with the person's name.
PEOPLE = frozenset({"ratified_by", "owner", "applied_by", "reviewed_by"})


def person(login: str | None, item: dict[str, Any], lang: str) -> str | None:
    """A login an item names, as people read it: 姓名（login）, or the login alone when the
    item knows no other name for it (a system actor, a user since removed)."""
    return named(login, (item.get("people") or {}).get(login) if login else None, lang)


def named(login: str | None, name: str | None, lang: str) -> str | None:
    """姓名（login）, or the login alone where there is no other name for it."""
    if not name or name == login:
        return login
    return render("person", lang, name=name, login=login)


def item_detail(item: dict[str, Any], lang: str) -> None:
    out = console()
    table = Table(title=render("item_heading", lang, id=item["id"]), show_header=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key in FIELDS:
        value = item.get(key)
        if value in (None, [], ""):
            continue
        if isinstance(value, list):
            shown = "；".join(str(v) for v in value)
        elif key in LABELLED:
            word = label(value, lang, item["kind"])
            shown = f"{word} ({value})" if word != value else value
        elif key in PEOPLE:
            shown = person(value, item, lang) or ""
        else:
            shown = str(value)
        table.add_row(heading(key, lang), shown)
    if "evaluation" in item:
        ev = item["evaluation"]
        table.add_row(
            heading("evaluation", lang),
            f"{label(ev['rating'], lang)} → {label(ev['outcome'], lang)}"
            + (f"（{ev['note']}）" if ev.get("note") else ""),
        )
    actions = item.get("actions") or []
    table.add_row(
        heading("actions", lang),
        (
            "、".join(f"{label(a, lang, item['kind'])}（{a}）" for a in actions)
            if lang == "zh"
            else ", ".join(actions)
        )
        or "—",
    )
    out.print(table)
    if item.get("history"):
        history = Table(title=heading("history", lang))
        for key in ("seq", "trigger", "state", "actor", "at_local", "reason_or_changes"):
            history.add_column(heading(key, lang), overflow="fold")
        from campusgate.workflow.clock import local_text

        for e in item["history"]:
            at = local_text(e["at"]) or ""
            parts = [e.get("reason") or ""]
            if e.get("changes"):
                changes = {
                    k: [person(v, item, lang) if isinstance(v, str) else v for v in value]
                    if k in PEOPLE and isinstance(value, list)
                    else value
                    for k, value in e["changes"].items()
                }
                parts.append(event_changes(changes, lang))
            if e.get("as_of") and e["as_of"] != at[:10]:  # acted for another date than its own
                parts.append(render("as_of_note", lang, date=e["as_of"]))
            note = "\n".join(part for part in parts if part)  # each on its own line
            kind = item["kind"]
            moved = f"{label(e['from_state'], lang, kind) or '—'} → "
            moved += label(e["to_state"], lang, kind)
            trigger = label(e["trigger"], lang, kind)
            actor = person(e["actor"], item, lang) or ""
            history.add_row(str(e["seq"]), trigger, moved, actor, at, note)
        out.print(history)


#: Fields whose values are codes, shown by their labels.
CODED = frozenset({"basis_kind", "source", "aspect", "rating", "outcome", "level", "roles"})
#: Text that is a timestamp (ISO 8601 with its offset, as stored), shown in Beijing time.
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})"
)
#: A value only set, not changed from another.
_SET = object()


def _value_text(field: str, value: Any, lang: str) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return label("yes" if value else "no", lang)
    if isinstance(value, list):
        return ("、" if lang == "zh" else ", ").join(_value_text(field, v, lang) for v in value)
    if isinstance(value, str) and field in CODED:
        return label(value, lang)
    if isinstance(value, str) and _TIMESTAMP.fullmatch(value):
        from campusgate.workflow.clock import local_text

        try:
            return local_text(value) or value
        except ValueError:  # shaped like one, but no real time
            return value
    return str(value)


def changes_text(changes: list[tuple[str, Any, Any]], lang: str, context: str | None = None) -> str:
    """What changed, field by field, as people read it: each field by its label (in
    ``context``'s words: a user's ``name`` is 姓名), codes by theirs, timestamps in Beijing time:
    ``整改时限：— → 2027-03-31；责任人：— → chen.jing``. ``changes`` holds (field, before,
    after), ``before`` ``_SET`` where a value was only set."""
    colon, sep = ("：", "；") if lang == "zh" else (": ", "; ")
    parts = []
    for field, before, after in changes:
        name = field_label(field, lang, context) or field
        shown = _value_text(field, after, lang)
        if before is not _SET:
            shown = f"{_value_text(field, before, lang)} → {shown}"
        parts.append(f"{name}{colon}{shown}")
    return sep.join(parts)


def event_changes(changes: dict[str, Any], lang: str) -> str:
    """An item event's changes: ``{field: [before, after]}``, or a value set (an evaluation)."""
    return changes_text(
        [
            (field, *value) if isinstance(value, list) and len(value) == 2 else (field, _SET, value)
            for field, value in changes.items()
        ],
        lang,
    )


def org_changes(
    entity: str, before: dict[str, Any] | None, after: dict[str, Any] | None, lang: str
) -> str:
    """An organisation event's changes: the fields that differ; of a new entry, its values."""
    if before is None:
        return changes_text([(k, _SET, v) for k, v in (after or {}).items()], lang, entity)
    after = after or {}
    keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    return changes_text([(k, before.get(k), after.get(k)) for k in keys], lang, entity)


def org_tree(nodes: list[dict[str, Any]], lang: str) -> None:
    from rich.tree import Tree as RichTree

    out = console()

    def add(parent: RichTree, node: dict[str, Any]) -> None:
        level = label(node["level"], lang)
        branch = parent.add(f"[bold]{node['name']}[/bold] · {level}")  # 县（区）has brackets
        if node["departments"]:
            branch.add(heading("departments", lang) + "、".join(node["departments"]))
        if node["schools"]:
            branch.add(heading("schools", lang) + "、".join(node["schools"]))
        for user in node["users"]:
            roles = "、".join(label(r, lang) for r in user["roles"])
            dept = f" @{user['department']}" if user["department"] else ""
            branch.add(f"{user['login']} {user['name']}（{roles}）{dept}")
        for child in node["children"]:
            add(branch, child)

    root = RichTree(heading("organisation", lang))
    for node in nodes:
        add(root, node)
    out.print(root)


def quotas_table(rows: list[dict[str, Any]], lang: str) -> None:
    table = Table(title=heading("quotas", lang))
    for key in ("jurisdiction", "year", "max", "used", "per_school"):
        table.add_column(heading(key, lang))
    for r in rows:
        table.add_row(
            r["jurisdiction"],
            str(r["year"]),
            str(r["max_items"]),
            str(r["used"]),
            str(r["per_school_max"] or "—"),
        )
    console().print(table)


# --------------------------------------------------------------------------- publication


def whitelist_table(
    listing: dict[str, Any], lang: str, title: str | None = None, caption: str | None = None
) -> None:
    """The published whitelist (``whitelist show``, the demo); with a school, each item's
    level and jurisdiction."""
    from rich.markup import escape

    covering = "school" in listing
    table = Table(
        title=title or listing.get("title"),
        caption=escape(caption) if caption else None,
        show_lines=True,
    )
    keys = ["no", "id"] + (["level", "jurisdiction"] if covering else [])
    keys += ["title", "lead_units", "schedule", "scope", "basis_docs"]
    for key in keys:
        table.add_column(heading(key, lang), overflow="fold", no_wrap=key in ("no", "id"))
    for row in listing["items"]:
        shown = dict(row, level=label(row.get("level"), lang))
        table.add_row(*(escape(str(shown.get(key) or "")) for key in keys))
    out = console()
    out.print(table)
    out.print(render("items_count", lang, count=len(listing["items"])))


def ledger_table(title: str, headings: list[str], cells: Any) -> None:
    """The rectification ledger, with the columns of its export."""
    from rich.markup import escape

    table = Table(title=title, show_lines=True)
    for name in headings:
        table.add_column(name, overflow="fold")
    for row in cells:
        table.add_row(*(escape(str(cell)) for cell in row))
    console().print(table)


def stats_tables(data: dict[str, Any], lang: str) -> None:
    out = console()
    out.print(render("stats_year", lang, year=data["year"]))
    # a row per kind and state: each kind words its own states (a closed clue is 已销号)
    states = Table(title=heading("by_state", lang))
    states.add_column(heading("kind", lang))
    states.add_column(heading("state", lang))
    states.add_column(heading("count", lang), justify="right")
    for kind, counts in data["by_state"].items():
        states.add_section()
        for state, n in counts.items():
            states.add_row(label(kind, lang), label(state, lang, kind), str(n))
    out.print(states)
    for key in ("by_aspect", "by_source"):
        table = Table(title=heading(key, lang))
        table.add_column(heading(key.removeprefix("by_"), lang))
        table.add_column(heading("count", lang), justify="right")
        for value, n in data[key].items():
            table.add_row(label(value, lang), str(n))
        out.print(table)
    levels = Table(title=heading("whitelist_per_level", lang))
    for key in ("jurisdiction", "level", "used", "max", "per_school"):
        levels.add_column(heading(key, lang))
    for row in data["whitelist"]:
        levels.add_row(
            row["jurisdiction"],
            label(row["level"], lang),
            str(row["items"]),
            "—" if row["max_items"] is None else str(row["max_items"]),
            "—" if row["per_school_max"] is None else str(row["per_school_max"]),
        )
    out.print(levels)
    if not data["overdue"]:  # a title over an empty grid reads as a fault
        colon = ": " if lang == "en" else "："
        out.print(f"{heading('overdue_items', lang)}{colon}{render('none_overdue', lang)}")
        return
    overdue = Table(title=heading("overdue_items", lang))
    for key in ("id", "jurisdiction", "deadline"):
        overdue.add_column(heading(key, lang))
    for row in data["overdue"]:
        overdue.add_row(str(row["id"]), row["jurisdiction"], row["deadline"])
    out.print(overdue)


def outbox_table(
    messages: list[dict[str, Any]],
    lang: str,
    keys: tuple[str, ...] = ("id", "date", "recipient", "kind", "state", "attempts", "subject"),
    title: str | None = None,
) -> None:
    """Outbox messages, their kind and state by their labels."""
    from rich.markup import escape

    fields = {"date": "for_date"}
    table = Table(title=title)
    for key in keys:
        table.add_column(heading(key, lang), overflow="fold", no_wrap=key != "subject")
    for m in messages:
        cells = {key: m[fields.get(key, key)] for key in keys}
        cells["kind"], cells["state"] = label(m["kind"], lang), label(m["state"], lang)
        table.add_row(*(escape(str(cells[key])) for key in keys))
    console().print(table)


def rows_table(
    keys: tuple[str, ...], rows: list[tuple[Any, ...]], lang: str, title: str | None = None
) -> None:
    """A plain table: one heading (``HEADINGS``) per column, the cells as given."""
    table = Table(title=title)
    for key in keys:
        table.add_column(heading(key, lang), overflow="fold")
    for row in rows:
        table.add_row(*("—" if cell in (None, "") else str(cell) for cell in row))
    console().print(table)
