"""Domain errors. One base class; each subclass maps to one exit code of SPEC §7.

Every error carries a message ``code`` (a key of ``workflow.messages``) and the ``params``
the message needs, so the same error reads in Chinese or English.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from campusgate.workflow.messages import KEY, OPTION, Names, listed, render


class CampusgateError(Exception):
    exit_code = 1

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        #: further problems found with the same input (``Problems``): read where every one
        #: is reported (an import names each of a row's), while this one decides the exit
        self.also: tuple[CampusgateError, ...] = ()
        super().__init__(code)

    @property
    def every(self) -> tuple[CampusgateError, ...]:
        """This problem and every further one found with the same input."""
        return (self, *self.also)

    def message(self, lang: str = "zh", field_spelling: str = OPTION) -> str:
        """The refusal in ``lang``; ``field_spelling``: how its field is named besides its
        label (an option, a file's key, nothing)."""
        return render(self.code, lang, field_spelling=field_spelling, **self.params)

    def __str__(self) -> str:
        return self.message("en")


@dataclass(frozen=True)
class Notice:
    """Something the caller should be told although nothing was refused (a warning): a
    message ``code`` and its ``params``, read in either language."""

    code: str
    params: dict[str, Any]

    def message(self, lang: str = "zh") -> str:
        return render(self.code, lang, **self.params)


class InvalidInput(CampusgateError):
    """Malformed or missing input, unknown trigger."""

    exit_code = 2


class NotFound(CampusgateError):
    """Unknown item, user, department, jurisdiction or school."""

    exit_code = 3


class PermissionDenied(CampusgateError):
    """Role, jurisdiction scope or separation of duties."""

    exit_code = 4


class NotAuthenticated(PermissionDenied):
    """No live credential (a token missing, unknown, expired or revoked, or its user gone):
    exit 4, and 401 on the server."""


class RuleRefused(CampusgateError):
    """A state or guard refuses: wrong state, quota, gate, broken audit chain."""

    exit_code = 5


class TransitionNotAllowed(RuleRefused):
    """The trigger does not leave the item's current state."""


class GuardRefused(RuleRefused):
    """The transition exists but one of its guards says no."""


class ConcurrentChange(CampusgateError):
    """The item changed between load and write; nothing was written."""

    exit_code = 6


class DatabaseBusy(CampusgateError):
    """The database stayed locked past the busy timeout; nothing was written."""

    exit_code = 6


class DatabaseUnavailable(CampusgateError):
    """The database cannot be opened or reached, or has no schema: what to do is in the message."""

    exit_code = 1


class CannotStart(CampusgateError):
    """The machine refuses what a command needs (a port taken, an address not this
    machine's): what to do is in the message."""

    exit_code = 1


@dataclass(frozen=True)
class InFile:
    """A refusal nested in another about a file: its field named by the file's key (登录名
    （login）), not by an option."""

    error: CampusgateError

    def message(self, lang: str = "zh") -> str:
        return self.error.message(lang, KEY)


@dataclass(frozen=True)
class Refusals:
    """Several refusals of one input as one message parameter, each in full, or in its
    ``{code}.listed`` words where the catalogue has them (the file named once, around)."""

    errors: tuple[CampusgateError, ...]

    def message(self, lang: str = "zh") -> str:
        from campusgate.workflow.messages import MESSAGES

        return listed(
            render(f"{e.code}.listed", lang, field_spelling=KEY, **e.params)
            if f"{e.code}.listed" in MESSAGES
            else e.message(lang)
            for e in self.errors
        )


def every_problem(problems: Problems, code: str, **params: Any) -> None:
    """Raise what ``problems`` found: one problem as it is; several as ``code`` naming each
    (``{count}``, ``{problems}``), of the kind that decides the exit code."""
    try:
        problems.raise_any()
    except CampusgateError as exc:
        if not exc.also:
            raise
        found = exc.every
        raise type(exc)(code, count=len(found), problems=Refusals(found), **params) from None


#: Names this short (浚县, 淇县) are close to a known one when one character of two is right:
#: difflib's usual cutoff, 0.6, would ask for more than half.
SHORT_NAME = 3


def not_found(code: str, name: str, known: Iterable[str]) -> NotFound:
    """The refusal of the unknown ``name``; where some of the ``known`` names are close to
    it, its ``{code}_near`` variant, which names up to three of them, closest first."""
    cutoff = 0.5 if len(name) <= SHORT_NAME else 0.6
    near = difflib.get_close_matches(name, list(known), n=3, cutoff=cutoff)
    if not near:
        return NotFound(code, name=name)
    return NotFound(f"{code}_near", name=name, near=Names(tuple(near)))


_T = TypeVar("_T")

#: Which of several problems with one input decides the exit code (SPEC §7): input, not
#: found, permission, rules.
_DECIDES = (InvalidInput, NotFound, PermissionDenied, RuleRefused)


class Problems:
    """Every problem found with one input, instead of only the first: each check runs, and
    ``raise_any`` raises the one that decides (input before not found before permission
    before rules, else the first found) carrying the others in ``also``. Races, locks and
    unreachable databases are not problems of the input: they are raised at once."""

    def __init__(self) -> None:
        self.found: list[CampusgateError] = []

    def check(self, func: Callable[..., _T], *args: Any, **kwargs: Any) -> _T | None:
        """``func(*args, **kwargs)``, or None when it refuses (the refusal is kept)."""
        try:
            return func(*args, **kwargs)
        except _DECIDES as exc:
            self.found.extend(exc.every)
            return None

    def add(self, problem: CampusgateError) -> None:
        """A problem found without running a check."""
        self.found.extend(problem.every)

    def raise_any(self) -> None:
        if not self.found:
            return

        def rank(exc: CampusgateError) -> int:
            return next(n for n, kind in enumerate(_DECIDES) if isinstance(exc, kind))

        first = min(self.found, key=rank)  # the earliest found of the deciding kind
        first.also = tuple(exc for exc in self.found if exc is not first)
        raise first
