"""Re-wrap every stored secret under the newest master key (``pdp keys rotate``).

Rotation is: put a new key first in ``PDP_MASTER_KEYS`` (new secrets use it at once, old ones still open with
theirs), run ``pdp keys rotate``, then drop the old key once it reports nothing left under it. Only each value's
data key is re-wrapped; the sealed value is opened to prove it intact but never re-encrypted or logged. Running it
again changes nothing: values already under the newest key are counted as current.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.audit import Actor, AuditRepository
from pdp.platform.db.tenancy import tenant_of
from pdp.platform.logging import get_logger
from pdp.platform.security.envelope import DecryptionError, Envelope
from pdp.tenants.envelopes.repository import SealedColumn, replace_sealed, sealed_values
from pdp.tenants.providers.chorus_account import password_context
from pdp.tenants.webhooks.service import secret_context

log = get_logger("pdp.envelopes")

PROVIDER_PASSWORDS = SealedColumn("providers", "chorus_password_enc")
WEBHOOK_SECRETS = SealedColumn("webhook_endpoints", "secret_enc")
# A rotated-out secret signs beside the new one for days: it must still open after the old master key is dropped.
PREVIOUS_WEBHOOK_SECRETS = SealedColumn("webhook_endpoints", "previous_secret_enc")
# Every envelope-encrypted column, with the associated data its values are bound to (tenant id, row id).
SEALED = {
    PROVIDER_PASSWORDS: password_context,
    WEBHOOK_SECRETS: secret_context,
    PREVIOUS_WEBHOOK_SECRETS: secret_context,
}


@dataclass(slots=True)
class RotationReport:
    rewrapped: int = 0  # moved under the newest key
    current: int = 0  # under the newest key already
    changed: int = 0  # rewritten by the tenant meanwhile (so under the newest key too)
    unreadable: list[str] = field(default_factory=list)  # "table/row id": corrupt, or their key is gone

    def add(self, other: RotationReport) -> None:
        self.rewrapped += other.rewrapped
        self.current += other.current
        self.changed += other.changed
        self.unreadable.extend(other.unreadable)


async def rotate_tenant(session: AsyncSession, envelope: Envelope, actor: Actor) -> RotationReport:
    """Re-wrap the session's tenant's secrets under ``envelope``'s primary key; audited when anything moved or
    was found unreadable."""
    tenant_id = tenant_of(session)
    report = RotationReport()
    for sealed, context in SEALED.items():
        for row_id, token in await sealed_values(session, sealed):
            if not envelope.needs_rotation(token):
                report.current += 1
                continue
            try:
                fresh = envelope.rewrap(token, context=context(str(tenant_id), row_id))
            except DecryptionError as exc:
                log.error(
                    "secret.unreadable",
                    table=sealed.table,
                    column=sealed.column,
                    tenant_id=tenant_id,
                    row_id=row_id,
                    reason=str(exc),
                )
                report.unreadable.append(f"{sealed.table}/{row_id}")
                continue
            if await replace_sealed(session, sealed, row_id, token, fresh):
                report.rewrapped += 1
            else:
                report.changed += 1
    if report.rewrapped or report.unreadable:
        await AuditRepository(session).append(
            actor,
            "secrets.rewrapped",
            "tenant",
            str(tenant_id),
            {"key_id": envelope.primary, "rewrapped": report.rewrapped, "unreadable": report.unreadable},
        )
    return report
