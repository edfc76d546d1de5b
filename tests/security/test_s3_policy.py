"""The least-privilege S3 policy in docs/s3-policy.md stays true: every S3 call pdp makes is allowed by it, and
nothing that deletes an archived document, shortens its retention or changes the bucket's lock is."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
POLICY_DOC = ROOT / "docs" / "s3-policy.md"
CLIENT = ROOT / "connectors" / "src" / "pdp" / "connectors" / "s3" / "client.py"

# The IAM actions each boto3 call needs (AWS's S3 authorization reference), as pdp calls them: with a version id,
# and with Object Lock headers on every PUT.
ACTIONS = {
    "head_bucket": {"s3:ListBucket"},
    "put_object": {"s3:PutObject", "s3:PutObjectRetention"},
    "get_object": {"s3:GetObject", "s3:GetObjectVersion"},
    "head_object": {"s3:GetObjectVersion", "s3:GetObjectRetention"},
    "list_objects_v2": {"s3:ListBucket"},
}
# Calls that exist so that tests can prove S3 refuses them: the policy must deny them.
REFUSED = {"delete_object": {"s3:DeleteObject", "s3:DeleteObjectVersion"}}
NEVER = {
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:BypassGovernanceRetention",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutBucketVersioning",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketPolicy",
}


def _policy() -> dict[str, Any]:
    block = re.search(r"```json\n(.*?)```", POLICY_DOC.read_text(), re.S)
    assert block, "docs/s3-policy.md has no JSON policy"
    policy: dict[str, Any] = json.loads(block.group(1))
    return policy


def _actions(effect: str) -> set[str]:
    return {a for s in _policy()["Statement"] if s["Effect"] == effect for a in s["Action"]}


def test_every_s3_call_of_the_client_is_allowed() -> None:
    calls = set(re.findall(r"self\._client\.(\w+)", CLIENT.read_text())) - {"close"}
    unknown = calls - ACTIONS.keys() - REFUSED.keys()
    assert not unknown, f"new S3 calls {unknown}: map them to IAM actions here and in docs/s3-policy.md"
    needed = set().union(*(ACTIONS[c] for c in calls if c in ACTIONS))
    assert needed <= _actions("Allow")
    assert _actions("Allow") <= needed, "the policy allows more than pdp calls"


def test_nothing_that_deletes_or_unlocks_is_allowed() -> None:
    allowed, denied = _actions("Allow"), _actions("Deny")
    assert not any("*" in action for action in allowed)
    assert not allowed & NEVER
    assert denied >= NEVER
    assert set().union(*REFUSED.values()) <= denied
