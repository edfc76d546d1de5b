"""A provider's own Chorus Pro technical account: stored encrypted, checked against Chorus on request.

Deposits for a provider use its own account when it has a valid one, else the tenant's platform account
(issue 5). The password is envelope-encrypted with the row's tenant and provider ids as associated data, so a
ciphertext copied to another row does not decrypt.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.connectors.chorus_pro.auth import TechnicalAccount
from pdp.connectors.chorus_pro.errors import ChorusPermanentError
from pdp.platform import clock
from pdp.platform.audit import Actor, AuditRepository
from pdp.platform.errors import Conflict
from pdp.platform.security.envelope import Envelope
from pdp.tenants.chorus_gateway import ChorusGateway, require_gateway
from pdp.tenants.providers.models import Provider
from pdp.tenants.providers.repository import ProviderRepository
from pdp.tenants.providers.schemas import AttachedStructure, ChorusAccountCheck, ChorusAccountSet


def password_context(tenant_id: str, provider_id: str) -> str:
    """Associated data of the encrypted password: a ciphertext copied onto another row does not open."""
    return f"provider-chorus-password:{tenant_id}:{provider_id}"


def _context(provider: Provider) -> str:
    return password_context(provider.tenant_id, provider.id)


async def set_account(
    session: AsyncSession, provider_id: str, data: ChorusAccountSet, envelope: Envelope, actor: Actor
) -> Provider:
    provider = await ProviderRepository(session).get(provider_id)
    provider.chorus_login = data.login.strip()
    provider.chorus_password_enc = envelope.encrypt(data.password, context=_context(provider))
    provider.chorus_account_status = "unchecked"
    provider.chorus_account_checked_at = None
    # Another account, or a renewed password: its expiry is read again (pdp.tenants.providers.chorus_password).
    provider.chorus_password_expires_at = provider.chorus_password_read_at = provider.chorus_password_notice = None
    provider.updated_at = clock.now()
    await session.flush()
    await AuditRepository(session).append(
        actor, "provider.chorus_account_set", "provider", provider.id, {"login": provider.chorus_login}
    )
    return provider


def account_of(provider: Provider, envelope: Envelope) -> TechnicalAccount | None:
    """The provider's technical account, decrypted; ``None`` when it has none. A password that does not decrypt
    is :class:`SecretUnreadable` (logged with the row), never another account used in its place."""
    if not provider.chorus_login or not provider.chorus_password_enc:
        return None
    password = envelope.open_stored(
        provider.chorus_password_enc,
        context=_context(provider),
        table="providers",
        tenant_id=provider.tenant_id,
        row_id=provider.id,
        detail=f"The Chorus Pro password stored for provider {provider.id} cannot be decrypted; the operator is "
        f"alerted. Set the account again (PUT /v1/providers/{provider.id}/chorus-account) to replace it.",
    )
    return TechnicalAccount(provider.chorus_login, password)


async def check_account(
    session: AsyncSession,
    provider_id: str,
    envelope: Envelope,
    gateway: ChorusGateway | None,
    actor: Actor,
    *,
    mode: str,
) -> ChorusAccountCheck:
    """Ask Chorus which structures the account is attached to (``monCompte/recuperer/rattachements``).

    ``valid``: Chorus accepts the login and the account is attached to the provider's SIRET; ``not_attached``:
    accepted, but for other structures only (deposits would be refused as "fournisseur non référencé");
    ``refused``: Chorus rejects the login or password. A transient Chorus failure raises and changes nothing.
    """
    provider = await ProviderRepository(session).get(provider_id)
    account = account_of(provider, envelope)
    if account is None:
        raise Conflict("This provider has no Chorus Pro account; PUT one first.", code="chorus_account_missing")
    # Asked of the calling key's environment: a test key never sends a provider's credentials to production.
    client = require_gateway(gateway).environment(mode).client
    structures: list[AttachedStructure] = []
    try:
        answer = await client.my_structures(account)
    except ChorusPermanentError as exc:  # login/password refused, or no rights for this call
        status, detail = "refused", f"Chorus Pro refused the account: {exc.detail}"
    else:
        structures = [
            AttachedStructure(
                siret=one.identifiant_structure, name=one.designation_structure, role=one.role_utilisateur
            )
            for one in answer.liste_structure_rattachement
        ]
        if any(one.siret == provider.siret for one in structures):
            status, detail = "valid", "Chorus Pro accepts the account and it is attached to the provider's SIRET."
        else:
            status, detail = "not_attached", f"The account is not attached to SIRET {provider.siret} in Chorus Pro."
    provider.chorus_account_status = status
    provider.chorus_account_checked_at = checked_at = clock.now()
    await session.flush()
    await AuditRepository(session).append(
        actor, "provider.chorus_account_checked", "provider", provider.id, {"status": status}
    )
    return ChorusAccountCheck(
        status=status,  # type: ignore[arg-type]
        login=account.login,
        checked_at=checked_at,
        detail=detail,
        structures=structures,
    )
