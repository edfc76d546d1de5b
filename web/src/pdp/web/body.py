"""Request bodies received into a spooled temporary file, under a size limit and a read deadline.

The unit of work receives the body *before* it opens the request's transaction, so a client that sends slowly
holds no database connection; and into a file, so a 100 MB upload costs a file on disk, not 100 MB of memory per
copy. Small bodies (JSON) stay in memory: :data:`IN_MEMORY_BYTES` is below the JSON routes' limit.

The deadline is a minimum average rate after a grace time (``grace + received / min_rate``, capped by a total
deadline): a client trickling one byte a second is cut after the grace time, while a large upload on a decent
link may take as long as it needs up to the total.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass
from typing import IO, Any, cast

from litestar.types import Receive

from pdp.platform.errors import InvalidRequest, PayloadTooLarge, RequestTimeout
from pdp.platform.settings import Settings

IN_MEMORY_BYTES = 256 * 1024
REPLAY_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Pace:
    grace_seconds: float
    min_bytes_per_second: int
    total_seconds: float

    @classmethod
    def from_settings(cls, settings: Settings) -> Pace:
        return cls(
            settings.api_body_grace_seconds, settings.api_body_min_bytes_per_second, settings.api_body_timeout_seconds
        )

    def deadline(self, received: int) -> float:
        """Seconds from the first byte awaited by which more than ``received`` bytes must have arrived."""
        by_rate = self.grace_seconds + (received + 1) / self.min_bytes_per_second
        return min(self.total_seconds, by_rate)


class SpooledBody:
    """A received body: its file (rewound by :meth:`replay` and :meth:`open`), size, and optional digest."""

    def __init__(self, file: IO[bytes], size: int, sha256: str | None) -> None:
        self.file = file
        self.size = size
        self.sha256 = sha256

    def open(self) -> IO[bytes]:
        self.file.seek(0)
        return self.file

    def replay(self) -> Receive:
        """An ASGI ``receive`` giving the body again in chunks (for handlers that let Litestar read it)."""
        self.file.seek(0)
        done = False

        async def receive() -> dict[str, Any]:
            nonlocal done
            if done:
                return {"type": "http.disconnect"}
            chunk = self.file.read(REPLAY_CHUNK_BYTES)
            done = len(chunk) < REPLAY_CHUNK_BYTES
            return {"type": "http.request", "body": chunk, "more_body": not done}

        return cast("Receive", receive)  # an ASGI receive: the dicts are valid http.request events

    def close(self) -> None:
        self.file.close()


async def receive_body(receive: Receive, *, limit: int | None, pace: Pace, hasher: Any = None) -> SpooledBody:
    """Receive the whole body into a spooled file; ``hasher`` (a hashlib object) is fed every byte.

    Raises :class:`PayloadTooLarge` past ``limit`` (chunked bodies counted too), :class:`RequestTimeout` when the
    body is slower than ``pace``.
    """
    file = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115 -- handed to SpooledBody
    size = 0
    started = time.monotonic()
    try:
        while True:
            left = pace.deadline(size) - (time.monotonic() - started)
            try:
                async with asyncio.timeout(max(0.0, left)):
                    message = await receive()
            except TimeoutError:
                raise _too_slow(pace, size) from None
            if message["type"] != "http.request":
                raise InvalidRequest("The client disconnected before sending its body.", code="client_disconnected")
            chunk = message.get("body", b"")
            size += len(chunk)
            if limit is not None and size > limit:
                raise PayloadTooLarge(f"The request body exceeds {limit} bytes.")
            if chunk:
                if size > IN_MEMORY_BYTES:
                    file.rollover()  # to disk *before* writing: a large chunk is not first copied into memory
                file.write(chunk)
                if hasher is not None:
                    hasher.update(chunk)
            if not message.get("more_body", False):
                break
    except BaseException:
        file.close()
        raise
    return SpooledBody(file, size, hasher.hexdigest() if hasher is not None else None)


def _too_slow(pace: Pace, received: int) -> RequestTimeout:
    error = RequestTimeout(
        f"The body must arrive at {pace.min_bytes_per_second} bytes/s or more after {pace.grace_seconds:g} s, "
        f"and within {pace.total_seconds:g} s; {received} bytes came."
    )
    error.headers = {"Connection": "close"}  # the rest of the body will not be read: this connection is done
    return error
