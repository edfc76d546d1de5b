"""The tenant's logo (``/portal/{tenant_id}/logo?v=<digest>``), served by pdp from ``tenants.brand_logo``.

Its URL carries a digest of its bytes (:attr:`pdp.tenants.accounts.branding.Brand.logo_url`), so it is cached for
a year and a new logo gets a new URL. It is a public image: no CSRF cookie on it, and the portal's ``no-store``
is left to the pages (pdp.web.security_headers).
"""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.errors import NotFound
from pdp.tenants.accounts.branding import BrandRepository

ONE_YEAR = 365 * 24 * 3600


@get("/logo", name="portal_logo", opt={"exclude_from_csrf": True})
async def tenant_logo(session: NamedDependency[AsyncSession]) -> Response[Any]:
    logo = await BrandRepository(session).logo()
    if logo is None:
        raise NotFound("This portal has no logo.")
    return Response(
        logo.data,
        media_type=logo.media_type,
        headers={"Cache-Control": f"public, max-age={ONE_YEAR}, immutable", "ETag": f'"{logo.version}"'},
    )
