"""The postable HTML page in headless Chromium (Debian's ``chromium``): every row renders with
the item's number the gate asks for, and typing into the search box (given in the URL
fragment ``#q=``) filters the rows, also by that number."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest

from campusgate.workflow import publication

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI (.ci/run installs it)")
        pytest.skip("SKIPPED LOUDLY: chromium is not installed; the page test did not run")
    return found


def dump_dom(page: Path, query: str | None = None) -> str:
    """The page's DOM after its scripts ran, with ``query`` typed into the search box."""
    url = page.as_uri() + (f"#q={quote(query)}" if query is not None else "")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 0, done.stderr
    return done.stdout


def rows(dom: str) -> list[tuple[bool, str]]:
    """(shown, text) of each body row."""
    body = dom.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    found = re.findall(r"<tr( hidden=\"\")?>(.*?)</tr>", body, flags=re.S)
    return [(not hidden, re.sub(r"<[^>]+>", " ", cells)) for hidden, cells in found]


ENTRIES = [
    {
        "no": n,
        "id": 10 + n,
        "title": title,
        "lead_units": unit,
        "schedule": "每年1次",
        "place": "各中小学校",
        "manner": "讲座",
        "scope": "全市",
        "content": "内容",
        "basis_docs": "《依据》",
    }
    for n, (title, unit) in enumerate(
        [
            ("学生常见病防治宣传", "市卫健委"),
            ("消防安全演练", "市消防救援支队"),
            ("<script>alert(1)</script>", "市公安局"),
            ("防溺水安全教育", "市教育局"),
        ],
        1,
    )
]


def test_every_row_renders_and_the_search_box_filters(tmp_path: Path) -> None:
    page = publication.write(
        tmp_path / "whitelist.html",
        "html",
        "鹤壁市",
        2027,
        ENTRIES,
        level="city",
        hotline="0392-3322110",
        mailbox="jianfu@example.gov.cn",
    )
    dom = dump_dom(page)
    shown = rows(dom)
    assert len(shown) == 4 and all(visible for visible, _ in shown)
    assert "0392-3322110" in dom and "jianfu@example.gov.cn" in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom  # escaped, never run
    assert 'id="shown">4<' in dom
    head = dom.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert re.findall(r"<th>(.*?)</th>", head)[:3] == ["序号", "编号", "事项名称"]
    assert [text.split()[:3] for _, text in shown][1] == ["2", "12", "消防安全演练"]

    by_number = rows(dump_dom(page, "13"))  # a gatekeeper types the number they were given
    assert [visible for visible, _ in by_number] == [False, False, True, False]

    filtered = rows(dump_dom(page, "消防"))
    assert [visible for visible, _ in filtered] == [False, True, False, False]
    two_words = rows(dump_dom(page, "安全 教育局"))
    assert [visible for visible, _ in two_words] == [False, False, False, True]
    nothing = dump_dom(page, "不存在")
    assert all(not visible for visible, _ in rows(nothing)) and 'id="shown">0<' in nothing
