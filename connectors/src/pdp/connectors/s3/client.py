"""S3 archive client: boto3 behind ``asyncio.to_thread``, built from settings at startup (never at import).

Every document is written once, as a new object version under Object Lock (COMPLIANCE by default): nobody, root
included, can delete or overwrite that version before its retain-until date (S3 Object Lock, COMPLIANCE mode).
A key can still receive newer versions, so callers always keep and read the *version id* this client returns.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from pdp.platform.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_P = ParamSpec("_P")
_T = TypeVar("_T")


class S3Unavailable(Exception):
    """S3 could not be reached or refused the call; retrying later may help."""


class ArchiveIntegrityError(Exception):
    """What S3 returned is not what was stored: the SHA-256 differs."""


@dataclass(frozen=True, slots=True)
class StoredObject:
    key: str
    version_id: str
    sha256: str  # hex
    size: int
    retain_until: datetime
    lock_mode: str


@dataclass(frozen=True, slots=True)
class Retention:
    mode: str | None
    retain_until: datetime | None


class ArchiveBucket:
    def __init__(self, settings: Settings) -> None:
        self.bucket = settings.s3_bucket
        self.lock_mode = settings.archive_lock_mode
        self._client: S3Client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint or None,
            region_name=settings.s3_region,
            aws_access_key_id=settings.s3_access_key or None,
            aws_secret_access_key=settings.s3_secret_key or None,
            config=Config(
                s3={"addressing_style": "path"},
                connect_timeout=3,
                read_timeout=30,
                retries={"mode": "standard", "max_attempts": 3},
            ),
        )

    async def ping(self) -> None:
        """Raise :class:`S3Unavailable` unless the archive bucket answers."""
        await self._call(self._client.head_bucket, Bucket=self.bucket)

    async def put_locked(self, key: str, data: bytes, *, content_type: str, retain_until: datetime) -> StoredObject:
        """Store ``data`` as a new locked version. S3 checks our SHA-256 on receipt (``x-amz-checksum-sha256``),
        so a corrupted upload is refused instead of archived."""
        digest = hashlib.sha256(data).digest()
        answer = await self._call(
            self._client.put_object,
            Bucket=self.bucket,
            Key=key,
            Body=data,
            ContentType=content_type,
            ChecksumSHA256=base64.b64encode(digest).decode("ascii"),
            ObjectLockMode=self.lock_mode,  # type: ignore[arg-type]
            ObjectLockRetainUntilDate=retain_until,
        )
        version_id = answer.get("VersionId")
        if not version_id:
            raise S3Unavailable(f"bucket {self.bucket!r} returned no version id: is versioning (Object Lock) on?")
        return StoredObject(key, version_id, digest.hex(), len(data), retain_until, self.lock_mode)

    async def get(self, key: str, version_id: str) -> bytes:
        answer = await self._call(self._client.get_object, Bucket=self.bucket, Key=key, VersionId=version_id)
        return await asyncio.to_thread(answer["Body"].read)

    async def get_current(self, key: str) -> bytes:
        """The key's current version (for objects found by listing, whose version id is not recorded anywhere)."""
        answer = await self._call(self._client.get_object, Bucket=self.bucket, Key=key)
        return await asyncio.to_thread(answer["Body"].read)

    async def get_verified(self, key: str, version_id: str, sha256: str) -> bytes:
        """The stored bytes, after checking they still hash to ``sha256``."""
        data = await self.get(key, version_id)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ArchiveIntegrityError(f"{key}@{version_id}: SHA-256 mismatch")
        return data

    async def retention(self, key: str, version_id: str) -> Retention:
        answer = await self._call(self._client.head_object, Bucket=self.bucket, Key=key, VersionId=version_id)
        return Retention(answer.get("ObjectLockMode"), answer.get("ObjectLockRetainUntilDate"))

    async def first_keys(self, prefix: str, limit: int) -> list[str]:
        """The first ``limit`` keys under ``prefix``, in S3's order (ascending UTF-8 bytes)."""
        answer = await self._call(self._client.list_objects_v2, Bucket=self.bucket, Prefix=prefix, MaxKeys=limit)
        return [item["Key"] for item in answer.get("Contents", []) if "Key" in item]

    async def child_prefixes(self, prefix: str) -> list[str]:
        """The "folders" right under ``prefix`` (every page), e.g. ``a/b/`` for a key ``a/b/c`` under ``a/``."""
        found: list[str] = []
        token = ""
        while True:
            listing = self._client.list_objects_v2
            answer = await (
                self._call(listing, Bucket=self.bucket, Prefix=prefix, Delimiter="/", ContinuationToken=token)
                if token
                else self._call(listing, Bucket=self.bucket, Prefix=prefix, Delimiter="/")
            )
            found.extend(p["Prefix"] for p in answer.get("CommonPrefixes", []) if "Prefix" in p)
            token = answer.get("NextContinuationToken", "")
            if not answer.get("IsTruncated") or not token:
                return found

    async def delete_version(self, key: str, version_id: str) -> None:
        """Try to delete one version (S3 refuses while it is locked). Exists so tests can prove the refusal."""
        await self._call(self._client.delete_object, Bucket=self.bucket, Key=key, VersionId=version_id)

    async def _call(self, method: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return await asyncio.to_thread(method, *args, **kwargs)
        except ClientError as exc:
            raise S3Error(exc) from exc
        except BotoCoreError as exc:
            raise S3Unavailable(str(exc)) from exc

    def close(self) -> None:
        self._client.close()


class S3Error(S3Unavailable):
    """S3 answered with an error; ``code`` is S3's (``AccessDenied``, ``NoSuchKey``…)."""

    def __init__(self, exc: ClientError) -> None:
        error = exc.response.get("Error", {})
        self.code = str(error.get("Code", "Unknown"))
        self.http_status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
        super().__init__(f"S3 {self.code}: {error.get('Message', '')}")

    @property
    def denied(self) -> bool:
        return self.code == "AccessDenied" or self.http_status == 403
