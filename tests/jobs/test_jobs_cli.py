"""``jobs run|list`` and ``outbox list`` through the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from campusgate.models import Database
from tests.cli.test_cli import ok, ok_json, refused, refused_json, run
from tests.conftest import TODAY
from tests.org import CITY, COUNTY, filed, on_ledger, snapshot, state
from tests.publication.helpers import YEAR, county_published, quotas


def test_jobs_run_reminders_then_outbox_list(db: Database) -> None:
    on_ledger(db, owner="li.na", deadline="2026-12-04")  # three days after the tests' today
    dry = ok_json(db, "admin", f"jobs run reminders --date {TODAY} --dry-run")
    assert dry["job"] == "reminders" and dry["dry_run"] is True and dry["queued"] == 1
    assert ok_json(db, "admin", "outbox list") == []
    done = ok_json(db, "admin", f"jobs run reminders --date {TODAY}")
    assert done["queued"] == 1
    [message] = ok_json(db, "admin", "outbox list --state pending")
    assert {k: message[k] for k in ("recipient", "kind", "for_date", "state", "attempts")} == {
        "recipient": "li.na",
        "kind": "reminder",
        "for_date": TODAY,
        "state": "pending",
        "attempts": 0,
    }
    again = ok_json(db, "admin", f"jobs run reminders --date {TODAY}")
    assert again["queued"] == 0
    human = ok(db, "admin", "outbox list").stdout
    assert "li.na" in human and "reminder" not in human and "pending" not in human
    assert "整改提醒" in human and "待发送" in human
    jobs = ok_json(db, "admin", "jobs list")
    assert [j["job"] for j in jobs] == [
        "reminders",
        "year-end-review",
        "publish",
        "refresh-published",
        "evaluation",
        "deliver",
        "checkpoint",
    ]
    assert jobs[0]["last_run"]["for_date"] == TODAY


def test_jobs_run_refusals(db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    refused(db, "admin", "jobs run nope", exit=2, contains=("nope", "reminders"))
    refused(db, "admin", "jobs run reminders --date 2026-13-01", exit=2)
    # a date after the real today is a drill: refused unless the configuration allows drills
    plain = tmp_path / "plain.toml"
    plain.write_text("[clock]\nallow_override = false\n", encoding="utf-8")
    with monkeypatch.context() as env:
        env.setenv("CAMPUSGATE_CONFIG", str(plain))
        env.delenv("CAMPUSGATE_TODAY")
        refused(
            db, "admin", "jobs run reminders --date 2099-06-01", exit=2, contains=("2099-06-01",)
        )
    refused(db, "wang.fang", f"jobs run reminders --date {TODAY}", exit=4, contains=("wang.fang",))
    refused(db, "nobody", f"jobs run reminders --date {TODAY}", exit=3)
    refused_json(db, "wang.fang", "outbox list", exit=4, code="not_permitted_jobs")
    refused(db, "admin", "outbox list --state lost", exit=2, contains=("lost",))
    refused_json(db, "nobody", "outbox list", exit=3, code="no_acting_user")
    # input (2) decides before an unknown (3) or unentitled (4) reader, as for jobs run
    for login in ("nobody", "wang.fang"):
        refused(
            db,
            login,
            "outbox list --state foo",
            exit=2,
            stderr="错误：状态（--state）的取值 “foo” 无效，"
            "可选：pending（待发送）、sent（已发送）、failed（发送失败）\n",
        )
        refused_json(db, login, "outbox list --state foo", exit=2, code="invalid_choice")
        refused(db, login, "jobs run nope", exit=2, contains=("nope",))
        refused(db, login, "jobs run reminders --date 2026-13-01", exit=2)


def publish_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A configuration naming a publish folder (not made here); the folder."""
    config = tmp_path / "campusgate.toml"
    folder = tmp_path / "published"
    config.write_text(f'[clock]\nallow_override = true\n[publish]\nfolder = "{folder}"\n')
    monkeypatch.setenv("CAMPUSGATE_CONFIG", str(config))
    return folder


def test_outbox_list_words_kinds_and_states(db: Database) -> None:
    """The outbox's kinds and states read as words; a bad ``--state`` lists the codes with
    their labels, and a label names its code."""
    on_ledger(db, owner="li.na", deadline=TODAY)  # due today
    ok(db, "admin", f"jobs run reminders --date {TODAY}")
    rows = [
        [cell.strip() for cell in line.strip("│ ").split("│")]
        for line in ok(db, "admin", "outbox list").stdout.splitlines()
        if line.startswith("│")
    ]
    assert [row[2:5] for row in rows] == [["li.na", "到期提醒", "待发送"]]
    english = ok(db, "admin", "--lang en outbox list").stdout
    assert "due today" in english and "pending" in english
    assert [m["state"] for m in ok_json(db, "admin", "outbox list --state 待发送")] == ["pending"]
    refused(
        db,
        "admin",
        "outbox list --state sen",
        exit=2,
        stderr="错误：状态（--state）的取值 “sen” 无效，"
        "可选：pending（待发送）、sent（已发送）、failed（发送失败）\n",
    )
    refused(
        db,
        "admin",
        "--lang en outbox list --state sen",
        exit=2,
        lang="en",
        stderr="error: invalid state 'sen'; choose from: pending, sent, failed\n",
    )


def test_publish_dry_run_lists_the_files_it_would_write(
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    quotas(db)
    county_published(db)  # 淇滨区's whitelist is published already
    city = filed(db, year=YEAR)  # 鹤壁市's is published by the job
    folder = publish_config(monkeypatch, tmp_path)
    folder.mkdir()
    would = [
        str(folder / "2026" / f"{name}.{fmt}")
        for name in (CITY, COUNTY)
        for fmt in ("html", "csv", "xlsx", "json")
    ]
    before = snapshot(db)

    dry = ok_json(db, "admin", f"jobs run publish --date {TODAY} --dry-run")
    assert (dry["dry_run"], dry["published"], dry["files"]) == (True, 1, would)
    human = ok(db, "admin", f"jobs run publish --date {TODAY} --dry-run").stdout
    assert human.splitlines() == [
        f"任务 publish（{TODAY}）完成：演练（不写入） 是，年度 2026，已发布 1，文件 8",
        *(f"  将写入 {path}" for path in would),
    ]
    english = ok(db, "admin", f"--lang en jobs run publish --date {TODAY} --dry-run").stdout
    assert english.splitlines()[1] == f"  would write {would[0]}"
    assert not any(folder.iterdir()) and snapshot(db) == before and state(db, city) == "filed"

    done = ok(db, "admin", f"jobs run publish --date {TODAY}").stdout
    assert done.splitlines()[1:] == [f"  已写入 {path}" for path in would]
    assert all(Path(path).is_file() for path in would) and state(db, city) == "published"


def test_a_missing_publish_folder_is_refused_never_made(
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A configured publish folder that is missing (a typo, a share not mounted) is named,
    never made. The publish job still publishes the items (the live pages and the gate
    follow them) and writes no file; the refresh changes nothing."""
    quotas(db)
    county_published(db)
    city = filed(db, year=YEAR)
    folder = publish_config(monkeypatch, tmp_path)
    zh = (
        f"错误：发布文件夹 {folder}（配置项 [publish] folder）不存在，未写入白名单文件："
        "请建立该文件夹或更正配置，再运行本任务\n"
    )
    refused(db, "admin", f"jobs run refresh-published --date {TODAY}", exit=2, stderr=zh)
    refused(
        db,
        "admin",
        f"--lang en jobs run refresh-published --date {TODAY}",
        exit=2,
        lang="en",
        contains=(f"the publish folder {folder} ([publish] folder) does not exist",),
    )
    dry = f"jobs run publish --date {TODAY} --dry-run"
    refused_json(db, "admin", dry, exit=2, code="publish_folder_missing")
    assert state(db, city) == "filed" and not folder.exists()
    done = run(db, "admin", f"jobs run publish --date {TODAY}")
    assert (done.exit_code, done.stderr) == (2, zh)
    assert state(db, city) == "published" and not folder.exists()
    # once the folder is there, the nightly refresh writes what the publish run could not
    folder.mkdir()
    wrote = ok_json(db, "admin", f"jobs run refresh-published --date {TODAY}")["files"]
    assert len(wrote) == 8 and all(Path(path).is_file() for path in wrote)
