"""What client and server agree on: exit codes ↔ HTTP statuses, the command request, the
commands that never go remote. Pure Python, imported by the CLI and the server alike."""

from __future__ import annotations

#: SPEC §7 exit code → HTTP status; one-to-one.
EXIT_STATUS: dict[int, int] = {
    0: 200,
    1: 500,
    2: 400,
    3: 404,
    4: 403,
    5: 422,
    6: 409,
}
#: HTTP status → exit code: the inverse of ``EXIT_STATUS``, plus the statuses the HTTP layer
#: answers before any command runs (401: no live token; 413: too large; 405: wrong method).
STATUS_EXIT: dict[int, int] = {status: code for code, status in EXIT_STATUS.items()} | {
    401: 4,
    405: 2,
    413: 2,
}

#: Commands that run only where the database is: never sent to a server.
LOCAL_ONLY = frozenset({"db", "serve", "scheduler", "demo", "login", "logout"})

#: Parameters whose value names a file the server writes (downloaded to the client's path).
OUTPUT_PARAMS = frozenset({"output"})

#: Largest request body the server accepts (uploads included), in bytes.
MAX_BODY = 20 * 1024 * 1024

RUN_PATH = "/api/v1/run"
WHOAMI_PATH = "/api/v1/whoami"
TOKEN_HEADER = "Authorization"


def status_of(exit_code: int) -> int:
    return EXIT_STATUS.get(exit_code, 500)


def exit_of(status: int) -> int:
    """The exit code an HTTP status stands for (unknown 4xx: invalid input, else internal)."""
    if status in STATUS_EXIT:
        return STATUS_EXIT[status]
    return 2 if 400 <= status < 500 else 1
