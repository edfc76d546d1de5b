"""What the portal's handlers need to know of the browser in front of them: its address and its user agent."""

from __future__ import annotations

from typing import Any

from litestar import Request

from pdp.tenants.accounts.sign_in import Client
from pdp.web.client_address import client_address, trusted_proxies
from pdp.web.resources import Resources


def client_of(request: Request[Any, Any, Any], resources: Resources, tenant_id: str) -> Client:
    ip = client_address(
        request.client.host if request.client else "",
        request.headers.getall("x-forwarded-for", []),
        trusted_proxies(resources.settings.trusted_proxies),
    )
    return Client(tenant_id, ip, request.headers.get("user-agent", ""))
