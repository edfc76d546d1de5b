"""The faults that change how an answer is sent rather than whether it is (faults.py): a business refusal with
the other HTTP status, one-item lists sent as objects, and a fixed answer of any shape."""

from __future__ import annotations

from typing import Any

import msgspec

from pdp.connectors.chorus_pro.sandbox.faults import FaultSpec
from pdp.connectors.chorus_pro.sandbox.replies import Reply, json_reply
from pdp.connectors.chorus_pro.schemas.shapes import raw_json

RESHAPING = frozenset({"business_status", "one_as_object"})
_encoder = msgspec.json.Encoder(decimal_format="number")  # amounts go out as they came


def reshaped(reply: Reply, faults: list[FaultSpec]) -> Reply:
    """``reply`` as the ``business_status`` and ``one_as_object`` faults among ``faults`` want it sent."""
    for fault in faults:
        if fault.kind == "business_status" and reply.code_retour not in (None, 0):
            reply.status = fault.status
        elif fault.kind == "one_as_object" and reply.body.startswith(b"{"):
            reply.body = _encoder.encode(_unlisted(raw_json(reply.body)))
    return reply


def fixed_answer(fault: FaultSpec) -> Reply:
    return json_reply(fault.status, fault.body, code_retour=_code(fault.body))


def _unlisted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _unlisted(item) for key, item in value.items()}
    if isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], dict):
            return _unlisted(value[0])
        return [_unlisted(item) for item in value]
    return value


def _code(body: Any) -> int | None:
    code = body.get("codeRetour") if isinstance(body, dict) else None
    return code if isinstance(code, int) else None
