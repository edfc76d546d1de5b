"""Mandates (docs/api.md § Mandates): request one for a provider, list and follow them, revoke one."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.ids import ID_PATTERN
from pdp.tenants.accounts.service import Principal
from pdp.tenants.mandates import service
from pdp.tenants.mandates.repository import MandateRepository
from pdp.tenants.mandates.schemas import MandateCreate, MandateRead
from pdp.tenants.providers.repository import ProviderRepository
from pdp.web.api.pagination import Limit, ListResponse, StartingAfter
from pdp.web.api.problems import problems
from pdp.web.resources import Resources

MandateStatus = Annotated[Literal["pending", "active", "revoked", "expired"] | None, QueryParameter()]


async def _page(
    session: AsyncSession, provider_id: str | None, status: str | None, limit: int, starting_after: str | None
) -> ListResponse[MandateRead]:
    page = await MandateRepository(session).search(
        provider_id=provider_id, status=status, limit=limit, starting_after=starting_after
    )
    return ListResponse([service.to_read(m) for m in page.items], page.has_more)


class MandatesController(Controller):
    path = "/v1"
    tags = ["Mandates"]

    @post(
        "/providers/{provider_id:str}/mandates",
        responses=problems(400, 404, 409, 422, 503),
        summary="Request a mandate from a provider",
        description="Renders the mandate to PDF and archives it; pdp then e-mails the provider's contact an "
        "invitation (a single-use link, valid 14 days) to the portal, where the provider's signatory proves that it "
        "acts for the provider's SIRET (ProConnect, the provider's own Chorus Pro account, or a code sent by post), "
        "reads the mandate and accepts or refuses it. The mandate becomes `active` only then: the tenant never "
        "receives a link that accepts by itself.",
    )
    async def create(
        self,
        provider_id: FromPath[str],
        data: JSONBody[MandateCreate],
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        resources: NamedDependency[Resources],
    ) -> MandateRead:
        settings = resources.settings
        mandate = await service.create(
            session,
            resources.archive,
            provider_id,
            data,
            principal.actor,
            retention_days=settings.archive_retention_days,
            max_pending=settings.mandate_pending_max,
        )
        return service.to_read(mandate)

    @get("/mandates", responses=problems(422), summary="List mandates, newest first")
    async def list(
        self,
        *,
        session: NamedDependency[AsyncSession],
        limit: Limit = 10,
        starting_after: StartingAfter = None,
        provider_id: Annotated[str | None, QueryParameter(pattern=ID_PATTERN)] = None,
        status: MandateStatus = None,
    ) -> ListResponse[MandateRead]:
        return await _page(session, provider_id, status, limit, starting_after)

    @get(
        "/providers/{provider_id:str}/mandates",
        responses=problems(404, 422),
        summary="List a provider's mandates, newest first",
        description="The same list as `GET /v1/mandates?provider_id=`; another tenant's provider is 404.",
    )
    async def list_of_provider(
        self,
        provider_id: FromPath[str],
        *,
        session: NamedDependency[AsyncSession],
        limit: Limit = 10,
        starting_after: StartingAfter = None,
        status: MandateStatus = None,
    ) -> ListResponse[MandateRead]:
        await ProviderRepository(session).get(provider_id)  # 404 unless the provider is the caller's
        return await _page(session, provider_id, status, limit, starting_after)

    @get("/mandates/{mandate_id:str}", responses=problems(404), summary="Retrieve a mandate")
    async def retrieve(self, mandate_id: FromPath[str], session: NamedDependency[AsyncSession]) -> MandateRead:
        return service.to_read(await service.get(session, mandate_id))

    @post(
        "/mandates/{mandate_id:str}/resend-invitation",
        status_code=202,
        responses=problems(404, 409),
        summary="E-mail the provider its invitation again",
        description="For a pending mandate: pdp e-mails the provider's current contact e-mail a new invitation "
        "link, and the 14 days to accept start again (after the contact e-mail was corrected, or the first "
        "invitation expired). A mandate no longer pending is `409 mandate_not_pending`.",
    )
    async def resend_invitation(
        self,
        mandate_id: FromPath[str],
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        resources: NamedDependency[Resources],
    ) -> MandateRead:
        mandate = await service.resend_invitation(
            session, mandate_id, principal.actor, max_pending=resources.settings.mandate_pending_max
        )
        return service.to_read(mandate)

    @post(
        "/mandates/{mandate_id:str}/revoke",
        status_code=200,
        responses=problems(404, 409),
        summary="Revoke a mandate",
        description="Deposits stop at once, including those queued for submission; revoking twice is harmless.",
    )
    async def revoke(
        self, mandate_id: FromPath[str], session: NamedDependency[AsyncSession], principal: NamedDependency[Principal]
    ) -> MandateRead:
        return service.to_read(await service.revoke(session, mandate_id, principal.actor))
