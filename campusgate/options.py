"""Options shared by several commands, each declared once; choices come from
``campusgate.domain`` (the services check the values, in the reader's language)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import click

from campusgate.domain import BASIS_KINDS

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def one_of(values: Iterable[str], lead: str = "") -> str:
    """A help text listing the allowed values."""
    listed = " | ".join(values)
    return f"{lead}: {listed}" if lead else listed


def bundle(*options: Decorator) -> Decorator:
    """Several options as one decorator, in the order given."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def application_fields(*, required: bool) -> Decorator:
    """The fields of a whitelist application: required ones for ``apply``, all optional for
    ``item edit``."""
    return bundle(
        click.option("--title", required=required, help="事项名称"),
        click.option("--basis-kind", required=required, help=one_of(BASIS_KINDS)),
        click.option(
            "--basis-doc",
            "basis_docs",
            multiple=True,
            required=required,
            help="开展依据 (repeatable)",
        ),
        click.option("--lead-unit", "lead_units", multiple=True, help="实施单位 (repeatable)"),
        click.option("--schedule", help="开展时间/周期, e.g. 每年1-2次"),
        click.option("--manner", help="开展方式"),
        click.option("--scope", help="实施范围"),
        click.option("--place", help="开展地点"),
        click.option("--content", help="主要内容"),
        click.option("--teacher-hours", help="Estimated teacher hours per school."),
    )
