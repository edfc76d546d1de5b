"""Benchmark: the Chorus Pro emulator's sustained requests/s for ``deposer/flux`` on one core, beside its floor.

Run: ``.venv/bin/python tests/bench/bench_sandbox.py [--seconds 5] [--connections 32] [--state-dir DIR] [--speed 3000]``

``pdp sandbox`` runs pinned to CPU 0 (``taskset -c 0``); the load generator runs pinned to CPU 1 and speaks
HTTP/1.1 keep-alive over raw asyncio sockets (an HTTP client library would saturate before the server). The
floor is the health check through the same gateway path (due events, ledger, faults, bearer check). Deposits
are distinct 1-line UBL invoices of ~3 KB; each is read with pdp's readers and XSD-checked at deposit, and its
integration (Chorus's checks, buyer schedule) is applied lazily by later requests, so the figure is sustained
work, not just the answer. Not a test: nothing asserts timings.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.sandbox.harness import ubl


def start(port: int, extra: list[str]) -> tuple[subprocess.Popen[str], dict[str, object]]:
    command = ["taskset", "-c", "0", sys.executable, "-m", "pdp.cli.main", "sandbox", "--port", str(port), *extra]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    info: dict[str, object] = json.loads(process.stdout.readline())
    for _ in range(200):
        try:
            httpx.get(f"{info['control_url']}/clock", timeout=1)
            return process, info
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("sandbox did not start")


# The same health-check answer from Litestar (the project's framework) under the same uvicorn, no gateway logic:
# what choosing a lean ASGI app over Litestar is worth.
LITESTAR_APP = """
import sys, uvicorn
from litestar import Litestar, get

@get("/cpro/transverses/v1/health-check", sync_to_thread=False)
def health() -> dict:
    body = "L'API CPRO est actuellement disponible et fonctionnel."
    return {"statusCodeValue": 200, "statusCode": "OK", "body": body}

uvicorn.run(Litestar([health]), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


def start_litestar(port: int) -> subprocess.Popen[str]:
    command = ["taskset", "-c", "0", sys.executable, "-c", LITESTAR_APP, str(port)]
    process = subprocess.Popen(command, text=True)
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/cpro/transverses/v1/health-check", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("litestar did not start")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def request_bytes(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
    lines += [f"{key}: {value}" for key, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def worker(port: int, requests: list[bytes], offset: int, stop: float, latencies: list[float]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    done = 0
    while time.perf_counter() < stop:
        started = time.perf_counter()
        writer.write(requests[(offset + done) % len(requests)])
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(
            next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
        )
        await reader.readexactly(length)
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(head.decode())
        latencies.append(time.perf_counter() - started)
        done += 1
    writer.close()
    return done


async def load(port: int, requests: list[bytes], seconds: float, connections: int) -> tuple[float, float, float]:
    latencies: list[float] = []
    stop = time.perf_counter() + seconds
    started = time.perf_counter()
    counts = await asyncio.gather(*(worker(port, requests, n * 997, stop, latencies) for n in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99)]
    return sum(counts) / elapsed, statistics.median(latencies) * 1000, p99 * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--state-dir", help="persist the emulator's state there, as pdp dev does (.pdp/chorus-sandbox)")
    parser.add_argument("--speed", default="1", help="virtual clock speed (pdp dev: 3000, so statuses change too)")
    args = parser.parse_args()
    os.sched_setaffinity(0, {1})
    litestar_port = free_port()
    litestar = start_litestar(litestar_port)
    try:
        bare = [request_bytes("GET", "/cpro/transverses/v1/health-check", {})]
        asyncio.run(load(litestar_port, bare, 1.0, args.connections))
        litestar_floor = asyncio.run(load(litestar_port, bare, args.seconds, args.connections))
    finally:
        litestar.terminate()
        litestar.wait(10)
    port = free_port()
    process, info = start(port, ["--speed", args.speed, *(["--state-dir", args.state_dir] if args.state_dir else [])])
    try:
        piste = info["piste"]
        assert isinstance(piste, dict)
        token = httpx.post(
            str(info["token_url"]),
            data={
                "grant_type": "client_credentials",
                "client_id": piste["client_id"],
                "client_secret": piste["client_secret"],
                "scope": "openid",
            },
        ).json()["access_token"]
        accounts = info["technical_accounts"]
        assert isinstance(accounts, list)
        account = accounts[0]
        headers = {
            "Authorization": f"Bearer {token}",
            "cpro-account": base64.b64encode(f"{account['login']}:{account['password']}".encode()).decode(),
            "Content-Type": "application/json;charset=utf-8",
        }
        health = [request_bytes("GET", "/cpro/transverses/v1/health-check", headers)]
        deposits = []
        for n in range(2000):
            body = json.dumps(
                {
                    "fichierFlux": base64.b64encode(ubl(f"BENCH-{n:06d}", supplier=account["siret"])).decode(),
                    "nomFichier": f"facture_{n}.xml",
                    "syntaxeFlux": "IN_DP_E1_UBL_INVOICE",
                }
            ).encode()
            deposits.append(request_bytes("POST", "/cpro/factures/v1/deposer/flux", headers, body))
        asyncio.run(load(port, health, 1.0, args.connections))  # warm-up
        floor = asyncio.run(load(port, health, args.seconds, args.connections))
        deposit = asyncio.run(load(port, deposits, args.seconds, args.connections))
        summary = httpx.get(f"{info['control_url']}/ledger/summary", timeout=30).json()
        print(f"emulator on CPU 0, load on CPU 1, {args.connections} connections, {args.seconds:.0f} s each")
        print(f"{'route':<28}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
        for label, (rate, p50, p99) in [
            ("Litestar bare health route", litestar_floor),
            ("health-check (floor)", floor),
            ("deposer/flux (UBL, 1 line)", deposit),
        ]:
            print(f"{label:<28}{rate:>10.0f}{p50:>10.2f}{p99:>10.2f}")
        print(f"deposer/flux / floor: {deposit[0] / floor[0]:.2f}; ledger: {summary['requests']} requests")
    finally:
        process.terminate()
        process.wait(10)


if __name__ == "__main__":
    main()
