"""Reading items: lists, one item with its history, and the JSON shape of an item (SPEC §7)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import literal, or_, select, union_all
from sqlalchemy.orm import Session

from campusgate.domain import KINDS, STATES, WHITELIST
from campusgate.models import Database, Department, Evaluation, Item, ItemEvent, School, User
from campusgate.workflow import clock, validate
from campusgate.workflow.clock import today as clock_today
from campusgate.workflow.errors import CampusgateError, PermissionDenied
from campusgate.workflow.firing import Firing
from campusgate.workflow.machines import MACHINES
from campusgate.workflow.permissions import holds_role
from campusgate.workflow.scope import (
    Actor,
    Tree,
    Who,
    acting_login,
    can_read_item,
    item_key,
    load_acting,
    load_actor,
    load_item,
    readable_jurisdiction,
    readable_jurisdictions,
)


def list_items(
    db: Database,
    who: Who,
    *,
    kind: str | None = None,
    state: str | None = None,
    year: int | str | None = None,
    jurisdiction: str | None = None,
    limit: int | str | None = None,
    after: int | str | None = None,
) -> list[dict[str, Any]]:
    """The items ``who`` reads, by id; at most ``limit`` of them, those after the id
    ``after`` (the next page starts after the last id of this one)."""
    with db.read() as session:
        login = acting_login(session, who)
        most = validate.count("limit", limit, minimum=1)
        start = validate.count("after", after)
        kind = validate.choice("kind", kind, KINDS, required=False)
        state, kind = validate.state_of_kind(state, kind, STATES, KINDS)
        year_value = validate.year(year) if year is not None else None
        actor = load_acting(session, who, login)
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
        if start is not None:
            query = query.where(Item.id > start)
        if most is not None:
            query = query.limit(most)
        found = list(session.scalars(query))
        names = Names(session, found)
        looked_up: dict[Any, Any] = {}
        return [item_view(session, item, actor, tree, names, looked_up) for item in found]


def show_item(db: Database, who: Who, item_id: int | str) -> dict[str, Any]:
    with db.read() as session:
        login = acting_login(session, who)
        key = item_key(item_id)  # malformed input decides before an unknown user (SPEC §7)
        actor = load_acting(session, who, login)
        item = load_item(session, key)
        tree = Tree.load(session)
        if not can_read_item(actor, item.jurisdiction_id, item.owner_id, tree):
            raise PermissionDenied("not_readable", actor=login, id=item.id)
        view = item_view(session, item, actor, tree)
        view["history"] = history(session, item.id)
        view["people"] |= names_of(
            session, {e["actor"] for e in view["history"]} - set(view["people"])
        )
        evaluation = session.get(Evaluation, item.id)
        if evaluation is not None:
            view["evaluation"] = evaluation_view(evaluation)
        return view


def evaluation_view(evaluation: Evaluation) -> dict[str, Any]:
    """An item's year-end evaluation as ``item show`` and ``evaluate`` show it."""
    return {
        "rating": evaluation.rating,
        "outcome": evaluation.outcome,
        "note": evaluation.note,
        "by": evaluation.evaluated_by,
        "applied": evaluation.applied_at is not None,
    }


def item_states(
    db: Database, login: str, item_ids: Iterable[int | str]
) -> dict[int | str, tuple[str | None, str | None]]:
    """Each item's kind and state as ``login`` may read them, by the id as given; ``(None,
    None)`` for an id malformed, unknown or not readable. One read for them all."""
    ids = list(item_ids)
    found: dict[int | str, tuple[str | None, str | None]] = dict.fromkeys(ids, (None, None))
    keys: dict[int, list[int | str]] = {}
    for item_id in ids:
        try:
            keys.setdefault(item_key(item_id), []).append(item_id)
        except CampusgateError:
            continue
    if not keys:
        return found
    with db.read() as session:
        try:
            actor = load_actor(session, login)
        except CampusgateError:
            return found
        tree = Tree.load(session)
        query = select(Item.id, Item.kind, Item.state, Item.jurisdiction_id, Item.owner_id)
        for key, kind, state, jid, owner_id in session.execute(query.where(Item.id.in_(keys))):
            if can_read_item(actor, jid, owner_id, tree):
                for item_id in keys[key]:
                    found[item_id] = (kind, state)
    return found


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
            "at": clock.utc_text(e.at),
            "as_of": e.as_of.isoformat() if e.as_of else None,
            "reason": e.reason,
            "changes": e.changes,
        }
        for e in events
    ]


def names_of(session: Session, logins: set[str]) -> dict[str, str]:
    """``{login: name}`` of the users among ``logins`` (a system actor is none)."""
    if not logins:
        return {}
    rows = session.execute(select(User.login, User.name).where(User.login.in_(logins)))
    return {login: name or login for login, name in rows}


def sees_reporter(actor: Actor, item: Item) -> bool:
    """Privacy: the reporter's contact is for reviewers and approvers of that jurisdiction."""
    return actor.user_id is not None and (
        holds_role(actor, "reviewer", item.jurisdiction_id)
        or holds_role(actor, "approver", item.jurisdiction_id)
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
            select(literal(table), key, value, extra).where(key.in_(wanted[table]))
            for table, key, value, extra in (
                ("user", User.id, User.login, User.name),
                ("department", Department.id, Department.name, literal(None)),
                ("school", School.id, School.name, literal(None)),
            )
            if wanted[table]
        ]
        found: dict[str, dict[int, str]] = {"user": {}, "department": {}, "school": {}}
        #: each user's display name, by login
        self.names: dict[str, str] = {}
        if parts:
            for table, key, value, extra in session.execute(union_all(*parts)):
                found[table][key] = value
                if table == "user":
                    self.names[value] = extra or value
        self.logins, self.departments, self.schools = (
            found["user"],
            found["department"],
            found["school"],
        )

    def login(self, user_id: int | None) -> str | None:
        return self.logins.get(user_id) if user_id is not None else None

    def people(self, *user_ids: int | None) -> dict[str, str]:
        """``{login: name}`` of the users among ``user_ids``."""
        found = (self.login(uid) for uid in user_ids)
        return {login: self.names[login] for login in found if login is not None}


def actions(
    session: Session,
    item: Item,
    actor: Actor,
    tree: Tree,
    today: date | None = None,
    looked_up: dict[Any, Any] | None = None,
) -> list[str]:
    """The triggers ``actor`` may fire on ``item`` now (``looked_up``: what the guards read,
    shared by the items of one list)."""
    probe = Firing(
        session=session,
        actor=actor,
        item=item,
        trigger="",
        tree=tree,
        today=today or clock_today(),
        state=item.state,
        probing=True,
        cache={} if looked_up is None else looked_up,
    )
    return MACHINES[item.kind].available(probe)


def item_view(
    session: Session,
    item: Item,
    actor: Actor,
    tree: Tree,
    names: Names | None = None,
    looked_up: dict[Any, Any] | None = None,
    *,
    today: date | None = None,
) -> dict[str, Any]:
    """The JSON shape of an item (SPEC §7), as ``actor`` may see it on ``today``: the keys
    both kinds share, then only those of the item's own kind."""
    names = names or Names(session, [item])
    view: dict[str, Any] = {
        "id": item.id,
        "kind": item.kind,
        "state": item.state,
        "year": item.year,
        "jurisdiction": tree.name(item.jurisdiction_id),
        "version": item.version,
        "applied_by": names.login(item.applied_by_id),
        "reviewed_by": names.login(item.reviewed_by_id),
        "created_at": clock.utc_text(item.created_at),
        "updated_at": clock.utc_text(item.updated_at),
    }
    if item.kind == WHITELIST:
        view.update(
            department=names.departments.get(item.department_id) if item.department_id else None,
            basis_kind=item.basis_kind,
            basis_docs=list(item.basis_docs or []),
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
            deadline=item.deadline.isoformat() if item.deadline else None,
            owner=names.login(item.owner_id),
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
    view["people"] = names.people(
        item.applied_by_id, item.reviewed_by_id, item.ratified_by_id, item.owner_id
    )
    view["actions"] = actions(session, item, actor, tree, today, looked_up)
    return view
