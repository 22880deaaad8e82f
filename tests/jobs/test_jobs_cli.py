"""``jobs run|list`` and ``outbox list`` through the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from campusgate.models import Database
from tests.cli.test_cli import ok, ok_json, refused, refused_json, run
from tests.conftest import TODAY
from tests.org import CITY, COUNTY, filed, on_ledger, set_quota, snapshot, state
from tests.publication.helpers import YEAR, county_published, quotas

#: a year after the real today, whenever the tests run
FUTURE = 2099


def test_jobs_run_reminders_then_outbox_list(db: Database) -> None:
    on_ledger(db, owner="li.na", deadline="2026-12-04")  # three days after the tests' today
    dry = ok_json(db, "admin", f"jobs run reminders --date {TODAY} --dry-run")
    assert dry["job"] == "reminders" and dry["dry_run"] is True and dry["queued"] == 1
    assert ok(db, "admin", f"--lang en jobs run reminders --date {TODAY} --dry-run").stdout == (
        f"job reminders ({TODAY}) dry run, nothing written: "
        "ledger items 1, would queue 1, already queued 0, digests 0\n"
    )
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
    # each job says what it does, in the reader's language
    from campusgate.workflow.messages import LABELS

    assert all(f"job_named_{j['job']}" in LABELS for j in jobs)
    listed = ok(db, "admin", "jobs list").stdout
    assert "说明" in listed and "到期提醒" in listed and "审计存证" in listed
    assert "deadline reminders" in ok(db, "admin", "--lang en jobs list").stdout


def test_jobs_run_refusals(db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    on_ledger(db, owner="li.na", deadline=TODAY)  # a reminder is due: a run would write it
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


def test_a_dry_run_takes_a_date_after_today_without_the_override(
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A dry run writes nothing, so a later date needs no ``allow_override``; a real run for
    it is a drill and is still refused without it, naming the way out."""
    set_quota(db, 5, year=FUTURE)
    item = filed(db, year=FUTURE)
    folder = tmp_path / "published"
    folder.mkdir()
    plain = tmp_path / "plain.toml"
    plain.write_text(
        f'[clock]\nallow_override = false\n[publish]\nfolder = "{folder}"\n', encoding="utf-8"
    )
    monkeypatch.setenv("CAMPUSGATE_CONFIG", str(plain))
    monkeypatch.delenv("CAMPUSGATE_TODAY")
    day = f"{FUTURE}-01-02"
    before = snapshot(db)

    dry = ok_json(db, "admin", f"jobs run publish --date {day} --dry-run")
    assert (dry["dry_run"], dry["published"], len(dry["files"])) == (True, 1, 4)
    human = ok(db, "admin", f"jobs run publish --date {day} --dry-run").stdout
    assert human.splitlines()[0] == (
        f"任务 publish（{day}）试运行（不写入）：年度 {FUTURE}，将发布 1，文件 4"
    )
    assert snapshot(db) == before and state(db, item) == "filed" and not any(folder.iterdir())
    assert _job_runs(db) == 0

    real = refused(db, "admin", f"jobs run publish --date {day}", exit=2, contains=(day,))
    assert "allow_override" in real.stderr and "--dry-run" in real.stderr
    assert "试运行" in real.stderr
    refused(
        db,
        "admin",
        f"--lang en jobs run publish --date {day}",
        exit=2,
        lang="en",
        contains=("is a drill", "allow_override = true", "--dry-run"),
    )
    refused_json(db, "admin", f"jobs run publish --date {day}", exit=2, code="job_date_ahead")
    assert state(db, item) == "filed" and not any(folder.iterdir()) and _job_runs(db) == 0


def _job_runs(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM job_runs")).scalar_one())


def test_deliver_summary_in_the_readers_language(db: Database) -> None:
    """Without SMTP the note is in the reader's language (JSON: its code); the counts have
    distinct names: due now in this run, pending in the outbox."""
    on_ledger(db, owner="li.na", deadline=TODAY)
    on_ledger(db, owner="li.na", deadline=TODAY)
    ok(db, "admin", f"jobs run reminders --date {TODAY}")
    english = ok(db, "admin", "--lang en jobs run deliver --dry-run").stdout
    assert english == (
        f"job deliver ({TODAY}) dry run, nothing written: due now 2, pending in the outbox 2, "
        "note no SMTP configured ([smtp] host): messages stay pending in the outbox\n"
    )
    chinese = ok(db, "admin", "jobs run deliver").stdout
    assert chinese == (
        f"任务 deliver（{TODAY}）完成：本次应发 2，已发送 0，待重试 0，失败 0，发件箱中待发送 2，"
        "说明 未配置 SMTP（[smtp] host）：邮件保留在发件箱待发送\n"
    )
    data = ok_json(db, "admin", "--lang en jobs run deliver")
    assert data["note"] == "smtp_not_configured" and (data["due"], data["pending"]) == (2, 2)
    assert [m["state"] for m in ok_json(db, "admin", "outbox list")] == ["pending"] * 2


def test_an_evaluation_dry_run_counts_what_it_would_apply_not_what_it_applied(
    db: Database,
) -> None:
    dry = ok_json(db, "admin", f"jobs run evaluation --date {TODAY} --dry-run")
    assert "applied" not in dry and dry["to_apply"] == 0
    assert ok(db, "admin", f"jobs run evaluation --date {TODAY} --dry-run").stdout == (
        f"任务 evaluation（{TODAY}）试运行（不写入）：年度 2026，待执行评估结论 0，未评估 0\n"
    )
    assert ok_json(db, "admin", f"jobs run evaluation --date {TODAY}")["applied"] == {}


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
    assert human.splitlines() == [  # 试运行, not 演练 (a drill, which writes)
        f"任务 publish（{TODAY}）试运行（不写入）：年度 2026，将发布 1，文件 8",
        *(f"  将写入 {path}" for path in would),
    ]
    english = ok(db, "admin", f"--lang en jobs run publish --date {TODAY} --dry-run").stdout
    assert english.splitlines()[:2] == [
        f"job publish ({TODAY}) dry run, nothing written: year 2026, would publish 1, files 8",
        f"  would write {would[0]}",
    ]
    assert not any(folder.iterdir()) and snapshot(db) == before and state(db, city) == "filed"

    done = ok(db, "admin", f"jobs run publish --date {TODAY}").stdout
    assert done.splitlines() == [
        f"任务 publish（{TODAY}）完成：年度 2026，已发布 1，文件 8",
        *(f"  已写入 {path}" for path in would),
    ]
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
