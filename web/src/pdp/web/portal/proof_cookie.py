"""The browser that proved an identity keeps the proof: a cookie naming it, signed, scoped to the invitations.

A verified proof serves the acceptance made *in the browser that proved it*: whoever else opens the same link
(a forwarded e-mail) must prove again. The cookie holds the proof's id and an HMAC of it with the tenant, under a
key derived from ``PDP_MASTER_KEYS`` (so every API process checks it, and nobody forges one), and lives as long
as a proof serves (:data:`pdp.tenants.mandates.invitations.PROOF_VALID_FOR`).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response

from pdp.platform.security.derived_keys import DerivedKeys
from pdp.platform.settings import Settings
from pdp.tenants.mandates.invitations import PROOF_VALID_FOR

COOKIE = "pdp_identity"
KEY_LABEL = "pdp/portal-identity-cookie/v1"


def _path(tenant_id: str) -> str:
    return f"/portal/{tenant_id}/invitation"


def _keys(settings: Settings) -> DerivedKeys | None:
    return DerivedKeys(settings.master_keys, KEY_LABEL) if settings.master_keys.strip() else None


def set_proof_cookie(response: Response[Any], tenant_id: str, proof_id: str, settings: Settings) -> None:
    keys = _keys(settings)
    if keys is None:  # no master key, no proof kept: every channel needs one anyway
        return
    response.set_cookie(
        COOKIE,
        f"{proof_id}.{keys.mac(f'{tenant_id}|{proof_id}')}",
        path=_path(tenant_id),
        httponly=True,
        secure=settings.public_url.startswith("https://"),
        # Lax: the cookie set on ProConnect's return must come back with the redirect to the invitation.
        samesite="lax",
        max_age=int(PROOF_VALID_FOR.total_seconds()),
    )


def proof_of(request: Request[Any, Any, Any], tenant_id: str, settings: Settings) -> str | None:
    """The proof this browser holds for this portal, if its cookie checks."""
    proof_id, _, mac = request.cookies.get(COOKIE, "").partition(".")
    keys = _keys(settings)
    if not proof_id or not mac or keys is None:
        return None
    return proof_id if keys.verify(f"{tenant_id}|{proof_id}", mac) else None
