"""The FastAPI application of ``campusgate serve`` (SPEC §11).

One generic route runs any remote command for the token's user (``POST /api/v1/run``): the
CLI's own click command, so a command added to the CLI is served without a line here.
Typed routes give the SPEC §7 shapes to other clients; ``/public/…`` needs no token.
Stateless: every request reads the token and the database afresh.
"""

from __future__ import annotations

import base64
import binascii
import logging
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from campusgate.server import protocol, runner

log = logging.getLogger("campusgate.server")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ErrorBody(Strict):
    code: str
    message: str
    exit: int


class ErrorResponse(Strict):
    error: ErrorBody


class Upload(Strict):
    name: str = Field(max_length=255)
    content: str = Field(description="base64")


class RunRequest(Strict):
    """One CLI command: its path (``["item", "show"]``) and its parameters by name."""

    command: list[str] = Field(min_length=1, max_length=4)
    params: dict[str, Any] = Field(default_factory=dict)
    lang: Literal["zh", "en"] = "zh"
    today: str | None = None
    today_source: Literal["--today", "CAMPUSGATE_TODAY"] = "--today"
    files: dict[str, Upload] = Field(default_factory=dict)


class RunResponse(Strict):
    exit: int
    stdout: str
    stderr: str
    error: ErrorBody | None = None
    files: dict[str, str] = Field(default_factory=dict, description="base64 by parameter")


class WhoAmI(Strict):
    login: str
    name: str
    roles: list[str]
    jurisdiction: str
    department: str | None = None


class HistoryEvent(BaseModel):
    """An event of an item's history, as ``item show --json`` prints it; more keys may be
    added."""

    model_config = ConfigDict(extra="allow")
    seq: int
    trigger: str
    from_state: str | None
    to_state: str
    actor: str
    at: str
    reason: str | None = None


class ItemOut(BaseModel):
    """An item, as ``item show --json`` prints it; more keys may be added, and those of one
    kind only (``department``, ``owner`` …) are passed through as the item has them."""

    model_config = ConfigDict(extra="allow")
    id: int
    kind: str
    state: str
    year: int | None = None
    jurisdiction: str | None = None
    version: int
    actions: list[str]
    history: list[HistoryEvent] | None = None


class AdvanceRequest(Strict):
    trigger: str
    item_ids: list[int | str] = Field(min_length=1, max_length=1000)
    reason: str | None = None
    standard: str | None = None
    deadline: str | None = None
    owner: str | None = None
    result: str | None = None


class AdvanceResult(BaseModel):
    id: int | str
    ok: bool
    kind: str | None = None
    state: str | None
    error: ErrorBody | None


class AdvanceResponse(BaseModel):
    results: list[AdvanceResult]


def _error(status: int, code: str, message: str, exit_code: int | None = None) -> JSONResponse:
    exit_code = protocol.exit_of(status) if exit_code is None else exit_code
    body = {"error": {"code": code, "message": message, "exit": exit_code}}
    return JSONResponse(body, status_code=status)


def _validation_detail(error: Any, lang: str) -> str:
    """What pydantic refused, in the reader's language: the field by its place (``query.school``,
    ``item_ids.0``) and why, from the catalogue where the error's type is there, else
    pydantic's own words."""
    from campusgate.workflow.messages import MESSAGES, render

    loc = [str(p) for p in error.get("loc", ()) if p != "body" and p not in _UNION_TAGS]
    where = ".".join(loc) or "body"
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in _NOT_OBJECT and where == "body":
        kind = "body_object"
    elif kind in ("too_short", "string_too_short") and ctx.get("min_length") == 1:
        kind = "empty"
    code = f"request.{kind}"
    if code not in MESSAGES:
        return f"{where}: {error.get('msg', 'invalid')}"
    expected = str(ctx.get("expected", ""))
    if lang == "zh":
        expected = expected.replace(" or ", " 或 ")
    limits = {k: ctx.get(k, "") for k in ("min_length", "max_length", "ge", "le")}
    return render(code, lang, where=where, expected=expected, **limits)


#: The error types of a value that is no object (of the body itself: form data, a list).
_NOT_OBJECT = frozenset({"model_attributes_type", "model_type", "dict_type"})
#: How pydantic names the member of a union a value failed (``item_ids.0.int``): not a place.
_UNION_TAGS = frozenset({"int", "str", "float", "bool"})


def _lang(request: Request) -> str:
    wanted = request.headers.get("accept-language", "")
    return "en" if wanted.lower().startswith("en") else "zh"


class BodyLimit:
    """Refuse a request body larger than ``limit`` bytes (413) before it is read whole."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        from campusgate.workflow.messages import render

        lang = _lang(Request(scope))
        limit = f"{self.limit / 2**20:.3g}"  # MB, as people count them
        message = render("request_too_large", lang, limit=limit)
        await _error(413, "request_too_large", message)(scope, receive, send)


class _TooLarge(Exception):
    pass


class RequestLog:
    """One log line per request: method, path, status, the acting user, the time taken.
    Never a header, a query or a body (tokens, passwords and contacts travel there)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = scope.setdefault("state", {})
        state["login"] = "-"
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            log.info(
                "%s %s %s user=%s %.1fms",
                scope["method"],
                scope["path"],
                status,
                state.get("login", "-"),
                (time.perf_counter() - started) * 1000,
            )


async def bearer(authorization: Annotated[str | None, Header()] = None) -> str | None:
    """The request's bearer token; ``acting`` checks it in the route's own thread."""
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


Bearer = Annotated[str | None, Depends(bearer)]


@contextmanager
def checked(request: Request, token: str | None) -> Iterator[Any]:
    """The token as the credential a service function checks in its own first transaction;
    the log line names the user it stood for."""
    from campusgate.workflow import tokens

    who = tokens.Bearer(token)
    try:
        yield who
    finally:
        request.state.login = who.login or "-"


def acting(request: Request, token: str | None) -> str:
    """The login a live token stands for (else 401, nothing done)."""
    from campusgate.workflow import tokens

    login = tokens.authenticate(request.app.state.db, token)
    request.state.login = login
    return login


def create_app(
    settings: Any = None, db: Any = None, *, max_body: int = protocol.MAX_BODY
) -> FastAPI:
    """The application over ``db`` (default: the configured database)."""
    from campusgate.workflow import tokens
    from campusgate.workflow.config import load_settings
    from campusgate.workflow.errors import CampusgateError, NotAuthenticated
    from campusgate.workflow.messages import KEY, LABEL_ONLY, render

    if settings is None:
        settings = load_settings(None, None)
    if db is None:
        from campusgate.models import Database

        db = Database(settings.database_url, connect_timeout=settings.database.connect_timeout)

    api = FastAPI(
        title="campusgate",
        summary="Whitelists of social affairs entering campus, and rectification ledgers",
        version="1",
        responses={
            int(status): {"model": ErrorResponse}
            for status in (400, 401, 403, 404, 409, 413, 422, 500)
        },
    )
    api.state.db, api.state.settings = db, settings

    api.add_middleware(RequestLog)
    api.add_middleware(BodyLimit, limit=max_body)

    @api.exception_handler(CampusgateError)
    async def domain_error(request: Request, exc: CampusgateError) -> JSONResponse:
        status = 401 if isinstance(exc, NotAuthenticated) else protocol.status_of(exc.exit_code)
        # a public page names a field by its label alone; the API by its parameter
        public = request.url.path.startswith("/public/")
        message = exc.message(_lang(request), LABEL_ONLY if public else KEY)
        response = _error(status, exc.code, message, exc.exit_code)
        if status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        lang = _lang(request)
        first = exc.errors()[0] if exc.errors() else {}
        detail = _validation_detail(first, lang)
        return _error(400, "request_invalid", render("request_invalid", lang, detail=detail))

    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            message = render("route_not_found", _lang(request), path=request.url.path)
            return _error(404, "route_not_found", message)
        if exc.status_code == 405:
            detail = render(
                "request.method_not_allowed",
                _lang(request),
                path=request.url.path,
                method=request.method,
            )
            message = render("request_invalid", _lang(request), detail=detail)
            return _error(405, "request_invalid", message, protocol.exit_of(405))
        code = protocol.exit_of(exc.status_code)
        return _error(
            exc.status_code,
            "request_invalid",
            render("request_invalid", _lang(request), detail=str(exc.detail)),
            code,
        )

    @api.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        from campusgate.app import translate

        log.error(
            "internal error on %s %s: %s", request.method, request.url.path, type(exc).__name__
        )
        exit_code, code, _ = translate(exc, None)
        lang = _lang(request)
        if exit_code == 1:
            message = render("internal", lang, detail=type(exc).__name__)
        else:
            message = render(code, lang)
        return _error(protocol.status_of(exit_code), code, message, exit_code)

    @api.post(protocol.RUN_PATH, response_model=RunResponse, tags=["cli"])
    def run_command(body: RunRequest, token: Bearer, request: Request) -> JSONResponse:
        """Run one CLI command for the token's user: the same JSON and exit code as locally."""
        login = acting(request, token)
        uploads: dict[str, tuple[str, bytes]] = {}
        for name, upload in body.files.items():
            try:
                uploads[name] = (upload.name, base64.b64decode(upload.content, validate=True))
            except (binascii.Error, ValueError):
                detail = f"files.{name}.content: not base64"
                return _error(
                    400, "request_invalid", render("request_invalid", body.lang, detail=detail)
                )
        outcome = runner.run(
            db,
            settings,
            login,
            body.command,
            body.params,
            lang=body.lang,
            today=body.today,
            today_source=body.today_source,
            uploads=uploads,
        )
        answer = RunResponse(
            exit=outcome.exit,
            stdout=outcome.stdout,
            stderr=outcome.stderr,
            error=ErrorBody(**outcome.error) if outcome.error else None,
            files=outcome.files,
        )
        return JSONResponse(answer.model_dump(), status_code=protocol.status_of(outcome.exit))

    @api.get(protocol.WHOAMI_PATH, response_model=WhoAmI, tags=["identity"])
    def whoami(token: Bearer, request: Request) -> dict[str, Any]:
        """The user the token stands for."""
        with checked(request, token) as who:
            return tokens.whoami(db, who)

    @api.get(
        "/api/v1/items",
        response_model=list[ItemOut],
        response_model_exclude_unset=True,  # the keys item list --json prints, and only those
        tags=["items"],
    )
    def list_items(
        token: Bearer,
        request: Request,
        kind: str | None = None,
        state: str | None = None,
        year: str | None = None,
        jurisdiction: str | None = None,
        limit: str | None = None,
        after: str | None = None,
    ) -> Any:
        """The items the user can read (``item list``), by id; a page of ``limit`` items after
        the id ``after``."""
        from campusgate.workflow import items

        with checked(request, token) as who:
            return items.list_items(
                db,
                who,
                kind=kind,
                state=state,
                year=year,
                jurisdiction=jurisdiction,
                limit=limit,
                after=after,
            )

    @api.get(
        "/api/v1/items/{item_id}",
        response_model=ItemOut,
        response_model_exclude_unset=True,
        tags=["items"],
    )
    def show_item(item_id: str, token: Bearer, request: Request) -> Any:
        """One item with its actions and history (``item show``)."""
        from campusgate.workflow import items

        with checked(request, token) as who:
            return items.show_item(db, who, item_id)

    @api.post("/api/v1/advance", response_model=AdvanceResponse, tags=["items"])
    def advance(body: AdvanceRequest, token: Bearer, request: Request) -> JSONResponse:
        """Fire a trigger on items (``advance``): the status is that of the worst outcome.
        The token is checked in the command's own first transaction."""
        from campusgate.app import explain
        from campusgate.workflow import items

        lang = _lang(request)
        params = items.Params(
            **body.model_dump(include={"reason", "standard", "deadline", "owner", "result"})
        )
        with checked(request, token) as who:
            results, worst, _ = items.advance(
                db,
                who,
                [str(i) for i in body.item_ids],
                body.trigger,
                params,
                explain=lambda exc: explain(exc, lang, db),
            )
        return JSONResponse({"results": results}, status_code=protocol.status_of(worst))

    @api.get("/public/whitelists/{jurisdiction}/{year}.{fmt}", tags=["public"])
    def public_whitelist(
        jurisdiction: str, year: str, fmt: Literal["html", "json"], request: Request
    ) -> Response:
        """The published whitelist of a jurisdiction and year, as its HTML page or JSON."""
        from campusgate.workflow import publication

        try:
            listed = publication.show(db, None, year=year, jurisdiction=jurisdiction)
        except CampusgateError as exc:
            if fmt != "html":
                raise
            lang = _lang(request)
            # the list's own title where the refusal names its jurisdiction and year (nothing
            # published yet), else the plain one (a name mistyped, a year malformed)
            named = exc.params.get("jurisdiction"), exc.params.get("year")
            title = publication.title_of(*named) if all(named) else publication.TITLE
            page = publication.notice_page(title, exc.message(lang, LABEL_ONLY), lang)
            return HTMLResponse(page, status_code=protocol.status_of(exc.exit_code))
        with tempfile.TemporaryDirectory(prefix="campusgate-") as folder:
            path = publication.write(
                Path(folder) / f"whitelist.{fmt}",
                fmt,
                listed["jurisdiction"],
                listed["year"],
                listed["items"],
                level=listed["level"],
                hotline=settings.publish.hotline,
                mailbox=settings.publish.mailbox,
            )
            content = path.read_bytes()
        if fmt == "html":
            return HTMLResponse(content)
        return Response(content, media_type="application/json")

    @api.get("/public/check", tags=["public"])
    def public_check(school: str, item: str, date: str | None = None) -> dict[str, Any]:
        """The school-gate check (``check``): whether the item may enter the school on the
        date (default today), and if not, why (`{"allowed", "reason"}`)."""
        from campusgate.workflow import gate

        return gate.check(db, None, school=school, item_id=item, day=date).view()

    @api.get("/healthz", tags=["public"], include_in_schema=False)
    async def health() -> dict[str, bool]:  # no database: answered on the event loop
        return {"ok": True}

    return api


def from_environment() -> FastAPI:
    """The application for ``uvicorn --factory``: settings from the environment, as the CLI's."""
    import os

    from campusgate.workflow.config import load_settings

    return create_app(
        load_settings(os.environ.get("CAMPUSGATE_CONFIG"), os.environ.get("CAMPUSGATE_DB"))
    )
