"""What a staff member reads of a tenant under an access grant, in a session bound to their
:class:`~pdp.platform.callers.StaffCaller` (so the staff role's policies apply to every row)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import clock
from pdp.platform.audit import AuditEvent
from pdp.platform.db.tenancy import tenant_of
from pdp.platform.errors import NotFound
from pdp.tenants.accounts.models import ApiKey, Tenant
from pdp.tenants.archive.models import ArchivedDocument
from pdp.tenants.deposits.models import ChorusExchange, InvoiceRecord
from pdp.tenants.events.models import Event
from pdp.tenants.mandates.models import Mandate
from pdp.tenants.providers.models import Provider
from pdp.tenants.webhooks.models import WebhookDelivery, WebhookEndpoint


async def tenant_overview(session: AsyncSession) -> dict[str, Any]:
    """The tenant page: status, API keys (last four characters, scopes, revoked), webhook endpoints, invoices by
    status. Nothing here carries an amount or a document."""
    tenant = (await session.execute(select(Tenant))).scalar_one_or_none()
    if tenant is None:
        return {}
    keys = (await session.execute(select(ApiKey).order_by(ApiKey.created_at))).scalars()
    endpoints = (await session.execute(select(WebhookEndpoint).order_by(WebhookEndpoint.created_at))).scalars()
    statuses = await session.execute(
        select(InvoiceRecord.status, func.count()).group_by(InvoiceRecord.status).order_by(InvoiceRecord.status)
    )
    # Each endpoint's deliveries by status: its failure rate at a glance.
    delivered = await session.execute(
        select(WebhookDelivery.endpoint_id, WebhookDelivery.status, func.count()).group_by(
            WebhookDelivery.endpoint_id, WebhookDelivery.status
        )
    )
    by_endpoint: dict[str, dict[str, int]] = {}
    for endpoint_id, status, count in delivered:
        by_endpoint.setdefault(endpoint_id, {})[status] = count
    erring = select(InvoiceRecord).where(InvoiceRecord.last_error.is_not(None))
    errors = await _all(session, erring.order_by(InvoiceRecord.updated_at.desc()).limit(10))
    return {
        "tenant_id": tenant.id,
        "name": tenant.name,
        "status": tenant.status,
        "suspension_reason": tenant.suspension_reason,
        "api_keys": [
            {
                "id": k.id,
                "name": k.name,
                "last4": k.last4,
                "mode": k.mode,
                "scopes": list(k.scopes),
                "revoked": k.revoked_at is not None,
            }
            for k in keys
        ],
        "webhook_endpoints": [
            {
                "id": e.id,
                "url": e.url,
                "events": list(e.events),
                "deliveries": by_endpoint.get(e.id, {}),
                "deleted": e.deleted_at is not None,
                "previous_secret_until": (
                    e.previous_secret_expires_at
                    if e.previous_secret_expires_at and e.previous_secret_expires_at > clock.now()
                    else None
                ),
            }
            for e in endpoints
        ],
        "last_errors": [{"id": i.id, "number": i.number, "status": i.status, "error": i.last_error} for i in errors],
        "invoices_by_status": {status: count for status, count in statuses},
    }


async def invoice_story(session: AsyncSession, invoice_id: str) -> dict[str, Any]:
    """The invoice page: where it stands, and everything that happened to it — pdp's events, the webhook
    deliveries they made, the archived documents with their hashes, the audit log's acts on it."""
    tenant_id = tenant_of(session)
    invoice = await session.get(InvoiceRecord, (tenant_id, invoice_id)) if tenant_id else None
    if invoice is None:
        raise NotFound("No such invoice.")
    events = await _all(session, select(Event).where(Event.subject_id == invoice_id).order_by(Event.id))
    by_event = WebhookDelivery.event_id.in_([e.id for e in events])
    deliveries = await _all(session, select(WebhookDelivery).where(by_event).order_by(WebhookDelivery.id))
    of_invoice = ArchivedDocument.subject_id == invoice_id
    documents = await _all(session, select(ArchivedDocument).where(of_invoice).order_by(ArchivedDocument.created_at))
    of_calls = ChorusExchange.invoice_id == invoice_id
    calls = await _all(session, select(ChorusExchange).where(of_calls).order_by(ChorusExchange.at))
    on_invoice = (AuditEvent.target_type == "invoice", AuditEvent.target_id == invoice_id)
    acts = await _all(session, select(AuditEvent).where(*on_invoice).order_by(AuditEvent.occurred_at))
    return {
        "invoice": invoice,
        "events": [{"id": e.id, "at": e.created_at, "type": e.type, "status": e.data.get("status")} for e in events],
        "deliveries": [
            {"id": d.id, "event_id": d.event_id, "endpoint": d.endpoint_id, "status": d.status, "tries": d.attempts}
            for d in deliveries
        ],
        "documents": [
            {"kind": d.kind, "filename": d.filename, "sha256": d.sha256, "size": d.size, "at": d.created_at}
            for d in documents
        ],
        "audit": [{"at": a.occurred_at, "actor": f"{a.actor_type}:{a.actor_id}", "action": a.action} for a in acts],
        "emails": [
            {"at": a.occurred_at, "status": a.data.get("status"), "to": a.data.get("to", "")}
            for a in acts
            if a.action == "invoice.email_sent"
        ],
        "exchanges": [
            {
                "at": c.at,
                "path": c.path,
                "http_status": c.http_status,
                "code_retour": c.code_retour,
                "ms": c.duration_ms,
                "error": c.error,
                "request": json.dumps(c.request, ensure_ascii=False, indent=1),
                "answer": json.dumps(c.answer, ensure_ascii=False, indent=1),
            }
            for c in calls
        ],
    }


async def provider_story(session: AsyncSession, provider_id: str) -> dict[str, Any]:
    """The provider page: its Chorus Pro account's state, its mandates with their evidence, its latest invoices."""
    tenant_id = tenant_of(session)
    provider = await session.get(Provider, (tenant_id, provider_id)) if tenant_id else None
    if provider is None:
        raise NotFound("No such provider.")
    of_provider = Mandate.provider_id == provider_id
    mandates = await _all(session, select(Mandate).where(of_provider).order_by(Mandate.created_at.desc()))
    latest = select(InvoiceRecord).where(InvoiceRecord.provider_id == provider_id)
    invoices = await _all(session, latest.order_by(InvoiceRecord.created_at.desc()).limit(50))
    return {"provider": provider, "mandates": mandates, "invoices": invoices}


async def _all(session: AsyncSession, query: Select[Any]) -> list[Any]:
    return list((await session.execute(query)).scalars())
