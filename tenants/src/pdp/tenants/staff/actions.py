"""What staff may do to a tenant, under an open grant on it, each act audited in the tenant's chain.

Roles: ``support`` reads and takes the safe actions, ``operator`` takes every action on tenant data, ``admin``
also manages the tenant's lifecycle (suspend, reactivate) and staff accounts. The session is bound to the
tenant as pdp itself (the app role: the staff role only reads); the grant is checked first, as for a read.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import clock, outbox
from pdp.platform.audit import AuditRepository
from pdp.platform.callers import StaffCaller
from pdp.platform.errors import Conflict, Forbidden, NotFound, ValidationFailed
from pdp.platform.security.envelope import Envelope
from pdp.tenants.accounts.models import ApiKey, StaffUser, Tenant
from pdp.tenants.accounts.repository import TenantsRepository
from pdp.tenants.accounts.service import revoke_api_key
from pdp.tenants.archive.repository import open_tenant_case
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.deposits.repository import InvoiceRepository
from pdp.tenants.events.service import EventRepository
from pdp.tenants.notifications.emails import LABELS
from pdp.tenants.notifications.service import EMAIL_JOB
from pdp.tenants.staff import grants
from pdp.tenants.staff.models import StaffAccessGrant
from pdp.tenants.webhooks.models import WebhookDelivery, WebhookEndpoint
from pdp.tenants.webhooks.repository import DeliveryRepository
from pdp.tenants.webhooks.service import previous_validity, replay, rotate_secret

RANKS = {"support": 0, "operator": 1, "admin": 2}


class StaffRoleRequired(Forbidden):
    default_code = "staff_role_required"
    title = "Your staff role does not allow this action"


def require_role(staff: StaffUser, role: str) -> None:
    if RANKS.get(staff.role, -1) < RANKS[role]:
        raise StaffRoleRequired(f"This action needs the {role} role (yours: {staff.role}).", needed_role=role)


class GrantTooNarrow(Forbidden):
    default_code = "grant_narrowed"
    title = "Your access grant is narrowed to one provider"


async def _acting(
    session: AsyncSession, caller: StaffCaller, role: str, *, tenant_wide: bool = False
) -> tuple[StaffUser, StaffAccessGrant]:
    """The staff member and their open grant, read from the database (not from the caller, which a command line
    builds from ids): a grant narrowed to a provider acts on that provider's invoices only, and never on the
    tenant's own settings (``tenant_wide``)."""
    staff = await grants.staff_member(session, caller.staff_id)
    require_role(staff, role)
    grant = await grants.require_open(session, caller)
    if tenant_wide and (grant.provider_id is not None or grant.invoice_id is not None):
        raise GrantTooNarrow("This act concerns the whole platform; open a grant on it, not on one provider.")
    return staff, grant


async def _invoice_under(
    session: AsyncSession, grant: StaffAccessGrant, invoice_id: str, *, lock: bool = False
) -> InvoiceRecord:
    """The invoice, if the grant reaches it: under a provider's grant, another provider's invoice is not found,
    as it is not in the pages read under that grant; under an invoice's grant, any other invoice."""
    invoices = InvoiceRepository(session)
    invoice = await (invoices.for_update(invoice_id) if lock else invoices.get(invoice_id))
    outside_provider = grant.provider_id is not None and invoice.provider_id != grant.provider_id
    if outside_provider or (grant.invoice_id is not None and invoice.id != grant.invoice_id):
        raise NotFound(f"No such invoice: {invoice_id}")
    return invoice


async def suspend(session: AsyncSession, caller: StaffCaller, reason: str) -> Tenant:
    """Suspend the tenant: its API keys get 403 ``tenant_suspended``, its portal says why."""
    if not reason.strip():
        raise ValidationFailed("Say why the platform is suspended: its portal shows it.", code="suspension_reason")
    await _acting(session, caller, "admin", tenant_wide=True)
    tenant = await TenantsRepository(session).current()
    if tenant.status == "suspended":
        raise Conflict("This platform is already suspended.", code="tenant_already_suspended")
    tenant.status, tenant.suspended_at, tenant.suspension_reason = "suspended", clock.now(), reason.strip()
    await AuditRepository(session).append(
        caller.actor, "tenant.suspended", "tenant", tenant.id, {"reason": reason.strip(), "grant": caller.grant_id}
    )
    return tenant


async def reactivate(session: AsyncSession, caller: StaffCaller) -> Tenant:
    await _acting(session, caller, "admin", tenant_wide=True)
    tenant = await TenantsRepository(session).current()
    if tenant.status == "active":
        raise Conflict("This platform is active.", code="tenant_already_active")
    tenant.status, tenant.suspended_at, tenant.suspension_reason = "active", None, None
    await AuditRepository(session).append(
        caller.actor, "tenant.reactivated", "tenant", tenant.id, {"grant": caller.grant_id}
    )
    return tenant


async def redrive(session: AsyncSession, caller: StaffCaller, invoice_id: str) -> InvoiceRecord:
    """Run the invoice's next step now (a safe action: submission and tracking are idempotent): the sweep
    picks it up within seconds. A stalled invoice is tracked again, and moves if Chorus moved it."""
    _staff, grant = await _acting(session, caller, "support")
    invoice = await _invoice_under(session, grant, invoice_id, lock=True)
    invoice.next_check_at = clock.now()
    await AuditRepository(session).append(
        caller.actor, "invoice.redriven", "invoice", invoice.id, {"status": invoice.status, "grant": caller.grant_id}
    )
    return invoice


async def revoke_key(session: AsyncSession, caller: StaffCaller, key_id: str) -> ApiKey:
    """Revoke one of the tenant's API keys at once (a leaked key): an operator's act."""
    await _acting(session, caller, "operator", tenant_wide=True)
    return await revoke_api_key(session, key_id, caller.actor)


async def replay_webhook(session: AsyncSession, caller: StaffCaller, delivery_id: str) -> WebhookDelivery:
    """Send a webhook delivery again now (a safe act: receivers dedupe on the event id)."""
    _staff, grant = await _acting(session, caller, "support")
    if grant.provider_id is not None:  # only a delivery about the provider or one of its invoices
        delivery = await DeliveryRepository(session).for_update(delivery_id)
        subject = (await EventRepository(session).get(delivery.event_id)).subject_id
        if subject != grant.provider_id:
            await _invoice_under(session, grant, subject)
    return await replay(session, delivery_id, caller.actor)


async def resend_status_email(session: AsyncSession, caller: StaffCaller, invoice_id: str) -> str:
    """Send the provider's e-mail about the invoice's current status again (a safe act: the same e-mail)."""
    _staff, grant = await _acting(session, caller, "support")
    invoice = await _invoice_under(session, grant, invoice_id)
    latest = await EventRepository(session).latest_about(invoice.id, "invoice.status_changed")
    if latest is None or str(latest.data.get("status")) not in LABELS:
        raise Conflict("This invoice's status has no e-mail to send.", code="no_status_email")
    outbox.add(session, EMAIL_JOB, event_id=latest.id)
    await AuditRepository(session).append(
        caller.actor, "invoice.email_resent", "invoice", invoice.id, {"event_id": latest.id, "grant": caller.grant_id}
    )
    return latest.id


async def mark_for_follow_up(session: AsyncSession, caller: StaffCaller, invoice_id: str, note: str) -> None:
    """Put the invoice in the staff queue for a person to follow (a call to the buyer's service, a letter): a
    ``manual_follow_up`` case with the note, closed with what was done. Marking it again replaces the note."""
    if not note.strip():
        raise ValidationFailed("Say what must be followed up, and with whom.", code="follow_up_note")
    staff, grant = await _acting(session, caller, "support")
    invoice = await _invoice_under(session, grant, invoice_id)
    detail = {"note": note.strip(), "by": staff.full_name, "number": invoice.number, "status": invoice.status}
    await open_tenant_case(session, "manual_follow_up", invoice.id, detail)
    await AuditRepository(session).append(
        caller.actor,
        "invoice.follow_up_marked",
        "invoice",
        invoice.id,
        {"note": note.strip(), "grant": caller.grant_id},
    )


async def rotate_webhook_secret(
    session: AsyncSession, caller: StaffCaller, endpoint_id: str, envelope: Envelope, *, previous_valid_hours: int
) -> WebhookEndpoint:
    """Replace an endpoint's signing secret (a leaked one: ``previous_valid_hours=0`` stops it at once). Staff
    never see the new secret: the platform takes one it knows with ``POST /v1/webhook-endpoints/{id}/rotate-secret``,
    as it would a new API key after a revoked one. An operator's act."""
    await _acting(session, caller, "operator", tenant_wide=True)
    endpoint, _unseen = await rotate_secret(
        session, endpoint_id, envelope, caller.actor, previous_valid_for=previous_validity(previous_valid_hours)
    )
    return endpoint
