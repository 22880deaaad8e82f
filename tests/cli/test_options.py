"""The command line's shape: choices and help from ``campusgate.domain``, the application
options declared once, imports that point one way, the language switch."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import click
import pytest

from campusgate import domain
from campusgate.app import cli as root
from campusgate.cli import cli, main, requested_lang

ROOT = Path(__file__).resolve().parents[2]


def _command(*path: str) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


def _help(command: click.Command, option: str) -> str:
    found = next(p for p in command.params if option in getattr(p, "opts", ()))
    return str(getattr(found, "help", ""))


@pytest.mark.parametrize(
    ("path", "option", "values"),
    [
        (("apply",), "--basis-kind", domain.BASIS_KINDS),
        (("item", "edit"), "--basis-kind", domain.BASIS_KINDS),
        (("clue", "add"), "--source", domain.SOURCES),
        (("clue", "add"), "--aspect", domain.ASPECTS),
        (("item", "list"), "--kind", domain.KINDS),
        (("item", "list"), "--state", domain.STATES),
        (("evaluate",), "--rating", domain.RATINGS),
        (("evaluate",), "--outcome", domain.OUTCOMES),
        (("org", "add-jurisdiction"), "--level", domain.LEVELS),
        (("org", "add-user"), "--role", domain.ROLES),
    ],
)
def test_the_choices_in_help_are_the_domain_constants(
    path: tuple[str, ...], option: str, values: tuple[str, ...]
) -> None:
    assert _help(_command(*path), option).startswith(" | ".join(values))


def test_no_choice_list_is_typed_into_the_commands() -> None:
    source = (ROOT / "campusgate" / "commands.py").read_text(encoding="utf-8")
    for values in (domain.BASIS_KINDS, domain.SOURCES, domain.ASPECTS, domain.ROLES):
        assert " | ".join(values[:2]) not in source


def test_apply_and_edit_take_the_same_application_fields() -> None:
    def names(command: click.Command) -> set[str]:
        return {p.name or "" for p in command.params} - {"json"}

    apply, edit = _command("apply"), _command("item", "edit")
    assert names(apply) - {"department", "year"} == names(edit) - {"item_id"}
    required = {p.name for p in apply.params if p.required}
    assert required == {"department", "year", "title", "basis_kind", "basis_docs"}
    assert not [p.name for p in edit.params if p.required and p.name != "item_id"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_imports_point_one_way() -> None:
    assert "campusgate.cli" not in _imports(ROOT / "campusgate" / "commands.py")
    assert "campusgate.cli" not in _imports(ROOT / "campusgate" / "app.py")
    assert "campusgate.workflow.errors" not in _imports(ROOT / "workflow" / "messages.py")
    assert root is cli


def test_dead_code_is_gone() -> None:
    import campusgate.app
    import campusgate.workflow.messages

    assert not hasattr(campusgate.app, "pass_app")
    assert not hasattr(campusgate.workflow.messages, "LANGS")
    assert importlib.util.find_spec("campusgate.options") is not None


@pytest.mark.parametrize(
    ("args", "lang"),
    [
        (["--as", "en", "item", "list"], "zh"),
        (["apply", "--title", "en"], "zh"),
        (["--lang", "en", "item", "list"], "en"),
        (["--lang=en", "item", "list"], "en"),
        (["--lang", "zh", "apply", "--title", "en"], "zh"),
    ],
)
def test_only_the_lang_option_switches_the_language(
    args: list[str], lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert requested_lang(args) == lang
    monkeypatch.setenv("CAMPUSGATE_LANG", "en")
    assert requested_lang(["--as", "zh"]) == "en"


def test_an_argument_reading_en_leaves_the_message_in_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for args, start in (
        (["--as", "en", "item", "show", "\udcff"], "错误："),
        (["--lang", "en", "item", "show", "\udcff"], "error: "),
    ):
        with pytest.raises(SystemExit) as done:
            main(args)
        assert done.value.code == 2
        assert capsys.readouterr().err.startswith(start)
