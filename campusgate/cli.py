"""The ``campusgate`` command: a thin click layer over the service functions.

Heavy modules (SQLAlchemy, the services, rich) are imported inside the commands, so that
``campusgate --help`` starts quickly. Domain errors become one clear line and the exit code
of SPEC §7; with ``--json`` stdout is exactly one JSON document, errors included.
"""

from __future__ import annotations

import functools
import getpass
import json
import os
import sys
from collections.abc import Callable
from typing import Any

import click

EXIT_INTERNAL = 1
EXIT_USAGE = 2


class App:
    """What every command needs: settings, the database, who is acting, the language."""

    def __init__(
        self, db: str | None, login: str | None, config: str | None, lang: str, debug: bool
    ):
        self._db_option = db
        self._config = config
        self.login = login or os.environ.get("CAMPUSGATE_USER") or getpass.getuser()
        self.lang = lang
        self.debug = debug
        self._settings: Any = None
        self._database: Any = None

    @property
    def settings(self) -> Any:
        if self._settings is None:
            from campusgate.workflow.config import load_settings

            self._settings = load_settings(self._config, self._db_option)
        return self._settings

    @property
    def db(self) -> Any:
        if self._database is None:
            from campusgate.models import Database

            self._database = Database(self.settings.database_url)
        return self._database

    def t(self, code: str, **params: Any) -> str:
        from campusgate.workflow.messages import render

        return render(code, self.lang, **params)

    def label(self, key: str | None) -> str:
        from campusgate.workflow.messages import label

        return label(key, self.lang)


pass_app = click.make_pass_decorator(App)


def error_line(lang: str, message: str) -> None:
    """A refusal as one line on stderr, in the reader's language."""
    click.echo(("错误：" if lang == "zh" else "error: ") + message, err=True)


def _json_dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def _error_payload(code: str, message: str, exit_code: int) -> str:
    return _json_dump({"error": {"code": code, "message": message, "exit": exit_code}})


def _translate(exc: BaseException, app: App | None) -> tuple[int, str, str]:
    """(exit code, error code, message) for anything a command raised."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from campusgate.workflow.errors import CampusgateError

    lang = app.lang if app else "zh"
    if isinstance(exc, CampusgateError):
        return exc.exit_code, exc.code, exc.message(lang)
    if isinstance(exc, OperationalError | ProgrammingError):
        text = str(exc.orig).lower()
        if "no such table" in text or ("relation" in text and "does not exist" in text):
            err = CampusgateError("no_db_schema")
            return EXIT_INTERNAL, "no_db_schema", err.message(lang)
    # one line: a driver's own message, without SQLAlchemy's statement and background link
    text = str(getattr(exc, "orig", None) or exc).strip()
    first = text.splitlines()[0] if text else ""
    err = CampusgateError("internal", detail=f"{type(exc).__name__}: {first}")
    return EXIT_INTERNAL, "internal", err.message(lang)


def command(group: click.Group, name: str | None = None, **kwargs: Any) -> Callable[..., Any]:
    """A command with ``--json`` whose errors become exit codes and one clear line."""

    def decorate(func: Callable[..., Any]) -> Any:
        @click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON document.")
        @click.pass_context
        @functools.wraps(func)
        def wrapper(ctx: click.Context, *args: Any, as_json: bool, **kw: Any) -> None:
            app = ctx.ensure_object(App)
            app.as_json = as_json  # type: ignore[attr-defined]
            try:
                code = func(app, *args, **kw)
            except click.ClickException:
                raise
            except Exception as exc:  # every error leaves as an exit code
                if app.debug:
                    import traceback

                    traceback.print_exc()
                exit_code, err_code, message = _translate(exc, app)
                if as_json:
                    click.echo(_error_payload(err_code, message, exit_code))
                else:
                    error_line(app.lang, message)
                ctx.exit(exit_code)
            ctx.exit(code or 0)

        return group.command(name, **kwargs)(wrapper)

    return decorate


def emit(app: App, data: Any, human: Callable[[Any], None] | str | None = None) -> None:
    if getattr(app, "as_json", False):
        click.echo(_json_dump(data))
    elif callable(human):
        human(data)
    elif human is not None:
        click.echo(human)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="CAMPUSGATE_DB", help="Database URL or SQLite file path.")
@click.option(
    "--as", "login", envvar="CAMPUSGATE_USER", help="Act as this login (default: OS user)."
)
@click.option("--config", envvar="CAMPUSGATE_CONFIG", help="Configuration file (TOML).")
@click.option(
    "--lang",
    envvar="CAMPUSGATE_LANG",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Language of messages and tables.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.version_option(package_name="campusgate")
@click.pass_context
def cli(
    ctx: click.Context,
    db: str | None,
    login: str | None,
    config: str | None,
    lang: str,
    debug: bool,
) -> None:
    """campusgate — whitelists of social affairs entering campus, and rectification ledgers.

    \b
    Example:
        campusgate demo
        campusgate --as zhang.wei item list --state submitted
    """
    ctx.obj = App(db, login, config, lang, debug)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: usage errors honour ``--json`` and exit 2."""
    args = sys.argv[1:] if argv is None else argv
    from campusgate.workflow.validate import encodable

    if not all(encodable(a) for a in args):  # bytes the terminal could not decode
        from campusgate.workflow.messages import render

        lang = "en" if os.environ.get("CAMPUSGATE_LANG") == "en" or "en" in args else "zh"
        message = render("undecodable", lang, field="argv")
        if "--json" in args:
            click.echo(_error_payload("undecodable", message, EXIT_USAGE))
        else:
            error_line(lang, message)
        sys.exit(EXIT_USAGE)
    try:
        code = cli.main(args=args, prog_name="campusgate", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        sys.exit(EXIT_INTERNAL)
    except click.ClickException as exc:
        if "--json" in args:
            click.echo(_error_payload("usage", exc.format_message(), EXIT_USAGE))
        else:
            exc.show()
        sys.exit(EXIT_USAGE if isinstance(exc, click.UsageError) else exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


from campusgate import commands  # noqa: E402,F401  (registers the commands on ``cli``)
