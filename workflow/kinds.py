"""The two item kinds: states and transitions declared once, as data (SPEC §3).

Everything else derives from these tables: the ``transitions`` machine of each kind
(``workflow.machines``), the permission check (``who`` names predicates registered in
``workflow.permissions``), the guards and effects (names registered in ``workflow.guards`` and
``workflow.effects``), the parameters a trigger needs, the CLI's help and the state diagrams.
This module is plain data: reading it costs no engine.
"""

from __future__ import annotations

from dataclasses import dataclass

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

#: The parameters a trigger can take, besides the item (``amendment``: the fields ``item
#: edit`` changes).
PARAMS = ("reason", "standard", "deadline", "owner", "result", "amendment")


@dataclass(frozen=True)
class Transition:
    """One row of a kind's table: ``trigger`` takes an item from ``source`` to ``dest`` when
    one of ``who`` fires it with what it ``needs``, its ``guards`` pass; ``effects`` follow."""

    trigger: str
    source: tuple[str, ...]
    dest: str
    who: tuple[str, ...]
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    #: separation of duties: the item's applicant / reviewer may not fire it
    apart_from: tuple[str, ...] = ()


def allow(
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
    """A table row; a single source state or role may be given without a tuple."""
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
    allow("amend",     SUBMITTED, SUBMITTED, who="own-applicant", needs=("amendment",),
          guards=("check_amendment",), effects=("apply_amendment",)),
    # the basis kind and documents are required by apply and amend, so review needs no guard
    allow("review",    SUBMITTED, REVIEWED,  who="reviewer",      effects=("record_reviewer",),
          apart_from=("applicant",)),
    allow("return",    REVIEWED,  SUBMITTED, who="reviewer",      needs=("reason",),
          effects=("clear_review",)),
    allow("ratify",    REVIEWED,  REVIEWED,  who="parent-approver",
          guards=("check_emergency", "check_not_ratified"), effects=("record_ratification",)),
    allow("file",      REVIEWED,  FILED,     who="approver",
          guards=("check_ratified", "check_quota"), apart_from=("applicant", "reviewer")),
    allow("publish",   FILED,     PUBLISHED, who="approver",      guards=("check_publish_year",)),
    allow("suspend",   PUBLISHED, SUSPENDED, who="approver",      needs=("reason",)),
    allow("reinstate", SUSPENDED, PUBLISHED, who="approver",      needs=("reason",),
          guards=("check_no_open_rectification",)),
    allow("revoke",    LIVE,      REVOKED,   who="approver",      needs=("reason",)),
    allow("revoke",    SUBMITTED, REVOKED,   who="own-applicant", needs=("reason",)),
)

RECTIFICATION_TABLE: tuple[Transition, ...] = (
    allow("review",    SUBMITTED, REVIEWED,  who="reviewer",      effects=("record_reviewer",)),
    allow("file",      REVIEWED,  FILED,     who=("reviewer", "approver"),
          needs=("standard", "deadline", "owner"),
          guards=("check_deadline_ahead", "check_owner_in_scope"), effects=("put_on_ledger",)),
    allow("extend",    FILED,     FILED,     who="approver",      needs=("deadline", "reason"),
          guards=("check_deadline_ahead", "check_deadline_later"), effects=("set_deadline",)),
    allow("publish",   FILED,     PUBLISHED, who=("reviewer", "approver", "responsible"),
          needs=("result",), effects=("record_result",)),
    allow("suspend",   FILED,     SUSPENDED, who="approver",      needs=("reason",)),
    allow("reinstate", SUSPENDED, FILED,     who="approver",      needs=("reason",)),
    allow("revoke",    (SUBMITTED, REVIEWED, FILED, SUSPENDED), REVOKED,
          who=("reviewer", "approver"), needs=("reason",)),
)
# fmt: on

TABLES: dict[str, tuple[Transition, ...]] = {
    WHITELIST: WHITELIST_TABLE,
    RECTIFICATION: RECTIFICATION_TABLE,
}


def all_triggers(kind: str | None = None) -> tuple[str, ...]:
    """The triggers of ``kind``, or (``None``) of either kind."""
    return tuple(dict.fromkeys(t.trigger for k in ((kind,) if kind else KINDS) for t in TABLES[k]))


def needs(trigger: str, kind: str | None = None) -> tuple[str, ...]:
    """Parameters every row of ``trigger`` needs, in ``kind`` or (``None``) in every kind,
    which can then be checked before the item is loaded."""
    rows = [t for k in ((kind,) if kind else KINDS) for t in TABLES[k] if t.trigger == trigger]
    if not rows:
        return ()
    common = set(rows[0].needs).intersection(*(set(r.needs) for r in rows[1:]))
    return tuple(p for p in PARAMS if p in common)
