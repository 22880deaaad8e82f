"""Input checks shared by the CLI, imports and jobs. Every failure is ``InvalidInput`` (exit 2).

Text is stored literally (injection strings included); what is refused is text that is empty
where required, longer than its column, or carries control characters.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from os import PathLike
from pathlib import Path

from campusgate.workflow.errors import InvalidInput

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff]")

#: the largest integer a column holds on every backend (PostgreSQL ``integer``)
MAX_INT = 2**31 - 1

#: the model column each input field is stored in; its length (or ``info["max_chars"]``)
#: is the field's limit
_COLUMNS = {
    "title": ("Item", "title"),
    "schedule": ("Item", "schedule"),
    "manner": ("Item", "manner"),
    "scope": ("Item", "scope"),
    "place": ("Item", "place"),
    "content": ("Item", "content"),
    "basis_docs": ("Item", "basis_docs"),
    "lead_units": ("Item", "lead_units"),
    "summary": ("Item", "summary"),
    "reporter": ("Item", "reporter"),
    "standard": ("Item", "standard"),
    "result": ("Item", "result"),
    "reason": ("ItemEvent", "reason"),
    "note": ("Evaluation", "note"),
    "name": ("User", "name"),
    "login": ("User", "login"),
    "owner": ("User", "login"),
    "email": ("User", "email"),
}
_DEFAULT_LIMIT = 200

_LOGIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


@functools.cache
def limits() -> dict[str, int]:
    """Characters each field takes, read from the columns (imported late: the CLI starts
    without SQLAlchemy)."""
    from campusgate import models

    found = {}
    for field, (model, attribute) in _COLUMNS.items():
        column = getattr(models, model).__table__.c[attribute]
        found[field] = column.info.get("max_chars") or column.type.length
    return found


def text(
    field: str, value: str | None, *, required: bool = False, multiline: bool = False
) -> str | None:
    if value is None:
        if required:
            raise InvalidInput("missing_field", field=field)
        return None
    if not isinstance(value, str):
        raise InvalidInput("invalid_type", field=field, value=repr(value))
    if not encodable(value):
        raise InvalidInput("undecodable", field=field)
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        if required:
            raise InvalidInput("missing_field", field=field)
        return None
    probe = (
        value if not multiline else value.replace("\n", " ").replace("\r", " ").replace("\t", " ")
    )
    if _CONTROL.search(probe) or (not multiline and ("\n" in value or "\r" in value)):
        raise InvalidInput("control_chars", field=field)
    limit = limits().get(field, _DEFAULT_LIMIT)
    if len(value) > limit:
        raise InvalidInput("too_long", field=field, limit=limit)
    return value


def encodable(value: str) -> bool:
    """False for text holding undecodable bytes (lone surrogates from a bad terminal)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def texts(field: str, values: Iterable[str] | None, *, required: bool = False) -> list[str]:
    if isinstance(values, str):
        values = [values]
    cleaned = [v for v in (text(field, x) for x in (values or ())) if v]
    if required and not cleaned:
        raise InvalidInput("missing_field", field=field)
    return list(dict.fromkeys(cleaned))


def choice(
    field: str, value: str | None, choices: Sequence[str], *, required: bool = True
) -> str | None:
    if value is None or value == "":
        if required:
            raise InvalidInput("missing_field", field=field)
        return None
    if not isinstance(value, str):
        raise InvalidInput("invalid_type", field=field, value=repr(value))
    if value not in choices:
        from campusgate.workflow.messages import Choices, code_of

        # the label a user reads (热线, 已提交 …) names the code too
        found = code_of(value, tuple(choices))
        if found is None:
            raise InvalidInput(
                "invalid_choice", field=field, value=value, choices=Choices(tuple(choices))
            )
        return found
    return value


def state_of_kind(
    value: str | None, kind: str | None, states: Sequence[str], kinds: Sequence[str]
) -> tuple[str | None, str | None]:
    """A ``--state`` filter and the ``--kind`` it implies: a state's code (every kind), or
    its label as the items of a kind show it, which names that kind too (已销号 is a closed
    rectification item; 已发布 a published whitelist item). A label no kind of ``kind``
    shows is refused (2), listing the states with each kind's word."""
    if value is None or value == "":
        return None, kind
    if not isinstance(value, str):
        raise InvalidInput("invalid_type", field="state", value=repr(value))
    if value in states:
        return value, kind
    from campusgate.workflow.messages import Choices, label

    within = (kind,) if kind else tuple(kinds)
    found = {
        (code, of)
        for of in within
        for code in states
        if value in (label(code, "zh", of), label(code, "en", of))
    }
    codes = {code for code, _ in found}
    if len(codes) != 1:
        raise InvalidInput(
            "invalid_choice",
            field="state",
            value=value,
            choices=Choices(tuple(states), kinds=within),
        )
    of_kinds = {of for _, of in found}
    return codes.pop(), (of_kinds.pop() if len(of_kinds) == 1 else kind)


#: YYYY-MM-DD with a month 01-12 and a day 01-31; whether the day exists is checked after
_ISO_DATE = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])")

#: the years any date may fall in (applications, deadlines, drills, job runs)
YEARS = range(2000, 3000)


def parse_date(value: str | date | None, field: str = "date") -> date | None:
    """A date written strictly as ``YYYY-MM-DD``, which exists and lies in ``YEARS``."""
    if value is None or isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise InvalidInput("invalid_type", field=field, value=repr(value))
    value = value.strip()
    if not value:
        return None
    if not _ISO_DATE.fullmatch(value):
        raise InvalidInput("invalid_date", value=value)
    if int(value[:4]) not in YEARS:
        raise InvalidInput("date_out_of_range", value=value)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("date_nonexistent", value=value) from None


def count(field: str, value: str | int | None, *, minimum: int = 0) -> int | None:
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput("invalid_number", field=field, value=value) from None
    if number < minimum:
        raise InvalidInput("number_too_small", field=field, value=value, minimum=minimum)
    if number > MAX_INT:
        raise InvalidInput("number_too_large", field=field, value=value, maximum=MAX_INT)
    return number


def year(value: str | int | None) -> int:
    number = count("year", value)
    if number is None:
        raise InvalidInput("missing_field", field="year")
    if number not in YEARS:
        raise InvalidInput("year_out_of_range", value=value)
    return number


def login(field: str, value: str | None, *, required: bool = True) -> str | None:
    """A login: ASCII letters, digits and ``. _ @ -``, starting with a letter or digit."""
    cleaned = text(field, value, required=required)
    if cleaned is not None and not _LOGIN.fullmatch(cleaned):
        raise InvalidInput("invalid_login", field=field, value=cleaned)
    return cleaned


def email(field: str, value: str | None) -> str | None:
    cleaned = text(field, value)
    if cleaned is not None and not _EMAIL.fullmatch(cleaned):
        raise InvalidInput("invalid_email", field=field, value=cleaned)
    return cleaned


def output_file(value: str | PathLike[str]) -> Path:
    """A file the user names for writing: its folder must already exist. A mistyped folder
    is refused, never created, and nothing is written."""
    path = Path(value)
    if not path.parent.is_dir():
        raise InvalidInput("output_folder_missing", folder=str(path.parent), path=str(path))
    return path
