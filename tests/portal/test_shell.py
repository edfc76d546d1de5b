"""The portal's frame over HTTP: its landmarks and labels, the language switch, the tenant's brand (colour with
its contrasting text, logo served by pdp and cached), the role check's page, and ``pdp tenant brand``."""

from __future__ import annotations

import asyncio
import re
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.cli.main import cli
from pdp.platform.callers import PortalRole, PortalUserCaller
from pdp.platform.errors import Forbidden
from pdp.platform.settings import Settings
from pdp.web.portal.access import may, require_role
from tests.conftest import TenantFixture
from tests.journeys import new_provider
from tests.portal.accounts import PortalPerson, portal_user, post_form, sign_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


@pytest.fixture(autouse=True)
def fresh_browser(client: Any) -> None:
    client.cookies.clear()


@pytest.fixture
def operator_environment(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    for field in fields(settings):
        monkeypatch.setenv(f"PDP_{field.name.upper()}", str(getattr(settings, field.name)))


async def signed_in(client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]) -> PortalPerson:
    provider = await new_provider(client, tenant)
    person = await portal_user(sessionmaker, tenant.id, {provider["id"]: PortalRole.DEPOSITOR})
    await sign_in(client, person)
    return person


def brand(tenant_id: str, *args: str) -> Any:
    return CliRunner().invoke(cli, ["tenant", "brand", tenant_id, *args])


async def test_a_signed_in_page_has_its_landmarks_skip_link_and_current_page(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    person = await signed_in(client, tenant, sessionmaker)
    page = (await client.get(f"{person.base}/compte")).text
    assert '<html lang="fr">' in page
    assert page.index('class="skip-link" href="#contenu"') < page.index("<header")  # first thing a Tab reaches
    assert 'id="contenu"' in page and "<main>" in page
    assert '<nav class="main-nav" aria-label="Navigation principale">' in page and "<footer" in page
    assert f'<a href="{person.base}/compte" aria-current="page">Mon compte</a>' in page
    assert f'<a href="{person.base}/">Tableau de bord</a>' in page
    for field in re.findall(r'<input [^>]*type="(?:email|password|text)"[^>]*>', page):
        field_id = re.search(r'id="([^"]+)"', field)
        assert field_id and f'<label for="{field_id.group(1)}"' in page, field  # every field has its label
    assert "style=" not in page  # no inline style attribute: the CSP allows only the nonced <style>
    assert re.search(r"<style nonce=\"[^\"]+\">:root \{ --brand: #1f4fd1; --brand-text: #ffffff; \}</style>", page)
    assert '<body hx-headers=\'{"x-csrftoken": "' in page  # htmx sends the CSRF token


async def test_the_language_follows_the_switch_the_browser_and_the_account(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    base = f"/portal/{tenant.id}"
    english = await client.get(f"{base}/connexion", headers={"accept-language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in english.text and "Sign in to your supplier space" in english.text
    switched = await post_form(client, f"{base}/connexion", f"{base}/langue", langue="en", suite=f"{base}/connexion")
    assert (
        "Sign in to your supplier space" in switched.text and "pdp_lang=en" in switched.history[0].headers["set-cookie"]
    )
    assert "Sign in" in (await client.get(f"{base}/connexion", headers={"accept-language": "fr"})).text  # cookie wins

    client.cookies.clear()
    person = await signed_in(client, tenant, sessionmaker)
    page = await post_form(
        client, f"{person.base}/", f"{person.base}/compte/langue", langue="en", suite=f"{person.base}/"
    )
    assert '<html lang="en">' in page.text and "<h1>Dashboard</h1>" in page.text and "Overdue (" in page.text
    unknown = await client.get(f"{person.base}/connexion/lien/not-a-real-token")  # error pages too
    assert unknown.status_code == 404 and "<h1>Unknown link</h1>" in unknown.text
    client.cookies.clear()  # another browser: the account's language, not a cookie
    again = await sign_in(client, person)
    assert "<h1>Dashboard</h1>" in again.text and "€0.00" in again.text


@pytest.mark.usefixtures("operator_environment")
async def test_the_tenants_brand_dresses_its_portal(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    base = f"/portal/{tenant.id}"
    assert (await client.get(f"{base}/logo")).status_code == 404
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)
    done = await asyncio.to_thread(brand, tenant.id, "--colour", "#FFD700", "--logo", str(logo))
    assert done.exit_code == 0, done.output
    assert '"text_colour": "#000000"' in done.output  # gold takes black text (white would be 1.4:1)

    page = (await client.get(f"{base}/connexion")).text
    assert "--brand: #ffd700; --brand-text: #000000;" in page
    logo_url = re.search(rf'<img class="brand-logo" src="({base}/logo\?v=[0-9a-f]{{16}})" alt="Test platform">', page)
    assert logo_url, page
    served = await client.get(logo_url.group(1))
    assert served.status_code == 200 and served.content == PNG
    assert served.headers["content-type"] == "image/png"
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "set-cookie" not in served.headers

    svg = tmp_path / "logo.png.svg"
    svg.write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    for args in (["--logo", str(svg)], ["--colour", "red"], ["--logo", str(_big(tmp_path))]):
        refused = await asyncio.to_thread(brand, tenant.id, *args)
        assert refused.exit_code != 0 and (
            "PNG or a JPEG" in refused.output or "hexadecimal" in refused.output or "at most" in refused.output
        ), refused.output
    assert (await client.get(logo_url.group(1))).content == PNG  # unchanged


def _big(tmp_path: Path) -> Path:
    big = tmp_path / "big.png"
    big.write_bytes(PNG + b"\x00" * 200 * 1024)
    return big


def test_a_role_is_checked_on_the_provider_the_action_is_about() -> None:
    caller = PortalUserCaller("ten_1", "pus_1", {"prv_a": PortalRole.ADMIN, "prv_b": PortalRole.VIEWER})
    assert may(caller, "prv_a", PortalRole.DEPOSITOR) and may(caller, "prv_b", PortalRole.VIEWER)
    assert not may(caller, "prv_b", PortalRole.DEPOSITOR) and not may(caller, "prv_c", PortalRole.VIEWER)
    require_role(caller, "prv_a", PortalRole.ADMIN)
    with pytest.raises(Forbidden) as refused:
        require_role(caller, "prv_b", PortalRole.DEPOSITOR)
    assert refused.value.code == "portal_role_required"


async def test_an_address_no_portal_page_serves_is_a_page_not_json(client: Any, tenant: TenantFixture) -> None:
    mistyped = await client.get(f"/portal/{tenant.id}/factures-introuvables/x", headers={"Accept-Language": "fr"})
    assert mistyped.status_code == 404
    assert mistyped.headers["content-type"].startswith("text/html")
    assert "Page introuvable" in mistyped.text
    wrong_method = await client.delete(f"/portal/{tenant.id}/connexion")
    assert wrong_method.status_code == 405 and wrong_method.headers["content-type"].startswith("text/html")
    # The Partner API keeps its problems.
    api = await client.get("/v1/nothing-here", headers={"Authorization": f"Bearer {tenant.api_key}"})
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/problem+json")
