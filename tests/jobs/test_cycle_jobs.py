"""Year-end review, publish and the evaluation sweep, run as jobs by system actors."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from campusgate.jobs import evaluation, publish, year_end_review
from campusgate.jobs.base import Context
from campusgate.models import Database, Item, ItemEvent, OutboxMessage
from campusgate.workflow import items
from campusgate.workflow.config import Publish, Settings
from campusgate.workflow.items import Params
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
