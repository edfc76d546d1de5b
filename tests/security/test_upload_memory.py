"""Issue 11 #2: a large batch upload costs files on disk, not copies of the body in memory.

In-process, with tracemalloc: the peak of Python allocations while the API takes a 40 MB ``POST
/v1/invoice-batches`` with an Idempotency-Key. Before, the body was held whole several times (read, joined,
hashed with its prefix, parsed, read back per part): a peak of several times its size. Now it is spooled to a
file as it arrives, hashed incrementally, parsed from the file, and each file read only up to the per-file limit.
"""

from __future__ import annotations

import tracemalloc
from typing import Any

from tests.conftest import TenantFixture

MIB = 1024 * 1024
BODY_MIB = 40


def _multipart(boundary: str, parts: list[tuple[str, str | None, bytes]]) -> bytes:
    chunks = []
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        chunks += [f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode(), content, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks)


async def test_a_large_idempotent_batch_is_not_copied_in_memory(client: Any, tenant: TenantFixture) -> None:
    body = _multipart(
        "pdpboundary",
        [("metadata", None, b'{"provider_id": "prv_none"}'), ("files", "big.xml", b"<a>" + bytes(BODY_MIB * MIB))],
    )
    headers = {
        **tenant.headers,
        "Content-Type": "multipart/form-data; boundary=pdpboundary",
        "Idempotency-Key": "big-batch-1",
    }
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        response = await client.post("/v1/invoice-batches", content=body, headers=headers)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 200, response.text
    assert response.json()["refused"] == 1
    # The one file is read up to the per-file limit (10 MB) to be refused as too large, never the body whole.
    assert peak - before < 20 * MIB, f"peak {(peak - before) / MIB:.1f} MiB for a {BODY_MIB} MiB body"
    replay = await client.post("/v1/invoice-batches", content=body, headers=headers)
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == response.json()
