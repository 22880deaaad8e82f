"""What every command shares: the root group and its options, the acting context (``App``),
the ``command`` decorator that turns errors into exit codes, and printing.

Heavy modules (SQLAlchemy, the services, rich) are imported inside the commands, so that
``campusgate --help`` starts quickly. Domain errors become one clear line and the exit code
of SPEC §7; with ``--json`` stdout is exactly one JSON document, errors included.
"""

from __future__ import annotations

import functools
import getpass
import inspect
import json
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, NoReturn

import click

from campusgate import i18n

EXIT_INTERNAL = 1
EXIT_USAGE = 2
LANGUAGES = ("zh", "en")


def requested_lang(args: list[str]) -> str:
    """The language asked for by ``--lang`` (as an option, not any argument that reads
    ``en``), else ``CAMPUSGATE_LANG``: known before click parses, so that click's own
    messages (usage errors, help) speak it too."""
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return "en" if args[i + 1] == "en" else "zh"
        if arg.startswith("--lang="):
            return "en" if arg == "--lang=en" else "zh"
    return "en" if os.environ.get("CAMPUSGATE_LANG") == "en" else "zh"


#: Punctuation that a Chinese line does not start with (it stays with what it closes), and
#: that it does not end with (it stays with what it opens).
_CLOSING = "，。、；：？！）》」』”’…"
_OPENING = "（《「『“‘"


def _is_wide(char: str) -> bool:
    """A character that takes two columns on a terminal (Chinese)."""
    return unicodedata.east_asian_width(char) in "WF"


def text_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: two for a wide (Chinese) character."""
    return sum(2 if _is_wide(c) else 1 for c in text)


def _pieces(text: str) -> list[str]:
    """What a line may break between: spaces, each Chinese character (with the punctuation
    that stays with it), each run of other characters (a word, an option, a date)."""
    pieces: list[str] = []
    glued = False  # the last piece takes the next character (it ends with an opening bracket)
    for char in re.sub(r" *\n *", " ", text.strip()):  # a paragraph's lines: one line
        if char == " ":
            pieces.append(char)
            glued = False
            continue
        last = pieces[-1] if pieces and pieces[-1] != " " else ""
        if (
            glued
            or (last and char in _CLOSING)
            or (last and not _is_wide(char) and not _is_wide(last[-1]))
        ):
            pieces[-1] += char
        else:
            pieces.append(char)
        glued = char in _OPENING
    return pieces


def wrap_columns(text: str, width: int) -> list[str]:
    """A paragraph in lines of at most ``width`` columns, breaking between Chinese characters
    as well as at spaces (click's wrapping counts characters and breaks at spaces only)."""
    lines: list[str] = []
    line = ""
    for piece in _pieces(text):
        if piece == " ":
            line += " " if line else ""
        elif not line.strip() or text_width(line + piece) <= width:
            line += piece
        else:
            lines.append(line.rstrip())
            line = piece
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _wrapped(text: str, width: int) -> str:
    """``text`` with its paragraphs that hold Chinese wrapped by ``wrap_columns`` and marked
    for click not to wrap them again (``\\b``); English as it is, for click to wrap."""
    paragraphs = text.split("\n\n")
    for i, paragraph in enumerate(paragraphs):
        if paragraph.lstrip().startswith("\b") or not any(_is_wide(c) for c in paragraph):
            continue
        paragraphs[i] = "\n".join(["\b", *wrap_columns(paragraph, width)])
    return "\n\n".join(paragraphs)


class HelpFormatter(click.HelpFormatter):
    """Help whose option descriptions that are click's own messages (``-h``, ``--version``)
    are translated when shown: click writes them into the option when it builds it, once,
    for every language (``Command.get_help_option``). Chinese is wrapped by the columns it
    takes and between its characters (``wrap_columns``), so that it fits the terminal as
    English does."""

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = [(term, i18n.translate(text)) for term, text in rows]
        if rows:  # the width click gives the second column
            first = min(max(text_width(term) for term, _ in rows), col_max) + col_spacing
            rows = [(term, _wrapped(text, max(self.width - first - 2, 10))) for term, text in rows]
        super().write_dl(rows, col_max, col_spacing)

    def write_text(self, text: str) -> None:
        super().write_text(_wrapped(text, max(self.width - self.current_indent, 11)))


class Context(click.Context):
    formatter_class = HelpFormatter


def help_text(command: click.Command) -> str:
    """A command's description as click shows it in ``-h``: its docstring cleaned, up to a
    form feed; the help catalogue's msgid."""
    return inspect.cleandoc(command.help).partition("\f")[0] if command.help else ""


def short_help(text: str, limit: int) -> str:
    """The line of a command in its group's list, from a translated description: its first
    sentence, cut to ``limit`` columns (click's own shortening counts words between spaces,
    which Chinese has not)."""
    lines = [line.strip() for line in text.partition("\n\n")[0].splitlines()]
    first = "".join(line for line in lines if line != "\b")
    ends = [i for i, char in enumerate(first) if char in "。？！"]
    sentence = first[: ends[0] + 1] if ends else first
    if text_width(sentence) <= limit:
        return sentence
    cut = ""
    for char in sentence:
        if text_width(cut + char) + 1 > limit:
            break
        cut += char
    return cut + "…"


#: The option every command has (``command``): exactly one JSON document on stdout.
JSON_FLAG = "--json"


class Command(click.Command):
    """Every campusgate command: help in the reader's language, its description and its
    options' help from the help catalogue (``i18n.translate_help``). An epilog built from
    codes (``advance``'s trigger table) may be given as ``epilog_in``, a function of the
    language: its English is the command's ``epilog``, and each language's is built when
    the help is shown."""

    context_class = Context

    def __init__(
        self, *args: Any, epilog_in: Callable[[str], str] | None = None, **kwargs: Any
    ) -> None:
        if epilog_in is not None:
            kwargs.setdefault("epilog", epilog_in("en"))
        super().__init__(*args, **kwargs)
        self.epilog_in = epilog_in

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        # click builds the help option once and keeps it on the command, for every language
        # and every thread that follows: it keeps click's msgid, translated when shown
        with i18n.speaking("en"):
            return super().get_help_option(ctx)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            from campusgate.workflow.messages import render

            if ctx.parent is None and exc.option_name == JSON_FLAG:  # every command's own
                message = render("command_option_first", i18n.speaking_now(), option=JSON_FLAG)
                raise click.UsageError(message, ctx) from None
            root = ctx.find_root().command
            if ctx.parent is None or exc.option_name not in _option_names(root, ctx):
                raise
            # a global option (--as, --db …) written after the command: say where it goes
            where = ctx.command_path.split(" ", 1)[1] if " " in ctx.command_path else ""
            message = render(
                "global_option_after",
                i18n.speaking_now(),
                option=exc.option_name,
                command=where,
            )
            raise click.UsageError(message, ctx) from None

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.deprecated:  # click's label follows the text; campusgate deprecates nothing
            super().format_help_text(ctx, formatter)
            return
        text = i18n.translate_help(help_text(self))
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def get_short_help_str(self, limit: int = 45) -> str:
        english = help_text(self)
        text = i18n.translate_help(english)
        if self.short_help or self.deprecated or text == english:
            return super().get_short_help_str(limit)
        return short_help(text, limit)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's options section, each option's own help translated (its ``[默认：…]``
        chrome is click's, translated by click's catalogue)."""
        rows = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None or isinstance(param, click.Argument):
                continue
            term, text = record
            if param.help and text.startswith(param.help):
                text = i18n.translate_help(param.help) + text[len(param.help) :]
            rows.append((term, text))
        if rows:
            with formatter.section(i18n.translate("Options")):
                formatter.write_dl(rows)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The epilog (``advance``'s trigger table) line by line, in the language it is
        shown in: its prose (the heading) from the help catalogue, the rest as ``epilog_in``
        builds it for that language (the codes the reader types, with their labels)."""
        epilog = self.epilog
        if self.epilog_in is not None and i18n.speaking_now() != "en":
            epilog = self.epilog_in(i18n.speaking_now())
        if epilog:
            lines = inspect.cleandoc(epilog).splitlines()
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text("\n".join(i18n.translate_help(line) for line in lines))


def _option_names(command: click.Command, ctx: click.Context) -> set[str]:
    """Every way ``command``'s options are written (``--as``, ``-h`` …)."""
    return {
        name
        for param in command.get_params(ctx)
        if isinstance(param, click.Option)
        for name in (*param.opts, *param.secondary_opts)
    }


class Group(Command, click.Group):
    """The root group and its groups: their commands and groups are campusgate's too, and
    an invocation speaks the language asked for from before click parses its arguments."""

    command_class = Command
    group_class = type

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        words = sys.argv[1:] if args is None else list(args)
        with i18n.speaking(requested_lang(words)):
            return super().main(args, *rest, **kwargs)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        Command.format_options(self, ctx, formatter)  # click.Group's: options, then commands
        self.format_commands(ctx, formatter)


class App:
    """What every command needs: settings, the database, who is acting, the language, the
    date the rules act for, and whether to print JSON."""

    def __init__(
        self,
        db: str | None,
        login: str | None,
        config: str | None,
        lang: str,
        debug: bool,
        today: str | None = None,
        today_source: str = "--today",
    ):
        self._db_option = db
        self._config = config
        self._today_option = today
        self._today_source = today_source
        #: ``--as`` (or ``CAMPUSGATE_USER``) was given: refused in remote mode
        self.login_given = bool(login or os.environ.get("CAMPUSGATE_USER"))
        self.login = login or os.environ.get("CAMPUSGATE_USER") or getpass.getuser()
        #: who reads what is public (published whitelists, the gate): the login asked for,
        #: else the public, not the OS user, who need not be a user of this system
        self.reader: str | None = self.login if self.login_given else None
        #: set by the server, which runs commands itself: never forwarded again
        self.serving = False
        #: the error object of the last refusal (the server answers with it)
        self.last_error: dict[str, Any] | None = None
        self.lang = lang
        self.debug = debug
        self.as_json = False
        #: the drill date the rules act for (None: the real today)
        self.today: date | None = None
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
        """The configured database, which must exist: reading never creates it."""
        if self._database is None:
            self._database = self._open(create=False)
        return self._database

    def creating_db(self) -> Any:
        """The configured database, created (with its folder) if it is a new SQLite file."""
        if self._database is None:
            self._database = self._open(create=True)
        return self._database

    def _open(self, *, create: bool) -> Any:
        from campusgate.models import Database

        settings = self.settings
        return Database(
            settings.database_url,
            create=create,
            connect_timeout=settings.database.connect_timeout,
        )

    def resolve_today(self) -> date | None:
        """The drill date asked for (``--today`` or ``CAMPUSGATE_TODAY``), honoured only when
        the configuration allows it; a malformed date is invalid input."""
        if not self._today_option:
            return None
        from campusgate.workflow.errors import InvalidInput
        from campusgate.workflow.validate import parse_date

        drill = parse_date(self._today_option, self._today_source)
        if drill is not None and not self.settings.clock.allow_override:
            code = "today_not_allowed_server" if self.serving else "today_not_allowed"
            raise InvalidInput(code, source=self._today_source)
        return drill

    def t(self, code: str, **params: Any) -> str:
        from campusgate.workflow.messages import render

        return render(code, self.lang, **params)

    def label(self, key: str | None, kind: str | None = None) -> str:
        """A code's label in the reader's language (a state or trigger: in ``kind``'s words)."""
        from campusgate.workflow.messages import label

        return label(key, self.lang, kind)


def error_line(lang: str, message: str) -> None:
    """A refusal as one line on stderr, in the reader's language."""
    click.echo(error_text(lang, message), err=True)


def warning_line(lang: str, message: str) -> None:
    """A warning (done, but mind this) as one line on stderr, in the reader's language; on
    stdout, ``--json`` stays one document."""
    from campusgate.workflow.messages import render

    click.echo(render("warning_line", lang, message=message), err=True)


def error_text(lang: str, message: str) -> str:
    """A refusal as the line it is printed as, in the reader's language."""
    from campusgate.workflow.messages import render

    return render("error_line", lang, message=message)


def json_dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def error_payload(code: str, message: str, exit_code: int) -> str:
    return json_dump({"error": {"code": code, "message": message, "exit": exit_code}})


def translate(exc: BaseException, app: App | None) -> tuple[int, str, str]:
    """(exit code, error code, message) for anything a command raised."""
    return explain(exc, app.lang if app else "zh", app._database if app else None)


def explain(exc: BaseException, lang: str, db: Any = None) -> tuple[int, str, str]:
    """(exit code, error code, message in ``lang``) for anything a service raised; ``db``,
    when open, tells a database at an older revision from other errors."""
    from campusgate.workflow.errors import CampusgateError
    from campusgate.workflow.tx import classify

    if not isinstance(exc, CampusgateError):
        exc = classify(exc, db) or exc
        if db is not None and not isinstance(exc, CampusgateError):
            from campusgate import migrations

            exc = migrations.outdated(exc, db) or exc
    if isinstance(exc, CampusgateError):
        return exc.exit_code, exc.code, exc.message(lang)
    # one line: a driver's own message, without SQLAlchemy's statement and background link
    text = str(getattr(exc, "orig", None) or exc).strip()
    first = text.splitlines()[0] if text else ""
    err = CampusgateError("internal", detail=f"{type(exc).__name__}: {first}")
    return EXIT_INTERNAL, "internal", err.message(lang)


def reader_went_away() -> NoReturn:
    """Whoever read stdout left early (``| head``): stop quietly, as other tools do (click
    itself would exit 1)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # Python's own flush at exit must not fail again
    sys.exit(0)


def command(group: click.Group, name: str | None = None, **kwargs: Any) -> Callable[..., Any]:
    """A command with ``--json`` whose errors become exit codes and one clear line; it runs
    as of the drill date when one is asked for and allowed."""

    def decorate(func: Callable[..., Any]) -> Any:
        @click.option(JSON_FLAG, "as_json", is_flag=True, help="Print exactly one JSON document.")
        @click.pass_context
        @functools.wraps(func)
        def wrapper(ctx: click.Context, *args: Any, as_json: bool, **kw: Any) -> None:
            app = ctx.ensure_object(App)
            app.as_json = as_json
            try:
                server = None if app.serving else remote_server(ctx, app)
                if server is not None:
                    from campusgate.remote import forward

                    code = forward(ctx, app, server)
                else:
                    app.today = app.resolve_today()
                    code = _run(func, app, app.today, *args, **kw)
                sys.stdout.flush()  # a reader that left shows here, not in click's own exit
            except click.ClickException:
                raise
            except BrokenPipeError:
                reader_went_away()
            except Exception as exc:  # every error leaves as an exit code
                if app.debug:
                    import traceback

                    traceback.print_exc()
                exit_code, err_code, message = translate(exc, app)
                app.last_error = {"code": err_code, "message": message, "exit": exit_code}
                if as_json:
                    click.echo(error_payload(err_code, message, exit_code))
                else:
                    error_line(app.lang, message)
                ctx.exit(exit_code)
            ctx.exit(code or 0)

        return group.command(name, **kwargs)(wrapper)

    return decorate


def remote_server(ctx: click.Context, app: App) -> Any:
    """The server this command goes to (remote mode), or None: it runs here."""
    from campusgate.server.protocol import LOCAL_ONLY

    top = ctx
    while top.parent is not None and top.parent.parent is not None:
        top = top.parent
    if top.info_name in LOCAL_ONLY:
        return None
    from campusgate.remote import configured

    return configured(app)


def _run(func: Callable[..., Any], app: App, drill: date | None, *args: Any, **kw: Any) -> Any:
    if drill is None:
        return func(app, *args, **kw)
    from campusgate.workflow.clock import acting_as_of

    with acting_as_of(drill):
        return func(app, *args, **kw)


def emit(app: App, data: Any, human: Callable[[Any], None] | str | None = None) -> None:
    if app.as_json:
        click.echo(json_dump(data))
    elif callable(human):
        human(data)
    elif human is not None:
        click.echo(human)


class EnvOption(click.Option):
    """A root option an environment variable sets too: ``-h`` shows the variable
    (``show_envvar``), and an error names it, in the reader's language, when the value came
    from it (click's own hint names it whenever it is shown, and only in English)."""

    def get_error_hint(self, ctx: click.Context | None) -> str:
        hint = click.Parameter.get_error_hint(self, ctx)
        source = ctx.get_parameter_source(self.name) if ctx is not None and self.name else None
        if source is click.core.ParameterSource.ENVIRONMENT and isinstance(self.envvar, str):
            hint += f" ({i18n.translate('env var: {var}').format(var=repr(self.envvar))})"
        return hint


def print_version(ctx: click.Context, value: bool) -> None:
    """``--version``: click's line in the reader's language (``click.version_option`` fixes
    its line when the option is declared, before any language is known)."""
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import version

    line = i18n.translate("%(prog)s, version %(version)s")
    click.echo(line % {"prog": ctx.find_root().info_name, "version": version("campusgate")})
    ctx.exit()


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar="CAMPUSGATE_DB",
    show_envvar=True,
    cls=EnvOption,
    help="Database URL or SQLite file path.",
)
@click.option(
    "--as",
    "login",
    envvar="CAMPUSGATE_USER",
    show_envvar=True,
    cls=EnvOption,
    help="Act as this login (default: OS user).",
)
@click.option(
    "--config",
    envvar="CAMPUSGATE_CONFIG",
    show_envvar=True,
    cls=EnvOption,
    help="Configuration file (TOML).",
)
@click.option(
    "--lang",
    envvar="CAMPUSGATE_LANG",
    show_envvar=True,
    cls=EnvOption,
    type=click.Choice(LANGUAGES),
    default=LANGUAGES[0],
    show_default=True,
    help="Language of messages and tables.",
)
@click.option(
    "--today",
    envvar="CAMPUSGATE_TODAY",
    show_envvar=True,
    cls=EnvOption,
    metavar="YYYY-MM-DD",
    help="Drills: act as of this date; needs [clock] allow_override = true.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _param, value: print_version(ctx, value),
    help="Show the version and exit.",  # click's msgid: HelpFormatter translates it
)
@click.pass_context
def cli(
    ctx: click.Context,
    db: str | None,
    login: str | None,
    config: str | None,
    lang: str,
    today: str | None,
    debug: bool,
) -> None:
    """campusgate — whitelists of social affairs entering campus, and rectification ledgers.

    \b
    Example:
        campusgate demo
        campusgate --as zhang.wei item list --state submitted
    """
    from_env = ctx.get_parameter_source("today") is click.core.ParameterSource.ENVIRONMENT
    source = "CAMPUSGATE_TODAY" if from_env else "--today"
    ctx.obj = App(db, login, config, lang, debug, today, source)
