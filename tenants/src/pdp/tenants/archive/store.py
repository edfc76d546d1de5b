"""The archive as the rest of pdp sees it: the Object Lock bucket, and how much of it each tenant may fill."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pdp.connectors.s3.client import ArchiveBucket, S3Unavailable
from pdp.platform.settings import Settings

__all__ = ["Archive", "ArchiveQuota", "S3Unavailable", "open_archive"]


@dataclass(frozen=True, slots=True)
class ArchiveQuota:
    """Bytes a tenant may lock: ``PDP_ARCHIVE_QUOTA_BYTES``, or its line of ``PDP_ARCHIVE_QUOTA_OVERRIDES``."""

    default_bytes: int
    overrides: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> ArchiveQuota:
        overrides: dict[str, int] = {}
        for entry in filter(None, (part.strip() for part in settings.archive_quota_overrides.split(","))):
            tenant_id, _, size = entry.partition("=")
            if not tenant_id.strip() or not size.strip().isdigit():
                raise ValueError(f"PDP_ARCHIVE_QUOTA_OVERRIDES: {entry!r} is not 'ten_…=bytes'")
            overrides[tenant_id.strip()] = int(size)
        return cls(settings.archive_quota_bytes, overrides)

    def of(self, tenant_id: str) -> int:
        return self.overrides.get(tenant_id, self.default_bytes)


class Archive(ArchiveBucket):
    """The bucket, carrying the quota that :func:`pdp.tenants.archive.service.store` checks before each PUT."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.quota = ArchiveQuota.from_settings(settings)


def open_archive(settings: Settings) -> Archive:
    return Archive(settings)
