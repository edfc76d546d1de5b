"""OpenAPI declarations of the RFC 9457 problems each operation can answer."""

from __future__ import annotations

import msgspec
from litestar.openapi.datastructures import ResponseSpec


class Finding(msgspec.Struct):
    rule: str
    severity: str
    message: str
    path: str


class Problem(msgspec.Struct):
    """``application/problem+json``; ``code`` is stable, ``detail`` is for humans."""

    type: str
    title: str
    status: int
    code: str
    detail: str
    instance: str
    errors: list[Finding] | None = None


_MEANING = {
    400: "Malformed request (e.g. malformed_json, idempotency_key_invalid)",
    401: "Missing, invalid or revoked API key (api_key_missing, api_key_invalid, api_key_revoked)",
    403: "Not allowed (insufficient_scope: the API key lacks `needed_scope`; mandate_required: no active mandate "
    "covers this deposit)",
    404: "No such object in this tenant (not_found)",
    409: "Conflict (e.g. provider_exists, idempotency_key_reused, idempotency_replay_unavailable)",
    413: "The request body is too large (payload_too_large)",
    415: "Unsupported media type (unsupported_media_type)",
    422: "Validation failed; `errors` lists {rule, severity, message, path}",
    502: "Chorus Pro refused the call (e.g. chorus_auth_failed); `detail` carries its message",
    503: "A backing service is unavailable; retry with the same Idempotency-Key",
}


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """Problem responses for ``statuses`` plus those every authenticated call can get (401, 403 for a key
    without the operation's scope, 503)."""
    wanted = sorted({401, 403, 503, *statuses})
    return {
        status: ResponseSpec(
            data_container=Problem, description=_MEANING[status], media_type="application/problem+json"
        )
        for status in wanted
    }
