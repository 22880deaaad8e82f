"""Year-end review, publish and the evaluation sweep, run as jobs by system actors."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from campusgate.jobs import evaluation, publish, refresh_published, year_end_review
from campusgate.jobs.base import Context
from campusgate.models import Database, Item, ItemEvent, OutboxMessage
from campusgate.workflow import items
from campusgate.workflow.config import Publish, Settings
from campusgate.workflow.items import Params
from campusgate.workflow.publication import FORMATS
from tests.org import apply, refused, reviewed, set_quota, snapshot, state

REVIEW_DAY = date(2026, 12, 20)


def test_year_end_review_files_by_priority_up_to_the_quota(db: Database) -> None:
    set_quota(db, 2)
    unified = reviewed(db, title="文明创建宣传", basis_kind="unified")
    joint = reviewed(db, title="防溺水教育", basis_kind="joint")
    law = reviewed(db, title="消防安全教育", basis_kind="law")
    submitted = apply(db, title="尚未审核的事项")
    summary = year_end_review.run(db, REVIEW_DAY)
    assert summary["filed"] == 2 and summary["left"] == 1
    assert (state(db, law), state(db, joint), state(db, unified)) == ("filed", "filed", "reviewed")
    assert state(db, submitted) == "submitted"
    [city] = summary["jurisdictions"]
    [left] = city["left"]
    assert (left["id"], left["title"], left["reason"]) == (
        unified,
        "文明创建宣传",
        "quota_exceeded",
    )
    with db.read() as session:
        actors = set(session.scalars(select(ItemEvent.actor).where(ItemEvent.trigger == "file")))
        docket = {m.recipient for m in session.scalars(select(OutboxMessage))}
    assert actors == {"system:year-end-review"}
    assert docket == {"zhao.lei", "qian.min", "gao.feng"}
    before = snapshot(db)
    again = year_end_review.run(db, REVIEW_DAY)  # the same date again: nothing changes
    assert again["filed"] == 0 and snapshot(db) == before


def test_unratified_emergency_is_not_filed_and_dry_run_writes_nothing(db: Database) -> None:
    set_quota(db, 5, year=2026)
    emergency = reviewed(db, year=2026, basis_kind="emergency", title="汛期安全教育")
    before = snapshot(db)
    dry = year_end_review.run(db, date(2025, 12, 20), dry_run=True)
    assert dry["left"] == 1 and snapshot(db) == before
    summary = year_end_review.run(db, date(2025, 12, 20))
    assert summary["jurisdictions"][0]["left"][0]["reason"] == "ratification_missing"
    assert state(db, emergency) == "reviewed"


def test_publish_publishes_and_writes_every_format(db: Database, tmp_path: Path) -> None:
    set_quota(db, 5)
    first = reviewed(db, title='=HYPERLINK("http://x")')
    second = reviewed(db, title="消防安全教育")
    year_end_review.run(db, REVIEW_DAY)
    ctx = Context(Settings(database_url=db.url, publish=Publish(folder=str(tmp_path))))
    summary = publish.run(db, date(2027, 1, 2), False, ctx)
    assert summary["published"] == 2
    assert state(db, first) == state(db, second) == "published"
    folder = tmp_path / "2027"
    assert sorted(p.name for p in folder.iterdir()) == [
        "鹤壁市.csv",
        "鹤壁市.html",
        "鹤壁市.json",
        "鹤壁市.xlsx",
    ]
    raw = (folder / "鹤壁市.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:4] == ["序号", "编号", "事项名称", "实施单位"]
    assert [row[1] for row in rows[1:]] == [str(first), str(second)]
    assert rows[1][2].startswith("'=")  # a formula is shown, never evaluated
    sheet = load_workbook(folder / "鹤壁市.xlsx").active
    assert sheet is not None and sheet["C3"].value.startswith("'=")
    assert (sheet["B2"].value, sheet["B3"].value) == ("编号", first)
    document = json.loads((folder / "鹤壁市.json").read_text(encoding="utf-8"))
    assert [i["事项名称"] for i in document["items"]][1] == "消防安全教育"
    assert [i["编号"] for i in document["items"]] == [first, second]
    assert "&quot;http://x&quot;" in (folder / "鹤壁市.html").read_text(encoding="utf-8")
    again = publish.run(db, date(2027, 1, 2), False, ctx)
    assert again["published"] == 0


def test_the_refresh_rewrites_the_files_of_lists_that_changed_and_only_those(
    db: Database, tmp_path: Path
) -> None:
    """After a revocation, suspension or reinstatement the nightly refresh makes the files
    say what the live list says; a list that did not change keeps its files untouched."""
    set_quota(db, 5)
    first = reviewed(db, title="学生常见病防治宣传")
    second = reviewed(db, title="消防安全教育")
    year_end_review.run(db, REVIEW_DAY)
    settings = Settings(database_url=db.url, publish=Publish(folder=str(tmp_path)))
    ctx = Context(settings)
    publish.run(db, date(2027, 1, 2), False, ctx)
    folder = tmp_path / "2027"
    names = ["鹤壁市.csv", "鹤壁市.html", "鹤壁市.json", "鹤壁市.xlsx"]
    day = date(2027, 3, 1)

    def listed() -> list[int]:
        document = json.loads((folder / "鹤壁市.json").read_text(encoding="utf-8"))
        return [row["编号"] for row in document["items"]]

    def files() -> dict[str, tuple[int, int]]:
        """Each file there, by the inode and time that a rewrite changes."""
        return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}

    def refresh(dry_run: bool = False, context: Context = ctx) -> list[str]:
        return list(refresh_published.run(db, day, dry_run, context)["files"])

    assert listed() == [first, second]
    written = files()
    assert refresh() == [] and files() == written  # nothing changed: nothing rewritten

    items.fire(db, "zhao.lei", second, "revoke", Params(reason="重复进校"), today=day)
    assert listed() == [first, second]  # stale until the refresh
    expected = [str(folder / f"鹤壁市.{fmt}") for fmt in ("html", "csv", "xlsx", "json")]
    assert refresh(dry_run=True) == expected and files() == written
    assert refresh() == expected
    assert listed() == [first] and sorted(files()) == names  # nothing left aside
    sheet = load_workbook(folder / "鹤壁市.xlsx").active
    assert sheet is not None and [c.value for c in sheet[3]][:2] == [1, first]
    assert sheet.max_row == 3
    assert refresh() == []

    items.fire(db, "zhao.lei", first, "suspend", Params(reason="年度评估：暂停"), today=day)
    assert refresh() == expected and listed() == []  # an emptied list is posted empty
    rows = list(csv.reader((folder / "鹤壁市.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 1 and rows[0][:2] == ["序号", "编号"]
    items.fire(db, "zhao.lei", first, "reinstate", Params(reason="整改完成"), today=day)
    assert refresh() == expected and listed() == [first]

    # the hotline printed on the page is part of what the files say
    hotline = Publish(folder=str(tmp_path), hotline="0392-3322110")
    assert refresh(context=Context(Settings(database_url=db.url, publish=hotline))) == expected
    assert "0392-3322110" in (folder / "鹤壁市.html").read_text(encoding="utf-8")
    # a file deleted by hand is written again
    (folder / "鹤壁市.xlsx").unlink()
    assert len(refresh()) == 4 and sorted(files()) == names
    # a year with no list published and none posted: nothing written, no folder made
    other_year = refresh_published.run(db, date(2028, 3, 1), False, ctx)
    assert other_year["files"] == [] and not (tmp_path / "2028").exists()


def test_without_a_configured_folder_the_default_one_is_made(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    set_quota(db, 5)
    reviewed(db)
    year_end_review.run(db, REVIEW_DAY)
    summary = publish.run(db, date(2027, 1, 2), False, Context(Settings(database_url=db.url)))
    default = tmp_path / "data" / "campusgate" / "published" / "2027"
    assert summary["files"] == [str(default / f"鹤壁市.{fmt}") for fmt in FORMATS]


def test_evaluation_sweep_applies_outcomes(db: Database) -> None:
    set_quota(db, 6)
    ids = {
        key: reviewed(db, title=f"事项{key}")
        for key in ("keep", "suspend", "rectify", "revoke", "retire", "none")
    }
    year_end_review.run(db, REVIEW_DAY)
    publish.run(db, date(2027, 1, 2))
    for key, item_id in ids.items():
        if key != "none":
            items.evaluate(db, "zhao.lei", item_id, rating="poor", outcome=key, note="效果不佳")
    day = date(2027, 12, 25)
    summary = evaluation.run(db, day)
    assert summary["applied"] == {k: 1 for k in ("keep", "suspend", "rectify", "revoke", "retire")}
    assert [i["id"] for i in summary["unevaluated"]] == [ids["none"]]
    assert [state(db, ids[k]) for k in ("keep", "suspend", "rectify", "revoke", "retire")] == [
        "published",
        "suspended",
        "suspended",
        "revoked",
        "revoked",
    ]
    with db.read() as session:
        clue = session.scalars(select(Item).where(Item.linked_item_id == ids["rectify"])).one()
        assert clue.applied_by.login == "zhao.lei"  # who asked for the rectification
    assert (clue.kind, clue.source, clue.state) == ("rectification", "evaluation", "submitted")
    # reinstating waits for the rectification to be published
    with refused(db, 5, code="linked_open"):
        items.fire(db, "zhao.lei", ids["rectify"], "reinstate", Params(reason="恢复"))
    before = snapshot(db)
    assert evaluation.run(db, day)["to_apply"] == 0
    assert snapshot(db) == before


def test_the_sweep_revokes_a_suspended_item_and_leaves_a_suspended_one_suspended(
    db: Database,
) -> None:
    """An outcome is applied when the item's machine leads there from the item's state: a
    suspended item to revoke is revoked; a suspended item to suspend stays as it is."""
    set_quota(db, 2)
    to_revoke = reviewed(db, title="待撤销的事项")
    to_suspend = reviewed(db, title="待暂停的事项")
    year_end_review.run(db, REVIEW_DAY)
    publish.run(db, date(2027, 1, 2))
    for item_id in (to_revoke, to_suspend):
        items.fire(db, "zhao.lei", item_id, "suspend", Params(reason="家长投诉"))
    items.evaluate(db, "zhao.lei", to_revoke, rating="poor", outcome="revoke", note="不再保留")
    items.evaluate(db, "zhao.lei", to_suspend, rating="poor", outcome="suspend")
    summary = evaluation.run(db, date(2027, 12, 25))
    assert summary["applied"] == {"revoke": 1, "suspend": 1}
    assert (state(db, to_revoke), state(db, to_suspend)) == ("revoked", "suspended")
