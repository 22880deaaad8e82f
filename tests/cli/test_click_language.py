"""click's own messages — usage errors and the chrome of ``-h`` — in the reader's language:
Chinese by default, click's English unchanged with ``--lang en``; and the catalogue behind
them (``campusgate/locale``): every msgid still one of the installed click's, every message of
the hooked click modules translated or named here as left out, the committed ``.mo`` the
``.po`` compiled."""

from __future__ import annotations

import gettext
import importlib
import io
import pkgutil
import re
import string
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner, Result

from campusgate import app, i18n
from campusgate.cli import cli
from campusgate.models import Database
from tests.cli.test_cli import run as run_on
from tests.org import snapshot

PO = i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
MO = PO.with_suffix(".mo")
CLICK = Path(click.__file__).resolve().parent

Message = str | tuple[str, str]  # a msgid, or (singular, plural) of ngettext

#: Messages of the hooked click modules that the catalogue leaves in English, and why.
LEFT_OUT: dict[Message, str] = {
    "file": "Path's name: fixed when the type is built (import), shown as the metavar FILE",
    "directory": "Path's name: fixed when the type is built, shown as the metavar DIRECTORY",
    "path": "Path's name: fixed when the type is built, shown as the metavar PATH",
    "Choice({choices})": "repr() of a type, for developers",
    "Name '{name}' defined twice": "TypeError of a command's declaration, for developers",
    "Boolean option {decl!r} cannot use the same flag for true/false.": "declaration error",
    "Could not determine name for option with declarations {decls!r}": "declaration error",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument "
    "instead? Did you mean to pass '--{name}'?": "declaration error",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.": "declaration",
    "Invalid start character for option ({option})": "ValueError of a declaration",
    "Unknown color {colour!r}": "TypeError of a call to style(), for developers",
    "Unknown standard stream '{name}'": "TypeError of a call to get_*_stream(), for developers",
}

#: Translated msgids that click passes to ``_`` as a variable, not a literal: where they are.
DYNAMIC: dict[str, tuple[str, ...]] = {
    "required": ('extra["required"] = "required"', '_(extra["required"])'),
}

#: click's modules that use gettext and are deliberately not hooked (see ``i18n``).
NOT_HOOKED = {"click._termui_impl", "click.shell_completion", "click._winconsole"}


def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    env = {"CAMPUSGATE_LANG": None, **(env or {})}
    return CliRunner().invoke(cli, list(args), env=env, prog_name="campusgate")


# --------------------------------------------------------------------------- usage errors

#: (arguments, the command its usage lines name, the error line in Chinese, in English);
#: ``{tmp}`` is a folder.
USAGE_ERRORS = [
    (
        ["item", "show"],
        "campusgate item show",
        "错误：缺少参数 'ITEM_ID'.",
        "Error: Missing argument 'ITEM_ID'.",
    ),
    (
        ["apply"],
        "campusgate apply",
        "错误：缺少选项 '--department'.",
        "Error: Missing option '--department'.",
    ),
    (
        ["item", "list", "--kin", "whitelist"],
        "campusgate item list",
        "错误：没有选项 '--kin'。 您是不是要输入 '--kind'？",
        "Error: No such option '--kin'. Did you mean '--kind'?",
    ),
    (
        ["itme", "list"],
        "campusgate",
        "错误：没有命令 'itme'。 您是不是要输入 'item'？",
        "Error: No such command 'itme'. Did you mean 'item'?",
    ),
    (
        ["workflow", "diagram", "--kind", "ledger"],
        "campusgate workflow diagram",
        "错误：'--kind' 的值无效：'ledger' 不是可选值 'whitelist', 'rectification' 之一。",
        "Error: Invalid value for '--kind': 'ledger' is not one of 'whitelist', 'rectification'.",
    ),
    (
        ["item", "show", "7", "8"],
        "campusgate item show",
        "错误：多余的参数：8",
        "Error: Got unexpected extra argument (8)",
    ),
    (
        ["advance", "file", "1", "2", "--owner"],
        None,  # click's parser names no command: no usage lines
        "错误：选项 '--owner' 需要 1 个值。",
        "Error: Option '--owner' requires an argument.",
    ),
    (
        ["clue", "add", "--link", "七"],
        "campusgate clue add",
        "错误：'--link' 的值无效：'七' 不是有效的数字。",
        "Error: Invalid value for '--link': '七' is not a valid integer.",
    ),
    (
        ["serve", "--workers", "0"],
        "campusgate serve",
        "错误：'--workers' 的值无效：0 不在范围 1<=x<=64 内。",
        "Error: Invalid value for '--workers': 0 is not in the range 1<=x<=64.",
    ),
    (
        ["import", "applications", "{tmp}"],
        "campusgate import applications",
        "错误：'PATH' 的值无效：'{tmp}' 是文件夹，不是文件。",
        "Error: Invalid value for 'PATH': File '{tmp}' is a directory.",
    ),
]


@pytest.mark.parametrize(
    ("args", "command", "zh", "en"), USAGE_ERRORS, ids=[" ".join(u[0][:2]) for u in USAGE_ERRORS]
)
def test_usage_errors_are_chinese_by_default_and_english_with_lang_en(
    args: list[str], command: str | None, zh: str, en: str, tmp_path: Path
) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    zh, en = zh.replace("{tmp}", str(tmp_path)), en.replace("{tmp}", str(tmp_path))

    for argv, usage, hint, error in (
        (args, f"用法: {command} [OPTIONS]", f"运行 '{command} --help' 查看帮助。", zh),
        (
            ["--lang", "en", *args],
            f"Usage: {command} [OPTIONS]",
            f"Try '{command} --help' for help.",
            en,
        ),
    ):
        result = run(*argv)
        assert result.exit_code == 2
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        if command is not None:
            assert lines[0].startswith(usage), lines
            assert lines[1] == hint
        assert lines[-1] == error
        if error == zh:
            assert not re.search(r"Usage|Error|Try|Invalid|Missing|No such|Did you", result.stderr)


def test_the_language_may_come_from_the_environment() -> None:
    english = run("item", "show", env={"CAMPUSGATE_LANG": "en"})
    assert english.exit_code == 2
    assert english.stderr.endswith("Error: Missing argument 'ITEM_ID'.\n")
    chinese = run("--lang", "zh", "item", "show", env={"CAMPUSGATE_LANG": "en"})
    assert chinese.stderr.endswith("错误：缺少参数 'ITEM_ID'.\n")


def test_a_bad_language_is_refused_in_chinese() -> None:
    result = run("--lang", "fr", "item", "list")
    assert result.exit_code == 2
    assert result.stderr.endswith("错误：'--lang' 的值无效：'fr' 不是可选值 'zh', 'en' 之一。\n")


# --------------------------------------------------------------------------- help


def test_help_chrome_is_chinese_by_default() -> None:
    result = run("-h")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("用法: campusgate [OPTIONS] COMMAND [ARGS]...\n")
    assert "\n选项:\n" in out and "\n命令:\n" in out
    lang = r"--lang \[zh\|en\] +提示信息和表格的语言。  \[环境变量：\s*CAMPUSGATE_LANG;"
    lang += r"\s*默认：\s*zh\]"
    assert re.search(lang, out)
    assert "[环境变量：CAMPUSGATE_TODAY]" in out
    assert re.search(r"--version +显示版本并退出。\n", out)
    assert re.search(r"-h, --help +显示此帮助并退出。\n", out)
    for english in ("Usage:", "Options:", "Commands:", "[default:", "[env var:", "and exit"):
        assert english not in out
    sub = run("quota", "set", "-h")
    assert sub.stdout.startswith("用法: campusgate quota set [OPTIONS]\n")
    assert "[必填]" in sub.stdout and "[required]" not in sub.stdout


def test_help_chrome_is_click_s_english_with_lang_en() -> None:
    out = run("--lang", "en", "-h").stdout
    assert out.startswith("Usage: campusgate [OPTIONS] COMMAND [ARGS]...\n")
    assert "\nOptions:\n" in out and "\nCommands:\n" in out
    assert "CAMPUSGATE_LANG; default: zh]" in out and "[env var: CAMPUSGATE_TODAY]" in out
    assert re.search(r"--version +Show the version and exit\.\n", out)
    assert re.search(r"-h, --help +Show this message and exit\.\n", out)
    assert "[required]" in run("--lang", "en", "quota", "set", "-h").stdout


def test_the_help_option_click_keeps_on_a_command_speaks_every_language() -> None:
    """click builds a command's help option once, in whatever language asked first, and keeps
    it for every later invocation: the first reader's language must not stick."""

    @click.command(cls=app.Command)
    def fresh() -> None:
        """A command whose help option is not built yet."""

    group = app.Group("root", commands=[fresh], context_settings=cli.context_settings)
    for lang, text in [("zh", "显示此帮助并退出。"), ("en", "Show this message and exit.")] * 2:
        result = CliRunner().invoke(group, ["fresh", "-h"], env={"CAMPUSGATE_LANG": lang})
        assert re.search(rf"-h, --help +{re.escape(text)}\n", result.stdout), result.stdout


def test_version_speaks_the_reader_s_language() -> None:
    assert re.fullmatch(r"campusgate，版本 \S+\n", run("--version").stdout)
    assert re.fullmatch(r"campusgate, version \S+\n", run("--lang", "en", "--version").stdout)


def test_every_command_is_campusgate_s() -> None:
    """Only campusgate's commands keep click's msgid in their help option and translate it
    when shown: a command declared with plain ``click.command`` would not."""

    def walk(command: click.Command) -> list[click.Command]:
        subs = command.commands.values() if isinstance(command, click.Group) else []
        return [command, *(c for sub in subs for c in walk(sub))]

    commands = walk(cli)
    assert len(commands) > 40
    assert [c.name for c in commands if not isinstance(c, app.Command)] == []
    assert isinstance(cli, app.Group)


def test_no_language_is_left_behind() -> None:
    run("item", "show")
    assert i18n._speaking.get() is None
    assert click.exceptions._ is i18n.translate  # type: ignore[attr-defined]
    assert i18n.translate("Usage:") == "Usage:"  # outside an invocation: click's own words


# --------------------------------------------------------------------------- the catalogue


def _catalogue() -> dict[Message, str | tuple[str, ...]]:
    with PO.open("rb") as po:
        catalog = read_po(po)
    assert not [m.id for m in catalog if m.id and m.fuzzy], "fuzzy entries are not compiled"
    return {m.id: m.string for m in catalog if m.id}


def _click_messages(*modules: str) -> dict[Message, str]:
    """The messages of the installed click's modules (all of them when none named), by the
    module that has them."""
    found: dict[Message, str] = {}
    for path in sorted(CLICK.glob("*.py")):
        module = f"click.{path.stem}"
        if modules and module not in modules:
            continue
        for _line, message, _comments, _context in extract_from_file("python", str(path)):
            if isinstance(message, tuple):
                message = (message[0], message[1])
            found[message] = module
    return found


def test_every_msgid_of_the_catalogue_is_one_of_the_installed_click_s() -> None:
    """A click upgrade that changes a msgid fails here, instead of showing English."""
    messages = _click_messages()
    core = (CLICK / "core.py").read_text(encoding="utf-8")
    for msgid in _catalogue():
        if msgid in DYNAMIC:
            assert all(part in core for part in DYNAMIC[msgid]), msgid
        else:
            assert msgid in messages, f"not click {click.__version__}'s: {msgid!r}"


def test_every_message_of_the_hooked_modules_is_translated_or_left_out() -> None:
    """A click upgrade that adds a message fails here: translate it or leave it out here."""
    catalogue = _catalogue()
    messages = _click_messages(*i18n.CLICK_MODULES)
    missing = [m for m in messages if m not in catalogue and m not in LEFT_OUT]
    assert missing == []
    assert [m for m in LEFT_OUT if m not in messages] == []  # the list does not rot
    assert [m for m in LEFT_OUT if m in catalogue] == []


def test_every_translation_is_there_and_keeps_the_placeholders() -> None:
    def fields(text: str) -> set[str]:
        braces = {f"{{{name}}}" for _, name, _, _ in string.Formatter().parse(text) if name}
        return braces | set(re.findall(r"%\(\w+\)s", text))

    for msgid, msgstr in _catalogue().items():
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        strs = msgstr if isinstance(msgstr, tuple) else (msgstr,)
        assert all(strs), f"untranslated: {msgid!r}"
        given = set().union(*(fields(i) for i in ids))
        for text in strs:
            assert fields(text) <= given, (msgid, text)
            if "%(" in ids[0]:
                assert fields(text) == given, (msgid, text)


def test_the_committed_mo_is_the_po_compiled() -> None:
    """The ``.mo`` is committed (no Babel, no cache at run time); it cannot drift from the
    ``.po``: after editing it, ``pybabel compile -d campusgate/locale -D click``."""
    with PO.open("rb") as po:
        catalog = read_po(po)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    expected = gettext.GNUTranslations(compiled)
    with MO.open("rb") as mo:
        committed = gettext.GNUTranslations(mo)
    # the header ("") carries the time of compiling; the rest must be equal
    header: dict[str, str] = {"": ""}
    assert committed._catalog | header == expected._catalog | header  # type: ignore[attr-defined]
    assert committed.info()["plural-forms"] == "nplurals=1; plural=0;"
    assert committed.charset() == "utf-8"
    assert [committed.plural(n) for n in range(4)] == [0, 0, 0, 0]  # type: ignore[attr-defined]


def test_the_translations_are_loaded_from_the_package() -> None:
    assert isinstance(i18n.translations("zh"), gettext.GNUTranslations)
    assert type(i18n.translations("en")) is gettext.NullTranslations


def test_every_click_module_with_messages_is_hooked_or_named() -> None:
    with i18n.speaking("zh"):
        pass
    users = set()
    for info in pkgutil.iter_modules([str(CLICK)]):
        source = (CLICK / f"{info.name}.py").read_text(encoding="utf-8")
        if "from gettext import" in source:
            users.add(f"click.{info.name}")
    assert users == set(i18n.CLICK_MODULES) | NOT_HOOKED
    for name in i18n.CLICK_MODULES:
        module = importlib.import_module(name)
        assert module._ is i18n.translate, name  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            assert module.ngettext is i18n.translate_plural, name


def test_a_global_option_after_the_command_says_where_it_goes(db: Database) -> None:
    before = snapshot(db)
    result = run_on(db, None, ["item", "list", "--as", "wang.fang"])
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "错误：--as 是全局选项，须写在命令之前：campusgate --as … item list …\n"
    )
    english = run_on(db, None, ["org", "add-user", "x.y", "--lang", "en"])
    assert english.exit_code == 2
    assert english.stderr.endswith(
        "Error: --lang is a global option and goes before the command: "
        "campusgate --lang … org add-user …\n"
    )
    # an option no level has stays click's own refusal
    early = run_on(db, None, ["--json", "item", "list"])  # a command's option before it
    assert early.exit_code == 2
    assert "--json 是各命令的选项，须写在命令之后" in early.stdout + early.stderr
    assert run_on(db, None, ["item", "list", "--bogus"]).stderr.endswith(
        "错误：没有选项 '--bogus'。\n"
    )
    assert snapshot(db) == before
