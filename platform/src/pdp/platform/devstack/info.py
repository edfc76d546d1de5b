"""Connection details handed to clients of the dev stack."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EngineInfo:
    """What a client needs to reach the three engines."""

    postgres_admin_url: str  # superuser, libpq/asyncpg form
    redis_url: str
    s3_endpoint: str
    s3_access_key: str
    s3_secret_key: str
    s3_region: str
