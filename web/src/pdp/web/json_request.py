"""The request class of the app: Litestar's, with a body nested too deeply for the decoder answered as malformed.

Litestar decodes JSON bodies with msgspec and turns ``msgspec.DecodeError`` into a 400, but not the
``RecursionError`` msgspec raises past the interpreter's recursion limit (``[`` x 1000, 2 KB): that became a 500 on
every endpoint taking JSON. Raising Litestar's own ``SerializationException`` makes it the 400 ``malformed_json``
any other malformed body gets (pdp.web.errors).
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import SerializationException

from pdp.platform.jsondecode import TOO_DEEP


class PdpRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        try:
            return await super().json()
        except RecursionError as exc:
            raise SerializationException(TOO_DEEP) from exc
