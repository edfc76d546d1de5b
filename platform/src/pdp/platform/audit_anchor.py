"""Keyed checkpoints of the audit chains: what the database owner cannot forge.

A hash chain (:mod:`pdp.platform.audit`) shows an edit only to whoever did not recompute the later hashes, and
the schema owner can switch the append-only trigger off and recompute them, or delete a lane's tail. So a worker
periodically takes each chain's head (lane, seq, hash), MACs it with HMAC-SHA256 under a key the database never
holds, and writes the lot to the Object Lock archive, where nobody can rewrite it. Afterwards a rewrite up to a
checkpointed head changes the hash at that seq; a truncated lane's head falls below it; a deleted lane is named
by the checkpoint and gone from the database. Events after the last checkpoint are protected by the chain alone
until the next one: that window is the checkpoint period.

The key is derived from each ``PDP_MASTER_KEYS`` entry with HKDF under a label of its own (it never encrypts,
and an envelope key never MACs); the checkpoint records the master key id, so the first key signs new
checkpoints and the others still check old ones. This module is the pure part: keys, the document, and the
comparison with what the database holds; S3 is in ``pdp.tenants.archive.audit_checkpoints``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from pdp.platform.audit import Head

LABEL = b"pdp/audit-checkpoint/v1"
VERSION = 1


class CheckpointUnreadable(ValueError):
    """The stored checkpoint is not a checkpoint document this version understands."""


@dataclass(frozen=True, slots=True)
class AuditKey:
    id: str  # the master key's id, recorded in every checkpoint it signs
    secret: bytes = field(repr=False)

    def mac(self, message: str) -> str:
        return hmac.new(self.secret, message.encode(), hashlib.sha256).hexdigest()


class AuditKeys:
    """One audit key per master key; the first one signs (as the first master key encrypts)."""

    def __init__(self, master_keys: str) -> None:
        self._keys: dict[str, AuditKey] = {}
        for entry in filter(None, (part.strip() for part in master_keys.split(","))):
            kid, _, material = entry.partition(":")
            master = base64.b64decode(material)
            if not kid or len(master) != 32:
                raise ValueError("each master key must be 'kid:base64(32 bytes)'")
            derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=LABEL).derive(master)
            self._keys.setdefault(kid, AuditKey(kid, derived))
        if not self._keys:
            raise ValueError("PDP_MASTER_KEYS is empty: no key to sign audit checkpoints with")

    @classmethod
    def from_master_keys(cls, master_keys: str) -> AuditKeys | None:
        """The keys, or None when no master key is configured (development without secrets)."""
        return cls(master_keys) if master_keys.strip() else None

    @property
    def signing(self) -> AuditKey:
        return next(iter(self._keys.values()))

    def get(self, key_id: str) -> AuditKey | None:
        return self._keys.get(key_id)


def _head_message(tenant_id: str, head: Head) -> str:
    # Tenant and lane are in the MAC: a head copied onto another tenant's or lane's entry does not check.
    return f"pdp-audit-head|{tenant_id}|{head.lane}|{head.seq}|{head.hash}"


@dataclass(frozen=True, slots=True)
class SignedHead:
    head: Head
    mac: str


@dataclass(frozen=True, slots=True)
class Checkpoint:
    tenant_id: str
    taken_at: datetime
    key_id: str
    heads: tuple[SignedHead, ...]
    mac: str = ""  # over the whole document: no lane can be left out of it, nor the time changed

    def _body(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "tenant_id": self.tenant_id,
            "taken_at": self.taken_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "key_id": self.key_id,
            "heads": [{"lane": s.head.lane, "seq": s.head.seq, "hash": s.head.hash, "mac": s.mac} for s in self.heads],
        }

    def _canonical(self) -> str:
        return json.dumps(self._body(), sort_keys=True, separators=(",", ":"))

    def to_json(self) -> bytes:
        return json.dumps({**self._body(), "mac": self.mac}, sort_keys=True, indent=1).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Checkpoint:
        try:
            doc = json.loads(data)
            if doc["version"] != VERSION:
                raise CheckpointUnreadable(f"checkpoint version {doc['version']!r} is not {VERSION}")
            heads = tuple(
                SignedHead(Head(int(h["lane"]), int(h["seq"]), str(h["hash"])), str(h["mac"])) for h in doc["heads"]
            )
            return cls(
                str(doc["tenant_id"]),
                datetime.fromisoformat(doc["taken_at"]),
                str(doc["key_id"]),
                heads,
                str(doc["mac"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointUnreadable(f"not a readable checkpoint: {exc}") from exc

    def same_heads(self, heads: Mapping[int, Head]) -> bool:
        return {s.head.lane: s.head for s in self.heads} == dict(heads)


def take(tenant_id: str, heads: Mapping[int, Head], key: AuditKey, at: datetime) -> Checkpoint:
    """A signed checkpoint of ``heads`` (lane → head), taken at ``at``."""
    signed = tuple(SignedHead(heads[lane], key.mac(_head_message(tenant_id, heads[lane]))) for lane in sorted(heads))
    unsigned = Checkpoint(tenant_id, at, key.id, signed)
    return Checkpoint(tenant_id, at, key.id, signed, key.mac(unsigned._canonical()))


@dataclass(frozen=True, slots=True)
class Finding:
    """One way the database disagrees with the audit trail's evidence; ``lane``/``seq`` None when not one's."""

    reason: str
    lane: int | None = None
    seq: int | None = None

    def where(self) -> str:
        if self.lane is None:
            return ""
        return f"lane {self.lane}" + (f" seq {self.seq}" if self.seq is not None else "")


def compare(
    checkpoint: Checkpoint,
    keys: AuditKeys | None,
    heads: Mapping[int, Head],
    stored: Mapping[tuple[int, int], str],
) -> list[Finding]:
    """What the database (``heads`` by lane, and ``stored`` hash by (lane, seq) at the checkpoint's seqs) does
    not hold of ``checkpoint``; the checkpoint is authenticated first."""
    findings: list[Finding] = []
    key = keys.get(checkpoint.key_id) if keys else None
    if key is None:
        findings.append(
            Finding(f"checkpoint signed with key {checkpoint.key_id!r}, which PDP_MASTER_KEYS does not hold")
        )
    elif not hmac.compare_digest(key.mac(checkpoint._canonical()), checkpoint.mac):
        findings.append(Finding(f"checkpoint's MAC does not match under key {key.id!r}: it was not written by pdp"))
        key = None  # its heads prove nothing: compare them, but not their MACs
    for signed in checkpoint.heads:
        expected = signed.head
        lane, seq = expected.lane, expected.seq
        head = heads.get(lane)
        if head is None:
            findings.append(
                Finding(f"lane deleted: the checkpoint has it at seq {seq}, the database has no event in it", lane)
            )
        elif head.seq < seq:
            findings.append(Finding(f"lane truncated: head seq {head.seq} is below the checkpoint's", lane, seq))
        elif (actual := stored.get((lane, seq))) is None:
            findings.append(Finding("the checkpointed event is missing from the database", lane, seq))
        elif actual != expected.hash:
            findings.append(Finding("chain rewritten: the event's hash is not the checkpointed one", lane, seq))
        elif key and not hmac.compare_digest(key.mac(_head_message(checkpoint.tenant_id, expected)), signed.mac):
            findings.append(Finding("the checkpointed head's MAC does not match", lane, seq))
    return findings
