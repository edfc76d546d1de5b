"""What job tests share: a job context on the test engines, with a real arq queue."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform import jobs
from pdp.platform.settings import Settings
from pdp.workers.registry import JobContext


@pytest.fixture
async def ctx(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[JobContext]:
    redis = await jobs.create_arq_redis(settings.redis_url)
    yield JobContext(settings, sessionmaker, jobs.ArqQueue(redis), "test-job", 1)
    await redis.aclose()
