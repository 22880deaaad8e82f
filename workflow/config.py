"""Configuration (SPEC §8): a TOML file, overridden by environment variables and options.

The file is ``CAMPUSGATE_CONFIG``, else ``./campusgate.toml``, else ``campusgate.toml`` in
the user config directory. Every key is optional; an unknown table or key, or a value of the
wrong type, is refused naming the file, the key and what is allowed.
"""

from __future__ import annotations

import os
import re
import tomllib
import types
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

import platformdirs

from campusgate.workflow.errors import InvalidInput
from campusgate.workflow.messages import Heading, OsReason

APP = "campusgate"

SMTP_SECURITY = ("none", "starttls", "ssl")


@dataclass(frozen=True)
class DatabaseSection:
    url: str | None = None
    #: seconds to wait for a database server to answer a new connection
    connect_timeout: float = 10


@dataclass(frozen=True)
class SMTP:
    host: str | None = None
    port: int = 587
    security: str = "starttls"
    username: str | None = None
    password_env: str = "CAMPUSGATE_SMTP_PASSWORD"
    sender: str = "campusgate@localhost"
    #: delivery: tries before a message is marked failed, and the first back-off (doubled
    #: after every further failure)
    max_attempts: int = 6
    backoff_seconds: int = 60
    timeout_seconds: float = 30.0

    @property
    def password(self) -> str | None:
        return os.environ.get(self.password_env)


@dataclass(frozen=True)
class Publish:
    #: where the publish jobs write the whitelist files; it must exist. Unset: ``published``
    #: in the user data folder, made on first use (``default_publish_folder``).
    folder: str | None = None
    hotline: str | None = None
    mailbox: str | None = None


@dataclass(frozen=True)
class Schedule:
    reminders: str = "0 1 * * *"
    year_end_review: str = "0 2 20 12 *"
    publish: str = "0 2 2 1 *"
    refresh_published: str = "15 2 * * *"
    evaluation: str = "0 3 25 12 *"
    deliver: str = "*/5 * * * *"
    checkpoint: str = "30 0 * * *"


@dataclass(frozen=True)
class Reminders:
    offsets_days: tuple[int, ...] = (7, 3, 1, 0)
    escalate_after_days: int = 3
    digest_window_days: int = 14
    working_days: bool = False
    #: public holidays and make-up working days (调休) for years the calendar package lacks
    extra_holidays: tuple[date, ...] = ()
    extra_working_days: tuple[date, ...] = ()


@dataclass(frozen=True)
class Server:
    url: str | None = None
    listen: str = "127.0.0.1:8470"


@dataclass(frozen=True)
class Clock:
    #: drills only: honour ``CAMPUSGATE_TODAY`` / ``--today``
    allow_override: bool = False


#: The tables of the file, in SPEC §8's order.
SECTIONS: dict[str, type] = {
    "database": DatabaseSection,
    "smtp": SMTP,
    "publish": Publish,
    "schedule": Schedule,
    "reminders": Reminders,
    "server": Server,
    "clock": Clock,
}

#: Keys whose value is one of a few words.
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {("smtp", "security"): SMTP_SECURITY}


@dataclass(frozen=True)
class Settings:
    database_url: str
    source: str | None = None
    database: DatabaseSection = DatabaseSection()
    smtp: SMTP = SMTP()
    publish: Publish = field(default_factory=Publish)
    schedule: Schedule = Schedule()
    reminders: Reminders = Reminders()
    server: Server = Server()
    clock: Clock = Clock()


def default_database_url() -> str:
    folder = Path(platformdirs.user_data_dir(APP))
    return f"sqlite:///{folder / 'campusgate.db'}"


def default_publish_folder() -> Path:
    return Path(platformdirs.user_data_dir(APP)) / "published"


def config_path(explicit: str | None = None) -> Path | None:
    for candidate in (explicit, os.environ.get("CAMPUSGATE_CONFIG")):
        if candidate:
            return Path(candidate)
    for candidate_path in (
        Path.cwd() / "campusgate.toml",
        Path(platformdirs.user_config_dir(APP)) / "campusgate.toml",
    ):
        if candidate_path.is_file():
            return candidate_path
    return None


def _kind_of_value(hint: Any) -> str:
    """The heading that says what a value of this type is."""
    if get_origin(hint) in (Union, types.UnionType):
        return _kind_of_value(next(a for a in get_args(hint) if a is not type(None)))
    if get_origin(hint) is tuple:
        return "value_date_list" if get_args(hint)[0] is date else "value_number_list"
    return {bool: "value_bool", int: "value_whole_number", float: "value_seconds"}.get(
        hint, "value_text"
    )


def _conforms(value: Any, hint: Any) -> bool:
    if get_origin(hint) in (Union, types.UnionType):
        return any(_conforms(value, a) for a in get_args(hint) if a is not type(None))
    if get_origin(hint) is tuple:
        return isinstance(value, list) and all(_conforms(v, get_args(hint)[0]) for v in value)
    if hint is date:
        return isinstance(value, date) and not isinstance(value, datetime)
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    return isinstance(value, str)


def _section(data: dict[str, Any], name: str, path: Path) -> Any:
    cls = SECTIONS[name]
    raw = data.get(name, {})
    if not isinstance(raw, dict):
        raise InvalidInput("config_not_table", path=str(path), table=name)
    hints = get_type_hints(cls)
    allowed = [f.name for f in fields(cls)]
    for key, value in raw.items():
        if key not in hints:
            raise InvalidInput(
                "config_unknown_key",
                path=str(path),
                table=name,
                key=key,
                allowed=", ".join(allowed),
            )
        choices = CHOICES.get((name, key))
        if not _conforms(value, hints[key]) or (choices and value not in choices):
            raise InvalidInput(
                "config_wrong_type",
                path=str(path),
                table=name,
                key=key,
                expected="|".join(choices) if choices else Heading(_kind_of_value(hints[key])),
                value=repr(value),
            )
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()})


def read_file(
    path: Path, code: str = "config_invalid", syntax: str = "config_syntax"
) -> dict[str, Any]:
    """A TOML file (the configuration, an organisation file); unreadable, the refusal
    ``code`` naming it and why; not TOML, the refusal ``syntax`` naming it, the line, the
    column and tomllib's reason."""
    try:
        content = path.read_text(encoding="utf-8-sig")
    except OSError as exc:  # missing, a folder, not readable: the reason in the reader's words
        raise InvalidInput(code, path=str(path), detail=OsReason.of(exc)) from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(code, path=str(path), detail=str(exc)) from None
    try:
        return tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        where = _syntax_error(content, exc)
        if where is None:  # a message tomllib did not place: as it is
            raise InvalidInput(code, path=str(path), detail=str(exc)) from None
        reason, line, column = where
        raise InvalidInput(
            syntax, path=str(path), line=line, column=column, reason=reason
        ) from None


#: tomllib's message before Python 3.14: the reason, then where (``suffixed_err``).
_PLACED = re.compile(
    r"(?P<reason>.*) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)",
    re.DOTALL,
)


def _syntax_error(content: str, exc: tomllib.TOMLDecodeError) -> tuple[str, int, int] | None:
    """tomllib's reason, line and column (both from 1) of a syntax error; the end of the
    document is placed after its last character, as tomllib counts."""
    placed = [getattr(exc, name, None) for name in ("msg", "lineno", "colno")]
    if None not in placed:  # Python 3.14 and later say it themselves
        return str(placed[0]), int(str(placed[1])), int(str(placed[2]))
    found = _PLACED.fullmatch(str(exc))
    if found is None:
        return None
    if found["line"] is not None:
        return found["reason"], int(found["line"]), int(found["column"])
    line = content.count("\n") + 1
    column = len(content) - content.rfind("\n")  # rfind: -1 on the first line
    return found["reason"], line, column


def load_settings(config: str | None = None, db: str | None = None) -> Settings:
    """Settings from the file, then ``CAMPUSGATE_DB``, then the ``--db`` option."""
    path = config_path(config)
    data = read_file(path) if path is not None else {}
    where = path or Path("campusgate.toml")
    for table in data:
        if table not in SECTIONS:
            raise InvalidInput(
                "config_unknown_table",
                path=str(where),
                table=table,
                allowed=", ".join(SECTIONS),
            )
    sections = {name: _section(data, name, where) for name in SECTIONS}
    url = db or os.environ.get("CAMPUSGATE_DB") or sections["database"].url
    return Settings(
        database_url=url or default_database_url(),
        source=str(path) if path else None,
        **sections,
    )
