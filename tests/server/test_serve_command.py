"""``campusgate serve`` on an address it cannot listen on: one line in the reader's language
and exit 1 (the machine, not the input), never uvicorn's own English line and exit 3 (which
means "not found" here). A real subprocess against a port held open by the test."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from campusgate.models import Database
from tests.backends import campusgate_command
from tests.cli.test_cli import document


@pytest.fixture
def taken() -> Iterator[int]:
    """A local port another program listens on."""
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def serve(command: list[str], db: Database, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, "--db", db.url, *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
    )


def test_a_port_in_use_is_one_line_and_exit_1(db: Database, taken: int) -> None:
    address = f"127.0.0.1:{taken}"
    done = serve(campusgate_command(), db, "serve", "--listen", address)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"错误：端口 {address} 已被占用（也许已有 campusgate serve 在运行）："
        "请先停止占用该端口的程序，或用 --listen 换一个端口\n"
    )
    english = serve(campusgate_command(), db, "--lang", "en", "serve", "--listen", address)
    assert english.returncode == 1
    assert english.stderr == (
        f"error: {address} is already in use (perhaps by another campusgate serve): stop what "
        "holds it, or choose another port with --listen\n"
    )
    argv = ["serve", "--listen", address, "--workers", "2", "--json"]
    as_json = serve(campusgate_command(), db, *argv)
    assert (as_json.returncode, as_json.stderr) == (1, "")
    assert document(as_json)["error"]["code"] == "listen_in_use"


def test_an_address_that_is_not_this_machines_is_one_line_and_exit_1(db: Database) -> None:
    done = serve(campusgate_command(), db, "serve", "--listen", "192.0.2.1:8470")  # TEST-NET-1
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith("错误：192.0.2.1:8470 不是本机的地址")
    assert done.stderr.count("\n") == 1


#: ``campusgate`` with the early check switched off: uvicorn itself meets the taken port
UNCHECKED = (
    "import campusgate.server_commands as s; s.check_listen = lambda *a: None; "
    "from campusgate.cli import main; main()"
)


def test_uvicorn_failing_to_start_is_exit_1_with_a_line_of_our_own(
    db: Database, taken: int
) -> None:
    # the port taken between the check and uvicorn's own bind
    done = serve([sys.executable, "-c", UNCHECKED], db, "serve", "--listen", f"127.0.0.1:{taken}")
    assert done.returncode == 1
    last = done.stderr.splitlines()[-1]
    assert last == f"错误：服务器未能在 127.0.0.1:{taken} 启动，原因见上方日志"
    assert "Traceback" not in done.stderr


def test_a_certificate_without_its_key_is_input_in_the_readers_language(
    db: Database, tmp_path: Path
) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("not used", encoding="utf-8")
    done = serve(campusgate_command(), db, "serve", "--certfile", str(cert))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "错误：--certfile 与 --keyfile 须同时给出\n"
    english = serve(campusgate_command(), db, "--lang", "en", "serve", "--certfile", str(cert))
    assert (english.returncode, english.stderr) == (
        2,
        "error: --certfile and --keyfile go together\n",
    )


def test_serve_names_what_it_serves_and_warns_when_open_without_tls(db: Database) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    for host, warned in (("0.0.0.0", True), ("127.0.0.1", False)):
        argv = [*campusgate_command(), "--db", db.url, "serve", "--listen", f"{host}:{port}"]
        process = subprocess.Popen(
            argv,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env=os.environ.copy(),
        )
        try:
            assert process.stderr is not None
            first = process.stderr.readline()
            second = process.stderr.readline()
        finally:
            process.terminate()
            process.wait(timeout=30)
        assert first == f"campusgate 服务 http://{host}:{port}，数据库 {db.display_url}\n"
        assert second.startswith(f"注意：{host}:{port} 不只对本机开放且未启用 TLS") == warned


def test_every_worker_writes_its_request_lines(db: Database, tmp_path: Path) -> None:
    """A worker is a process of its own: the request log must reach it with --workers 2."""
    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    log = tmp_path / "serve.log"
    argv = [*campusgate_command(), "--db", db.url, "serve", "--listen", f"127.0.0.1:{port}"]
    with log.open("w") as sink:
        process = subprocess.Popen(
            [*argv, "--workers", "2"], stderr=sink, stdout=subprocess.DEVNULL, env=os.environ.copy()
        )
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    import time

                    time.sleep(0.1)
            for _ in range(4):
                assert httpx.get(url + "/api/v1/whoami", timeout=10).status_code == 401
        finally:
            process.terminate()
            process.wait(timeout=30)
    lines = [line for line in log.read_text().splitlines() if "GET /api/v1/whoami 401" in line]
    assert len(lines) == 4 and all("campusgate.server" in line for line in lines)
