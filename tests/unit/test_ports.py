"""The free-port probe of ``pdp dev``: a port a server left in TIME_WAIT is still the preferred port."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from pdp.platform.devstack.ports import free_port

TCP_TIME_WAIT = "06"  # state column of /proc/net/tcp


def _listener() -> socket.socket:
    """A listening socket set up the way uvicorn and asyncio servers set theirs up."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    return sock


def _leave_in_time_wait() -> int:
    """Serve one connection and close it from the server side first, as a stopped API does: its port is left
    with a TIME_WAIT socket and no listener."""
    listener = _listener()
    port: int = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    served, _ = listener.accept()
    served.close()  # the server closes first: its side goes to TIME_WAIT
    assert client.recv(1) == b""
    client.close()
    listener.close()
    return port


def _time_wait_ports() -> set[int]:
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return {int(row.split()[1].split(":")[1], 16) for row in rows if row.split()[3] == TCP_TIME_WAIT}


async def _serve_once(port: int) -> None:
    # asyncio's create_server is what uvicorn (one process) and the mail catcher call: SO_REUSEADDR by default.
    server = await asyncio.start_server(lambda _r, _w: None, "127.0.0.1", port)
    server.close()
    await server.wait_closed()


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads TIME_WAIT sockets from Linux's /proc")
def test_a_port_in_time_wait_is_still_the_preferred_port() -> None:
    port = _leave_in_time_wait()
    assert port in _time_wait_ports()
    with socket.socket() as naive, pytest.raises(OSError):  # the old probe: bound without SO_REUSEADDR
        naive.bind(("127.0.0.1", port))

    assert free_port(port) == port
    asyncio.run(_serve_once(port))  # and a server does bind it


def test_a_port_someone_listens_on_is_not_free() -> None:
    with _listener() as busy:
        taken = busy.getsockname()[1]
        chosen = free_port(taken)
        assert chosen != taken and chosen > 0
    assert free_port(0) > 0
