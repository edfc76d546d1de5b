"""The supplier's own Chorus Pro account as a proof: its login and password open ``monCompte/recuperer/rattachements``,
and the proof holds when an active attachment is to the provider's SIRET.

Chorus Pro only lets a structure's own accounts read its attachments, so whoever knows such an account's password
acts for that structure. The password is used for this one call and never stored or logged; failed attempts
are limited per provider and per client address (in Redis, shared by every API process), or the form would be a
password oracle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.connectors.chorus_pro.auth import TechnicalAccount
from pdp.connectors.chorus_pro.errors import ChorusPermanentError
from pdp.platform.attempts import Throttle
from pdp.platform.errors import RateLimited, ValidationFailed
from pdp.tenants.chorus_gateway import ChorusGateway, require_gateway
from pdp.tenants.common import finding
from pdp.tenants.identity.models import IdentityProof
from pdp.tenants.identity.proofs import SiretMismatch, record_verified
from pdp.tenants.providers.models import Provider

ACTIVE = "ACTIF"  # statutRattachementStructure of an attachment in force
WINDOW_SECONDS = 15 * 60


class TooManyAttempts(RateLimited):
    default_code = "identity_attempts_exceeded"
    title = "Too many attempts for this provider; wait before trying again"


@dataclass(frozen=True, slots=True)
class AttemptGuards:
    """5 failures per provider and 20 per client address in 15 minutes; then refused until the window ends."""

    by_provider: Throttle
    by_address: Throttle

    @classmethod
    def on(cls, redis: Any) -> AttemptGuards:
        return cls(
            by_provider=Throttle(redis, "identity:chorus-provider", limit=5, window_seconds=WINDOW_SECONDS),
            by_address=Throttle(redis, "identity:chorus-ip", limit=20, window_seconds=WINDOW_SECONDS),
        )

    async def check(self, provider: Provider, ip: str | None) -> None:
        for throttle, key in self._keys(provider, ip):
            verdict = await throttle.check(key)
            if not verdict.allowed:
                error = TooManyAttempts(
                    f"Too many failed attempts; retry in {verdict.retry_after} s.", retry_after=verdict.retry_after
                )
                error.headers["Retry-After"] = str(verdict.retry_after)
                raise error

    async def count_failure(self, provider: Provider, ip: str | None) -> None:
        for throttle, key in self._keys(provider, ip):
            await throttle.count(key)

    def _keys(self, provider: Provider, ip: str | None) -> list[tuple[Throttle, str]]:
        keys = [(self.by_provider, f"{provider.tenant_id}:{provider.id}")]
        return [*keys, (self.by_address, ip)] if ip else keys


# Refusals of pdp's own PISTE application (client.py, gateway.py), which no login or password typed here can cause.
PLATFORM_FAULTS = frozenset({"chorus_token_refused", "chorus_api_not_subscribed"})


def _refused(message: str, message_fr: str) -> ValidationFailed:
    return ValidationFailed(
        message,
        code="identity_chorus_refused",
        errors=[finding("PDP-CHORUS-ACCOUNT-REFUSED", message, message_fr, "login")],
    )


async def prove(
    session: AsyncSession,
    gateway: ChorusGateway | None,
    guards: AttemptGuards,
    provider: Provider,
    *,
    login: str,
    password: str,
    mandate_id: str | None,
    ip: str | None,
) -> IdentityProof:
    """A verified proof when Chorus Pro accepts the account and it is actively attached to the provider's SIRET.

    422 ``identity_chorus_refused`` when Chorus refuses the login or password, 403 ``identity_siret_mismatch`` when
    the account is not attached to that SIRET, 429 ``identity_attempts_exceeded`` past the attempts allowed.
    """
    login = login.strip()
    if not login or not password:
        raise _refused("Enter the account's login and password.", "Saisissez l'identifiant et le mot de passe.")
    await guards.check(provider, ip)
    # Production's Chorus when configured (the supplier's real account lives there), else qualification.
    client = require_gateway(gateway).reference.client
    try:
        answer = await client.my_structures(TechnicalAccount(login, password))
    except ChorusPermanentError as exc:
        if exc.code in PLATFORM_FAULTS:
            raise  # pdp's own PISTE application was refused, or may not call this API: not the person's doing
        await guards.count_failure(provider, ip)
        raise _refused(
            "Chorus Pro refused this login or password.",
            "Chorus Pro refuse cet identifiant ou ce mot de passe.",
        ) from exc
    attached = [
        one
        for one in answer.liste_structure_rattachement
        if one.identifiant_structure == provider.siret and one.statut_rattachement_structure == ACTIVE
    ]
    if not attached:
        await guards.count_failure(provider, ip)
        others = sorted({one.identifiant_structure or "?" for one in answer.liste_structure_rattachement})
        raise SiretMismatch(
            f"This Chorus Pro account is not actively attached to SIRET {provider.siret} "
            f"(it is to: {', '.join(others) or 'nothing'}).",
            channel="chorus_account",
        )
    structure = attached[0]
    return await record_verified(
        session,
        provider,
        channel="chorus_account",
        subject=login,
        email=None,
        claims={
            "login": login,
            "structure_id": structure.id_structure,
            "structure_siret": structure.identifiant_structure,
            "structure_name": structure.designation_structure,
            "role": structure.role_utilisateur,
            "attachment_status": structure.statut_rattachement_structure,
        },
        ip=ip,
        mandate_id=mandate_id,
    )
