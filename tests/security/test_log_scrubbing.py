"""No log line holds an API key, a bearer credential or a portal link's token (issue 11 #8).

The probe found the mandate acceptance tokens in the access log (the path of every request is logged); the
invitation links' tokens and ProConnect's code and state are masked the same way. A real
``pdp serve`` at level info is driven through the calls that carry secrets, and its whole output is searched.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform.logging import RedactingFilter, configure_logging, redact
from pdp.platform.settings import Settings
from tests.conftest import TenantFixture
from tests.journeys import invitation_path, post_form, prove_with_proconnect
from tests.security.api_processes import api_processes
from tests.security.portal_steps import pending_mandate

KEY = "pdp_live_" + "A1b2C3d4E5" * 4 + "xyz"
TOKEN = "Zm9vYmFyYmF6cXV4LXF1dXguY29ycmVjdGhvcnNlYmF0"
TENANT = "ten_01M96WBS1HP2QQFW4GW18AJAY3"


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        (f"path=/portal/mandates/accept/{TOKEN} status=200", TOKEN),
        (f"path=/portal/{TENANT}/invitation/{TOKEN} status=200", TOKEN),
        (f"GET /portal/{TENANT}/invitation/{TOKEN}/document HTTP/1.1", TOKEN),
        (f"GET /portal/{TENANT}/invitation-utilisateur/{TOKEN} HTTP/1.1", TOKEN),  # after a long page name
        (f"refused: /portal/{TENANT}/invitation-utilisateur/{TOKEN}, then", TOKEN),
        (f"GET /portal/proconnect/callback?code={TOKEN}&state=x HTTP/1.1", TOKEN),
        (f"GET /portal/proconnect/callback?state={TOKEN} HTTP/1.1", TOKEN),
        (f"Authorization: Bearer {KEY}", KEY),
        (f'{{"headers": {{"authorization": "bearer {TOKEN}"}}}}', TOKEN),
        (f"key {KEY} refused", KEY),
        (f"POST https://hooks.example/x?token={TOKEN}&a=1", TOKEN),
        (f"secret whsec_{TOKEN}", TOKEN),
    ],
)
def test_values_that_look_like_secrets_are_masked(line: str, secret: str) -> None:
    redacted = redact(line)
    assert secret not in redacted and "***" in redacted


def test_ordinary_values_are_kept() -> None:
    line = "path=/v1/providers/prv_01M96N3EAEKJEPCEWC9A62QVCK status=200 key=api_key_missing"
    assert redact(line) == line
    portal = f"path=/portal/{TENANT}/factures/inv_01M96N3EAEKJEPCEWC9A62QVCK status=200"  # ids are no secret
    assert redact(portal) == portal
    page = f"path=/portal/{TENANT}/invitation-utilisateur status=200"  # nor are the pages' names
    assert redact(page) == page


def test_structlog_lines_and_exceptions_are_redacted() -> None:
    out = io.StringIO()
    configure_logging("info", json=True, stream=out)
    try:
        log = structlog.get_logger("pdp.test")
        log.info("http.request", path=f"/portal/mandates/accept/{TOKEN}", note=f"Bearer {KEY}")
        try:
            raise RuntimeError(f"cannot use {KEY}")
        except RuntimeError:
            log.exception("request.failed")
    finally:
        configure_logging("warning")
    assert "http.request" in out.getvalue() and "Traceback" in out.getvalue()
    assert KEY not in out.getvalue() and TOKEN not in out.getvalue()


def test_standard_library_records_are_redacted_on_every_handler_there_is() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    logger = logging.getLogger("pdp.test.server")  # as uvicorn's loggers: a handler of its own, no propagation
    logger.addHandler(handler)
    logger.propagate = False
    try:
        configure_logging("warning")
        logger.warning("Exception in ASGI application: GET %s", f"http://pdp/portal/mandates/accept/{TOKEN}")
    finally:
        logger.removeHandler(handler)
    assert TOKEN not in out.getvalue() and "/portal/mandates/accept/***" in out.getvalue()
    assert any(isinstance(f, RedactingFilter) for f in handler.filters)


@pytest.fixture(scope="module")
def api(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    log_dir = tmp_path_factory.mktemp("logs")
    with api_processes(settings, 1, log_dir, log_level="info") as (url,):
        yield url, log_dir / "api-0.log"


async def test_a_real_servers_output_holds_no_key_and_no_token(
    api: tuple[str, Path],
    tenant: TenantFixture,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    url, log_file = api
    async with httpx.AsyncClient(base_url=url, timeout=10.0) as http:
        mandate = await pending_mandate(http, tenant)
        provider = (await http.get(f"/v1/providers/{mandate['provider_id']}", headers=tenant.headers)).json()
        path = await invitation_path(http, tenant.id, mandate["id"], sessionmaker=sessionmaker, settings=settings)
        token = path.rsplit("/", 1)[1]
        returned = await prove_with_proconnect(http, path, settings.proconnect_issuer, siret=provider["siret"])
        assert returned.status_code == 303, returned.text
        code = parse_qs(urlsplit(str(returned.request.url)).query)["code"][0]
        assert (await http.get(f"{path}/document")).status_code == 200
        assert (await post_form(http, path, full_name="Jeanne Dupont", consent="yes")).status_code == 303
        assert (await http.get(path)).status_code == 410  # used: an error page, logged too
        forged = await http.get("/v1/me", headers={"Authorization": f"Bearer {KEY}"})
        assert forged.status_code == 401
    written = log_file.read_text()
    assert f"/portal/{tenant.id}/invitation/***" in written  # the access lines are there, masked
    assert "path=/portal/proconnect/callback " in written  # the access log keeps the path (the query: redacted)
    assert token not in written and code not in written
    assert tenant.api_key not in written and KEY not in written
