"""What the README promises about the command line itself: every command's ``-h`` ends with
an example, and the organisation file it describes is the one ``org load`` reads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from campusgate.cli import cli
from campusgate.models import Database
from campusgate.workflow import org
from tests.cli.test_cli import ok_json

README = Path(__file__).parent.parent / "README.md"


def commands(group: click.Group = cli, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name)


def test_there_are_commands_to_walk() -> None:
    found = list(commands())
    assert ("whoami",) in found and ("token", "list") in found and len(found) > 30


@pytest.mark.parametrize("path", list(commands()), ids=" ".join)
def test_every_command_has_an_example_in_its_help(path: tuple[str, ...]) -> None:
    """In both languages: the example's command line is the same under 示例 and Example."""
    for lang, heading in (("zh", "示例:"), ("en", "Example:")):
        result = CliRunner().invoke(cli, ["--lang", lang, *path, "-h"])
        assert result.exit_code == 0, result.output
        example = result.output.split(heading, 1)
        assert len(example) == 2, f"campusgate {' '.join(path)} -h has no {heading} block"
        first = example[1].strip().splitlines()[0]
        assert first.startswith("campusgate ") and " ".join(path) in first, first


# --------------------------------------------------------------------------- org load


def readme_section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"### {title}")
    return text[start : text.index("\n#", start + 1)]


def test_the_readme_names_the_keys_org_load_takes() -> None:
    section = readme_section("The organisation file (`org load`)")
    tables = dict(re.findall(r"^\| `\[\[(\w+)\]\]` \| ([^|]+) \|", section, re.MULTILINE))
    assert set(tables) == set(org._SECTIONS)
    for table, (keys, _, _) in org._SECTIONS.items():
        named = re.sub(r"\([^)]*\)", "", tables[table])  # the values in brackets aside
        assert re.findall(r"`(\w+)`", named) == list(keys), table


def test_the_readme_example_of_an_organisation_file_loads(
    empty_db: Database, tmp_path: Path
) -> None:
    section = readme_section("The organisation file (`org load`)")
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "org.toml"
    province = '[[jurisdiction]]\nname = "河南省"\nlevel = "province"\n\n'
    path.write_text(province + example, encoding="utf-8")
    loaded = ok_json(empty_db, None, ["org", "load", str(path)])
    assert loaded == {"created": 6, "updated": 0, "unchanged": 0}
    assert ok_json(empty_db, "tian.yu", ["org", "load", str(path)])["unchanged"] == 6
