"""S3 archive client: boto3 behind ``asyncio.to_thread``, built from settings at startup (never at import)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from pdp.platform.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


class S3Unavailable(Exception):
    """S3 could not be reached or refused the call; retrying later may help."""


class ArchiveBucket:
    def __init__(self, settings: Settings) -> None:
        self.bucket = settings.s3_bucket
        self._client: S3Client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint or None,
            region_name=settings.s3_region,
            aws_access_key_id=settings.s3_access_key or None,
            aws_secret_access_key=settings.s3_secret_key or None,
            config=Config(
                s3={"addressing_style": "path"},
                connect_timeout=3,
                read_timeout=10,
                retries={"mode": "standard", "max_attempts": 2},
            ),
        )

    async def ping(self) -> None:
        """Raise :class:`S3Unavailable` unless the archive bucket answers."""
        try:
            await asyncio.to_thread(self._client.head_bucket, Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            raise S3Unavailable(str(exc)) from exc

    def close(self) -> None:
        self._client.close()
