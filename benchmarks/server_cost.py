"""What the server costs, each against a floor measured in the same run.

- A transition through the server (``POST /api/v1/advance``, one item per request, over a
  kept-alive connection to one uvicorn worker: HTTP, the token checked in the service's
  first transaction, ``items.advance``) against the same service call in-process
  (``items.advance`` for the same login), per item. Target: at most 1.5x. Beside it, what
  any request costs: ``GET /healthz`` (no database), the least the server can add.
- Reads per second of ``GET /api/v1/items/{id}`` with 1 and with 2 uvicorn workers on
  PostgreSQL (several client threads for a few seconds), and how it grows.

The client is httpx, as the CLI's remote mode uses it. A reference line gives the same
transition through a lean client (the standard library's ``http.client``): what is left is
the server's own share, as a client on another machine would see it.

    python benchmarks/server_cost.py [--n 200] [--seconds 4] [--clients 8]
        [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from transition_cost import REVIEWER, TODAY, databases, prepare

from campusgate.app import explain
from campusgate.models import Database
from campusgate.workflow import items, tokens
from campusgate.workflow.clock import acting_as_of

ADMIN = "tian.yu"
TARGET = 1.5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(db: Database, workers: int) -> Iterator[str]:
    """``campusgate serve`` over ``db``; its URL."""
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="cg-serve-"))
    config = folder / "campusgate.toml"
    config.write_text("[clock]\nallow_override = true\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAMPUSGATE_")}
    env |= {"CAMPUSGATE_CONFIG": str(config), "CAMPUSGATE_TODAY": TODAY.isoformat()}
    script = str(Path(sys.executable).parent / "campusgate")
    argv = [script, "--db", db.url, "serve", "--listen", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        [*argv, "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def through_server(url: str, token: str, ids: list[int]) -> float:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        client.get(f"/api/v1/items/{ids[0]}")  # connection and first-use costs
        start = time.perf_counter()
        for item_id in ids:
            answer = client.post(
                "/api/v1/advance", json={"trigger": "review", "item_ids": [item_id]}
            )
            if answer.status_code != 200:
                raise SystemExit(f"advance through the server failed: {answer.text[:300]}")
        return time.perf_counter() - start


def through_lean_client(url: str, token: str, ids: list[int]) -> float:
    """As :func:`through_server`, with ``http.client`` as the client; seconds."""
    host, _, port = url.removeprefix("http://").rpartition(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    connection.request("GET", f"/api/v1/items/{ids[0]}", headers=headers)
    connection.getresponse().read()
    try:
        start = time.perf_counter()
        for item_id in ids:
            body = json.dumps({"trigger": "review", "item_ids": [item_id]})
            connection.request("POST", "/api/v1/advance", body=body, headers=headers)
            answer = connection.getresponse()
            text = answer.read()
            if answer.status != 200:
                raise SystemExit(f"advance through the server failed: {text[:300]!r}")
        return time.perf_counter() - start
    finally:
        connection.close()


def in_process(db: Database, ids: list[int]) -> float:
    """``items.advance`` of one item at a time, as the route calls it; seconds."""
    with acting_as_of(TODAY):
        start = time.perf_counter()
        for item_id in ids:
            results, worst, _ = items.advance(
                db, REVIEWER, [str(item_id)], "review", explain=lambda exc: explain(exc, "zh")
            )
            if worst:
                raise SystemExit(f"advance in-process failed: {results}")
        return time.perf_counter() - start


def bare_requests(url: str, n: int) -> float:
    """``GET /healthz`` n times over one kept-alive connection; seconds."""
    with httpx.Client(base_url=url, timeout=60) as client:
        client.get("/healthz")
        start = time.perf_counter()
        for _ in range(n):
            client.get("/healthz")
        return time.perf_counter() - start


def reads_per_second(url: str, token: str, item_id: int, clients: int, seconds: float) -> float:
    done = [0] * clients
    stop = time.perf_counter() + seconds

    def reader(slot: int) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
            while time.perf_counter() < stop:
                if client.get(f"/api/v1/items/{item_id}").status_code != 200:
                    raise SystemExit("GET item failed")
                done[slot] += 1

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    with databases(args.pg) as found:
        for backend, db in found:
            n = args.n
            ids = prepare(db, 3 * n)
            token = tokens.issue(db, ADMIN, REVIEWER).token
            floor = in_process(db, ids[n : 2 * n]) / n
            with server(db, 1) as url:
                figure = through_server(url, token, ids[:n]) / n
                lean = through_lean_client(url, token, ids[2 * n :]) / n
                bare = bare_requests(url, n) / n
            ratio = figure / floor
            verdict = "ok" if ratio <= TARGET else "over"
            print(
                f"{backend:<10}  advance review through the server {figure * 1000:7.2f} ms  "
                f"in-process items.advance {floor * 1000:7.2f} ms  {ratio:5.2f}x  "
                f"target <= {TARGET}x  {verdict}"
            )
            print(
                f"{backend:<10}  same through http.client         {lean * 1000:7.2f} ms  "
                f"= {lean / floor:4.2f}x (reference: the server's own share)"
            )
            print(
                f"{backend:<10}  GET /healthz (any request's least) {bare * 1000:7.2f} ms  "
                f"= {bare / floor:4.2f}x of the in-process call"
            )
            if backend != "postgresql":
                continue
            rates = {}
            for workers in (1, 2):
                with server(db, workers) as url:
                    rates[workers] = reads_per_second(
                        url, token, ids[0], args.clients, args.seconds
                    )
                print(
                    f"{backend:<10}  GET /api/v1/items/ID, {workers} worker(s), {args.clients} "
                    f"clients: {rates[workers]:8.0f} reads/s"
                )
            print(f"{backend:<10}  growth from 1 to 2 workers: {rates[2] / rates[1]:5.2f}x")


if __name__ == "__main__":
    main()
