"""Decoding a JSON object from a client, where nesting deeper than the decoder can follow is malformed JSON.

msgspec follows nesting on the C stack under the interpreter's recursion limit: a 2 KB body of ``[`` raises
``RecursionError``, which no caller expects from a decoder (it became a 500). Here it is a ``msgspec.DecodeError``
like any other malformed document, so callers keep one ``except``.
"""

from __future__ import annotations

from typing import Any

import msgspec

TOO_DEEP = "JSON is malformed: nested too deeply"
_JSON_TYPES = {list: "array", str: "str", int: "int", float: "float", bool: "bool", type(None): "null"}


def decode_object(data: bytes | str) -> dict[str, Any]:
    """``data`` as a JSON object; ``msgspec.DecodeError`` when it is not JSON, ``msgspec.ValidationError`` (a
    subclass: catch it first) when it is JSON but not an object."""
    try:
        # Untyped, so that a malformed document is reported as such even when its first byte is not "{".
        value = msgspec.json.decode(data)
    except RecursionError as exc:
        raise msgspec.DecodeError(TOO_DEEP) from exc
    if not isinstance(value, dict):
        raise msgspec.ValidationError(f"Expected `object`, got `{_JSON_TYPES.get(type(value), 'value')}`")
    return value
