"""Storage for ``Idempotency-Key`` replays (the HTTP handling lives in the web edge).

The key row is claimed with ``INSERT … ON CONFLICT DO NOTHING`` inside the request's own transaction and the
response is written to it in that same transaction. So a key is visible to others only together with the
effect and the response it produced: a concurrent request with the same key waits on the row lock, then
replays; a failed request rolls its claim back and the key stays free to retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import DateTime, Integer, LargeBinary, String, delete, func, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from pdp.platform import clock
from pdp.platform.db.base import Base
from pdp.platform.db.repository import TENANT_WIDE, TenantRepository


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"

    tenant_id: Mapped[str] = mapped_column(String(30), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_sha256: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    response_content_type: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status: int
    body: bytes
    content_type: str


class Claimed:
    """The key is ours for this transaction."""


class IdempotencyRepository(TenantRepository[IdempotencyKey]):
    model = IdempotencyKey
    provider_key = TENANT_WIDE

    async def claim(self, key: str, request_sha256: str, ttl: timedelta) -> Claimed | StoredResponse | None:
        """Claim ``key``; returns the stored response to replay, or None if the key was used for another request."""
        for _ in range(2):
            inserted = await self.session.execute(
                insert(IdempotencyKey)
                .values(tenant_id=self.tenant_id, key=key, request_sha256=request_sha256, expires_at=clock.now() + ttl)
                .on_conflict_do_nothing()
                .returning(IdempotencyKey.key)
            )
            if inserted.first() is not None:
                return Claimed()
            row = await self.session.get(IdempotencyKey, (self.tenant_id, key), populate_existing=True)
            if row is None:
                continue  # its transaction rolled back between our INSERT and SELECT: try again
            if row.expires_at <= clock.now():
                await self.session.execute(
                    delete(IdempotencyKey).where(IdempotencyKey.tenant_id == self.tenant_id, IdempotencyKey.key == key)
                )
                continue
            if row.request_sha256 != request_sha256 or row.response_status is None:
                return None
            return StoredResponse(row.response_status, row.response_body or b"", row.response_content_type or "")
        return None

    async def record(self, key: str, response: StoredResponse) -> None:
        await self.session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.tenant_id == self.tenant_id, IdempotencyKey.key == key)
            .values(
                response_status=response.status,
                response_body=response.body,
                response_content_type=response.content_type,
            )
        )
