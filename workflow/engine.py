"""Changing items by their transitions: the service functions ``advance``, ``item edit``,
``evaluate`` and the jobs call.

Every change has one shape: take a snapshot of the item (its version) in a read transaction,
then in one write transaction reload it, refuse if the version moved (exit 6), check input,
then let the kind's machine check permission and guards in the order of SPEC §7 and run the
row's effects, and write the item and its audit event together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from campusgate.domain import BASIS_KINDS, EVALUABLE, OUTCOMES, RATINGS, WHITELIST
from campusgate.models import Database, Evaluation, Item
from campusgate.workflow import audit, validate
from campusgate.workflow.clock import now_utc, utc_text
from campusgate.workflow.clock import today as clock_today
from campusgate.workflow.errors import (
    CampusgateError,
    ConcurrentChange,
    InvalidInput,
    NotFound,
    Notice,
    PermissionDenied,
    RuleRefused,
)
from campusgate.workflow.firing import Firing
from campusgate.workflow.kinds import KINDS, all_triggers, needs
from campusgate.workflow.machines import MACHINES, missing_param
from campusgate.workflow.messages import Choices, code_of
from campusgate.workflow.permissions import holds_role
from campusgate.workflow.scope import (
    Actor,
    Tree,
    Who,
    acting_login,
    item_key,
    load_acting,
    load_actor,
    load_item,
    load_user,
)
from campusgate.workflow.tx import writing
from campusgate.workflow.views import evaluation_view, item_states, item_view, names_of

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


#: Triggers fired by their own command rather than ``advance``, with the refusal that names it.
OWN_COMMAND = {"amend": "amend_by_edit"}

#: An item's version, read again in a write transaction.
VERSION = select(Item.__table__.c.version).where(Item.__table__.c.id == bindparam("item_id"))


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


@contextmanager
def changing_item(
    db: Database, item_id: int | str, before_write: Callable[[], None] | None = None
) -> Iterator[tuple[Session, Item]]:
    """Snapshot ``item_id``'s version, then yield it inside a write transaction; if it moved
    in between (someone else wrote first), nothing is written and exit 6 follows."""
    key = item_key(item_id)
    with db.read() as session:
        seen = session.scalar(select(Item.version).where(Item.id == key))
    if seen is None:
        raise NotFound("no_item", id=item_id)
    if before_write is not None:
        before_write()
    with _writing_seen(db, item_id, seen) as (session, item):
        yield session, item


@contextmanager
def _writing_seen(db: Database, item_id: int | str, seen: int) -> Iterator[tuple[Session, Item]]:
    """The item in a write transaction, refused (6) unless still at the version ``seen``."""
    with _lost_race_named(item_id), writing(db) as session:
        item = load_item(session, item_id)
        if item.version != seen:
            raise ConcurrentChange("concurrent_change", id=item.id)
        yield session, item


@contextmanager
def _lost_race_named(item_id: int | str) -> Iterator[None]:
    """A write that lost a race at the database (``concurrent_write``) is refused as a change
    of this item (``concurrent_change``, 6), which names it."""
    try:
        yield
    except ConcurrentChange as exc:
        if exc.code == "concurrent_write":
            raise ConcurrentChange("concurrent_change", id=item_id) from None
        raise


@contextmanager
def _writing_snapshot(db: Database, writer: Session, item: Item) -> Iterator[tuple[Session, Item]]:
    """``item`` as read in an earlier snapshot, in a write transaction of ``writer``, refused
    (6) unless its version is still the one read: the UPDATE's version check decides a change
    that goes through; a refusal stands only if the item did not move since the snapshot,
    else it is the lost race (6) it would have been had the version been read first."""
    # Read before: a rolled-back item is expired, and reading it would begin a transaction.
    item_id, seen = item.id, item.version
    try:
        with _lost_race_named(item_id), writing(db, writer) as session:
            session.add(item)
            try:
                yield session, item
            except CampusgateError as exc:
                if isinstance(exc, ConcurrentChange):
                    raise
                current = session.connection().execute(VERSION, {"item_id": item_id}).scalar()
                if current != seen:
                    raise ConcurrentChange("concurrent_change", id=item_id) from None
                raise
    finally:
        writer.expunge_all()


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
    clean = _checked_params(trigger, params)
    with changing_item(db, item_id, before_write) as (session, item):
        acting = actor or load_actor(session, login)
        tree = Tree.load(session)
        transition(session, acting, item, trigger, clean, tree, today=today)
        if not view:
            return {"id": item.id, "state": item.state, "version": item.version}
        return item_view(session, item, acting, tree, today=today)


def fire_each(
    db: Database,
    who: Who,
    item_ids: Iterable[int | str],
    trigger: str,
    params: Params | None = None,
    *,
    today: date | None = None,
) -> Iterator[tuple[int | str, dict[str, Any] | Exception]]:
    """``advance``: fire ``trigger`` on each item in its own transaction, yielding each id
    with its ``id``/``kind``/``state``/``version``/``notices`` or the error that refused it (an
    internal one included). The acting user, the tree and the items' versions are read once, in one
    snapshot; each write then checks its item's version against it (exit 6 if it moved).
    A credential for ``who`` is checked in that snapshot: if it does not hold, nothing is
    fired and its refusal is raised (exit 4)."""
    ids = list(item_ids)
    keys: dict[int | str, int | Exception] = {}
    try:
        refusal = OWN_COMMAND.get(trigger_code(trigger))
        if refusal is not None:
            raise InvalidInput(refusal, id=ids[0] if len(ids) == 1 else "ID")
        clean = _checked_params(trigger, params)
        for item_id in ids:  # a malformed or repeated id is input: it refuses the call
            try:
                key = item_key(item_id)
            except NotFound as exc:  # a number too large to be an item's: that id only
                keys[item_id] = exc
                continue
            if key in keys.values():
                raise InvalidInput("repeated_id", id=item_id)
            keys[item_id] = key
    except Exception as exc:  # the same refusal for every id
        if not isinstance(who, str):  # but a credential that does not hold refuses all first
            with db.read() as session:
                acting_login(session, who)
        yield from ((item_id, exc) for item_id in ids)
        return
    acting: Actor | Exception
    with db.read() as session:
        login = acting_login(session, who)
        wanted = [key for key in keys.values() if isinstance(key, int)]
        seen = {item.id: item for item in session.scalars(select(Item).where(Item.id.in_(wanted)))}
        try:
            acting = load_acting(session, who, login)
        except Exception as exc:
            acting = exc
        tree = Tree.load(session)
    with db.writer() as writer:
        for item_id in ids:
            key = keys[item_id]
            try:
                if isinstance(key, Exception):
                    raise key
                if key not in seen:
                    raise NotFound("no_item", id=item_id)
                if isinstance(acting, Exception):
                    raise acting
                with _writing_snapshot(db, writer, seen.pop(key)) as (session, item):
                    notices = transition(session, acting, item, trigger, clean, tree, today=today)
                    outcome: dict[str, Any] | Exception = {
                        "id": item.id,
                        "kind": item.kind,
                        "state": item.state,
                        "version": item.version,
                        "notices": notices,
                    }
            except Exception as exc:  # each id stands alone
                outcome = exc
            yield item_id, outcome


#: (exit code, error code, message) of a refusal, in the caller's language.
Explain = Callable[[Exception], tuple[int, str, str]]


class Advanced(NamedTuple):
    """What ``advance`` answers: one result per id, the exit code of the worst outcome, and
    whether the call was refused whole (one refusal for every id: nothing was tried)."""

    results: list[dict[str, Any]]
    worst: int
    whole: bool


def advance(
    db: Database,
    who: Who,
    item_ids: Iterable[int | str],
    trigger: str,
    params: Params | None = None,
    *,
    explain: Explain,
    warn: Callable[[Notice], None] | None = None,
) -> Advanced:
    """``advance`` as the CLI and the server answer it: one result per id (``id``, ``ok``,
    ``kind``, ``state``, ``error``; a refused item's kind and state as the user may read them)
    and the exit code of the worst outcome (an internal error, 1, outranks everything, then
    the highest). ``warn`` is told what a done item's transition noticed, as it is done."""
    results: list[dict[str, Any]] = []
    codes: list[int] = []
    refused: list[int | str] = []
    outcomes = list(fire_each(db, who, item_ids, trigger, params))
    # a refusal of the whole call is one exception for every id; one of a single item among
    # several names the item where its own words do not (a full quota, a closed year …)
    whole = len(outcomes) > 1 and len({id(outcome) for _, outcome in outcomes}) == 1
    for item_id, outcome in outcomes:
        if isinstance(outcome, Exception):
            exit_code, code, message = explain(outcome)
            several = len(outcomes) > 1 and not whole
            if several and isinstance(outcome, CampusgateError) and not _names_item(outcome):
                _, _, message = explain(CampusgateError("item_refused", id=item_id, why=outcome))
            error = {"code": code, "message": message, "exit": exit_code}
            results.append(
                {"id": item_id, "ok": False, "kind": None, "state": None, "error": error}
            )
            refused.append(item_id)
            codes.append(exit_code)
        else:
            for notice in outcome["notices"]:
                if warn is not None:
                    warn(notice)
            results.append(
                {
                    "id": outcome["id"],
                    "ok": True,
                    "kind": outcome["kind"],
                    "state": outcome["state"],
                    "error": None,
                }
            )
            codes.append(0)
    login = who if isinstance(who, str) else who.login
    # the refused items' kind and state, as the user may read them
    states = item_states(db, login, refused) if refused and login else {}
    for result in results:
        if not result["ok"]:
            result["kind"], result["state"] = states.get(result["id"], (None, None))
            result["id"] = _as_id(result["id"])
    return Advanced(results, 1 if 1 in codes else max(codes, default=0), whole)


def _names_item(refusal: CampusgateError) -> bool:
    return "id" in refusal.params or "value" in refusal.params


def _as_id(value: int | str) -> int | str:
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return value


def transition(
    session: Session,
    actor: Actor,
    item: Item,
    trigger: str,
    params: Params,
    tree: Tree,
    *,
    today: date | None = None,
    cache: dict[Any, Any] | None = None,
    writes: audit.Writes | None = None,
) -> list[Notice]:
    """Check and apply one transition inside the caller's transaction; return what the
    caller should be told though it went through (an owner no reminder reaches). Jobs batch
    these: firings sharing a ``cache`` share what guards looked up (a quota's places), and
    given ``writes`` the item and its event wait there to be written with the others'."""
    machine = MACHINES[item.kind]
    if trigger not in machine.triggers:
        trigger = trigger_code(trigger, item.kind)
    kind_needs = needs(trigger, item.kind)
    _require(trigger, params, kind_needs, item.kind)
    may_need_owner = any("owner" in row.needs for row in machine.rows(trigger))
    owner = load_user(session, params.owner) if may_need_owner and params.owner else None
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
        cache={} if cache is None else cache,
    )
    from_state = item.state
    machine.fire(firing)
    item.state = firing.state
    audit.record(
        session,
        item,
        trigger=trigger,
        from_state=from_state,
        actor=actor.login,
        reason=params.reason,
        changes=firing.changes,
        as_of=today,
        writes=writes,
    )
    return firing.notices


def amend(
    db: Database,
    login: str,
    item_id: int | str,
    changes: dict[str, Any],
    *,
    before_write: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """``item edit``: the applicant changes fields of a submitted application; an empty value
    clears an optional field."""
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
        if not holds_role(actor, "approver", item.jurisdiction_id):
            raise PermissionDenied(
                "not_permitted_evaluate",
                actor=login,
                id=item.id,
                jurisdiction=tree.name(item.jurisdiction_id),
            )
        if item.state not in EVALUABLE:
            raise RuleRefused("evaluate_state", id=item.id, state=item.state, kind=item.kind)
        existing = session.get(Evaluation, item.id)
        if existing is not None and existing.applied_at is not None:
            raise RuleRefused("evaluation_applied", id=item.id)
        replaced = None
        same = existing is not None and (existing.rating, existing.outcome, existing.note) == (
            rating,
            outcome,
            note,
        )
        if existing is None:
            existing = Evaluation(item_id=item.id, year=item.year)
            session.add(existing)
            _record_evaluation(session, login, item, existing, rating, outcome, note)
        elif not same:  # a second evaluation replaces the first: said, and both kept
            by = existing.evaluated_by
            replaced = {
                "rating": existing.rating,
                "outcome": existing.outcome,
                "by": by,
                "by_name": names_of(session, {by}).get(by),
                "at": utc_text(existing.evaluated_at),
            }
            _record_evaluation(session, login, item, existing, rating, outcome, note)
        # the same evaluation again changes nothing and records nothing
        view = item_view(session, item, actor, tree)
        return view | {
            "evaluation": evaluation_view(existing),
            "replaced": replaced,
            "unchanged": same,
        }


def _record_evaluation(
    session: Session,
    login: str,
    item: Item,
    evaluation: Evaluation,
    rating: str,
    outcome: str,
    note: str | None,
) -> None:
    """Set ``evaluation`` and record it in the item's history: the values set, or, replacing
    an earlier evaluation, each as it was and as it is now."""
    changes: dict[str, Any] = {"rating": rating, "outcome": outcome}
    if evaluation.rating is not None:
        changes = {"rating": [evaluation.rating, rating], "outcome": [evaluation.outcome, outcome]}
    evaluation.rating, evaluation.outcome, evaluation.note = rating, outcome, note
    evaluation.evaluated_by, evaluation.evaluated_at = login, now_utc()
    audit.record(
        session,
        item,
        trigger="evaluate",
        from_state=item.state,
        actor=login,
        reason=note,
        changes=changes,
    )


def _checked_params(trigger: str, params: Params | None) -> Params:
    """What can be refused before any item is read: the trigger, its parameters' form, and
    those every row of the trigger needs."""
    trigger = trigger_code(trigger)
    clean = _clean_params(params or Params())
    _require(trigger, clean, needs(trigger))
    return clean


def trigger_code(word: str, kind: str | None = None) -> str:
    """The trigger ``word`` names in ``kind`` (``None``: in either kind): its code, or its
    label in Chinese or English, a kind's own label included (销号, close: a rectification
    item's ``publish``); a label must name exactly one trigger. Else refused (2), listing the
    triggers ``advance`` fires there with their labels."""
    kinds = (kind,) if kind else KINDS
    codes = all_triggers(kind)
    if word in codes:
        return word
    found = {code_of(word, all_triggers(k), k) for k in kinds} - {None}
    if len(found) == 1:
        return str(found.pop())
    listed = tuple(code for code in codes if code not in OWN_COMMAND)
    raise InvalidInput(
        "unknown_trigger_of_kind" if kind else "unknown_trigger",
        kind=kind,
        trigger=word,
        choices=Choices(listed, kinds),
    )


def _require(
    trigger: str, params: Params, wanted: tuple[str, ...], kind: str | None = None
) -> None:
    for name in wanted:
        if not params.given(name):
            raise missing_param(trigger, name, kind)


def hours(value: float | str | None) -> float | None:
    """Estimated teacher hours per school: blank is none, else 0 to 10 000."""
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInput("invalid_hours", field="teacher_hours", value=value) from None
    if not 0 <= number <= 10_000:
        raise InvalidInput("invalid_hours", field="teacher_hours", value=value)
    return number


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
            cleaned[name] = hours(value)
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
        owner=validate.text("owner", params.owner),
        result=validate.text("result", params.result, multiline=True),
        amendment=_clean_amendment(params.amendment),
    )
