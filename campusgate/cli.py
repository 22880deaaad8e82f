"""The ``campusgate`` console entry point: the root group with every command registered."""

from __future__ import annotations

import sys

import click

from campusgate import commands  # noqa: F401  (registers the commands on ``cli``)
from campusgate.app import (
    EXIT_INTERNAL,
    EXIT_USAGE,
    JSON_FLAG,
    cli,
    error_line,
    error_payload,
    reader_went_away,
    requested_lang,
)
from campusgate.i18n import speaking

__all__ = ["cli", "main", "requested_lang"]


def main(argv: list[str] | None = None) -> None:
    """Console entry point: usage errors honour ``--json`` and exit 2, and speak the language
    asked for (``requested_lang``), as every message does."""
    args = sys.argv[1:] if argv is None else argv
    from campusgate.workflow.validate import encodable

    lang = requested_lang(args)
    if not all(encodable(a) for a in args):  # bytes the terminal could not decode
        from campusgate.workflow.messages import render

        message = render("undecodable", lang, field="argv")
        if JSON_FLAG in args:
            click.echo(error_payload("undecodable", message, EXIT_USAGE))
        else:
            error_line(lang, message)
        sys.exit(EXIT_USAGE)
    with speaking(lang):  # click's messages are made when shown, below, as well as inside
        code = _run(args)
    sys.exit(code)


def _run(args: list[str]) -> int:
    try:
        code = cli.main(args=args, prog_name="campusgate", standalone_mode=False)
        sys.stdout.flush()
    except BrokenPipeError:
        reader_went_away()
    except click.exceptions.Exit as exc:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            reader_went_away()
        return exc.exit_code
    except click.Abort:
        return EXIT_INTERNAL
    except click.ClickException as exc:
        if JSON_FLAG in args:
            click.echo(error_payload("usage", exc.format_message(), EXIT_USAGE))
        else:
            exc.show()
        return EXIT_USAGE if isinstance(exc, click.UsageError) else exc.exit_code
    return code if isinstance(code, int) else 0
