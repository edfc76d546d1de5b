"""What pdp asked Chorus Pro and what it answered, call by call, for whoever is recording.

The client notes every call in the list :func:`recording` opened in the current context (none open: nothing is
kept), tagged with the subject :func:`about` names (the invoice a call is for; a change feed covering many has
none). What is kept is safe to store for the archive period: credentials never appear in a body (they travel in
headers, which are not kept), a password field is masked, and a file's base64 content is replaced by its size and
SHA-256 — the archived document itself is the record of the bytes. An answer is cut at 16 KB.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

ANSWER_LIMIT = 16 * 1024
_SECRETS = ("motdepasse", "password", "secret")


@dataclass(frozen=True, slots=True)
class Exchange:
    path: str
    subject: str | None  # the invoice this call was about, when it was about one
    at: datetime
    duration_ms: int
    http_status: int | None  # None: no answer (timeout, connection lost)
    code_retour: str | None
    request: Any
    answer: Any
    error: str | None


_log: ContextVar[list[Exchange] | None] = ContextVar("chorus_exchanges", default=None)
_subject: ContextVar[str | None] = ContextVar("chorus_exchange_subject", default=None)


@contextmanager
def recording() -> Iterator[list[Exchange]]:
    """Keep the calls made in this context (and the tasks it starts) in the list yielded."""
    kept: list[Exchange] = []
    token = _log.set(kept)
    try:
        yield kept
    finally:
        _log.reset(token)


@contextmanager
def about(subject_id: str) -> Iterator[None]:
    """The calls made in this context are about ``subject_id``."""
    token = _subject.set(subject_id)
    try:
        yield
    finally:
        _subject.reset(token)


@dataclass(slots=True)
class Noting:
    """One call being noted: what came back, once something did."""

    status: int | None = None
    body: bytes = b""

    def answered(self, status: int, body: bytes) -> None:
        self.status, self.body = status, body


@contextmanager
def noted(path: str, content: bytes) -> Iterator[Noting]:
    """Around one call: noted when the block ends, with its answer and the error it raised, if any."""
    noting, started, error = Noting(), time.monotonic(), None
    try:
        yield noting
    except Exception as exc:
        error = str(exc) or type(exc).__name__
        raise
    finally:
        _note(path, content, started, status=noting.status, body=noting.body, error=error)


def _note(path: str, content: bytes, started: float, *, status: int | None, body: bytes, error: str | None) -> None:
    kept = _log.get()
    if kept is None:
        return
    answer = _parsed(body[:ANSWER_LIMIT]) if body else None
    code = answer.get("codeRetour") if isinstance(answer, dict) else None
    kept.append(
        Exchange(
            path=path,
            subject=_subject.get(),
            at=datetime.now(UTC),
            duration_ms=int((time.monotonic() - started) * 1000),
            http_status=status,
            code_retour=None if code is None else str(code),
            request=_redacted(_parsed(content)),
            answer=_redacted(answer) if len(body) <= ANSWER_LIMIT else {"truncated": _redacted(answer)},
            error=error,
        )
    )


def _parsed(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def _redacted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _field(key, item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redacted(item) for item in value]
    return value


def _field(key: str, value: Any) -> Any:
    lowered = key.lower()
    if any(secret in lowered for secret in _SECRETS):
        return "***"
    if lowered.startswith("fichier") and isinstance(value, str) and len(value) > 64:
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            data = value.encode()
        return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    return _redacted(value)
