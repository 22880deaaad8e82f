"""Configuration: a TOML file, overridden by the environment, overridden by options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from campusgate.cli import cli
from campusgate.workflow.config import load_settings
from campusgate.workflow.errors import InvalidInput

CONFIG = """\
[database]
url = "sqlite:///{db}"

[smtp]
host = "smtp.example.gov.cn"
port = 465
security = "ssl"
password_env = "CG_TEST_SMTP_PASSWORD"

[publish]
folder = "/srv/campusgate/published"
hotline = "0392-0000000"

[schedule]
reminders = "30 1 * * *"

[reminders]
offsets_days = [5, 1]
working_days = true
"""


@pytest.fixture(autouse=True)
def no_drill_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests find configuration files themselves and act on real days."""
    monkeypatch.delenv("CAMPUSGATE_CONFIG", raising=False)
    monkeypatch.delenv("CAMPUSGATE_TODAY", raising=False)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "campusgate.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_file_then_the_environment_then_the_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, CONFIG.format(db=tmp_path / "file.db"))
    settings = load_settings(str(path))
    assert settings.database_url == f"sqlite:///{tmp_path / 'file.db'}"
    assert (settings.smtp.host, settings.smtp.port, settings.smtp.security) == (
        "smtp.example.gov.cn",
        465,
        "ssl",
    )
    assert settings.schedule.reminders == "30 1 * * *"
    assert settings.schedule.deliver == "*/5 * * * *"  # defaults fill what the file leaves out
    assert settings.reminders.offsets_days == (5, 1) and settings.reminders.working_days
    # the password itself is never in the file: it comes from the named variable
    assert settings.smtp.password is None
    monkeypatch.setenv("CG_TEST_SMTP_PASSWORD", "s3cret")
    assert settings.smtp.password == "s3cret"
    monkeypatch.setenv("CAMPUSGATE_DB", str(tmp_path / "env.db"))
    assert load_settings(str(path)).database_url == str(tmp_path / "env.db")
    assert load_settings(str(path), db="x.db").database_url == "x.db"


def test_the_config_file_is_found_by_environment_and_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, CONFIG.format(db=tmp_path / "found.db"))
    monkeypatch.chdir(tmp_path)
    assert load_settings().source == str(path)
    other = tmp_path / "other.toml"
    other.write_text('[database]\nurl = "sqlite:///other.db"\n', encoding="utf-8")
    monkeypatch.setenv("CAMPUSGATE_CONFIG", str(other))
    assert load_settings().database_url == "sqlite:///other.db"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[smtp]\nhots = 'typo'\n", "hots"),
        ("[database\nurl = 1", "campusgate.toml"),
        ("smtp = 3\n", "[smtp]"),
    ],
)
def test_a_broken_config_is_invalid_input(tmp_path: Path, text: str, words: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InvalidInput) as excinfo:
        load_settings(str(path))
    assert words in excinfo.value.message("en")


@pytest.mark.parametrize(
    ("text", "line", "column", "reason"),
    [
        ('[database]\nurl = "x\n', 2, 9, "Illegal character '\\n'"),
        ("\ufeff[smtp]\nport = = 3\n", 2, 8, "Invalid value"),  # the BOM is no column
        ("[smtp]\nport = [1,", 2, 11, "Invalid value"),  # at the end of the document
    ],
)
def test_a_config_that_is_not_toml_names_file_line_column_in_the_readers_language(
    tmp_path: Path, text: str, line: int, column: int, reason: str
) -> None:
    path = _write(tmp_path, text)
    runner = CliRunner()
    env = {"CAMPUSGATE_CONFIG": None}
    result = runner.invoke(cli, ["--config", str(path), "item", "list"], env=env)
    assert result.exit_code == 2
    assert (result.stdout, result.stderr) == (
        "",
        f"错误：配置文件 {path} 第 {line} 行第 {column} 列不符合 TOML 语法：{reason}\n",
    )
    result = runner.invoke(
        cli, ["--lang", "en", "db", "current", "--json"], env={"CAMPUSGATE_CONFIG": str(path)}
    )
    assert result.exit_code == 2 and result.stderr == ""
    assert json.loads(result.stdout) == {
        "error": {
            "code": "config_syntax",
            "message": f"configuration file {path} is not valid TOML at line {line}, "
            f"column {column}: {reason}",
            "exit": 2,
        }
    }


def test_the_cli_reads_the_config_and_names_a_missing_one(tmp_path: Path) -> None:
    path = _write(tmp_path, CONFIG.format(db=tmp_path / "cli.db"))
    runner = CliRunner()
    result = runner.invoke(cli, ["--config", str(path), "db", "upgrade", "--json"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cli.db").exists()
    missing = tmp_path / "missing.toml"
    result = runner.invoke(cli, ["--config", str(missing), "item", "list"])
    assert result.exit_code == 2
    assert result.stderr == f"错误：配置文件 {missing} 无效：文件或文件夹不存在\n"
    result = runner.invoke(cli, ["--lang", "en", "--config", str(missing), "db", "current"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: configuration file {missing} is invalid: no such file or directory\n"
    )
    # a folder is no file
    result = runner.invoke(cli, ["--config", str(tmp_path), "item", "list"])
    assert result.exit_code == 2
    assert result.stderr == f"错误：配置文件 {tmp_path} 无效：这是文件夹，不是文件\n"
    assert not missing.exists()


def test_with_nothing_configured_the_database_is_in_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    settings = load_settings()
    assert (
        settings.database_url == f"sqlite:///{tmp_path / 'data' / 'campusgate' / 'campusgate.db'}"
    )
    assert not (tmp_path / "data").exists()  # reading the settings creates nothing
