"""``pdp mandate accept-demo``: in ``pdp dev`` only, a provider's signatory accepting a mandate, as a script.

What a person does with ``pdp dev`` — open the invitation e-mail the catcher kept in ``.pdp/mail/``, follow its
link, prove their identity with the local ProConnect stand-in, read the mandate and sign it — done over HTTP
against the running API, through the same pages and checks. Nothing is bypassed: the command has no access the
person lacks, it only types for them. The stand-in signs in whoever is named, with the claims it is given, so
the command first gives it an identity attached to the provider's SIRET (what ProConnect's real identity
providers hold for a real signatory). Refused outside development.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
import httpx

from pdp.platform.settings import Settings

MANDATE_HEADER = "X-PDP-Mandate"
_LINK = re.compile(r"https?://\S+/portal/\S+/invitation/\S+")
_SIRET = re.compile(r"\(SIRET (\d{14})\)")
_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def _invitation(mailbox: Path, mandate_id: str) -> EmailMessage | None:
    """The newest invitation e-mail of the mandate in the catcher's folder (other e-mails about the mandate, its
    acceptance say, carry no invitation link)."""
    for path in sorted(mailbox.glob("*.eml"), reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if not isinstance(message, EmailMessage) or message.get(MANDATE_HEADER) != mandate_id:
            continue
        if _LINK.search(message.get_content()):
            return message
    return None


async def wait_for_invitation(mailbox: Path, mandate_id: str, wait_seconds: float) -> EmailMessage:
    """The invitation e-mail, once the worker has sent it (it goes out a moment after the mandate's creation)."""
    deadline = time.monotonic() + wait_seconds
    while (message := _invitation(mailbox, mandate_id)) is None:
        if time.monotonic() > deadline:
            raise click.ClickException(f"no invitation e-mail for {mandate_id} in {mailbox} after {wait_seconds:.0f} s")
        await asyncio.sleep(0.5)
    return message


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _expect(response: httpx.Response, status: int, step: str) -> httpx.Response:
    if response.status_code != status:
        raise click.ClickException(f"{step}: HTTP {response.status_code} {response.text[:300]}")
    return response


async def accept_demo(
    settings: Settings, mandate_id: str, mailbox: Path, *, full_name: str, wait_seconds: float
) -> dict[str, Any]:
    if settings.environment != "development":
        raise click.ClickException("accept-demo drives pdp dev's stand-ins: it runs in development only")
    if not settings.proconnect_issuer:
        raise click.ClickException("no ProConnect stand-in: run `pdp dev` (PDP_PROCONNECT_ISSUER is unset)")
    message = await wait_for_invitation(mailbox, mandate_id, wait_seconds)
    body = message.get_content()
    link, siret = _LINK.search(body), _SIRET.search(body)
    if link is None or siret is None:
        raise click.ClickException(f"the invitation e-mail of {mandate_id} carries no link or SIRET")
    path, contact = _path(link.group(0)), str(message["To"])
    signatory = f"demo-signataire-{siret.group(1)}"
    given, _, usual = full_name.partition(" ")
    claims = {"email": contact, "given_name": given, "usual_name": usual, "siret": siret.group(1), "idp_id": "pdp-dev"}
    async with (
        httpx.AsyncClient(base_url=settings.public_url, timeout=30) as browser,
        httpx.AsyncClient(timeout=30) as proconnect,
    ):
        _expect(await browser.get(path), 200, "the invitation page")
        _expect(await proconnect.put(f"{settings.proconnect_issuer}/users/{signatory}", json=claims), 204, "ProConnect")
        start = _expect(await browser.get(f"{path}/proconnect"), 303, "ProConnect start")
        authorized = _expect(
            await proconnect.post(start.headers["location"], data={"sub": signatory}), 302, "ProConnect sign-in"
        )
        _expect(await browser.get(_path(authorized.headers["location"])), 303, "ProConnect return")
        page = _expect(await browser.get(path), 200, "the mandate")
        csrf = _CSRF.search(page.text)
        if csrf is None:
            raise click.ClickException("the mandate page carries no form")
        form = {"_csrf_token": csrf.group(1), "full_name": full_name, "consent": "yes"}
        _expect(await browser.post(path, data=form), 303, "the acceptance")
    return {"mandate_id": mandate_id, "status": "active", "accepted_by": full_name, "signatory": contact}
