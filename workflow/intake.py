"""New items: a department's application, a problem clue taken in by the bureau."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from campusgate.domain import (
    ASPECTS,
    BASIS_KINDS,
    PUBLISHED,
    RECTIFICATION,
    REVOKED,
    SOURCES,
    SUBMITTED,
    WHITELIST,
)
from campusgate.models import Database, Department, Item, Jurisdiction, School
from campusgate.workflow import audit, validate
from campusgate.workflow.clock import today as clock_today
from campusgate.workflow.engine import hours
from campusgate.workflow.errors import GuardRefused, PermissionDenied, Problems
from campusgate.workflow.guards import check_application_year
from campusgate.workflow.permissions import enters_for_others, holds_role
from campusgate.workflow.scope import (
    Actor,
    Tree,
    find_department,
    find_school,
    load_actor,
    load_item,
    load_user,
)
from campusgate.workflow.tx import writing
from campusgate.workflow.views import item_view


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


def application_fields(**given: Any) -> dict[str, Any]:
    """An application's fields (those of ``application_values``), checked: ``InvalidInput``
    names the first bad field, and every other one is in its ``also``."""
    return _checked(application_values, **given)


def application_values(
    found: Problems,
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
    """An application's fields, each checked on its own: a bad one is None and its refusal
    kept in ``found`` (in this order, so the same field is named first every time)."""
    check = found.check
    return {
        "year": check(validate.year, year),
        "basis_kind": check(validate.choice, "basis_kind", basis_kind, BASIS_KINDS),
        "title": check(validate.text, "title", title, required=True),
        "basis_docs": check(validate.texts, "basis_docs", basis_docs, required=True),
        "lead_units": check(validate.texts, "lead_units", lead_units),
        "schedule": check(validate.text, "schedule", schedule),
        "manner": check(validate.text, "manner", manner),
        "scope": check(validate.text, "scope", scope),
        "place": check(validate.text, "place", place),
        "content": check(validate.text, "content", content, multiline=True),
        "teacher_hours": check(hours, teacher_hours),
        "department": check(validate.text, "department", department, required=True),
    }


def _checked(values: Callable[..., dict[str, Any]], **given: Any) -> dict[str, Any]:
    """``values``'s fields when every one is good, else the first refusal (with the others)."""
    found = Problems()
    fields = values(found, **given)
    found.raise_any()
    return fields


def apply_in(
    session: Session,
    actor: Actor,
    application: dict[str, Any],
    *,
    today: date | None = None,
    on_behalf: bool = False,
    found: Problems | None = None,
) -> Item:
    """Open the application (checked by ``application_fields``) inside ``session``.

    ``found``: the problems already found with its fields (``application_values``, whose
    bad fields are None); every check that can still run on the rest runs too, and the one
    that decides is raised with the others in its ``also`` (``import applications``)."""
    as_of, today = today, today or clock_today()
    found = found or Problems()
    fields = dict(application)
    name = fields.pop("department")
    dept = found.check(find_department, session, name) if name else None
    if dept is not None:
        if on_behalf:
            allowed = enters_for_others(actor, dept.jurisdiction_id)
        else:
            allowed = (
                holds_role(actor, "applicant", dept.jurisdiction_id)
                and actor.department_id == dept.id
            )
        if not allowed:
            found.found.append(
                PermissionDenied("not_permitted_apply", actor=actor.login, department=dept.name)
            )
    if fields["year"] is not None:  # the past, whatever the basis kind; emergencies: this year
        found.check(check_application_year, fields["year"], fields["basis_kind"], today)
    if dept is not None and fields["title"] is not None and fields["year"] is not None:
        found.check(check_not_duplicate, session, dept, fields["title"], fields["year"])
    found.raise_any()
    assert dept is not None  # else a problem was raised
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


def clue_fields(**given: Any) -> dict[str, Any]:
    """A clue's fields (those of ``clue_values``), checked: ``InvalidInput`` names the first
    bad field, and every other one is in its ``also``."""
    return _checked(clue_values, **given)


def clue_values(
    found: Problems,
    *,
    jurisdiction: str,
    source: str,
    aspect: str,
    summary: str,
    school: str | None = None,
    reporter: str | None = None,
    linked_item: int | None = None,
) -> dict[str, Any]:
    """A clue's fields, each checked on its own: a bad one is None and its refusal kept in
    ``found``."""
    check = found.check
    return {
        "summary": check(validate.text, "summary", summary, required=True, multiline=True),
        "source": check(validate.choice, "source", source, SOURCES),
        "aspect": check(validate.choice, "aspect", aspect, ASPECTS),
        "reporter": check(validate.text, "reporter", reporter),
        "school": check(validate.text, "school", school),
        "jurisdiction": check(validate.text, "jurisdiction", jurisdiction, required=True),
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
    found: Problems | None = None,
) -> Item:
    """Take in the clue (checked by ``clue_fields``) inside ``session``; ``on_behalf``
    (``import clues``): an admin may enter the bureau's sheet too, and a row identical to an
    open clue is refused (``check_not_duplicate_clue``).

    ``found``: the problems already found with its fields (``clue_values``, whose bad fields
    are None); every check that can still run on the rest runs too, and the one that decides
    is raised with the others in its ``also`` (``import clues``)."""
    as_of, today = today, today or clock_today()
    found = found or Problems()
    linked_item = fields["linked_item"]
    where = fields["jurisdiction"]
    jid = found.check(tree.resolve, where) if where else None
    school = fields["school"]
    found_school = found.check(find_school, session, school) if school else None
    linked = found.check(load_item, session, linked_item) if linked_item is not None else None
    if linked is not None:  # ordered against a concurrent reinstate of that item
        session.execute(select(Item.id).where(Item.id == linked.id).with_for_update())
    if jid is not None:
        # a reviewer there opens clues; an import also admits an admin
        admitted = (
            enters_for_others(actor, jid) if on_behalf else holds_role(actor, "reviewer", jid)
        )
        if not admitted:
            found.found.append(
                PermissionDenied(
                    "not_permitted_clue", actor=actor.login, jurisdiction=tree.name(jid)
                )
            )
        if found_school is not None and not tree.within(found_school.jurisdiction_id, jid):
            found.found.append(
                GuardRefused(
                    "school_outside", school=found_school.name, jurisdiction=tree.name(jid)
                )
            )
        if linked is not None and (
            linked.kind != WHITELIST or not tree.within(linked.jurisdiction_id, jid)
        ):
            found.found.append(
                GuardRefused("link_invalid", linked=linked_item, jurisdiction=tree.name(jid))
            )
    if on_behalf and not found.found:  # a sheet imported again
        assert jid is not None
        found.check(check_not_duplicate_clue, session, jid, fields, found_school)
    found.raise_any()
    assert jid is not None  # else a problem was raised
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


#: A clue is open until it is rectified and closed (published) or revoked.
CLOSED_CLUE_STATES = (PUBLISHED, REVOKED)


def check_not_duplicate_clue(
    session: Session, jid: int, fields: dict[str, Any], school: School | None
) -> None:
    """An imported clue identical to an open one (same jurisdiction, source, aspect, summary,
    school, reporter and linked item) is not taken in twice: the same sheet imported again,
    or a row repeated. Once that clue is closed or revoked, the same report is a new clue.
    (``clue add`` takes a second report of one problem as its own clue, which the bureau
    revokes as a duplicate when it verifies it.) The jurisdiction's row lock orders two
    concurrent imports."""
    session.execute(select(Jurisdiction.id).where(Jurisdiction.id == jid).with_for_update())
    existing = session.scalar(
        select(Item.id)
        .where(
            Item.kind == RECTIFICATION,
            Item.jurisdiction_id == jid,
            Item.source == fields["source"],
            Item.aspect == fields["aspect"],
            Item.summary == fields["summary"],
            # == None reads IS NULL
            Item.school_id == (school.id if school is not None else None),
            Item.reporter == fields["reporter"],
            Item.linked_item_id == fields["linked_item"],
            Item.state.not_in(CLOSED_CLUE_STATES),
        )
        .order_by(Item.id)
        .limit(1)
    )
    if existing is not None:
        raise GuardRefused("duplicate_clue", id=existing)
