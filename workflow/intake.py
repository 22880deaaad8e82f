"""New items: a department's application, a problem clue taken in by the bureau."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from campusgate.domain import (
    ASPECTS,
    BASIS_KINDS,
    RECTIFICATION,
    REVOKED,
    SOURCES,
    SUBMITTED,
    WHITELIST,
)
from campusgate.models import Database, Department, Item, School
from campusgate.workflow import audit, validate
from campusgate.workflow.clock import today as clock_today
from campusgate.workflow.engine import hours
from campusgate.workflow.errors import GuardRefused, NotFound, PermissionDenied
from campusgate.workflow.guards import check_application_year
from campusgate.workflow.permissions import holds_role
from campusgate.workflow.scope import Actor, Tree, load_actor, load_item, load_user
from campusgate.workflow.tx import writing
from campusgate.workflow.views import item_view

_NamedRow = TypeVar("_NamedRow", Department, School)


def apply(
    db: Database,
    login: str,
    *,
    today: date | None = None,
    on_behalf: bool = False,
    **fields: Any,
) -> dict[str, Any]:
    """A department applies for a whitelist item (state ``submitted``); ``fields`` are those
    of ``application_fields``.

    ``on_behalf``: the bureau enters a department's sheet (``import applications``); the
    entering admin or reviewer is recorded as the one who applied.
    """
    application = application_fields(**fields)
    with writing(db) as session:
        actor = load_actor(session, login)
        tree = Tree.load(session)
        item = apply_in(session, actor, application, today=today, on_behalf=on_behalf)
        return item_view(session, item, actor, tree, today=today or clock_today())


def application_fields(
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
) -> dict[str, Any]:
    """An application's fields, checked (``InvalidInput`` names the field)."""
    year_value = validate.year(year)
    basis = validate.choice("basis_kind", basis_kind, BASIS_KINDS)
    fields = {
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
        "teacher_hours": hours(teacher_hours),
    }
    fields["department"] = validate.text("department", department, required=True) or ""
    return fields


def apply_in(
    session: Session,
    actor: Actor,
    application: dict[str, Any],
    *,
    today: date | None = None,
    on_behalf: bool = False,
) -> Item:
    """Open the application (checked by ``application_fields``) inside ``session``."""
    as_of, today = today, today or clock_today()
    fields = dict(application)
    dept = find_department(session, fields.pop("department"))
    if on_behalf:
        allowed = "admin" in actor.roles or holds_role(actor, "reviewer", dept.jurisdiction_id)
    else:
        allowed = (
            holds_role(actor, "applicant", dept.jurisdiction_id) and actor.department_id == dept.id
        )
    if not allowed:
        raise PermissionDenied("not_permitted_apply", actor=actor.login, department=dept.name)
    check_application_year(fields["year"], fields["basis_kind"], today)
    check_not_duplicate(session, dept, fields["title"], fields["year"])
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
    audit.record(session, item, trigger="apply", from_state=None, actor=actor.login, as_of=as_of)
    return item


def check_not_duplicate(session: Session, dept: Department, title: str, year: int) -> None:
    """One live application per department, title and year; the department's row lock orders
    two concurrent applications."""
    session.execute(select(Department.id).where(Department.id == dept.id).with_for_update())
    existing = session.scalar(
        select(Item.id)
        .where(
            Item.kind == WHITELIST,
            Item.department_id == dept.id,
            Item.title == title,
            Item.year == year,
            Item.state != REVOKED,
        )
        .limit(1)
    )
    if existing is not None:
        raise GuardRefused(
            "duplicate_application", id=existing, department=dept.name, title=title, year=year
        )


def add_clue(
    db: Database,
    login: str,
    *,
    today: date | None = None,
    actor: Actor | None = None,
    for_user: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A reviewer takes in a problem clue: a rectification item in state ``submitted``;
    ``fields`` are those of ``clue_fields``. ``for_user``: a system actor opens it for that
    person, who is recorded as the one who applied (the evaluation sweep, for the approver
    who recorded the outcome)."""
    clue = clue_fields(**fields)
    with writing(db) as session:
        actor = actor or load_actor(session, login)
        tree = Tree.load(session)
        item = add_clue_in(session, actor, tree, clue, today=today, for_user=for_user)
        return item_view(session, item, actor, tree, today=today or clock_today())


def clue_fields(
    *,
    jurisdiction: str,
    source: str,
    aspect: str,
    summary: str,
    school: str | None = None,
    reporter: str | None = None,
    linked_item: int | None = None,
) -> dict[str, Any]:
    """A clue's fields, checked (``InvalidInput`` names the field)."""
    return {
        "summary": validate.text("summary", summary, required=True, multiline=True) or "",
        "source": validate.choice("source", source, SOURCES) or "",
        "aspect": validate.choice("aspect", aspect, ASPECTS) or "",
        "reporter": validate.text("reporter", reporter),
        "school": validate.text("school", school),
        "jurisdiction": validate.text("jurisdiction", jurisdiction, required=True) or "",
        "linked_item": linked_item,
    }


def add_clue_in(
    session: Session,
    actor: Actor,
    tree: Tree,
    fields: dict[str, Any],
    *,
    today: date | None = None,
    on_behalf: bool = False,
    for_user: str | None = None,
) -> Item:
    """Take in the clue (checked by ``clue_fields``) inside ``session``; ``on_behalf``
    (``import clues``): an admin may enter the bureau's sheet too."""
    as_of, today = today, today or clock_today()
    linked_item = fields["linked_item"]
    jid = tree.resolve(fields["jurisdiction"])
    found_school = find_school(session, fields["school"]) if fields["school"] else None
    linked = load_item(session, linked_item) if linked_item is not None else None
    if linked is not None:  # ordered against a concurrent reinstate of that item
        session.execute(select(Item.id).where(Item.id == linked.id).with_for_update())
    admitted = on_behalf and "admin" in actor.roles
    if not (admitted or holds_role(actor, "reviewer", jid)):
        raise PermissionDenied("not_permitted_clue", actor=actor.login, jurisdiction=tree.name(jid))
    if found_school is not None and not tree.within(found_school.jurisdiction_id, jid):
        raise GuardRefused("school_outside", school=found_school.name, jurisdiction=tree.name(jid))
    if linked is not None and (
        linked.kind != WHITELIST or not tree.within(linked.jurisdiction_id, jid)
    ):
        raise GuardRefused("link_invalid", linked=linked_item, jurisdiction=tree.name(jid))
    applicant = load_user(session, for_user) if for_user is not None else None
    item = Item(
        kind=RECTIFICATION,
        state=SUBMITTED,
        jurisdiction_id=jid,
        year=today.year,
        applied_by_id=applicant.id if applicant is not None else actor.user_id,
        summary=fields["summary"],
        source=fields["source"],
        aspect=fields["aspect"],
        school_id=found_school.id if found_school else None,
        reporter=fields["reporter"],
        linked_item_id=linked_item,
    )
    audit.record(
        session,
        item,
        trigger="clue",
        from_state=None,
        actor=actor.login,
        as_of=as_of,
        # the event names the person a system actor acted for, so verify can replay it
        changes={"applied_by": [None, applicant.login]} if applicant is not None else None,
    )
    return item


def find_by_name_or_id(
    session: Session, model: type[_NamedRow], name: str, missing: str
) -> _NamedRow:
    """A department or school by its name (or id), else ``NotFound(missing)``."""
    row = session.scalar(select(model).where(model.name == name))
    if row is None and name.isascii() and name.isdigit() and int(name) <= validate.MAX_INT:
        row = session.get(model, int(name))
    if row is None:
        raise NotFound(missing, name=name)
    return row


def find_department(session: Session, name: str) -> Department:
    return find_by_name_or_id(session, Department, name, "no_department")


def find_school(session: Session, name: str) -> School:
    return find_by_name_or_id(session, School, name, "no_school")
