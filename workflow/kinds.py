"""The two item kinds: states and transitions declared once, as data (SPEC §3).

Everything else derives from these tables: the ``transitions`` machine of each kind (one per
kind, ``model=None``, never one per row), the permission check (``who`` names predicates of
``workflow.permissions``), the guards (names of ``check_*`` functions in ``workflow.guards``),
the effects (names in ``workflow.effects``), the parameters a trigger needs, the CLI's help and
the state diagrams.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cache

from transitions import Machine

from campusgate.domain import (  # noqa: F401  (the tables' vocabulary, re-exported)
    ASPECTS,
    BASIS_KINDS,
    FILED,
    FILING_PRIORITY,
    FINAL_STATES,
    KINDS,
    LEVELS,
    LIVE,
    OUTCOMES,
    PUBLISHED,
    RATINGS,
    RECTIFICATION,
    REVIEWED,
    REVOKED,
    ROLES,
    SOURCES,
    STATES,
    SUBMITTED,
    SUSPENDED,
    WHITELIST,
)

logging.getLogger("transitions").addHandler(logging.NullHandler())
logging.getLogger("transitions").setLevel(logging.WARNING)

#: The parameters a trigger can take, besides the item (``amendment``: the fields ``item
#: edit`` changes).
PARAMS = ("reason", "standard", "deadline", "owner", "result", "amendment")


@dataclass(frozen=True)
class Transition:
    trigger: str
    source: tuple[str, ...]
    dest: str
    who: tuple[str, ...]
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    #: separation of duties: the item's applicant / reviewer may not fire it
    apart_from: tuple[str, ...] = ()


def T(
    trigger: str,
    source: str | tuple[str, ...],
    dest: str,
    *,
    who: tuple[str, ...] | str,
    guards: tuple[str, ...] = (),
    effects: tuple[str, ...] = (),
    needs: tuple[str, ...] = (),
    apart_from: tuple[str, ...] = (),
) -> Transition:
    return Transition(
        trigger,
        (source,) if isinstance(source, str) else source,
        dest,
        (who,) if isinstance(who, str) else who,
        guards,
        effects,
        needs,
        apart_from,
    )


# fmt: off
WHITELIST_TABLE: tuple[Transition, ...] = (
    T("amend",     SUBMITTED, SUBMITTED, who="own-applicant", needs=("amendment",),
      guards=("check_amendment",), effects=("apply_amendment",)),
    T("review",    SUBMITTED, REVIEWED,  who="reviewer",      guards=("check_basis",),
      effects=("record_reviewer",), apart_from=("applicant",)),
    T("return",    REVIEWED,  SUBMITTED, who="reviewer",      needs=("reason",),
      effects=("clear_review",)),
    T("ratify",    REVIEWED,  REVIEWED,  who="parent-approver",
      guards=("check_emergency", "check_not_ratified"), effects=("record_ratification",)),
    T("file",      REVIEWED,  FILED,     who="approver",
      guards=("check_ratified", "check_quota"), apart_from=("applicant", "reviewer")),
    T("publish",   FILED,     PUBLISHED, who="approver",      guards=("check_publish_year",)),
    T("suspend",   PUBLISHED, SUSPENDED, who="approver",      needs=("reason",)),
    T("reinstate", SUSPENDED, PUBLISHED, who="approver",      needs=("reason",),
      guards=("check_no_open_rectification",)),
    T("revoke",    LIVE,      REVOKED,   who="approver",      needs=("reason",)),
    T("revoke",    SUBMITTED, REVOKED,   who="own-applicant", needs=("reason",)),
)

RECTIFICATION_TABLE: tuple[Transition, ...] = (
    T("review",    SUBMITTED, REVIEWED,  who="reviewer",      effects=("record_reviewer",)),
    T("file",      REVIEWED,  FILED,     who=("reviewer", "approver"),
      needs=("standard", "deadline", "owner"),
      guards=("check_deadline_ahead", "check_owner_in_scope"), effects=("put_on_ledger",)),
    T("extend",    FILED,     FILED,     who="approver",      needs=("deadline", "reason"),
      guards=("check_deadline_later",), effects=("set_deadline",)),
    T("publish",   FILED,     PUBLISHED, who=("reviewer", "approver", "responsible"),
      needs=("result",), effects=("record_result",)),
    T("suspend",   FILED,     SUSPENDED, who="approver",      needs=("reason",)),
    T("reinstate", SUSPENDED, FILED,     who="approver",      needs=("reason",)),
    T("revoke",    (SUBMITTED, REVIEWED, FILED, SUSPENDED), REVOKED,
      who=("reviewer", "approver"), needs=("reason",)),
)
# fmt: on

TABLES: dict[str, tuple[Transition, ...]] = {
    WHITELIST: WHITELIST_TABLE,
    RECTIFICATION: RECTIFICATION_TABLE,
}


@dataclass(frozen=True)
class KindSpec:
    name: str
    table: tuple[Transition, ...]
    machine: Machine = field(repr=False)

    @property
    def triggers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.trigger for t in self.table))

    def rows(self, trigger: str) -> tuple[Transition, ...]:
        return tuple(t for t in self.table if t.trigger == trigger)

    def rows_from(self, trigger: str, state: str) -> tuple[Transition, ...]:
        return tuple(t for t in self.rows(trigger) if state in t.source)


def _build_machine(kind: str, table: tuple[Transition, ...]) -> Machine:
    machine = Machine(
        model=None,
        states=list(STATES),
        initial=None,
        auto_transitions=False,
        send_event=True,
        name=kind,
    )
    for t in table:
        machine.add_transition(
            t.trigger,
            list(t.source),
            t.dest,
            conditions=[f"campusgate.workflow.guards.{g}" for g in t.guards],
            after=[f"campusgate.workflow.effects.{e}" for e in t.effects],
        )
    return machine


@cache
def kind_spec(kind: str) -> KindSpec:
    return KindSpec(kind, TABLES[kind], _build_machine(kind, TABLES[kind]))


def all_triggers() -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.trigger for k in KINDS for t in TABLES[k]))


def needs(trigger: str, kind: str | None = None) -> tuple[str, ...]:
    """Parameters every row of ``trigger`` needs, in ``kind`` or (``None``) in every kind,
    which can then be checked before the item is loaded."""
    rows = [t for k in ((kind,) if kind else KINDS) for t in TABLES[k] if t.trigger == trigger]
    if not rows:
        return ()
    common = set(rows[0].needs).intersection(*(set(r.needs) for r in rows[1:]))
    return tuple(p for p in PARAMS if p in common)
