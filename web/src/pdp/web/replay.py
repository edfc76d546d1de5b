"""What an ``Idempotency-Key`` replay answers for an operation whose answer shows a secret once.

``POST /v1/api-keys`` and ``POST /v1/webhook-endpoints`` return a secret that pdp keeps only hashed (API keys)
or envelope-encrypted (webhook secrets). Storing their answer for replays would keep the secret in clear in
``idempotency_keys`` for the whole replay window, readable by any key of the tenant that knows the
Idempotency-Key. So the stored answer is a refusal instead: ``409 idempotency_replay_unavailable``, naming the
object the first request created.

Why refuse rather than replay the answer with the secret blanked out: a client retries because the first
answer never reached it, so it does not have the secret, and no replay can give it back. A 201 without the
secret looks like success to a client that reads ``secret`` — it would store an empty credential and leave a
working key it does not know of. The refusal forces the one useful step, with the id to take it: revoke that
key (or delete that endpoint) and create another under a new Idempotency-Key. The retry still creates nothing
twice, which is what the Idempotency-Key promised.

``POST /v1/webhook-endpoints/{id}/rotate-secret`` shows a new secret too, so its answer is refused the same way;
what it names is the endpoint whose secret it rotated, and the step is to rotate again.
"""

from __future__ import annotations

import json
from typing import Any

from litestar.handlers import HTTPRouteHandler

from pdp.platform.idempotency import StoredResponse
from pdp.web.errors import PROBLEM

SECRET_OPT = "pdp_shows_secret"  # noqa: S105 - the name of a handler option, not a secret
CREATED, ROTATED = "created", "rotated"  # what the first request did, and the key naming its object in the refusal
SHOWS_SECRET: dict[str, Any] = {SECRET_OPT: CREATED}
SHOWS_ROTATED_SECRET: dict[str, Any] = {SECRET_OPT: ROTATED}
CODE = "idempotency_replay_unavailable"
_UNDO = {
    (CREATED, "api_key"): "revoke it (POST /v1/api-keys/{id}/revoke) and create another key",
    (CREATED, "webhook_endpoint"): "delete it (DELETE /v1/webhook-endpoints/{id}) and register the endpoint again",
    (ROTATED, "webhook_endpoint"): "rotate it again (POST /v1/webhook-endpoints/{id}/rotate-secret)",
}


def for_replay(handler: HTTPRouteHandler, response: StoredResponse, path: str) -> StoredResponse:
    """The response to keep for replays of ``handler``'s ``response``: itself, unless it shows a secret."""
    done = handler.opt.get(SECRET_OPT)
    if not done or response.status >= 300:
        return response
    shown = json.loads(response.body)
    kind, object_id = str(shown.get("object", "")), str(shown.get("id", ""))
    undo = _UNDO.get((done, kind), "delete it and create another").format(id=object_id)
    what = f"created {kind} {object_id}" if done == CREATED else f"rotated the secret of {kind} {object_id}"
    body = {
        "type": f"https://docs.pdp.dev/errors/{CODE}",
        "title": "This answer showed a secret once and cannot be replayed",
        "status": 409,
        "code": CODE,
        "detail": f"The first request with this Idempotency-Key {what}. Its secret was shown in that answer only "
        f"and pdp does not keep it. If you did not receive it, {undo}, with a new Idempotency-Key.",
        "instance": path,
        done: {"object": kind, "id": object_id},
    }
    return StoredResponse(409, json.dumps(body).encode(), PROBLEM)
