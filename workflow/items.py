"""Service functions on items: the CLI and the jobs call these, nothing else changes items.

Every change has one shape: take a snapshot of the item (its version) in a read transaction,
then in one write transaction reload it, refuse if the version moved (exit 6), check input,
permission and guards in the order of SPEC §7, run the kind's machine, and write the item and
its audit event together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import literal, or_, select, union_all
from sqlalchemy.orm import Session

from campusgate.models import Database, Department, Evaluation, Item, ItemEvent, School, User
from campusgate.workflow import audit, validate
from campusgate.workflow.clock import now_utc
from campusgate.workflow.clock import today as clock_today
from campusgate.workflow.errors import (
    ConcurrentChange,
    GuardRefused,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RuleRefused,
    TransitionNotAllowed,
)
from campusgate.workflow.firing import Firing
from campusgate.workflow.guards import check_application_year
from campusgate.workflow.kinds import (
    ASPECTS,
    BASIS_KINDS,
    OUTCOMES,
    PUBLISHED,
    RATINGS,
    RECTIFICATION,
    SOURCES,
    SUBMITTED,
    SUSPENDED,
    WHITELIST,
    all_triggers,
    kind_spec,
    needs,
)
from campusgate.workflow.permissions import available, check_permission, holds
from campusgate.workflow.scope import (
    Actor,
    Tree,
    can_read_item,
    load_actor,
    load_user,
    readable_jurisdiction,
    readable_jurisdictions,
)
from campusgate.workflow.tx import writing

_Placed = TypeVar("_Placed", Department, School)

#: Fields of a whitelist application that ``amend`` may change.
AMENDABLE = (
    "title",
    "basis_kind",
    "basis_docs",
    "lead_units",
    "schedule",
    "manner",
    "scope",
    "place",
    "content",
    "teacher_hours",
)


@dataclass
class Params:
    """What a trigger may take besides the item (``advance --reason … --deadline …``)."""

    reason: str | None = None
    standard: str | None = None
    deadline: date | str | None = None
    owner: str | None = None
    result: str | None = None
    amendment: dict[str, Any] = field(default_factory=dict)

    def given(self, name: str) -> bool:
        return bool(getattr(self, name))


# --------------------------------------------------------------------------- transactions


def _item_key(item_id: int | str) -> int:
    text = str(item_id).strip()
    if not (text.isascii() and text.isdigit()):
        raise InvalidInput("invalid_id", value=item_id)
    key = int(text)
    if key > validate.MAX_INT:  # no such id can exist
        raise NotFound("no_item", id=item_id)
    return key


def _load_item(session: Session, item_id: int | str) -> Item:
    item = session.get(Item, _item_key(item_id))
    if item is None:
        raise NotFound("no_item", id=item_id)
    return item


@contextmanager
def changing_item(
    db: Database, item_id: int | str, before_write: Callable[[], None] | None = None
) -> Iterator[tuple[Session, Item]]:
    """Snapshot ``item_id``'s version, then yield it inside a write transaction; if it moved
    in between (someone else wrote first), nothing is written and exit 6 follows."""
    key = _item_key(item_id)
    with db.read() as session:
        seen = session.scalar(select(Item.version).where(Item.id == key))
    if seen is None:
        raise NotFound("no_item", id=item_id)
    if before_write is not None:
        before_write()
    try:
        with writing(db) as session:
            item = _load_item(session, item_id)
            if item.version != seen:
                raise ConcurrentChange("concurrent_change", id=item.id)
            yield session, item
    except ConcurrentChange as exc:
        if exc.code == "concurrent_write":
            raise ConcurrentChange("concurrent_change", id=item_id) from None
        raise


# --------------------------------------------------------------------------- create


def apply(
    db: Database,
    login: str,
    *,
    department: str,
    title: str,
    year: int | str,
    basis_kind: str,
    basis_docs: list[str],
    lead_units: list[str] | None = None,
    schedule: str | None = None,
    manner: str | None = None,
    scope: str | None = None,
    place: str | None = None,
    content: str | None = None,
    teacher_hours: float | str | None = None,
    today: date | None = None,
    on_behalf: bool = False,
) -> dict[str, Any]:
    """A department applies for a whitelist item (state ``submitted``).

    ``on_behalf``: the bureau enters a department's sheet (``import applications``); the
    entering admin or reviewer is recorded as the one who applied.
    """
    as_of, today = today, today or clock_today()
    year_value = validate.year(year)
    basis = validate.choice("basis_kind", basis_kind, BASIS_KINDS)
    fields: dict[str, Any] = {
        "title": validate.text("title", title, required=True),
        "year": year_value,
        "basis_kind": basis,
        "basis_docs": validate.texts("basis_docs", basis_docs, required=True),
        "lead_units": validate.texts("lead_units", lead_units),
        "schedule": validate.text("schedule", schedule),
        "manner": validate.text("manner", manner),
        "scope": validate.text("scope", scope),
        "place": validate.text("place", place),
        "content": validate.text("content", content, multiline=True),
        "teacher_hours": _hours(teacher_hours),
    }
    department = validate.text("department", department, required=True) or ""
    with writing(db) as session:
        actor = load_actor(session, login)
        dept = _department(session, department)
        tree = Tree.load(session)
        if on_behalf:
            allowed = "admin" in actor.roles or holds(actor, "reviewer", dept.jurisdiction_id)
        else:
            allowed = (
                holds(actor, "applicant", dept.jurisdiction_id) and actor.department_id == dept.id
            )
        if not allowed:
            raise PermissionDenied("not_permitted_apply", actor=login, department=dept.name)
        check_application_year(year_value, basis, today)
        if not fields["lead_units"]:
            fields["lead_units"] = [dept.name]
        item = Item(
            kind=WHITELIST,
            state=SUBMITTED,
            jurisdiction_id=dept.jurisdiction_id,
            department_id=dept.id,
            applied_by_id=actor.user_id,
            **fields,
        )
        audit.record(
            session, item, trigger="apply", from_state=None, actor=actor.login, as_of=as_of
        )
        return item_view(session, item, actor, tree)


def add_clue(
    db: Database,
    login: str,
    *,
    jurisdiction: str,
    source: str,
    aspect: str,
    summary: str,
    school: str | None = None,
    reporter: str | None = None,
    linked_item: int | None = None,
    today: date | None = None,
    actor: Actor | None = None,
) -> dict[str, Any]:
    """A reviewer takes in a problem clue: a rectification item in state ``submitted``."""
    as_of, today = today, today or clock_today()
    summary = validate.text("summary", summary, required=True, multiline=True) or ""
    source = validate.choice("source", source, SOURCES) or ""
    aspect = validate.choice("aspect", aspect, ASPECTS) or ""
    reporter = validate.text("reporter", reporter)
    school_name = validate.text("school", school)
    with writing(db) as session:
        actor = actor or load_actor(session, login)
        tree = Tree.load(session)
        jid = tree.resolve(validate.text("jurisdiction", jurisdiction, required=True) or "")
        found_school = _school(session, school_name) if school_name else None
        linked = _load_item(session, linked_item) if linked_item is not None else None
        if linked is not None:  # ordered against a concurrent reinstate of that item
            session.execute(select(Item.id).where(Item.id == linked.id).with_for_update())
        if not holds(actor, "reviewer", jid):
            raise PermissionDenied(
                "not_permitted_clue", actor=actor.login, jurisdiction=tree.name(jid)
            )
        if found_school is not None and not tree.within(found_school.jurisdiction_id, jid):
            raise GuardRefused(
                "school_outside", school=found_school.name, jurisdiction=tree.name(jid)
            )
        if linked is not None and (
            linked.kind != WHITELIST or not tree.within(linked.jurisdiction_id, jid)
        ):
            raise GuardRefused("link_invalid", linked=linked_item, jurisdiction=tree.name(jid))
        item = Item(
            kind=RECTIFICATION,
            state=SUBMITTED,
            jurisdiction_id=jid,
            year=today.year,
            applied_by_id=actor.user_id,
            summary=summary,
            source=source,
            aspect=aspect,
            school_id=found_school.id if found_school else None,
            reporter=reporter,
            linked_item_id=linked_item,
        )
        audit.record(session, item, trigger="clue", from_state=None, actor=actor.login, as_of=as_of)
        return item_view(session, item, actor, tree)


# --------------------------------------------------------------------------- transitions


def fire(
    db: Database,
    login: str,
    item_id: int | str,
    trigger: str,
    params: Params | None = None,
    *,
    today: date | None = None,
    actor: Actor | None = None,
    before_write: Callable[[], None] | None = None,
    view: bool = True,
) -> dict[str, Any]:
    """Fire ``trigger`` on one item in its own transaction; return the item's view (with
    ``view=False`` only its ``id``, ``state`` and ``version``, which costs no extra query).

    ``today`` makes the rules act as of that date (jobs run for a date, drills); the event
    then names it as ``as_of`` beside its real timestamp.
    """
    params = params or Params()
    if trigger not in all_triggers():
        raise InvalidInput("unknown_trigger", trigger=trigger, choices=", ".join(all_triggers()))
    clean = _clean_params(params)
    _require(trigger, clean, needs(trigger))
    with changing_item(db, item_id, before_write) as (session, item):
        acting = actor or load_actor(session, login)
        tree = Tree.load(session)
        transition(session, acting, item, trigger, clean, tree, today=today)
        if not view:
            return {"id": item.id, "state": item.state, "version": item.version}
        return item_view(session, item, acting, tree)


def transition(
    session: Session,
    actor: Actor,
    item: Item,
    trigger: str,
    params: Params,
    tree: Tree,
    *,
    today: date | None = None,
) -> ItemEvent:
    """Check and apply one transition inside the caller's transaction (jobs batch these)."""
    spec = kind_spec(item.kind)
    if trigger not in spec.triggers:
        raise InvalidInput(
            "unknown_trigger_of_kind",
            kind=item.kind,
            trigger=trigger,
            choices=", ".join(spec.triggers),
        )
    kind_needs = needs(trigger, item.kind)
    _require(trigger, params, kind_needs)
    owner = load_user(session, params.owner) if "owner" in kind_needs and params.owner else None
    check_permission(spec, trigger, actor, item, tree)
    firing = Firing(
        session=session,
        actor=actor,
        item=item,
        trigger=trigger,
        tree=tree,
        today=today or clock_today(),
        state=item.state,
        reason=params.reason,
        standard=params.standard,
        deadline=validate.parse_date(params.deadline, "deadline"),
        owner=owner,
        result=params.result,
        amendment=params.amendment,
    )
    from_state = item.state
    if not spec.machine.events[trigger].trigger(firing):
        raise TransitionNotAllowed("state_refused", id=item.id, trigger=trigger, state=item.state)
    item.state = firing.state
    return audit.record(
        session,
        item,
        trigger=trigger,
        from_state=from_state,
        actor=actor.login,
        reason=params.reason,
        changes=firing.changes,
        as_of=today,
    )


def amend(
    db: Database,
    login: str,
    item_id: int | str,
    changes: dict[str, Any],
    *,
    before_write: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """``item edit``: the applicant changes fields of a submitted application."""
    return fire(db, login, item_id, "amend", Params(amendment=changes), before_write=before_write)


def evaluate(
    db: Database,
    login: str,
    item_id: int | str,
    *,
    rating: str,
    outcome: str,
    note: str | None = None,
    before_write: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Record the year-end evaluation of a published item; the sweep applies it later."""
    rating = validate.choice("rating", rating, RATINGS) or ""
    outcome = validate.choice("outcome", outcome, OUTCOMES) or ""
    note = validate.text("note", note, multiline=True)
    with changing_item(db, item_id, before_write) as (session, item):
        actor = load_actor(session, login)
        tree = Tree.load(session)
        if item.kind != WHITELIST:
            raise InvalidInput("wrong_kind", id=item.id, kind=WHITELIST)
        if not holds(actor, "approver", item.jurisdiction_id):
            raise PermissionDenied(
                "not_permitted_evaluate",
                actor=login,
                id=item.id,
                jurisdiction=tree.name(item.jurisdiction_id),
            )
        if item.state not in (PUBLISHED, SUSPENDED):
            raise RuleRefused("evaluate_state", id=item.id, state=item.state)
        existing = session.get(Evaluation, item.id)
        if existing is not None and existing.applied_at is not None:
            raise RuleRefused("evaluation_applied", id=item.id)
        if existing is None:
            existing = Evaluation(item_id=item.id, year=item.year)
            session.add(existing)
        existing.rating, existing.outcome, existing.note = rating, outcome, note
        existing.evaluated_by, existing.evaluated_at = login, now_utc()
        audit.record(
            session,
            item,
            trigger="evaluate",
            from_state=item.state,
            actor=login,
            reason=note,
            changes={"rating": rating, "outcome": outcome},
        )
        return item_view(session, item, actor, tree)


# --------------------------------------------------------------------------- reading


def list_items(
    db: Database,
    login: str,
    *,
    kind: str | None = None,
    state: str | None = None,
    year: int | str | None = None,
    jurisdiction: str | None = None,
) -> list[dict[str, Any]]:
    from campusgate.workflow.kinds import KINDS, STATES

    kind = validate.choice("kind", kind, KINDS, required=False)
    state = validate.choice("state", state, STATES, required=False)
    year_value = validate.year(year) if year is not None else None
    with db.read() as session:
        actor = load_actor(session, login)
        tree = Tree.load(session)
        query = select(Item).order_by(Item.id)
        readable = readable_jurisdictions(actor, tree)
        if jurisdiction is not None:
            jid = readable_jurisdiction(actor, jurisdiction, tree)
            query = query.where(Item.jurisdiction_id == jid)
        elif readable is not None:
            query = query.where(
                or_(Item.jurisdiction_id.in_(readable), Item.owner_id == actor.user_id)
            )
        if kind:
            query = query.where(Item.kind == kind)
        if state:
            query = query.where(Item.state == state)
        if year_value is not None:
            query = query.where(Item.year == year_value)
        found = list(session.scalars(query))
        names = Names(session, found)
        return [item_view(session, item, actor, tree, names) for item in found]


def show_item(db: Database, login: str, item_id: int | str) -> dict[str, Any]:
    with db.read() as session:
        actor = load_actor(session, login)
        item = _load_item(session, item_id)
        tree = Tree.load(session)
        if not can_read_item(actor, item.jurisdiction_id, item.owner_id, tree):
            raise PermissionDenied("not_readable", actor=login, id=item.id)
        view = item_view(session, item, actor, tree)
        view["history"] = history(session, item.id)
        evaluation = session.get(Evaluation, item.id)
        if evaluation is not None:
            view["evaluation"] = {
                "rating": evaluation.rating,
                "outcome": evaluation.outcome,
                "note": evaluation.note,
                "by": evaluation.evaluated_by,
                "applied": evaluation.applied_at is not None,
            }
        return view


def history(session: Session, item_id: int) -> list[dict[str, Any]]:
    events = session.scalars(
        select(ItemEvent).where(ItemEvent.item_id == item_id).order_by(ItemEvent.seq)
    )
    return [
        {
            "seq": e.seq,
            "trigger": e.trigger,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "actor": e.actor,
            "at": e.at.isoformat().replace("+00:00", "Z"),
            "as_of": e.as_of.isoformat() if e.as_of else None,
            "reason": e.reason,
            "changes": e.changes,
        }
        for e in events
    ]


def sees_reporter(actor: Actor, item: Item) -> bool:
    """Privacy: the reporter's contact is for reviewers and approvers of that jurisdiction."""
    return actor.user_id is not None and (
        holds(actor, "reviewer", item.jurisdiction_id)
        or holds(actor, "approver", item.jurisdiction_id)
    )


class Names:
    """The logins and names item views show: one query for any number of items."""

    def __init__(self, session: Session, items: Iterable[Item]) -> None:
        items = list(items)
        wanted = {
            "user": {
                uid
                for it in items
                for uid in (it.applied_by_id, it.reviewed_by_id, it.ratified_by_id, it.owner_id)
                if uid is not None
            },
            "department": {it.department_id for it in items if it.department_id is not None},
            "school": {it.school_id for it in items if it.school_id is not None},
        }
        parts = [
            select(literal(table), key, value).where(key.in_(wanted[table]))
            for table, key, value in (
                ("user", User.id, User.login),
                ("department", Department.id, Department.name),
                ("school", School.id, School.name),
            )
            if wanted[table]
        ]
        found: dict[str, dict[int, str]] = {"user": {}, "department": {}, "school": {}}
        if parts:
            for table, key, value in session.execute(union_all(*parts)):
                found[table][key] = value
        self.logins, self.departments, self.schools = (
            found["user"],
            found["department"],
            found["school"],
        )

    def login(self, user_id: int | None) -> str | None:
        return self.logins.get(user_id) if user_id is not None else None


def item_view(
    session: Session, item: Item, actor: Actor, tree: Tree, names: Names | None = None
) -> dict[str, Any]:
    """The JSON shape of an item (SPEC §7), as ``actor`` may see it."""
    names = names or Names(session, [item])
    view: dict[str, Any] = {
        "id": item.id,
        "kind": item.kind,
        "state": item.state,
        "year": item.year,
        "jurisdiction": tree.name(item.jurisdiction_id),
        "department": names.departments.get(item.department_id) if item.department_id else None,
        "basis_kind": item.basis_kind,
        "basis_docs": list(item.basis_docs or []),
        "deadline": item.deadline.isoformat() if item.deadline else None,
        "owner": names.login(item.owner_id),
        "version": item.version,
        "applied_by": names.login(item.applied_by_id),
        "reviewed_by": names.login(item.reviewed_by_id),
        "created_at": item.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": item.updated_at.isoformat().replace("+00:00", "Z"),
    }
    if item.kind == WHITELIST:
        view.update(
            title=item.title,
            lead_units=list(item.lead_units or []),
            schedule=item.schedule,
            manner=item.manner,
            scope=item.scope,
            place=item.place,
            content=item.content,
            teacher_hours=item.teacher_hours,
            ratified_by=names.login(item.ratified_by_id),
        )
    else:
        view.update(
            summary=item.summary,
            source=item.source,
            aspect=item.aspect,
            school=names.schools.get(item.school_id) if item.school_id else None,
            standard=item.standard,
            result=item.result,
            linked_item=item.linked_item_id,
        )
        if sees_reporter(actor, item):
            view["reporter"] = item.reporter
    view["actions"] = available(kind_spec(item.kind), actor, item, tree)
    return view


# --------------------------------------------------------------------------- helpers


#: The message of a missing parameter, where it is not the general one.
_MISSING = {"reason": "reason_required", "amendment": "nothing_to_amend"}


def _require(trigger: str, params: Params, wanted: tuple[str, ...]) -> None:
    for name in wanted:
        if not params.given(name):
            code = _MISSING.get(name, "param_required")
            raise InvalidInput(code, trigger=trigger, param=f"--{name}")


def _clean_amendment(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = [name for name in changes if name not in AMENDABLE]
    if unknown:
        raise InvalidInput("not_editable", field=", ".join(unknown))
    cleaned: dict[str, Any] = {}
    for name, value in changes.items():
        if name in ("basis_docs", "lead_units"):
            cleaned[name] = validate.texts(name, value, required=True)
        elif name == "basis_kind":
            cleaned[name] = validate.choice(name, value, BASIS_KINDS)
        elif name == "teacher_hours":
            cleaned[name] = _hours(value)
        elif name == "title":
            cleaned[name] = validate.text(name, value, required=True)
        else:
            cleaned[name] = validate.text(name, value, multiline=name == "content")
    return cleaned


def _clean_params(params: Params) -> Params:
    """Validated, stripped parameters; blank text counts as not given."""
    return Params(
        reason=validate.text("reason", params.reason, multiline=True),
        standard=validate.text("standard", params.standard, multiline=True),
        deadline=validate.parse_date(params.deadline, "deadline"),
        owner=validate.text("login", params.owner),
        result=validate.text("result", params.result, multiline=True),
        amendment=_clean_amendment(params.amendment),
    )


def _hours(value: float | str | None) -> float | None:
    if value is None or value == "":
        return None
    try:
        hours = float(value)
    except (TypeError, ValueError):
        raise InvalidInput("invalid_hours", field="teacher_hours", value=value) from None
    if not 0 <= hours <= 10_000:
        raise InvalidInput("invalid_hours", field="teacher_hours", value=value)
    return hours


def _named(session: Session, model: type[_Placed], name: str, missing: str) -> _Placed:
    """A department or school by its name (or id), else ``NotFound(missing)``."""
    row = session.scalar(select(model).where(model.name == name))
    if row is None and name.isascii() and name.isdigit() and int(name) <= validate.MAX_INT:
        row = session.get(model, int(name))
    if row is None:
        raise NotFound(missing, name=name)
    return row


def _department(session: Session, name: str) -> Department:
    return _named(session, Department, name, "no_department")


def _school(session: Session, name: str) -> School:
    return _named(session, School, name, "no_school")
