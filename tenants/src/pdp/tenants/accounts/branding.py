"""A tenant's brand on its providers' portal: a colour and a logo, set by the operator (``pdp tenant brand``).

Providers reach the portal from their marketplace, so it wears the marketplace's colours. The colour is a CSS
background behind text: the text colour is computed (black or white, whichever contrasts more, WCAG 2.1's relative
luminance), so any brand colour keeps at least 4.5:1 — the two choices' contrasts multiply to 21, so the better
one is always above 4.58. The logo is a PNG or a JPEG of at most 200 KB, recognised by its first bytes (not by
its name or a declared type), served by pdp itself under a URL that changes with its content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.audit import Actor, AuditRepository
from pdp.platform.db.tenancy import tenant_of
from pdp.platform.errors import NotFound, TenantContextMissing, ValidationFailed
from pdp.tenants.accounts.models import Tenant

LOGO_MAX_BYTES = 200 * 1024
COLOUR = re.compile(r"^#?([0-9a-fA-F]{6})$")
BLACK, WHITE = "#000000", "#ffffff"
DEFAULT_COLOUR = "#1f4fd1"  # pdp's own, for a tenant that set none
_MAGIC = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def normalise_colour(value: str) -> str:
    """``#rrggbb`` in lower case, or 422 ``brand_colour_invalid``."""
    found = COLOUR.match(value.strip())
    if not found:
        raise ValidationFailed("A brand colour is six hexadecimal digits, like #1f4fd1.", code="brand_colour_invalid")
    return "#" + found.group(1).lower()


def logo_type(data: bytes) -> str:
    """The logo's media type from its magic bytes: PNG or JPEG only, at most 200 KB; else 422 ``brand_logo_invalid``."""
    if not data:
        raise ValidationFailed("The logo file is empty.", code="brand_logo_invalid")
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationFailed(
            f"The logo is {len(data)} bytes; at most {LOGO_MAX_BYTES} (200 KB).", code="brand_logo_invalid"
        )
    for magic, media_type in _MAGIC.items():
        if data.startswith(magic):
            return media_type
    raise ValidationFailed("The logo must be a PNG or a JPEG image.", code="brand_logo_invalid")


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of ``#rrggbb`` (0 black … 1 white)."""
    hex_digits = normalise_colour(colour)[1:]
    r, g, b = (int(hex_digits[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: str) -> str:
    """Black or white, whichever contrasts more with ``background`` (always at least 4.5:1)."""
    return BLACK if contrast_ratio(background, BLACK) >= contrast_ratio(background, WHITE) else WHITE


@dataclass(frozen=True, slots=True)
class Brand:
    tenant_id: str
    name: str
    colour: str
    text_colour: str
    logo_version: str | None  # a digest of the logo's bytes (for its URL); None: no logo

    @property
    def logo_url(self) -> str | None:
        if self.logo_version is None:
            return None
        return f"/portal/{self.tenant_id}/logo?v={self.logo_version}"


@dataclass(frozen=True, slots=True)
class Logo:
    data: bytes
    media_type: str
    version: str


class BrandRepository:
    """The session's tenant's brand (the ``tenants`` row: RLS shows a session its own tenant only)."""

    def __init__(self, session: AsyncSession) -> None:
        tenant_id = tenant_of(session)
        if tenant_id is None:
            raise TenantContextMissing("BrandRepository needs a tenant context")
        self.session, self.tenant_id = session, tenant_id

    async def brand(self) -> Brand:
        # The logo's digest is computed by PostgreSQL: the page needs its version, not its bytes.
        version = func.left(func.encode(func.sha256(Tenant.brand_logo), "hex"), 16)
        query = select(Tenant.name, Tenant.brand_colour, version).where(Tenant.id == self.tenant_id)
        row = (await self.session.execute(query)).one_or_none()
        if row is None:
            raise NotFound("This portal does not exist.", code="portal_unknown")
        colour = row[1] or DEFAULT_COLOUR
        return Brand(self.tenant_id, row[0], colour, text_colour_on(colour), row[2])

    async def logo(self) -> Logo | None:
        version = func.left(func.encode(func.sha256(Tenant.brand_logo), "hex"), 16)
        query = select(Tenant.brand_logo, Tenant.brand_logo_type, version).where(
            Tenant.id == self.tenant_id, Tenant.brand_logo.is_not(None)
        )
        row = (await self.session.execute(query)).one_or_none()
        return Logo(row[0], row[1], row[2]) if row is not None else None

    async def set(self, values: dict[str, object]) -> None:
        await self.session.execute(update(Tenant).where(Tenant.id == self.tenant_id).values(**values))


async def set_brand(
    session: AsyncSession, actor: Actor, *, colour: str | None = None, logo: bytes | None = None
) -> Brand:
    """Set the session's tenant's colour and/or logo (each checked first); audited ``tenant.brand_set``."""
    values: dict[str, object] = {}
    if colour is not None:
        values["brand_colour"] = normalise_colour(colour)
    if logo is not None:
        values["brand_logo_type"] = logo_type(logo)
        values["brand_logo"] = logo
    if not values:
        raise ValidationFailed("Give a colour, a logo, or both.", code="brand_empty")
    repository = BrandRepository(session)
    await repository.set(values)
    brand = await repository.brand()
    await AuditRepository(session).append(
        actor,
        "tenant.brand_set",
        "tenant",
        repository.tenant_id,
        {"colour": brand.colour, "logo_version": brand.logo_version or "", "logo_bytes": len(logo or b"")},
    )
    return brand
