"""``/v1/recipients/{siret}`` (docs/api.md § Directory of public recipients): Chorus Pro's directory, cached."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.tenants.directory.schemas import RecipientRead
from pdp.tenants.directory.service import open_directory
from pdp.web.api.problems import problems
from pdp.web.resources import Resources


class RecipientsController(Controller):
    path = "/v1/recipients"
    tags = ["Directory"]

    @get(
        "/{siret:str}",
        responses=problems(400, 404, 502, 503),
        summary="Look up a public recipient",
        description="What Chorus Pro requires of an invoice to this structure (service code, engagement number) "
        "and its services. Served from a cache refreshed daily; a miss asks Chorus Pro.",
    )
    async def retrieve(
        self, siret: FromPath[str], session: NamedDependency[AsyncSession], resources: NamedDependency[Resources]
    ) -> RecipientRead:
        directory = open_directory(resources.sessionmaker, resources.chorus, resources.settings.directory_ttl_hours)
        return await directory.get(siret)
