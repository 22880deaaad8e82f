"""The distribution: one top-level import package, migrations as real files, the catalogues
(click's messages, the help texts) as package data, tests in the sdist."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

#: click's messages and campusgate's help texts in Chinese, inside the package: the sources and
#: what the program loads.
CATALOGUE = tuple(
    f"locale/zh_CN/LC_MESSAGES/{domain}.{suffix}"
    for domain in ("click", "help")
    for suffix in ("po", "mo")
)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--sdist", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out


def test_the_wheel_installs_one_top_level_package_with_its_migrations(dist: Path) -> None:
    (wheel,) = dist.glob("campusgate-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"campusgate"}
    for module in ("models/items.py", "workflow/kinds.py", "jobs/__init__.py", "cli.py"):
        assert f"campusgate/{module}" in names
    # the migrations are real files inside the package, not a link to somewhere else
    assert "campusgate/alembic/env.py" in names
    assert "campusgate/alembic/script.py.mako" in names
    assert "campusgate/alembic/versions/0001_core.py" in names
    assert not any(n.startswith("campusgate/alembic/__init__") for n in names)


def test_the_wheel_carries_the_catalogues_compiled(dist: Path) -> None:
    """click's messages and the help texts in Chinese need the ``.mo`` files at run time; the
    ``.po`` files are their sources."""
    (wheel,) = dist.glob("campusgate-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        for name in CATALOGUE:
            assert archive.read(f"campusgate/{name}") == (ROOT / "campusgate" / name).read_bytes()


def test_the_sdist_carries_the_tests_and_the_mapped_folders(dist: Path) -> None:
    (sdist,) = dist.glob("campusgate-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    for path in (
        "tests/conftest.py",
        "tests/test_packaging.py",
        "alembic/versions/0001_core.py",
        "models/items.py",
        "workflow/kinds.py",
        "jobs/__init__.py",
        "pyproject.toml",
        *(f"campusgate/{name}" for name in CATALOGUE),
    ):
        assert path in names


def test_the_repository_holds_no_symlinks_and_no_alembic_package() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "-s"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    links = [
        line.split("\t")[1] for line in tracked.stdout.splitlines() if line.startswith("120000")
    ]
    assert links == []
    assert not (ROOT / "alembic" / "__init__.py").exists()
