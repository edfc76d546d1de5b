"""Steps several tests walk through the API: a provider, a mandate accepted on its portal page, a deposit.

A mandate becomes active the way a provider makes it so: its invitation link (from the e-mail pdp prepares, read
through the app's own invitation service rather than a mailbox: tests run no worker), a real identity proof
through the ProConnect stand-in (tests/conftest.py ``proconnect_mock``), then the signed acceptance form.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any
from urllib.parse import urlsplit

import httpx
import msgspec
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.einvoice.formats.cii_write import write_cii
from pdp.einvoice.formats.json_input import to_invoice
from pdp.platform.db.session import create_engine, create_sessionmaker, unit_of_work
from pdp.platform.settings import Settings
from pdp.tenants.archive import service as archive_service
from pdp.tenants.archive.repository import DocumentRepository
from pdp.tenants.archive.store import Archive
from pdp.tenants.mandates.invitations import prepare_invitation
from tests.conftest import TenantFixture
from tests.factories import provider_payload
from tests.invoices.validation.test_engine import SELLER, structured
from tests.mail import link_in

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) pdp-tests"


def portal_path(url: str) -> str:
    """The path (and query) of an absolute URL: what an in-process client asks for."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def csrf_field(page_html: str) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page_html)
    assert found, "the form carries no CSRF field"
    return found.group(1)


async def post_form(
    client: Any, path: str, page_path: str | None = None, *, headers: dict[str, str] | None = None, **form: str
) -> Any:
    """Open ``page_path`` (default: ``path``) like a browser, then post ``form`` with its CSRF field."""
    sent = {"user-agent": BROWSER, **(headers or {})}
    page = await client.get(page_path or path, headers=sent)
    assert page.status_code == 200, page.text
    data = {"_csrf_token": csrf_field(page.text), **form}
    return await client.post(path, data=data, headers=sent, follow_redirects=False)


def _settings_of(client: Any) -> Settings:
    """The settings of an in-process app (a Litestar test client's). Its engine serves another event loop (the
    client's lifespan runs in a thread of its own): the helpers open their own connection."""
    settings: Settings = client.app.state.resources.settings
    return settings


async def invitation_path(
    client: Any,
    tenant_id: str,
    mandate_id: str,
    *,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    settings: Settings | None = None,
) -> str:
    """A fresh invitation link of the mandate, as pdp's e-mail carries it (its path). The app's own invitation
    service prepares the e-mail, exactly as the worker's job does before sending it."""
    settings = settings or _settings_of(client)
    engine = None
    if sessionmaker is None:
        engine = create_engine(settings.database_url, pool_size=1)
        sessionmaker = create_sessionmaker(engine)
    try:
        async with unit_of_work(sessionmaker, tenant_id=tenant_id) as session:
            message = await prepare_invitation(session, settings, mandate_id)
    finally:
        if engine is not None:
            await engine.dispose()
    assert message is not None, f"mandate {mandate_id} is not awaiting acceptance"
    return portal_path(link_in(message, "/invitation/"))


async def prove_with_proconnect(
    client: Any, path: str, issuer: str, *, siret: str, email: str = "jeanne.dupont@example.fr", sub: str = ""
) -> Any:
    """Prove on the invitation at ``path`` with a ProConnect identity attached to ``siret``: the start, the
    stand-in's authorization form, the return. Answers the return's response (303 back to the invitation when
    the proof holds)."""
    sub = sub or f"pc-{secrets.token_hex(6)}"
    async with httpx.AsyncClient(timeout=30) as proconnect:
        created = await proconnect.put(
            f"{issuer}/users/{sub}",
            json={"email": email, "siret": siret, "given_name": "Jeanne", "usual_name": "Dupont", "idp_id": "mock"},
        )
        assert created.status_code == 204, created.text
        start = await client.get(f"{path}/proconnect", follow_redirects=False)
        assert start.status_code == 303, start.text
        authorized = await proconnect.post(start.headers["location"], data={"sub": sub})
        assert authorized.status_code == 302, authorized.text
    return await client.get(portal_path(authorized.headers["location"]), follow_redirects=False)


async def accept_invitation(
    client: Any,
    tenant: TenantFixture,
    mandate_id: str,
    *,
    full_name: str = "Jeanne Dupont",
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    settings: Settings | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """The provider's whole answer to an invitation: link, ProConnect proof, signed acceptance (its response).
    ``headers`` go with the acceptance (an ``X-Forwarded-For``, say)."""
    settings = settings or _settings_of(client)
    mandate = (await client.get(f"/v1/mandates/{mandate_id}", headers=tenant.headers)).json()
    provider = (await client.get(f"/v1/providers/{mandate['provider_id']}", headers=tenant.headers)).json()
    path = await invitation_path(client, tenant.id, mandate_id, sessionmaker=sessionmaker, settings=settings)
    proved = await prove_with_proconnect(client, path, settings.proconnect_issuer, siret=provider["siret"])
    assert proved.status_code == 303, proved.text
    return await post_form(client, path, headers=headers, full_name=full_name, consent="yes")


async def new_provider(client: Any, tenant: TenantFixture, **overrides: Any) -> dict[str, Any]:
    """A provider created through the Partner API (tests.factories.provider_payload with ``overrides``)."""
    response = await client.post("/v1/providers", json=provider_payload(**overrides), headers=tenant.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def seller_provider(client: Any, tenant: TenantFixture, **overrides: Any) -> dict[str, Any]:
    """The provider whose SIRET is the seller of the test invoices (tests.invoices.validation.test_engine)."""
    return await new_provider(client, tenant, **{"siret": SELLER.siret, "name": SELLER.name, **overrides})


async def new_mandate(client: Any, tenant: TenantFixture, provider_id: str, **body: Any) -> dict[str, Any]:
    """A pending mandate asked through the Partner API (its PDF is archived at once, its invitation staged)."""
    body.setdefault("valid_from", "2026-01-01")
    created = await client.post(f"/v1/providers/{provider_id}/mandates", json=body, headers=tenant.headers)
    assert created.status_code == 201, created.text
    return dict(created.json())


async def pending_invitation(
    client: Any,
    tenant: TenantFixture,
    *,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    settings: Settings | None = None,
    **provider: Any,
) -> tuple[dict[str, Any], str]:
    """A pending mandate of a new provider (``provider``: its fields), and the path of its invitation link (as
    pdp's e-mail carries it); pass ``sessionmaker`` and ``settings`` when ``client`` talks to another process."""
    created = await new_provider(client, tenant, **provider)
    mandate = await new_mandate(client, tenant, created["id"])
    path = await invitation_path(client, tenant.id, mandate["id"], sessionmaker=sessionmaker, settings=settings)
    return mandate, path


async def active_mandate(
    client: Any,
    tenant: TenantFixture,
    provider_id: str,
    *,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    settings: Settings | None = None,
    **body: Any,
) -> dict[str, Any]:
    """A mandate the provider accepted through the portal (ProConnect proof); pass ``sessionmaker`` and
    ``settings`` when ``client`` talks to a server in another process."""
    created = await new_mandate(client, tenant, provider_id, **body)
    accepted = await accept_invitation(client, tenant, created["id"], sessionmaker=sessionmaker, settings=settings)
    assert accepted.status_code == 303, accepted.text
    return created


def cii_invoice(**overrides: object) -> bytes:
    return write_cii(to_invoice(structured(**overrides), seller=SELLER))


def json_invoice(provider_id: str, **overrides: object) -> dict[str, Any]:
    return {**msgspec.to_builtins(structured(**overrides)), "provider_id": provider_id}


async def deposit_cii(client: Any, tenant: TenantFixture, provider_id: str, **overrides: object) -> Any:
    return await client.post(
        "/v1/invoices",
        files={"file": ("facture.xml", cii_invoice(**overrides), "application/xml")},
        data={"metadata": msgspec.json.encode({"provider_id": provider_id}).decode()},
        headers=tenant.headers,
    )


async def mandate_evidence(
    sessionmaker: async_sessionmaker[AsyncSession], archive: Archive, tenant_id: str, mandate_id: str
) -> tuple[set[str], dict[str, Any]]:
    """The kinds of the documents archived for a mandate, and its acceptance evidence as read from the archive."""
    async with unit_of_work(sessionmaker, tenant_id=tenant_id) as session:
        documents = await DocumentRepository(session).of_subject(mandate_id)
        evidence = next(d for d in documents if d.kind == "mandate_evidence")
        _, raw = await archive_service.content(session, archive, evidence.id)
    return {d.kind for d in documents}, dict(json.loads(raw))
