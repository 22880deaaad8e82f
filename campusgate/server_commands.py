"""Commands of the shared deployment (SPEC §11): ``serve``, ``token``, ``login``, ``logout``,
``whoami``."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from campusgate.app import App, cli, command, emit, warning_line


@command(cli, "serve")
@click.option("--listen", metavar="HOST:PORT", help="Address to listen on ([server] listen).")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server worker processes.",
)
@click.option("--certfile", type=click.Path(exists=True, dir_okay=False), help="TLS certificate.")
@click.option("--keyfile", type=click.Path(exists=True, dir_okay=False), help="TLS key.")
def serve(
    app: App, listen: str | None, workers: int, certfile: str | None, keyfile: str | None
) -> None:
    """Serve the HTTP API over the configured database (stateless; stop with SIGTERM).

    \b
    Example:
        campusgate --db postgresql://campusgate@db/campusgate serve --listen 127.0.0.1:8470
    """
    import logging

    import uvicorn

    from campusgate.workflow.errors import CannotStart, InvalidInput

    address = listen or app.settings.server.listen
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InvalidInput("listen_invalid", value=address)
    if bool(certfile) != bool(keyfile):
        raise InvalidInput("certfile_keyfile")
    check_listen(host.strip("[]"), int(port), address)
    scheme = "https" if certfile else "http"
    click.echo(app.t("serving", url=f"{scheme}://{address}", db=app.db.display_url), err=True)
    if not certfile and host.strip("[]") not in ("127.0.0.1", "localhost", "::1"):
        warning_line(app.lang, app.t("serve_plain_http", address=address))
    app.db.dispose()  # reachable and migrated; each worker opens its own
    if app._db_option:
        os.environ["CAMPUSGATE_DB"] = app._db_option
    if app._config:
        os.environ["CAMPUSGATE_CONFIG"] = app._config
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    try:
        uvicorn.run(
            "campusgate.server.api:from_environment",
            factory=True,
            host=host.strip("[]"),
            port=int(port),
            workers=workers,
            ssl_certfile=certfile,
            ssl_keyfile=keyfile,
            access_log=False,
            timeout_graceful_shutdown=30,
            log_config=log_config(),
        )
    except SystemExit as exc:  # uvicorn's own exit on a failed start (3, "not found" here)
        if exc.code in (None, 0):
            raise
        raise CannotStart("serve_failed", address=address) from None


LOG_FORMAT = "%(asctime)s %(name)s %(message)s"


def log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with campusgate's own logger beside its loggers: every
    worker process applies it, so each request's line is written with any number of
    workers (a worker is a new process: the parent's logging does not reach it)."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["campusgate"] = {"format": LOG_FORMAT}
    config["handlers"]["campusgate"] = {
        "class": "logging.StreamHandler",
        "formatter": "campusgate",
        "stream": "ext://sys.stderr",
    }
    config["loggers"]["campusgate"] = {
        "handlers": ["campusgate"],
        "level": "INFO",
        "propagate": False,
    }
    return config


def check_listen(host: str, port: int, address: str) -> None:
    """The address can be listened on, else one line saying why (exit 1): the port already
    taken (another server), or an address that is not this machine's. uvicorn binds the
    same way (``SO_REUSEADDR``) right after; should it still fail, ``serve`` says so."""
    import errno
    import socket

    from campusgate.workflow.errors import CannotStart

    try:
        found = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM)
        family, kind, proto, _, where = found[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(where)
    except OSError as exc:
        known = {
            errno.EADDRINUSE: "listen_in_use",
            errno.EADDRNOTAVAIL: "listen_not_here",
            errno.EACCES: "listen_denied",
        }
        if exc.errno in known:
            raise CannotStart(known[exc.errno], address=address) from None
        detail = exc.strerror or type(exc).__name__
        raise CannotStart("listen_failed", address=address, detail=detail) from None


@cli.group()
def token() -> None:
    """Personal tokens for the server (admin)."""


@command(token, "issue")
@click.argument("login")
@click.option("--expires-days", default="180", show_default=True, help="Days until it expires.")
@click.option("--note", help="What the token is for.")
def token_issue(app: App, login: str, expires_days: str, note: str | None) -> None:
    """Issue a personal token for LOGIN; it is shown only this once.

    \b
    Example:
        campusgate --as admin token issue zhang.wei --note 教育局办公室电脑
    """
    from campusgate.workflow import tokens
    from campusgate.workflow.clock import local_text

    issued = tokens.issue(app.db, app.login, login, expires_days=expires_days, note=note)
    data = issued.as_dict()
    emit(app, data, app.t("token_issued", **{**data, "expires": local_text(issued.expires)}))


@command(token, "list")
def token_list(app: App) -> None:
    """List tokens: who holds them, until when, whether revoked (never the secrets).

    \b
    Example:
        campusgate --as tian.yu token list
    """
    from campusgate.workflow import tokens

    rows = tokens.list_tokens(app.db, app.login)

    def human(found: list[dict[str, Any]]) -> None:
        from campusgate import render
        from campusgate.workflow.clock import local_text as when
        from campusgate.workflow.messages import label

        render.rows_table(
            ("id", "login", "state", "valid_until", "revoked_at", "token_note"),
            [
                (
                    r["id"],
                    r["login"],
                    label(f"token_{r['state']}", app.lang),
                    when(r["expires"]),
                    when(r["revoked"]),
                    r["note"],
                )
                for r in found
            ],
            app.lang,
        )

    emit(app, rows, human)


@command(token, "revoke")
@click.argument("token_id")
def token_revoke(app: App, token_id: str) -> None:
    """Revoke a token: it no longer opens the server (the id is in 'campusgate token list').

    \b
    Example:
        campusgate --as tian.yu token revoke 7
    """
    from campusgate.workflow import tokens
    from campusgate.workflow.clock import local_text

    row = tokens.revoke(app.db, app.login, token_id)
    if row["already_revoked"]:
        message = app.t("token_already_revoked", id=row["id"], revoked=local_text(row["revoked"]))
    else:
        message = app.t("token_revoked", id=row["id"])
    emit(app, row, message)


@command(cli, "whoami")
def whoami(app: App) -> None:
    """Who is acting: the token's user with a server (after 'campusgate login'); on the database
    host, the user --as names (else the operating-system login).

    \b
    Example:
        campusgate whoami
        campusgate --db /srv/campusgate/campusgate.db --as wang.fang whoami
    """
    from campusgate.commands import existing_db
    from campusgate.workflow import tokens
    from campusgate.workflow.errors import DatabaseUnavailable

    database, missing = existing_db(app)
    if database is None:  # neither a server nor a database to say who acts
        raise DatabaseUnavailable("whoami_nowhere", path=missing, login=app.login)
    data = tokens.whoami(database, app.login)
    roles = "、".join(app.label(role) for role in data["roles"])
    emit(app, data, app.t("whoami_line", **{**data, "roles": roles}))


@command(cli, "login")
@click.option("--server", "url", required=True, help="The server's address (https://…).")
def login(app: App, url: str) -> None:
    """Check a personal token with the server and keep both for later commands.

    The token is read from a prompt, or from stdin when it is not a terminal.

    \b
    Example:
        campusgate login --server https://campusgate.jyj.example.gov.cn
    """
    from campusgate import remote
    from campusgate.server import protocol
    from campusgate.workflow.errors import InvalidInput

    if app.login_given:
        raise InvalidInput("as_remote")
    url = remote.normalise(url)
    if remote.sends_in_clear(url):
        warning_line(app.lang, app.t("plain_http", url=url))
    if sys.stdin.isatty():
        secret = click.prompt(app.t("token_prompt"), hide_input=True, err=True)
    else:
        secret = sys.stdin.readline()
    secret = secret.strip()
    if not secret:
        raise InvalidInput("token_empty")
    server = remote.Server(url, secret)
    status, data = remote.request(server, "GET", protocol.WHOAMI_PATH, app.lang)
    if status != 200:
        raise remote.refusal(status, data, server)
    remote.store(url, secret)
    emit(app, data, app.t("logged_in", url=url, login=data.get("login")))


@command(cli, "logout")
def logout(app: App) -> None:
    """Forget the stored server and token: later commands run locally again.

    \b
    Example:
        campusgate logout
    """
    from campusgate import remote

    url = remote.forget()
    data: dict[str, Any] = {"url": url}
    emit(app, data, app.t("logged_out", url=url) if url else app.t("not_logged_in"))
