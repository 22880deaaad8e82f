"""The ``campusgate`` console entry point: the root group with every command registered."""

from __future__ import annotations

import os
import sys

import click

from campusgate import commands  # noqa: F401  (registers the commands on ``cli``)
from campusgate.app import (
    EXIT_INTERNAL,
    EXIT_USAGE,
    cli,
    error_line,
    error_payload,
    reader_went_away,
)

__all__ = ["cli", "main"]


def requested_lang(args: list[str]) -> str:
    """The language asked for by ``--lang`` (as an option, not any argument that reads
    ``en``), else ``CAMPUSGATE_LANG``."""
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return "en" if args[i + 1] == "en" else "zh"
        if arg.startswith("--lang="):
            return "en" if arg == "--lang=en" else "zh"
    return "en" if os.environ.get("CAMPUSGATE_LANG") == "en" else "zh"


def main(argv: list[str] | None = None) -> None:
    """Console entry point: usage errors honour ``--json`` and exit 2."""
    args = sys.argv[1:] if argv is None else argv
    from campusgate.workflow.validate import encodable

    if not all(encodable(a) for a in args):  # bytes the terminal could not decode
        from campusgate.workflow.messages import render

        lang = requested_lang(args)
        message = render("undecodable", lang, field="argv")
        if "--json" in args:
            click.echo(error_payload("undecodable", message, EXIT_USAGE))
        else:
            error_line(lang, message)
        sys.exit(EXIT_USAGE)
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
        sys.exit(exc.exit_code)
    except click.Abort:
        sys.exit(EXIT_INTERNAL)
    except click.ClickException as exc:
        if "--json" in args:
            click.echo(error_payload("usage", exc.format_message(), EXIT_USAGE))
        else:
            exc.show()
        sys.exit(EXIT_USAGE if isinstance(exc, click.UsageError) else exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
