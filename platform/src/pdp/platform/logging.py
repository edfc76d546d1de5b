"""Structured logging with structlog: dotted event names, context bound per request or job.

Secrets never reach a log line, whoever writes it: fields named like one are masked (``_scrub``), and every
rendered line — structlog's and the standard library's (uvicorn, httpx) — has the values that look like one
replaced (``redact``): API keys, webhook secrets, bearer credentials, the token segment of portal links (the
access log writes each request's path), and ``token=``/``key=`` query parameters.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable
from typing import TextIO

import structlog

_SECRET_KEYS = frozenset({"api_key", "password", "secret", "authorization", "token"})
MASK = "***"
# A portal link's token: every path segment under /portal/ of 16+ URL-safe characters (an invitation's is 43),
# whichever its place (a page's own name can be long too: /invitation-utilisateur/<token>), but pdp's own ids
# (``ten_`` + 26), which the portal's paths begin with, and plain words (lower-case letters and hyphens): neither is
# a secret, and a random token is never one of them.
_PORTAL_PATH = re.compile(r"/portal/[^\s?#\"']*")
_LINK_TOKEN = re.compile(
    r"(?<![\w-])(?![a-z]{3}_[0-9A-HJKMNP-TV-Z]{26}(?![\w-]))(?![a-z-]+(?![\w-]))[A-Za-z0-9_-]{16,}(?![\w-])",
    re.ASCII,
)


def _mask_link_tokens(path: re.Match[str]) -> str:
    return _LINK_TOKEN.sub(MASK, path.group(0))


_SECRET_VALUES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"\b(pdp_(?:test|live)_)[A-Za-z0-9]+"), rf"\g<1>{MASK}"),  # API keys (security.apikeys)
    (re.compile(r"\b(whsec_)[A-Za-z0-9_-]+"), rf"\g<1>{MASK}"),  # webhook signing secrets
    (re.compile(r"(?i)\b(bearer|basic)(\s+|%20|\+)[^\s\"',;&]+"), rf"\g<1>\g<2>{MASK}"),
    (_PORTAL_PATH, _mask_link_tokens),
    # Query values that are secrets: OAuth's code and state on ProConnect's return among them.
    (re.compile(r"(?i)([?&](?:token|key|api_key|secret|password|code|state)=)[^&\s#\"']+"), rf"\g<1>{MASK}"),
)


def redact(text: str) -> str:
    """``text`` with every value that looks like a secret masked."""
    for pattern, replacement in _SECRET_VALUES:
        text = pattern.sub(replacement, text)
    return text


def _scrub(_: object, __: str, event: structlog.typing.EventDict) -> structlog.typing.EventDict:
    # Keys and passwords never reach the logs, whoever passes them.
    for key in list(event):
        if key.lower() in _SECRET_KEYS:
            event[key] = MASK
    return event


class _RedactingRenderer:
    """The renderer, its output redacted: the line as written, whatever field or exception text a value is in."""

    def __init__(self, renderer: structlog.typing.Processor) -> None:
        self._renderer = renderer

    def __call__(self, logger: object, name: str, event: structlog.typing.EventDict) -> str:
        return redact(str(self._renderer(logger, name, event)))


class RedactingFilter(logging.Filter):
    """The same redaction for the standard library's records (uvicorn, httpx, asyncio…), message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure_logging(level: str = "info", *, json: bool = False, stream: TextIO | None = None) -> None:
    """structlog's lines to ``stream`` (standard error by default), rendered, then redacted."""
    numeric = logging.getLevelName(level.upper())
    processors: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _scrub,
    ]
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*processors, structlog.processors.format_exc_info, _RedactingRenderer(renderer)],
        wrapper_class=structlog.make_filtering_bound_logger(numeric if isinstance(numeric, int) else 20),
        logger_factory=structlog.PrintLoggerFactory(stream or sys.stderr),
        cache_logger_on_first_use=True,
    )
    logging.basicConfig(level=numeric if isinstance(numeric, int) else logging.INFO, stream=sys.stderr)
    # Every handler there is by now, the root's and those servers attach to their own loggers (uvicorn's).
    named = (item for item in logging.root.manager.loggerDict.values() if isinstance(item, logging.Logger))
    loggers = [logging.getLogger(), *named]
    for handler in {handler for logger in loggers for handler in logger.handlers}:
        if not any(isinstance(existing, RedactingFilter) for existing in handler.filters):
            handler.addFilter(RedactingFilter())


def get_logger(name: str) -> structlog.typing.FilteringBoundLogger:
    logger: structlog.typing.FilteringBoundLogger = structlog.get_logger(name)
    return logger
