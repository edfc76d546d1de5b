"""Requests to the emulator with bodies pdp's typed client would never send: the shapes other clients send."""

from __future__ import annotations

from typing import Any

import httpx

from pdp.connectors.chorus_pro.auth import PisteApplication, PisteTokens
from tests.sandbox.harness import SUPPLIER, RunningSandbox


async def post_raw(
    sandbox: RunningSandbox, http: httpx.AsyncClient, path: str, body: dict[str, Any], *, siret: str = SUPPLIER
) -> httpx.Response:
    """POST ``body`` as JSON to ``path`` with a valid bearer token and ``siret``'s technical account."""
    piste = sandbox.info["piste"]
    tokens = PisteTokens(http, sandbox.info["token_url"], PisteApplication(piste["client_id"], piste["client_secret"]))
    headers = {"Authorization": f"Bearer {await tokens.token()}", "cpro-account": sandbox.account(siret).header}
    return await http.post(sandbox.info["api_url"] + path, json=body, headers=headers)
