"""Local PostgreSQL, Redis and S3 (Object Lock) engines for `pdp dev` and tests.

Usage: ``with DevStack(Path(".pdp/dev")) as info: ensure_bucket(info, "invoices")``;
`info` is an EngineInfo with the URLs and S3 keys.
"""

from pdp.platform.devstack.info import EngineInfo
from pdp.platform.devstack.s3_client import ensure_bucket
from pdp.platform.devstack.stack import DevStack

__all__ = ["DevStack", "EngineInfo", "ensure_bucket"]
