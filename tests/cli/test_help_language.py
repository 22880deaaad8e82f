"""The commands' own help — their descriptions, their options' help, the heading of
``advance``'s trigger table — in the reader's language: Chinese by default, the English of the
code with ``--lang en``; and the catalogue behind it (``campusgate/locale/.../help.po``):
every help text of the command tree translated, nothing in it stale, what is typed (options,
metavars, examples' command lines) kept, the committed ``.mo`` the ``.po`` compiled."""

from __future__ import annotations

import gettext
import inspect
import io
import re
from collections.abc import Iterator

import click
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner, Result

from campusgate import app, i18n
from campusgate.cli import cli

PO = i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / f"{i18n.HELP_DOMAIN}.po"
MO = PO.with_suffix(".mo")

#: What the reader types or reads as code, kept as it is in a translation: options, metavars
#: and other words in capitals (TRIGGER, JSON, YYYY), configuration sections.
TYPED = re.compile(r"--[a-z][\w-]*|\b[A-Z][A-Z_]{2,}\b|\[\w+\]")
#: A command or value quoted in English help ('campusgate token list', 'none'): in Chinese
#: the same words between “ and ”. (Not an apostrophe: the token's, users'.)
QUOTED = re.compile(r"(?<![\w'])'([^'\n]+)'(?!\w)")


def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    env = {"CAMPUSGATE_LANG": None, **(env or {})}
    return CliRunner().invoke(cli, list(args), env=env, prog_name="campusgate")


def flat(text: str) -> str:
    """``text`` without whitespace and click's no-rewrap marker: help is wrapped to the
    terminal's width."""
    return "".join(text.replace("\b", "").split())


def walk(
    command: click.Command = cli, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from walk(sub, (*path, name))


def context(path: tuple[str, ...], root: click.Command = cli) -> click.Context:
    """The context ``-h`` of the command at ``path`` gets: its help option is the one click
    builds (``-h, --help``) and keeps on the command."""
    ctx = click.Context(root, info_name="campusgate", **getattr(root, "context_settings", {}))
    for name in path:
        ctx = click.Context(ctx.command.commands[name], info_name=name, parent=ctx)  # type: ignore[attr-defined]
    return ctx


def help_texts(ctx: click.Context) -> Iterator[tuple[str, str]]:
    """(where, English text) of every help text ``-h`` shows in ``ctx``: the command's
    description, each option's help (the help option's included), the prose lines of its
    epilog (not indented: the trigger table's heading; its rows are codes). Hidden options
    are not shown."""
    command = ctx.command
    if app.help_text(command):
        yield "description", app.help_text(command)
    for param in command.get_params(ctx):
        if isinstance(param, click.Option) and param.help and not param.hidden:
            yield param.opts[0], param.help
    if command.epilog:
        for line in inspect.cleandoc(command.epilog).splitlines():
            if line.strip() and line != "\b" and not line.startswith(" "):
                yield "epilog", line


def untranslated(root: click.Command) -> list[str]:
    """Every help text under ``root`` that has no Chinese: neither in the help catalogue nor,
    for click's own (``-h``, ``--version``), in click's."""
    # a msgid of the help catalogue (its translation may be the same: 事项名称, xlsx | csv)
    helps = i18n.translations("zh", i18n.HELP_DOMAIN)._catalog  # type: ignore[attr-defined]
    clicks = i18n.translations("zh")
    return [
        f"{' '.join(path) or '(root)'} {where}: {text!r}"
        for path, _command in walk(root)
        for where, text in help_texts(context(path, root))
        if text not in helps and clicks.gettext(text) == text
    ]


def _catalogue() -> dict[str, str]:
    with PO.open("rb") as po:
        catalog = read_po(po)
    assert not [m.id for m in catalog if m.id and m.fuzzy], "fuzzy entries are not compiled"
    return {m.id: m.string for m in catalog if m.id}


# --------------------------------------------------------------------------- the catalogue


def test_every_help_text_of_the_command_tree_is_translated() -> None:
    """A new command, option or description without its Chinese fails here: add it to
    ``help.po`` and compile it."""
    assert len(list(walk())) > 40
    assert untranslated(cli) == []


def test_a_command_without_chinese_help_is_found() -> None:
    @click.command(cls=app.Command)
    @click.option("--colour", help="The colour of the new thing.")
    def fresh() -> None:
        """Do something new."""

    group = app.Group("root", commands=[fresh])
    assert untranslated(group) == [
        "fresh description: 'Do something new.'",
        "fresh --colour: 'The colour of the new thing.'",
    ]


def test_nothing_in_the_catalogue_is_stale() -> None:
    """Every msgid is a help text the command tree shows: a reworded docstring or option
    leaves no orphan behind (and its new English fails the test above)."""
    shown = {text for path, _command in walk() for _where, text in help_texts(context(path))}
    assert [msgid for msgid in _catalogue() if msgid not in shown] == []


def test_every_translation_keeps_what_is_typed() -> None:
    for msgid, msgstr in _catalogue().items():
        assert msgstr, f"untranslated: {msgid!r}"
        for token in TYPED.findall(msgid):
            assert token in msgstr, (token, msgid, msgstr)
        for quoted in QUOTED.findall(msgid):
            assert f"“{quoted}”" in msgstr, (quoted, msgid, msgstr)
        # the examples: their command lines as they are, under 示例
        assert msgid.count("\b") == msgstr.count("\b"), msgid
        assert msgid.count("Example:") == msgstr.count("示例:"), msgid
        indented = [line for line in msgid.splitlines() if line.startswith(" ")]
        assert indented == [line for line in msgstr.splitlines() if line.startswith(" ")]


def test_help_quotes_commands_and_values_one_way_and_never_with_backquotes() -> None:
    """reST's backquotes are for docstrings that no one reads in ``-h``: a command or a value
    in help is quoted 'so' in English and “so” in Chinese."""
    catalogue = _catalogue()
    shown = [text for path, _command in walk() for _where, text in help_texts(context(path))]
    assert [text for text in [*shown, *catalogue.values()] if "`" in text] == []
    quoted = [q for text in shown for q in QUOTED.findall(text)]
    assert "campusgate token list" in quoted and "none" in quoted  # the pattern finds them
    assert QUOTED.findall("the token's user (after 'campusgate login'); users' own") == [
        "campusgate login"
    ]


def test_the_committed_mo_is_the_po_compiled() -> None:
    """After editing the ``.po``: ``pybabel compile -d campusgate/locale -D help``."""
    with PO.open("rb") as po:
        catalog = read_po(po)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    expected = gettext.GNUTranslations(compiled)
    with MO.open("rb") as mo:
        committed = gettext.GNUTranslations(mo)
    header: dict[str, str] = {"": ""}  # carries the time of compiling
    assert committed._catalog | header == expected._catalog | header  # type: ignore[attr-defined]
    assert committed.charset() == "utf-8"
    assert isinstance(i18n.translations("zh", i18n.HELP_DOMAIN), gettext.GNUTranslations)


def test_outside_an_invocation_help_is_english() -> None:
    assert i18n.translate_help("Whitelist year.") == "Whitelist year."
    with i18n.speaking("zh"):
        assert i18n.translate_help("Whitelist year.") == "白名单年度。"
        assert i18n.translate_help("") == ""
    with i18n.speaking("en"):
        assert i18n.translate_help("Whitelist year.") == "Whitelist year."


# --------------------------------------------------------------------------- -h


@pytest.mark.parametrize("path", [p for p, _ in walk()], ids=lambda p: " ".join(p) or "(root)")
def test_every_command_s_help_is_chinese_by_default_and_english_with_lang_en(
    path: tuple[str, ...],
) -> None:
    texts = list(help_texts(context(path)))
    zh, en = run(*path, "-h"), run("--lang", "en", *path, "-h")
    assert zh.exit_code == en.exit_code == 0, zh.output + en.output
    with i18n.speaking("zh"):
        chinese = [(i18n.translate_help(text), text) for _where, text in texts]
    for translated, english in chinese:
        if translated == english:  # click's own: its catalogue's test covers it
            continue
        assert flat(translated) in flat(zh.stdout), translated
        assert flat(english) in flat(en.stdout), english
        if re.search(r"[A-Za-z]{3,} [a-z]{2,} [a-z]{2,}", english):  # English prose
            assert flat(english) not in flat(zh.stdout), english
    # wrapped by the columns Chinese takes (two a character), within the 80 of a terminal;
    # what both languages print alike (examples, the trigger table) is not rewrapped
    english_lines = set(en.stdout.splitlines())
    too_wide = [
        line
        for line in zh.stdout.splitlines()
        if line not in english_lines and app.text_width(line) > 80
    ]
    assert too_wide == []
    assert "\u200b" not in zh.stdout  # the wrapping's marks are gone
    assert "`" not in zh.stdout + en.stdout


def test_the_root_help_is_chinese_by_default() -> None:
    out = run("-h").stdout
    assert "\n  campusgate — 社会事务进校园白名单与整改台账。\n" in out
    assert "\n  示例:\n      campusgate demo\n" in out
    assert "--dbTEXT数据库URL或SQLite文件路径。[环境变量：CAMPUSGATE_DB]--as" in flat(out)
    assert "--lang[zh|en]提示信息和表格的语言。[环境变量：CAMPUSGATE_LANG;默认：zh]--" in flat(out)
    # the groups' and commands' lines: the first sentence of their description
    assert re.search(r"\n  advance +对每个事项执行操作 TRIGGER，每个事项各用一个事务。\n", out)
    assert re.search(r"\n  check +事项 ITEM 能否在该日期进入学校 SCHOOL？\n", out)
    assert re.search(r"\n  org +组织：行政区、部门、学校、用户（仅限管理员）。\n", out)
    for english in ("whitelists of social", "Example:", "Database URL", "Fire TRIGGER"):
        assert english not in out


def test_the_root_help_is_english_with_lang_en_or_campusgate_lang() -> None:
    for out in (run("--lang", "en", "-h").stdout, run("-h", env={"CAMPUSGATE_LANG": "en"}).stdout):
        assert "\n  campusgate — whitelists of social affairs entering campus, and" in out
        assert "\n  Example:\n      campusgate demo\n" in out
        assert "--dbTEXTDatabaseURLorSQLitefilepath.[envvar:CAMPUSGATE_DB]--as" in flat(out)
        assert re.search(r"\n  advance +Fire TRIGGER on each item, each in its own\b", out)
        # the only Chinese: the ledger's own name, in the code's English
        assert re.findall(r"[\u4e00-\u9fff]+", out.split("Commands:")[1]) == ["整改台账"]
    # --lang wins over the environment, as for every message
    assert "示例:" in run("--lang", "zh", "-h", env={"CAMPUSGATE_LANG": "en"}).stdout


def test_advance_help_is_chinese_by_default_and_english_with_lang_en() -> None:
    zh = run("advance", "-h").stdout
    assert zh.startswith("用法: campusgate advance [OPTIONS] TRIGGER ITEM_IDS...\n")
    assert "\n  对每个事项执行操作 TRIGGER，每个事项各用一个事务。\n" in zh
    assert "退出码取最差的结果" in zh
    assert "\n      campusgate --as zhao.lei advance file 3 4 5\n" in zh  # examples as typed
    assert re.search(r"\n  --owner TEXT +责任人的登录名（上台账 file 时填写）。\n", zh)
    assert "\n  操作（原状态 -> 新状态：执行角色；所需参数）：\n" in zh
    assert "\n      review（审核）      已提交 -> 已审核：审核人\n" in zh  # the code one types
    assert "Triggers" not in zh and "Exits with" not in zh
    en = run("--lang", "en", "advance", "-h").stdout
    assert "\n  Fire TRIGGER on each item, each in its own transaction.\n" in en
    assert re.search(r"\n  --owner TEXT +Responsible person's login \(file\)\.\n", en)
    assert "\n  Triggers (from state -> to state: who; needs):\n" in en
    assert "\n      review    submitted -> reviewed: reviewer\n" in en


def test_a_nested_command_s_help_is_chinese_by_default_and_english_with_lang_en() -> None:
    zh = run("org", "add-user", "-h").stdout
    assert zh.startswith("用法: campusgate org add-user [OPTIONS]")
    assert "\n  添加用户（须给出 --role 与 --jurisdiction），或修改已有用户" in zh
    assert "\n      campusgate org add-user wang.fang --role reviewer" in zh
    assert "申请人" in zh and "审核人" in zh and "可重复" in zh and "显示的姓名。" in zh
    assert "Add a user" not in zh and "Display name" not in zh
    en = run("--lang", "en", "org", "add-user", "-h").stdout
    assert "\n  Add a user (--role and --jurisdiction needed), or change one" in en
    assert "Display name." in en
    assert "(repeatable)" in en and "申请人" not in en
    group = run("org", "-h").stdout
    assert re.search(
        r"\n  add-user +添加用户（须给出 --role 与 --jurisdiction），或修改已有", group
    )


def test_a_long_chinese_first_sentence_is_cut_to_the_column() -> None:
    assert app.short_help("一二三四五。六七", 20) == "一二三四五。"
    assert app.short_help("\b\n一二三四五六七八", 9) == "一二三四…"
    assert app.text_width(app.short_help("一二三四五六七八九十，一二三四五。", 12)) <= 12
    assert app.short_help("能否进入？可以。", 40) == "能否进入？"


def test_chinese_is_wrapped_between_characters_by_the_columns_it_takes() -> None:
    text = "重新计算每条哈希链，与其记载的数据逐一核对 audit-verify --against FILE。"
    lines = app.wrap_columns(text, 20)
    assert lines == [
        "重新计算每条哈希链，",
        "与其记载的数据逐一核",
        "对 audit-verify",
        "--against FILE。",
    ]
    assert all(app.text_width(line) <= 20 for line in lines)
    # punctuation stays with what it closes or opens; a paragraph's lines are one line
    assert app.wrap_columns("一二三四（五）。\n六", 8) == ["一二三四", "（五）。", "六"]
    assert app.wrap_columns("默认：zh  [必填]", 40) == ["默认：zh  [必填]"]


def test_the_root_help_names_every_environment_variable_it_reads() -> None:
    """Every root option that an environment variable sets shows it, as ``--today`` does."""
    read = {
        param.opts[0]: param.envvar
        for param in cli.params
        if isinstance(param, click.Option) and param.envvar
    }
    assert read == {
        "--db": "CAMPUSGATE_DB",
        "--as": "CAMPUSGATE_USER",
        "--config": "CAMPUSGATE_CONFIG",
        "--lang": "CAMPUSGATE_LANG",
        "--today": "CAMPUSGATE_TODAY",
    }
    zh, en = flat(run("-h").stdout), flat(run("--lang", "en", "-h").stdout)
    for option, variable in read.items():
        assert re.search(rf"{option}\S*?\[环境变量：{variable}[;\]]", zh), option
        assert re.search(rf"{option}\S*?\[envvar:{variable}[;\]]", en), option


def test_an_environment_variable_is_named_in_an_error_when_the_value_came_from_it() -> None:
    from_env = run("item", "list", env={"CAMPUSGATE_LANG": "fr"})
    assert from_env.exit_code == 2
    assert from_env.stderr.endswith(
        "错误：'--lang' (环境变量：'CAMPUSGATE_LANG') 的值无效：'fr' 不是可选值 'zh', 'en' 之一。\n"
    )
    typed = run("--lang", "fr", "item", "list", env={"CAMPUSGATE_LANG": "en"})
    assert typed.exit_code == 2
    assert "'--lang' 的值无效：'fr'" in typed.stderr and "CAMPUSGATE_LANG" not in typed.stderr


# --------------------------------------------------------------------------- options' help


def without_help(root: click.Command) -> list[str]:
    """Every option under ``root`` that ``-h`` lists bare: all but ``--json`` and ``-h``
    (each command's own, whose help is the same everywhere) need a few words."""
    return [
        f"{' '.join(path) or '(root)'} {param.opts[0]}"
        for path, _command in walk(root)
        for param in context(path, root).command.get_params(context(path, root))
        if isinstance(param, click.Option)
        and not param.hidden
        and not param.help
        and param.opts[0] not in ("--json", "-h", "--help")
    ]


def test_every_option_has_help() -> None:
    assert without_help(cli) == []


def test_an_option_without_help_is_found() -> None:
    @app.command(app.Group("root"), "fresh")
    @click.option("--colour")
    @click.option("--size", help="How big.")
    def fresh(_app: app.App, colour: str | None, size: str | None) -> None:
        """Do something new."""

    group = app.Group("root", commands=[fresh])
    assert without_help(group) == ["fresh --colour"]


def test_the_state_filter_s_help_names_the_words_it_takes() -> None:
    """``item list --state`` takes a state's label too, and a rectification item's own words
    select that kind: the help says which, in both languages, and they are taken."""
    from campusgate.domain import KINDS, STATES
    from campusgate.workflow import validate

    zh = flat(run("item", "list", "-h").stdout)
    en = " ".join(run("--lang", "en", "item", "list", "-h").stdout.split())
    assert "filed（已备案/已上台账）|published（已发布/已销号）" in zh
    assert "--kindrectification" in zh
    said = "'on the ledger' (filed) and 'closed' (published), also select --kind rectification"
    assert said in en
    for word in ("已上台账", "已销号", "on the ledger", "closed"):
        assert flat(word) in zh
        assert validate.state_of_kind(word, None, STATES, KINDS)[1] == "rectification", word
    for word in ("已备案", "已发布"):
        assert validate.state_of_kind(word, None, STATES, KINDS)[1] == "whitelist", word


# --------------------------------------------------------------------------- advance's table


def test_the_trigger_table_reads_in_chinese_with_the_codes_one_types() -> None:
    zh = run("advance", "-h").stdout
    table = zh.split("操作（原状态 -> 新状态：执行角色；所需参数）：\n")[1]
    assert "\n    whitelist（白名单）：\n" in zh and "\n    rectification（整改）：\n" in zh
    assert "\n      review（审核）      已提交 -> 已审核：审核人\n" in table
    assert "\n      ratify（上级批准）  已审核 -> 已审核：上级审批人\n" in table
    # a rectification item's own words: file is 上台账, filed 已上台账, publish 销号
    assert "\n      file（上台账）      已审核 -> 已上台账：审核人、审批人；\n" in table
    assert "\n                          --standard、--deadline、--owner\n" in table
    assert "publish（销号）     已上台账 -> 已销号：审核人、审批人、责任人；--result" in table
    assert "amend（修改）       已提交 -> 已提交：本部门申请人；" in table
    for code in ("submitted", "reviewed ", "own-applicant", "parent-approver", "responsible"):
        assert code not in table, code
    # English as it was: the codes, one row a transition
    en = run("--lang", "en", "advance", "-h").stdout
    table = en.split("Triggers (from state -> to state: who; needs):\n")[1]
    assert "\n      ratify    reviewed -> reviewed: parent-approver\n" in table
    row = "publish   filed -> published: reviewer, approver, responsible; --result"
    assert f"\n      {row}\n" in table
    assert not re.search(r"[\u4e00-\u9fff]", table)
    # built when shown: the same process answers in each language in turn
    assert "review（审核）" in run("advance", "-h").stdout


def test_every_code_of_the_trigger_table_has_a_chinese_label() -> None:
    """A trigger, state or role added to the transition tables without a label would show as
    its bare code in the Chinese table."""
    from campusgate.workflow.kinds import TABLES
    from campusgate.workflow.messages import label

    bare = {
        code
        for kind, table in TABLES.items()
        for row in table
        for code in (row.trigger, row.dest, *row.source, *row.who, kind)
        if label(code, "zh", kind) == code
    }
    assert bare == set()
