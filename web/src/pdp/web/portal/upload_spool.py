"""Files a person uploaded on the portal, kept between "check" and "confirm" (a deposit, a completion's pieces).

Why a server-side spool rather than asking the browser to send the files again: the report page is a new page,
and a browser does not carry a file input's choice from one page to the next, so "confirm" would mean picking the
same files again, and the check would be of files the browser may not resend identically. Why not hidden fields
or a signed blob: the bytes (megabytes) would travel to the browser and back. So the uploaded bytes wait in Redis,
which every API process shares (a confirmation may reach another process than the check), under a random
256-bit id, for ``TTL_SECONDS``, bound to the portal session that uploaded them: another session, even of the
same user, cannot confirm them. Nothing is trusted from the spool but the bytes themselves: confirming deposits
them through the full intake again (validation, mandate, number), exactly as the API would. Once confirmed
(or expired) they are gone; the archive keeps what was deposited.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Request

from pdp.platform.errors import AppError
from pdp.web.forms import Form, read_form
from pdp.web.portal.auth import PortalAccount
from pdp.web.portal.shell import Shell
from pdp.web.resources import Resources

TTL_SECONDS = 30 * 60
KEY = "pdp:portal:spool:{tenant_id}:{spool_id}"
ID_BYTES = 32


class SpoolGone(AppError):
    """The files are no longer held (expired after ``TTL_SECONDS``, already confirmed, or another session's)."""

    default_code = "portal_upload_gone"
    status = 410
    title = "These uploaded files are no longer held; upload them again"


@dataclass(frozen=True, slots=True)
class SpooledFile:
    name: str
    content_type: str
    data: bytes


async def read_uploads(
    request: Request[Any, Any, Any], field: str, *, unnamed: str, max_bytes: int = -1
) -> tuple[list[SpooledFile], Form]:
    """The files posted under ``field``, read into memory (each at most ``max_bytes``: enough to tell it is too
    large), named ``unnamed`` when the browser gave no name; and the form, for its text fields. An empty file input
    sends one nameless, empty part: it is no file."""
    form = await read_form(request)
    try:
        files = [
            SpooledFile(part.filename or unnamed, part.content_type or "application/octet-stream", part.read(max_bytes))
            for part in form.files_named(field)
            if part.size or part.filename
        ]
    finally:
        form.close()  # the parts' temporary files; the text fields stay readable
    return files, form


class _Held(msgspec.Struct, array_like=True):
    owner: str
    purpose: str
    files: list[tuple[str, str, bytes]]
    context: dict[str, str]


class UploadSpool:
    def __init__(self, redis: Any, tenant_id: str, owner: str) -> None:
        self.redis = redis
        self.tenant_id = tenant_id
        self.owner = owner  # the portal session's id

    def _key(self, spool_id: str) -> str:
        return KEY.format(tenant_id=self.tenant_id, spool_id=spool_id)

    async def put(self, purpose: str, files: list[SpooledFile], context: dict[str, str] | None = None) -> str:
        """Hold ``files`` (for ``purpose``: deposit, completion…) with a little ``context``; returns their id."""
        spool_id = secrets.token_urlsafe(ID_BYTES)
        held = _Held(self.owner, purpose, [(f.name, f.content_type, f.data) for f in files], context or {})
        await self.redis.set(self._key(spool_id), msgspec.msgpack.encode(held), ex=TTL_SECONDS)
        return spool_id

    async def get(self, purpose: str, spool_id: str) -> tuple[list[SpooledFile], dict[str, str]]:
        """The files held under ``spool_id`` for this session and ``purpose``, else ``SpoolGone``."""
        if not spool_id or len(spool_id) > 100:
            raise SpoolGone()
        raw = await self.redis.get(self._key(spool_id))
        if raw is None:
            raise SpoolGone()
        held = msgspec.msgpack.decode(raw, type=_Held)
        if not hmac.compare_digest(held.owner, self.owner) or held.purpose != purpose:
            raise SpoolGone()
        return [SpooledFile(name, kind, data) for name, kind, data in held.files], held.context

    async def drop(self, spool_id: str) -> None:
        await self.redis.delete(self._key(spool_id))


def session_spool(resources: Resources, shell: Shell, account: PortalAccount) -> UploadSpool:
    """The spool of the portal session this browser is signed in with."""
    return UploadSpool(resources.redis, shell.tenant_id, account.resumed.record.id)
