"""boto3 helpers for the dev S3 gateway (SeaweedFS), including `ensure_bucket`."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from pdp.platform.devstack.info import EngineInfo

if TYPE_CHECKING:  # stubs come from boto3-stubs[s3], a dev dependency
    from mypy_boto3_s3 import S3Client

REGION = "us-east-1"
# A fresh weed answers InternalError while it grows the first volumes of a
# new collection (= bucket); those and dropped connections are worth a retry.
_RETRY_CODES = frozenset({"InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout", "500", "503"})
_MISSING_CODES = frozenset({"404", "NoSuchBucket", "NotFound"})
_EXISTS_CODES = frozenset({"BucketAlreadyOwnedByYou", "BucketAlreadyExists"})


def make_client(
    endpoint: str, access_key: str, secret_key: str, *, timeout: float = 10.0, attempts: int = 3
) -> S3Client:
    """An S3 client with path-style addressing (no wildcard DNS on 127.0.0.1)."""
    config = Config(
        s3={"addressing_style": "path"},
        connect_timeout=timeout,
        read_timeout=timeout,
        retries={"max_attempts": attempts, "mode": "standard"},
    )
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        region_name=REGION,
        config=config,
    )


def client_for(info: EngineInfo, *, timeout: float = 10.0, attempts: int = 3) -> S3Client:
    return make_client(info.s3_endpoint, info.s3_access_key, info.s3_secret_key, timeout=timeout, attempts=attempts)


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def lists_buckets(client: S3Client) -> bool:
    """Readiness probe: ListBuckets succeeds with our credentials."""
    try:
        client.list_buckets()
    except (BotoCoreError, ClientError):
        return False
    return True


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, ClientError):
        return error_code(exc) in _RETRY_CODES
    return isinstance(exc, BotoConnectionError | HTTPClientError)


def _create_if_missing(client: S3Client, bucket: str) -> None:
    try:
        client.head_bucket(Bucket=bucket)
        return
    except ClientError as exc:
        if error_code(exc) not in _MISSING_CODES:
            raise
    try:
        client.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    except ClientError as exc:
        if error_code(exc) not in _EXISTS_CODES:  # lost a race: fine
            raise


def _lock_enabled(client: S3Client, bucket: str) -> bool:
    try:
        conf = client.get_object_lock_configuration(Bucket=bucket)
    except ClientError as exc:
        if error_code(exc) == "ObjectLockConfigurationNotFoundError":
            return False
        raise
    return conf.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled") == "Enabled"


def ensure_bucket(info: EngineInfo, bucket: str, *, timeout: float = 20.0) -> None:
    """Create `bucket` with ObjectLockEnabledForBucket=True if it does not exist.

    Uses boto3 with path-style addressing and retries for up to `timeout` s,
    because a fresh weed needs volume growth before its first bucket calls
    succeed. An existing bucket without Object Lock raises RuntimeError: the
    platform's WORM guarantees would silently not hold on it.
    """
    client = client_for(info, attempts=1)
    deadline = time.monotonic() + timeout
    while True:
        try:
            _create_if_missing(client, bucket)
            if not _lock_enabled(client, bucket):
                raise RuntimeError(f"S3 bucket {bucket!r} exists without Object Lock")
            return
        except (BotoCoreError, ClientError) as exc:
            if not _retryable(exc) or time.monotonic() > deadline:
                raise
        time.sleep(0.25)
