"""The CLI as the server's client (SPEC §11): remote mode, and the stored login.

Remote mode is on when a server is configured (``CAMPUSGATE_SERVER``, ``[server] url``, or
``campusgate login``). A command then sends its name and parsed parameters to the server,
which runs the same command for the token's user; the client prints what it printed and exits
with its exit code. Files a command reads are uploaded; files it writes are downloaded to the
path given.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from campusgate.server import protocol

SERVER_ENV = "CAMPUSGATE_SERVER"
TOKEN_ENV = "CAMPUSGATE_TOKEN"
#: seconds: to connect, and to wait for a command's answer (imports can take a while)
CONNECT_TIMEOUT = 5.0
ANSWER_TIMEOUT = 300.0

#: Tests put an in-process client here (``fastapi.testclient.TestClient``); None: httpx.
client_factory: Callable[[str], Any] | None = None


@dataclass(frozen=True)
class Server:
    url: str
    token: str | None


def credentials_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("campusgate")) / "credentials.json"


def stored() -> dict[str, str] | None:
    path = credentials_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return None
    return {k: v for k, v in data.items() if isinstance(v, str)}


def store(url: str, token: str) -> Path:
    """Keep server and token in the user config folder, readable by this user only."""
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(path.name + ".part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"url": url, "token": token}, out)
    os.chmod(partial, 0o600)
    partial.replace(path)
    return path


def forget() -> str | None:
    """Remove the stored login; the server it was for, if any."""
    known = stored()
    credentials_path().unlink(missing_ok=True)
    return known["url"] if known else None


def configured(app: Any) -> Server | None:
    """The server of remote mode, or None (local mode)."""
    saved = stored()
    url = os.environ.get(SERVER_ENV) or app.settings.server.url or (saved or {}).get("url")
    if not url:
        return None
    token = os.environ.get(TOKEN_ENV)
    if not token and saved and saved.get("url") == url:
        token = saved.get("token")
    return Server(normalise(url), token)


def sends_in_clear(url: str) -> bool:
    """Whether a token sent to ``url`` crosses the network unencrypted: ``http://`` to
    another machine than this one."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.scheme == "http" and parts.hostname not in ("localhost", "127.0.0.1", "::1")


def normalise(url: str) -> str:
    from campusgate.workflow.errors import InvalidInput

    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise InvalidInput("server_url_invalid", url=url)
    return url


def _error_class() -> type:
    from campusgate.workflow.errors import CampusgateError

    class RemoteError(CampusgateError):
        """A refusal the server answered with: its message is already in the reader's language."""

        def __init__(self, exit_code: int, code: str, text: str) -> None:
            super().__init__(code)
            self.exit_code = exit_code
            self.text = text

        def message(self, lang: str = "zh") -> str:
            return self.text

    return RemoteError


def request(server: Server, method: str, path: str, lang: str, body: Any = None) -> tuple[int, Any]:
    """(status, decoded JSON) of one request; an unreachable server is exit 1 saying so."""
    from campusgate.workflow.errors import CampusgateError

    headers = {"Accept-Language": lang, "User-Agent": "campusgate-cli"}
    if server.token:
        headers["Authorization"] = f"Bearer {server.token}"
    if client_factory is not None:
        client = client_factory(server.url)
    else:
        import httpx

        timeout = httpx.Timeout(ANSWER_TIMEOUT, connect=CONNECT_TIMEOUT)
        client = httpx.Client(base_url=server.url, timeout=timeout)
    import httpx

    try:
        with client:
            answer = client.request(method, path, json=body, headers=headers)
    except (httpx.ReadTimeout, httpx.WriteTimeout):  # sent: the server may still be at it
        raise CampusgateError(
            "server_no_answer", url=server.url, seconds=int(ANSWER_TIMEOUT)
        ) from None
    except httpx.HTTPError as exc:
        raise CampusgateError("server_unreachable", url=server.url, detail=_why(exc)) from None
    try:
        return answer.status_code, answer.json()
    except ValueError:
        raise CampusgateError(
            "server_bad_answer", url=server.url, status=answer.status_code
        ) from None


def refusal(status: int, data: Any, server: Server) -> Exception:
    """The error an answer without a command's outcome stands for."""
    from campusgate.workflow.errors import CampusgateError

    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict) or not isinstance(error.get("message"), str):
        return CampusgateError("server_bad_answer", url=server.url, status=status)
    return _error_class()(protocol.exit_of(status), str(error.get("code")), error["message"])


def command_path(ctx: click.Context) -> list[str]:
    names: list[str] = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return names[::-1]


def forward(ctx: click.Context, app: Any, server: Server) -> int:
    """Run this command on the server; print what it printed, write the files it wrote.
    A file to write here whose folder is missing is refused before anything is sent."""
    from campusgate.server.runner import file_params
    from campusgate.workflow import validate
    from campusgate.workflow.errors import InvalidInput

    if app.login_given:
        raise InvalidInput("as_remote")
    params = {k: list(v) if isinstance(v, tuple) else v for k, v in ctx.params.items()}
    inputs, outputs = file_params(ctx.command)
    for name in outputs:
        if isinstance(params.get(name), str):
            validate.output_file(params[name])
    files = {}
    for name in inputs:
        given = params.get(name)
        if isinstance(given, str) and Path(given).is_file():
            content = base64.b64encode(Path(given).read_bytes()).decode()
            files[name] = {"name": Path(given).name, "content": content}
    body = {
        "command": command_path(ctx),
        "params": params,
        "lang": app.lang,
        "today": app._today_option,
        "today_source": app._today_source,
        "files": files,
    }
    status, data = request(server, "POST", protocol.RUN_PATH, app.lang, body)
    if not (isinstance(data, dict) and isinstance(data.get("exit"), int) and "stdout" in data):
        raise refusal(status, data, server)
    for name, content in (data.get("files") or {}).items():
        target = params.get(name)
        if name in outputs and isinstance(target, str):
            Path(target).write_bytes(base64.b64decode(content))
    if data["stdout"]:
        click.echo(data["stdout"], nl=False)
    if data.get("stderr"):
        click.echo(data["stderr"], nl=False, err=True)
    return int(data["exit"])


def _why(exc: Exception) -> Any:
    """Why the server could not be reached, as the catalogue words it where it can."""
    import socket
    import ssl

    import httpx

    from campusgate.workflow.messages import OsReason

    if isinstance(exc, httpx.RemoteProtocolError):  # an answer, but not HTTP's
        return OsReason("not-http", str(exc))
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, OSError):
        cause = cause.__cause__ or cause.__context__
    if isinstance(cause, socket.gaierror):
        return OsReason("name-unresolved", str(cause))
    if isinstance(cause, ssl.SSLError):  # an OSError too, whose errno would mislead
        return OsReason("tls-failed", str(cause))
    if isinstance(cause, OSError) and cause.errno is not None:
        return OsReason.of(cause)
    if isinstance(exc, httpx.TimeoutException):
        return OsReason("timeout", str(exc))
    return type(exc).__name__ + (f": {exc}" if str(exc) else "")
