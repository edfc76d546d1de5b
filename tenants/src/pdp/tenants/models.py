"""Every model of every slice, imported in one place: the metadata Alembic compares against."""

from pdp.platform.audit import AuditEvent
from pdp.platform.db.base import Base
from pdp.platform.idempotency import IdempotencyKey
from pdp.platform.outbox import OutboxMessage
from pdp.tenants.accounts.models import (
    ApiKey,
    Membership,
    PortalSession,
    PortalToken,
    PortalUser,
    StaffCase,
    StaffUser,
    Tenant,
)
from pdp.tenants.archive.models import ArchivedDocument, ArchiveUsage
from pdp.tenants.deposits.models import ChorusExchange, InvoiceRecord
from pdp.tenants.directory.models import Recipient, RecipientService
from pdp.tenants.events.models import Event
from pdp.tenants.identity.models import IdentityProof
from pdp.tenants.mandates.models import Mandate
from pdp.tenants.providers.models import ChorusPlatformAccount, Provider
from pdp.tenants.staff.models import StaffAccessGrant, StaffSession
from pdp.tenants.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "ApiKey",
    "ArchiveUsage",
    "ArchivedDocument",
    "AuditEvent",
    "Base",
    "ChorusExchange",
    "ChorusPlatformAccount",
    "Event",
    "IdempotencyKey",
    "IdentityProof",
    "InvoiceRecord",
    "Mandate",
    "Membership",
    "OutboxMessage",
    "PortalSession",
    "PortalToken",
    "PortalUser",
    "Provider",
    "Recipient",
    "RecipientService",
    "StaffAccessGrant",
    "StaffCase",
    "StaffSession",
    "StaffUser",
    "Tenant",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]
