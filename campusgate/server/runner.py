"""Running one CLI command in-process for the user a token stands for: the server's generic
route. The command is the same click command the CLI runs locally (same parsing, same
services, same JSON, same exit code); only the acting user and the files differ.

Output is captured per thread: the server runs requests in a pool of threads, and
``click.echo`` writes to ``sys.stdout``, so ``sys.stdout`` and ``sys.stderr`` become proxies
that hand each thread's writes to that thread's buffer.
"""

from __future__ import annotations

import base64
import io
import sys
import tempfile
import threading
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from campusgate.i18n import speaking
from campusgate.server.protocol import LOCAL_ONLY, OUTPUT_PARAMS

_local = threading.local()
_install_lock = threading.Lock()


class _Capture(io.TextIOBase):
    """``sys.stdout``/``sys.stderr`` for a server: a thread that captures writes to its own
    buffer; every other write goes where it went before."""

    def __init__(self, name: str, fallback: Any) -> None:
        self._name = name
        self._fallback = fallback

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    @property
    def errors(self) -> str:  # type: ignore[override]
        return "strict"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:  # type: ignore[override]
        buffers = getattr(_local, "buffers", None)
        if buffers is not None:
            return buffers[self._name].write(text)
        return self._fallback.write(text)

    def flush(self) -> None:
        if getattr(_local, "buffers", None) is None:
            self._fallback.flush()


def _install() -> None:
    with _install_lock:
        if not isinstance(sys.stdout, _Capture):
            sys.stdout = _Capture("stdout", sys.stdout)
        if not isinstance(sys.stderr, _Capture):
            sys.stderr = _Capture("stderr", sys.stderr)


@dataclass
class Outcome:
    """What a command did: its exit code, its output, its error and the files it wrote."""

    exit: int
    stdout: str = ""
    stderr: str = ""
    error: dict[str, Any] | None = None
    files: dict[str, str] = field(default_factory=dict)


def resolve(path: list[str]) -> click.Command:
    """The command at ``path`` (``["item", "show"]``); unknown or local-only: invalid input."""
    from campusgate.cli import cli  # with every command registered, however the app started
    from campusgate.workflow.errors import InvalidInput

    if not path or path[0] in LOCAL_ONLY:
        raise InvalidInput("local_only", command=" ".join(path) or "-")
    command: click.Command = cli
    for name in path:
        sub = command.commands.get(name) if isinstance(command, click.Group) else None
        if sub is None or sub.hidden:
            raise InvalidInput("request_invalid", detail=f"command: {' '.join(path)}")
        command = sub
    if isinstance(command, click.Group):
        raise InvalidInput("request_invalid", detail=f"command: {' '.join(path)}")
    return command


def argv_of(command: click.Command, params: dict[str, Any]) -> list[str]:
    """The arguments that make click parse ``params`` again: options, ``--``, arguments.
    A key that is no parameter of the command is invalid input naming it."""
    from campusgate.workflow.errors import InvalidInput

    known = {p.name: p for p in command.params if p.name}
    for key in params:
        if key not in known:
            raise InvalidInput("request_invalid", detail=f"unknown parameter: {key}")
    options: list[str] = []
    arguments: list[str] = []
    for name, param in known.items():
        if name not in params:
            continue
        value = params[name]
        if value is None or value == [] or value == ():
            continue
        values = list(value) if isinstance(value, list | tuple) else [value]
        if not all(isinstance(v, str | int | float | bool) for v in values):
            raise InvalidInput("request_invalid", detail=f"wrong type: {name}")
        if isinstance(param, click.Argument):
            arguments.extend(str(v) for v in values)
            continue
        assert isinstance(param, click.Option)
        flag = max(param.opts, key=len)
        if param.is_flag:
            if not isinstance(value, bool):
                raise InvalidInput("request_invalid", detail=f"wrong type: {name}")
            if value:
                options.append(flag)
            elif param.secondary_opts:
                options.append(max(param.secondary_opts, key=len))
            continue
        for v in values:
            options += [flag, str(v).lower() if isinstance(v, bool) else str(v)]
    return [*options, "--", *arguments] if arguments else options


def file_params(command: click.Command) -> tuple[set[str], set[str]]:
    """(inputs, outputs): the command's parameters that name files."""
    inputs: set[str] = set()
    outputs: set[str] = set()
    for param in command.params:
        if param.name and isinstance(param.type, click.Path):
            (outputs if param.name in OUTPUT_PARAMS else inputs).add(param.name)
    return inputs, outputs


def run(
    db: Any,
    settings: Any,
    login: str,
    path: list[str],
    params: dict[str, Any],
    *,
    lang: str = "zh",
    today: str | None = None,
    today_source: str = "--today",
    uploads: dict[str, tuple[str, bytes]] | None = None,
) -> Outcome:
    """Run the command at ``path`` with ``params`` as ``login``; uploads are ``{param:
    (file name, content)}``, written to a private folder for the command to read."""
    from campusgate.app import App, error_payload, translate

    _install()
    app = App(None, login, None, lang, False, today, today_source)
    app.serving = True
    app._settings, app._database = settings, db
    with ExitStack() as stack:
        try:
            command = resolve(path)
            inputs, outputs = file_params(command)
            folder = ""
            if (inputs | outputs) & set(params) or uploads:  # a private folder for its files
                folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="campusgate-"))
            params, swaps = _place_files(Path(folder), params, inputs, outputs, uploads or {})
            argv = argv_of(command, params)
        except Exception as exc:
            exit_code, code, message = translate(exc, app)
            error = {"code": code, "message": message, "exit": exit_code}
            as_json = params.get("as_json") is True
            return Outcome(
                exit_code,
                stdout=error_payload(code, message, exit_code) + "\n" if as_json else "",
                stderr="" if as_json else _error_line(lang, message),
                error=error,
            )
        outcome = _invoke(app, command, path, argv)
        for name in outputs:
            written = Path(swaps[name][0]) if name in swaps else None
            if written is not None and written.is_file():
                outcome.files[name] = base64.b64encode(written.read_bytes()).decode()
        for server_path, client_path in swaps.values():
            outcome.stdout = outcome.stdout.replace(server_path, client_path)
            outcome.stderr = outcome.stderr.replace(server_path, client_path)
        return outcome


def _error_line(lang: str, message: str) -> str:
    from campusgate.app import error_text

    return error_text(lang, message) + "\n"


def _place_files(
    folder: Path,
    params: dict[str, Any],
    inputs: set[str],
    outputs: set[str],
    uploads: dict[str, tuple[str, bytes]],
) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    """Params with file names replaced by paths in ``folder``; ``{param: (server path, the
    client's path)}`` to translate messages back."""
    from campusgate.workflow.errors import InvalidInput

    for name in uploads:
        if name not in inputs:
            raise InvalidInput("request_invalid", detail=f"unexpected file: {name}")
    placed = dict(params)
    swaps: dict[str, tuple[str, str]] = {}
    for index, name in enumerate(sorted((inputs | outputs) & set(params))):
        given = params[name]
        if given is None:
            continue
        if not isinstance(given, str):
            raise InvalidInput("request_invalid", detail=f"wrong type: {name}")
        suffix = "".join(c for c in Path(given).suffix if c.isalnum() or c == ".")[:10]
        local = folder / f"{index}-{name}{suffix}"
        if name in uploads:
            local.write_bytes(uploads[name][1])
        placed[name] = str(local)
        swaps[name] = (str(local), given)
    return placed, swaps


def _invoke(app: Any, command: click.Command, path: list[str], argv: list[str]) -> Outcome:
    # click's own messages (a usage error) in the request's language, in this thread only
    with speaking(app.lang):
        return _parse_and_run(app, command, path, argv)


def _parse_and_run(app: Any, command: click.Command, path: list[str], argv: list[str]) -> Outcome:
    from campusgate.app import EXIT_INTERNAL, EXIT_USAGE, error_payload
    from campusgate.cli import cli

    _local.buffers = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    app.last_error = None
    try:
        root = click.Context(cli, info_name="campusgate", obj=app)
        parent = root
        for name in path[:-1]:
            group = parent.command.commands[name]  # type: ignore[attr-defined]
            parent = click.Context(group, info_name=name, parent=parent, obj=app)
        try:
            with command.make_context(path[-1], list(argv), parent=parent) as ctx:
                command.invoke(ctx)
            code = 0
        except click.exceptions.Exit as exc:
            code = exc.exit_code
        except click.ClickException as exc:
            code = EXIT_USAGE if isinstance(exc, click.UsageError) else exc.exit_code
            message = exc.format_message()
            app.last_error = {"code": "usage", "message": message, "exit": code}
            if "--json" in argv:
                click.echo(error_payload("usage", message, code))
            else:
                click.echo(_error_line(app.lang, message), err=True, nl=False)
        except click.Abort:
            code = EXIT_INTERNAL
        buffers = _local.buffers
        return Outcome(
            code,
            buffers["stdout"].getvalue(),
            buffers["stderr"].getvalue(),
            app.last_error if code else None,
        )
    finally:
        _local.buffers = None
