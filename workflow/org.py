"""Organisation and quotas: jurisdictions, departments, schools, users (SPEC §2, §4.3).

Changing the organisation is for admins, except on a database with no users yet (bootstrap).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campusgate.models import Database, Department, Jurisdiction, Quota, School, User, UserRole
from campusgate.workflow import audit, quotas, validate
from campusgate.workflow.config import read_file
from campusgate.workflow.errors import (
    CampusgateError,
    GuardRefused,
    InFile,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problems,
    RuleRefused,
    every_problem,
    not_found,
)
from campusgate.workflow.kinds import LEVELS, ROLES
from campusgate.workflow.scope import (
    Tree,
    find_department,
    load_actor,
    readable_jurisdiction,
    readable_jurisdictions,
    require_admin,
)
from campusgate.workflow.tx import writing

PARENT_LEVEL = {"city": "province", "county": "city"}


@contextmanager
def _organising(db: Database, login: str) -> Iterator[Session]:
    """A write transaction for changing the organisation.

    Whether ``login`` may organise is decided by the roles held BEFORE the change (nobody
    grants themselves a role), but reported after the body has validated its input and
    resolved its names (SPEC §7: 2 and 3 decide before 4, and 4 before the rules' 5); a
    refusal rolls the whole transaction back. On a database with no users yet anyone may
    organise (bootstrap), and the first users must include an admin.
    """
    with writing(db) as session:
        bootstrapping = not session.scalar(select(func.count()).select_from(User))
        refusal: CampusgateError | None = None
        if not bootstrapping:
            try:
                require_admin(session, login)
            except (NotFound, PermissionDenied) as exc:
                refusal = exc
        try:
            yield session
        except RuleRefused:
            if refusal is not None:
                raise refusal from None
            raise
        if refusal is not None:
            raise refusal
        if bootstrapping:
            session.flush()
            if session.scalar(select(func.count()).select_from(User)) and not session.scalar(
                select(func.count()).select_from(UserRole).where(UserRole.role == "admin")
            ):
                raise InvalidInput("bootstrap_needs_admin")


class _Tally:
    def __init__(self) -> None:
        self.counts = {"created": 0, "updated": 0, "unchanged": 0}

    def note(self, outcome: str) -> None:
        self.counts[outcome] += 1


def _recorded(
    session: Session, login: str, entity: str, key: str, before: dict[str, Any] | None
) -> str:
    """Record the change of ``entity`` ``key`` from ``before`` to what it is now; the outcome."""
    after = audit.org_state(session, entity, key)
    audit.record_org(session, login, entity, key, before, after)
    if before is None:
        return "created"
    return "unchanged" if before == after else "updated"


def _jurisdiction(session: Session, login: str, name: str, level: str, parent: str | None) -> str:
    name = validate.text("name", name, required=True) or ""
    level = validate.choice("level", level, LEVELS) or ""
    parent = validate.text("parent", parent)
    if level in PARENT_LEVEL and not parent:
        raise InvalidInput("parent_required", level=level)
    if level not in PARENT_LEVEL and parent:
        raise InvalidInput("bad_parent_level", level=level, parent_level="-")
    parent_row = None
    if parent:
        parent_row = session.scalar(select(Jurisdiction).where(Jurisdiction.name == parent))
        if parent_row is None:
            raise not_found("no_jurisdiction", parent, session.scalars(select(Jurisdiction.name)))
        if parent_row.level != PARENT_LEVEL[level]:
            raise InvalidInput("bad_parent_level", level=level, parent_level=PARENT_LEVEL[level])
    parent_id = parent_row.id if parent_row else None
    before = audit.org_state(session, "jurisdiction", name)
    row = session.scalar(select(Jurisdiction).where(Jurisdiction.name == name))
    if row is None:
        session.add(Jurisdiction(name=name, level=level, parent_id=parent_id))
    else:
        row.level, row.parent_id = level, parent_id
    return _recorded(session, login, "jurisdiction", name, before)


def _placed(
    session: Session,
    login: str,
    model: type[Department] | type[School],
    name: str,
    jurisdiction: str,
) -> str:
    """A department or a school in its jurisdiction; never moved silently to another."""
    name = validate.text("name", name, required=True) or ""
    where = validate.text("jurisdiction", jurisdiction, required=True) or ""
    tree = Tree.load(session)
    jid = tree.resolve(where)
    entity = model.__tablename__.removesuffix("s")
    before = audit.org_state(session, entity, name)
    row = cast(Department | School | None, session.scalar(select(model).where(model.name == name)))
    if row is None:
        session.add(model(name=name, jurisdiction_id=jid))
    elif row.jurisdiction_id != jid:
        raise RuleRefused(
            "placed_elsewhere",
            entity=entity,
            name=name,
            jurisdiction=tree.name(row.jurisdiction_id),
            wanted=tree.name(jid),
        )
    return _recorded(session, login, entity, name, before)


def _user(
    session: Session,
    actor: str,
    login: str,
    roles: list[str] | str | None,
    jurisdiction: str | None,
    department: str | None,
    email: str | None,
    name: str | None,
) -> str:
    """A user added, or changed: for an existing one, what is not given stays as it was."""
    login = validate.login("login", login) or ""
    row = session.scalar(select(User).where(User.login == login))
    if isinstance(roles, str):  # `roles = "reviewer"` means one role
        roles = [roles]
    if not roles:
        if row is None:
            raise InvalidInput("missing_field", field="role")
        roles = sorted(row.roles)  # a user changed: what is not given stays as it was
    if not isinstance(roles, list | tuple):
        raise InvalidInput("invalid_type", field="roles", value=repr(roles))
    for role in roles:
        validate.choice("role", role, ROLES)
    department = validate.text("department", department)
    email = validate.email("email", email)
    if "applicant" in roles and not department and row is None:  # input before names (§7)
        raise InvalidInput("missing_field", field="department")
    tree = Tree.load(session)
    if jurisdiction is None and row is not None:
        jid = row.jurisdiction_id
        jurisdiction = tree.name(jid)
    else:
        jid = tree.resolve(validate.text("jurisdiction", jurisdiction, required=True) or "")
    dept_id = row.department_id if row is not None and department is None else None
    if department:
        dept = find_department(session, department)
        if dept.jurisdiction_id != jid:
            raise InvalidInput(
                "department_outside", department=department, jurisdiction=jurisdiction
            )
        dept_id = dept.id
    kept = session.get(Department, dept_id) if dept_id is not None else None
    if kept is not None and kept.jurisdiction_id != jid:
        dept_id = None  # moved to another jurisdiction: the old department stays behind
    if "applicant" in roles and dept_id is None:
        raise InvalidInput("missing_field", field="department")
    wanted = sorted(set(roles))
    before = audit.org_state(session, "user", login)
    if row is None:
        display = validate.text("name", name) or login
        user = User(
            login=login, name=display, email=email, jurisdiction_id=jid, department_id=dept_id
        )
        user.role_rows = [UserRole(role=r) for r in wanted]
        session.add(user)
    else:  # what is not given stays as it was
        email = email if email is not None else row.email
        display = validate.text("name", name) or row.name
        row.name, row.email, row.jurisdiction_id, row.department_id = display, email, jid, dept_id
        if sorted(row.roles) != wanted:
            row.role_rows = [UserRole(role=r) for r in wanted]
    return _recorded(session, actor, "user", login, before)


def add_jurisdiction(db: Database, login: str, name: str, level: str, parent: str | None) -> str:
    with _organising(db, login) as session:
        outcome = _jurisdiction(session, login, name, level, parent)
    return outcome


def add_department(db: Database, login: str, name: str, jurisdiction: str) -> str:
    with _organising(db, login) as session:
        outcome = _placed(session, login, Department, name, jurisdiction)
    return outcome


def add_school(db: Database, login: str, name: str, jurisdiction: str) -> str:
    with _organising(db, login) as session:
        outcome = _placed(session, login, School, name, jurisdiction)
    return outcome


def add_user(
    db: Database,
    login: str,
    *,
    new_login: str,
    roles: list[str],
    jurisdiction: str | None,
    department: str | None = None,
    email: str | None = None,
    name: str | None = None,
) -> str:
    with _organising(db, login) as session:
        outcome = _user(session, login, new_login, roles, jurisdiction, department, email, name)
    return outcome


#: The tables of an ``org load`` file: their keys, the key naming an entry, and the change.
_SECTIONS: dict[str, tuple[tuple[str, ...], str, Callable[[Session, str, dict[str, Any]], str]]] = {
    "jurisdiction": (
        ("name", "level", "parent"),
        "name",
        lambda session, login, e: _jurisdiction(
            session, login, e["name"], e["level"], e.get("parent")
        ),
    ),
    "department": (
        ("name", "jurisdiction"),
        "name",
        lambda session, login, e: _placed(session, login, Department, e["name"], e["jurisdiction"]),
    ),
    "school": (
        ("name", "jurisdiction"),
        "name",
        lambda session, login, e: _placed(session, login, School, e["name"], e["jurisdiction"]),
    ),
    "user": (
        ("login", "roles", "jurisdiction", "department", "email", "name"),
        "login",
        lambda session, login, e: _user(
            session,
            login,
            e["login"],
            e.get("roles"),
            e.get("jurisdiction"),
            e.get("department"),
            e.get("email"),
            e.get("name"),
        ),
    ),
}


def _entries(path: Path, data: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(table, where, entry) of every entry of the file, checked for unknown tables and keys
    and for an entry named twice: every such problem of the file, not the first only."""
    problems = Problems()
    for name in data:
        if name not in _SECTIONS:
            problems.add(
                InvalidInput(
                    "org_unknown_table",
                    path=str(path),
                    table=f"[[{name}]]",
                    allowed=", ".join(f"[[{section}]]" for section in _SECTIONS),
                ),
            )
    found = []
    for section, (keys, naming, _) in _SECTIONS.items():
        entries = data.get(section, [])
        if not isinstance(entries, list):
            problems.add(InvalidInput("org_file_invalid", path=str(path), detail=f"[[{section}]]"))
            continue
        seen: dict[str, str] = {}
        for number, entry in enumerate(entries, 1):
            where = f"[[{section}]] #{number}"
            if not isinstance(entry, dict):
                problems.add(InvalidInput("org_file_invalid", path=str(path), detail=where))
                continue
            for key in entry:
                if key not in keys:
                    problems.add(
                        InvalidInput(
                            "org_unknown_key",
                            path=str(path),
                            where=where,
                            key=key,
                            allowed=", ".join(keys),
                        ),
                    )
            named = entry.get(naming)
            if isinstance(named, str):
                if named in seen:
                    problems.add(
                        InvalidInput(
                            "org_duplicate",
                            path=str(path),
                            where=where,
                            name=named,
                            first=seen[named],
                        ),
                    )
                seen[named] = where
            found.append((section, where, entry))
    every_problem(problems, "org_file_problems", path=str(path))
    return found


def load(db: Database, login: str, path: str | Path) -> dict[str, int]:
    """``org load FILE.toml``: create or update everything in the file, all or nothing. Every
    problem of the file is named, each with its entry (``[[school]] #3``): first those of its
    form, then, if there are none, those of the entries themselves."""
    path = Path(path)
    data = read_file(path, "org_file_invalid", "org_file_syntax")
    entries = _entries(path, data)
    tally = _Tally()
    with _organising(db, login) as session:
        problems = Problems()
        for section, where, entry in entries:
            outcome = problems.check(_apply, session, login, path, section, where, entry)
            if outcome is not None:
                tally.note(outcome)
        every_problem(problems, "org_file_problems", path=str(path))
    return tally.counts


def _apply(
    session: Session, login: str, path: Path, section: str, where: str, entry: dict[str, Any]
) -> str:
    """One entry of an ``org load`` file applied; a refusal names the entry."""
    try:
        with session.begin_nested():  # a refused entry leaves nothing of itself behind
            outcome = _SECTIONS[section][2](session, login, entry)
            session.flush()
            return outcome
    except KeyError as exc:
        missing = InvalidInput("missing_field", field=str(exc.args[0]))
        raise InvalidInput(
            "org_entry_invalid", path=str(path), where=where, detail=InFile(missing)
        ) from None
    except (InvalidInput, NotFound) as exc:
        raise type(exc)(
            "org_entry_invalid", path=str(path), where=where, detail=InFile(exc)
        ) from None


def show(db: Database, login: str) -> list[dict[str, Any]]:
    """The whole organisation as a tree of jurisdictions (admin, or anyone before bootstrap)."""
    with db.read() as session:
        if session.scalar(select(func.count()).select_from(User)):
            require_admin(session, login)
        tree = Tree.load(session)
        departments: dict[int, list[str]] = {}
        for dept in session.scalars(select(Department).order_by(Department.id)):
            departments.setdefault(dept.jurisdiction_id, []).append(dept.name)
        schools: dict[int, list[str]] = {}
        for school in session.scalars(select(School).order_by(School.id)):
            schools.setdefault(school.jurisdiction_id, []).append(school.name)
        users: dict[int, list[dict[str, Any]]] = {}
        for user in session.scalars(select(User).order_by(User.login)):
            users.setdefault(user.jurisdiction_id, []).append(
                {
                    "login": user.login,
                    "name": user.name,
                    "roles": sorted(user.roles),
                    "department": user.department.name if user.department else None,
                    "email": user.email,
                }
            )

        def node(jid: int) -> dict[str, Any]:
            return {
                "name": tree.name(jid),
                "level": tree.levels[jid],
                "departments": departments.get(jid, []),
                "schools": schools.get(jid, []),
                "users": users.get(jid, []),
                "children": [node(c) for c in sorted(tree.children.get(jid, []))],
            }

        roots = [jid for jid in sorted(tree.names) if tree.parent(jid) is None]
        return [node(jid) for jid in roots]


#: What ``--per-school`` takes to lift a school's cap.
NO_CAP = frozenset({"none", "无"})


def set_quota(
    db: Database,
    login: str,
    *,
    jurisdiction: str,
    year: int | str,
    max_items: int | str,
    per_school_max: int | str | None = None,
) -> dict[str, Any]:
    year_value = validate.year(year)
    maximum = validate.count("max", max_items)
    lifted = isinstance(per_school_max, str) and per_school_max.strip().lower() in NO_CAP
    per_school = None if lifted else validate.count("per_school", per_school_max, minimum=1)
    if maximum is None:
        raise InvalidInput("missing_field", field="max")
    with writing(db) as session:
        tree = Tree.load(session)
        jid = tree.resolve(jurisdiction)
        require_admin(session, login)
        row = quotas.lock(session, jid, year_value)
        taken = quotas.used(session, jid, year_value)
        if maximum < taken:
            raise GuardRefused(
                "quota_below_used", jurisdiction=tree.name(jid), year=year_value, used=taken
            )
        key = audit.quota_key(tree.name(jid), year_value)
        before = audit.org_state(session, "quota", key)
        if row is None:
            row = Quota(jurisdiction_id=jid, year=year_value)
            session.add(row)
        row.max_items = maximum
        if per_school is not None or lifted:  # not given: the cap stays as it was
            row.per_school_max = per_school
        _recorded(session, login, "quota", key, before)
        return _quota_view(tree, row, taken)


def show_quotas(
    db: Database, login: str, *, year: int | str | None = None, jurisdiction: str | None = None
) -> list[dict[str, Any]]:
    year_value = validate.year(year) if year is not None else None
    with db.read() as session:
        actor = load_actor(session, login)
        tree = Tree.load(session)
        query = select(Quota).order_by(Quota.year, Quota.jurisdiction_id)
        if year_value is not None:
            query = query.where(Quota.year == year_value)
        if jurisdiction is not None:
            jid = readable_jurisdiction(actor, jurisdiction, tree)
            query = query.where(Quota.jurisdiction_id == jid)
        readable = readable_jurisdictions(actor, tree)
        rows = [
            row
            for row in session.scalars(query)
            if readable is None or row.jurisdiction_id in readable
        ]
        taken = quotas.used_by(session, [(row.jurisdiction_id, row.year) for row in rows])
        return [
            _quota_view(tree, row, taken.get((row.jurisdiction_id, row.year), 0)) for row in rows
        ]


def _quota_view(tree: Tree, row: Quota, taken: int) -> dict[str, Any]:
    return {
        "jurisdiction": tree.name(row.jurisdiction_id),
        "year": row.year,
        "max_items": row.max_items,
        "per_school_max": row.per_school_max,
        "used": taken,
    }
