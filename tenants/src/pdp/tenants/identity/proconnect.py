"""ProConnect as a proof (the ``siret`` claim is the provider's) and as a way for portal users to sign in.

The relying party itself is :mod:`pdp.connectors.proconnect`; this module decides what an identity it returns
proves. The ``siret`` claim names the establishment the person signed in for: ProConnect's identity providers
attach a person to an organisation (https://partenaires.proconnect.gouv.fr/docs/fournisseur-service/donnees_fournies),
so a person whose ProConnect account is attached to the provider's SIRET acts for it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.connectors.proconnect.client import Identity, LoginRequest, ProConnectClient
from pdp.connectors.proconnect.errors import ProConnectError, ProConnectUnavailable
from pdp.platform.errors import Unauthenticated
from pdp.platform.settings import Settings
from pdp.tenants.accounts.models import PortalUser
from pdp.tenants.accounts.portal_repository import PortalUserRepository
from pdp.tenants.identity.models import IdentityProof
from pdp.tenants.identity.proofs import record_verified, require_siret
from pdp.tenants.providers.models import Provider

__all__ = [
    "Identity",
    "LoginRequest",
    "ProConnectClient",
    "ProConnectError",
    "ProConnectUnavailable",
    "open_proconnect",
    "portal_user_for",
    "prove",
]

TIMEOUT_SECONDS = 10.0


@asynccontextmanager
async def open_proconnect(settings: Settings) -> AsyncIterator[ProConnectClient | None]:
    """The process's ProConnect client; ``None`` when no issuer and client are configured (the channel is off)."""
    if not (settings.proconnect_issuer and settings.proconnect_client_id):
        yield None
        return
    async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS, follow_redirects=False) as http:
        yield ProConnectClient(
            settings.proconnect_issuer, settings.proconnect_client_id, settings.proconnect_client_secret, http
        )


async def prove(
    session: AsyncSession, provider: Provider, identity: Identity, *, mandate_id: str | None, ip: str | None
) -> IdentityProof:
    """A verified proof when ProConnect vouches for the provider's SIRET; 403 ``identity_siret_mismatch`` else."""
    require_siret(provider, identity.siret, "proconnect")
    return await record_verified(
        session,
        provider,
        channel="proconnect",
        subject=identity.subject,
        email=identity.email,
        claims=identity.evidence(),
        ip=ip,
        mandate_id=mandate_id,
    )


async def portal_user_for(session: AsyncSession, identity: Identity) -> PortalUser:
    """The portal user ProConnect signs in: the one linked to this ``sub``, else the one with this e-mail, which is
    then linked to it (ProConnect recommends reconciling by ``sub``; the e-mail serves the first time only)."""
    users = PortalUserRepository(session)
    user = await users.by_proconnect_subject(identity.subject)
    if user is None and identity.email:
        user = await users.by_email(identity.email.strip().lower())
        if user is not None and user.proconnect_sub not in (None, identity.subject):
            user = None  # that account is linked to another ProConnect identity: an e-mail does not override it
        if user is not None:
            user.proconnect_sub = identity.subject
            await session.flush()
    if user is None:
        raise Unauthenticated(
            "No portal account of this platform is linked to this ProConnect identity.", code="portal_user_unknown"
        )
    if user.status != "active":
        raise Unauthenticated("This portal account is disabled.", code="portal_user_inactive")
    return user
