"""The archive as the rest of pdp sees it. Documents arrive with the deposit pipeline; for now: health."""

from __future__ import annotations

from pdp.connectors.s3.client import ArchiveBucket, S3Unavailable
from pdp.platform.settings import Settings

__all__ = ["Archive", "S3Unavailable", "open_archive"]

Archive = ArchiveBucket


def open_archive(settings: Settings) -> Archive:
    return ArchiveBucket(settings)
