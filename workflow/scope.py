"""Who is acting, the jurisdiction tree they act and read in, and the rows they name."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from campusgate.models import Department, Item, Jurisdiction, School, User
from campusgate.workflow.errors import InvalidInput, NotFound, PermissionDenied, not_found
from campusgate.workflow.messages import Names
from campusgate.workflow.validate import MAX_INT, encodable

#: The scheduled jobs' actors and the roles each acts with, in every jurisdiction: they pass
#: the same permission and separation-of-duties checks as people, with these roles and no
#: others (a job that needs no item transition holds none).
SYSTEM_ACTORS: dict[str, tuple[str, ...]] = {
    "reminders": (),
    "year-end-review": ("approver",),
    "publish": ("approver",),
    "refresh-published": (),
    "evaluation": ("reviewer", "approver"),
    "deliver": (),
    "checkpoint": (),
}


@dataclass(frozen=True)
class Actor:
    """A user, or a scheduled job acting as a named system actor (``system:reminders``)."""

    login: str
    user_id: int | None
    name: str
    roles: frozenset[str]
    #: ``None`` for system actors: they act in every jurisdiction.
    jurisdiction_id: int | None
    department_id: int | None = None

    @property
    def is_system(self) -> bool:
        return self.user_id is None

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(
            user.login, user.id, user.name, user.roles, user.jurisdiction_id, user.department_id
        )

    @classmethod
    def system(cls, job: str) -> Actor:
        """The named system actor of a scheduled job, with the roles ``SYSTEM_ACTORS`` gives."""
        return cls(f"system:{job}", None, f"system:{job}", frozenset(SYSTEM_ACTORS[job]), None)


def require_admin(
    session: Session, login: str, code: str = "admin_only", **params: object
) -> Actor:
    """The acting admin, else ``PermissionDenied(code)`` (exit 4): organisation, quotas,
    tokens, jobs, the organisation's audit trail and downgrades are for admins (SPEC §2)."""
    actor = load_actor(session, login)
    if "admin" not in actor.roles:
        raise PermissionDenied(code, **params)
    return actor


def item_key(item_id: int | str) -> int:
    """An item id as given: not a number is input (2), one too large to exist is 3."""
    text = str(item_id).strip()
    if not (text.isascii() and text.isdigit()):
        raise InvalidInput("invalid_id", value=item_id)
    key = int(text)
    if key > MAX_INT:
        raise NotFound("no_item", id=item_id)
    return key


def load_item(session: Session, item_id: int | str) -> Item:
    item = session.get(Item, item_key(item_id))
    if item is None:
        raise NotFound("no_item", id=item_id)
    return item


_NamedRow = TypeVar("_NamedRow", Department, School)


def find_by_name_or_id(
    session: Session, model: type[_NamedRow], name: str, missing: str
) -> _NamedRow:
    """A department or school by its name (or id), else ``NotFound(missing)``, naming the
    closest names when some are close (``{missing}_near``)."""
    row = session.scalar(select(model).where(model.name == name))
    if row is None and name.isascii() and name.isdigit() and int(name) <= MAX_INT:
        row = session.get(model, int(name))
    if row is None:
        raise not_found(missing, name, session.scalars(select(model.name)))
    return row


def find_department(session: Session, name: str) -> Department:
    return find_by_name_or_id(session, Department, name, "no_department")


def find_school(session: Session, name: str) -> School:
    return find_by_name_or_id(session, School, name, "no_school")


def load_user(session: Session, login: str) -> User:
    """The user of ``login``; unknown, the refusal names the users meant where it can: the
    one whose name was given instead of the login (陈辉 → chen.hui), or logins close to it."""
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        people = session.execute(select(User.login, User.name).order_by(User.login)).all()
        named = tuple(f"{found}（{name}）" for found, name in people if name == login)
        if named:
            raise NotFound("no_user_near", login=login, near=Names(named))
        error = not_found("no_user", login, (found for found, _ in people))
        raise NotFound(error.code, login=login, **error.params)
    return user


class Credential(Protocol):
    """Who acts, proven by something other than a login (the server's bearer token). The
    service it is given to checks it inside its own first transaction, so a request costs
    no transaction of its own for it; a credential that does not hold refuses the whole
    call (exit 4). ``login`` is ``None`` until it has been checked."""

    login: str | None
    #: The user it stands for, as read when it was checked (the same query): ``None`` until
    #: then.
    actor: Actor | None

    def resolve(self, session: Session) -> str:
        """The login this credential stands for, else ``PermissionDenied``."""
        ...


#: The acting user as a service function is given it: a login, or a credential.
Who = str | Credential


def acting_login(session: Session, who: Who) -> str:
    """The login of ``who``: itself, or what its credential stands for."""
    return who if isinstance(who, str) else who.resolve(session)


def load_acting(session: Session, who: Who, login: str) -> Actor:
    """The acting user: the one a checked credential read with its check, else ``login``'s
    (:func:`load_actor`)."""
    if not isinstance(who, str) and who.actor is not None:
        return who.actor
    return load_actor(session, login)


def load_actor(session: Session, login: str) -> Actor:
    """The acting user; unknown, the message says how to act as someone (exit 3)."""
    if not encodable(login):
        raise InvalidInput("undecodable", field="--as")
    query = select(User).options(joinedload(User.role_rows)).where(User.login == login)
    user = session.execute(query).unique().scalar_one_or_none()
    if user is None:
        raise NotFound("no_acting_user", login=login)
    return Actor.of(user)


class Tree:
    """The jurisdiction tree, loaded whole (it is small: provinces, cities, counties)."""

    def __init__(self, rows: Iterable[tuple[int, str, str, int | None]]) -> None:
        self.names: dict[int, str] = {}
        self.levels: dict[int, str] = {}
        self.parents: dict[int, int | None] = {}
        self.children: dict[int, list[int]] = {}
        for jid, name, level, parent_id in rows:
            self.names[jid] = name
            self.levels[jid] = level
            self.parents[jid] = parent_id
            if parent_id is not None:
                self.children.setdefault(parent_id, []).append(jid)
        self.by_name = {name: jid for jid, name in self.names.items()}

    @classmethod
    def load(cls, session: Session) -> Tree:
        query = select(
            Jurisdiction.id, Jurisdiction.name, Jurisdiction.level, Jurisdiction.parent_id
        )
        return cls((r.id, r.name, r.level, r.parent_id) for r in session.execute(query))

    def parent(self, jid: int) -> int | None:
        return self.parents.get(jid)

    def ancestors(self, jid: int) -> list[int]:
        """``jid`` and every jurisdiction above it, nearest first."""
        chain = []
        current: int | None = jid
        while current is not None:
            chain.append(current)
            current = self.parents.get(current)
        return chain

    def subtree(self, jid: int) -> set[int]:
        """``jid`` and every jurisdiction below it."""
        found = {jid}
        stack = [jid]
        while stack:
            for child in self.children.get(stack.pop(), ()):
                found.add(child)
                stack.append(child)
        return found

    def within(self, jid: int, top: int) -> bool:
        return top in self.ancestors(jid)

    def resolve(self, name_or_id: str) -> int:
        if name_or_id in self.by_name:
            return self.by_name[name_or_id]
        if name_or_id.isascii() and name_or_id.isdigit() and int(name_or_id) in self.names:
            return int(name_or_id)
        raise not_found("no_jurisdiction", name_or_id, self.by_name)

    def name(self, jid: int | None) -> str:
        return "" if jid is None else self.names.get(jid, str(jid))


def can_read(actor: Actor, jurisdiction_id: int, tree: Tree) -> bool:
    """Supervision runs downward; admins and system actors read everything."""
    if actor.jurisdiction_id is None or "admin" in actor.roles:
        return True
    return tree.within(jurisdiction_id, actor.jurisdiction_id)


def can_read_item(actor: Actor, jurisdiction_id: int, owner_id: int | None, tree: Tree) -> bool:
    """The jurisdiction rule, and the responsible person reads the item they must rectify."""
    return can_read(actor, jurisdiction_id, tree) or (
        actor.user_id is not None and owner_id == actor.user_id
    )


def readable_jurisdiction(actor: Actor, name: str, tree: Tree) -> int:
    """The jurisdiction ``name`` (3 if unknown), which ``actor`` must be able to read (4)."""
    jid = tree.resolve(name)
    if not can_read(actor, jid, tree):
        raise PermissionDenied(
            "not_readable_jurisdiction", actor=actor.login, jurisdiction=tree.name(jid)
        )
    return jid


def readable_jurisdictions(actor: Actor, tree: Tree) -> set[int] | None:
    """The jurisdictions ``actor`` reads; ``None`` means all."""
    if actor.jurisdiction_id is None or "admin" in actor.roles:
        return None
    return tree.subtree(actor.jurisdiction_id)
