"""Configuration (SPEC §8): a TOML file, overridden by environment variables and options.

The file is ``CAMPUSGATE_CONFIG``, else ``./campusgate.toml``, else ``campusgate.toml`` in
the user config directory. Every key is optional.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from campusgate.workflow.errors import InvalidInput

APP = "campusgate"


@dataclass(frozen=True)
class SMTP:
    host: str | None = None
    port: int = 587
    security: str = "starttls"
    username: str | None = None
    password_env: str = "CAMPUSGATE_SMTP_PASSWORD"
    sender: str = "campusgate@localhost"

    @property
    def password(self) -> str | None:
        return os.environ.get(self.password_env)


@dataclass(frozen=True)
class Publish:
    folder: str = field(
        default_factory=lambda: str(Path(platformdirs.user_data_dir(APP)) / "published")
    )
    hotline: str | None = None
    mailbox: str | None = None


@dataclass(frozen=True)
class Schedule:
    reminders: str = "0 1 * * *"
    year_end_review: str = "0 2 20 12 *"
    publish: str = "0 2 2 1 *"
    evaluation: str = "0 3 25 12 *"
    deliver: str = "*/5 * * * *"


@dataclass(frozen=True)
class Reminders:
    offsets_days: tuple[int, ...] = (7, 3, 1, 0)
    escalate_after_days: int = 3
    digest_window_days: int = 14
    working_days: bool = False


@dataclass(frozen=True)
class Settings:
    database_url: str
    source: str | None = None
    smtp: SMTP = SMTP()
    publish: Publish = field(default_factory=Publish)
    schedule: Schedule = Schedule()
    reminders: Reminders = Reminders()


def default_database_url() -> str:
    folder = Path(platformdirs.user_data_dir(APP))
    return f"sqlite:///{folder / 'campusgate.db'}"


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


def _section(data: dict[str, Any], name: str, cls: type, path: Path) -> Any:
    raw = data.get(name, {})
    if not isinstance(raw, dict):
        raise InvalidInput("config_invalid", path=str(path), detail=f"[{name}]")
    known = {f.name for f in fields(cls)}
    unknown = set(raw) - known
    if unknown:
        raise InvalidInput(
            "config_invalid", path=str(path), detail=f"[{name}] unknown keys: {sorted(unknown)}"
        )
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
    return cls(**values)


def load_settings(config: str | None = None, db: str | None = None) -> Settings:
    """Settings from the file, then ``CAMPUSGATE_DB``, then the ``--db`` option."""
    path = config_path(config)
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise InvalidInput("config_invalid", path=str(path), detail="file not found") from None
        except tomllib.TOMLDecodeError as exc:
            raise InvalidInput("config_invalid", path=str(path), detail=str(exc)) from None
    where = path or Path("campusgate.toml")
    database = data.get("database", {})
    if not isinstance(database, dict) or not isinstance(database.get("url", ""), str):
        raise InvalidInput("config_invalid", path=str(where), detail="[database] url")
    url = db or os.environ.get("CAMPUSGATE_DB") or database.get("url") or default_database_url()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    elif "://" not in url:
        Path(url).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
    return Settings(
        database_url=url,
        source=str(path) if path else None,
        smtp=_section(data, "smtp", SMTP, where),
        publish=_section(data, "publish", Publish, where),
        schedule=_section(data, "schedule", Schedule, where),
        reminders=_section(data, "reminders", Reminders, where),
    )
