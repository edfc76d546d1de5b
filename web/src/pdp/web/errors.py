"""Every failure becomes an RFC 9457 problem (``application/problem+json``) with a stable ``code``.

Driver and exception text never reach the client: unexpected errors are logged with a reference id and the
client gets that id.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, SerializationException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DataError, IntegrityError

from pdp.platform import ids
from pdp.platform.db.session import is_unavailable
from pdp.platform.errors import AppError, ServiceUnavailable
from pdp.platform.logging import get_logger

PROBLEM = "application/problem+json"
log = get_logger("pdp.web.errors")

_FIELD = re.compile(r"`([^`]+)`")
_HTTP_CODES = {
    400: "invalid_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    503: "service_unavailable",
}


def problem(status: int, code: str, title: str, detail: str, instance: str, **extra: Any) -> Response[Any]:
    body = {
        "type": f"https://docs.pdp.dev/errors/{code}",
        "title": title,
        "status": status,
        "code": code,
        "detail": detail,
        "instance": instance,
        **extra,
    }
    return Response(body, status_code=status, media_type=PROBLEM)


def _app_error(request: Request[Any, Any, Any], exc: AppError) -> Response[Any]:
    extra: dict[str, Any] = dict(exc.extra)
    if exc.errors:
        extra["errors"] = exc.errors
    response = problem(exc.status, exc.code, exc.title, exc.detail, request.url.path, **extra)
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="pdp"'
    if exc.status == 503:
        response.headers["Retry-After"] = "1"  # transient by definition: say when a retry makes sense
    response.headers.update(exc.headers)
    return response


def _finding(message: str, key: str | None, source: str | None) -> dict[str, str]:
    field = _FIELD.search(message)
    if message.startswith("Object contains unknown field"):
        rule, name = "PDP-FIELD-UNKNOWN", field.group(1) if field else ""
    elif message.startswith("Object missing required field"):
        rule, name = "PDP-FIELD-MISSING", field.group(1) if field else ""
    else:
        rule, name = "PDP-FIELD-INVALID", "" if key == "data" else (key or "")
    origin = str(getattr(source, "value", source) or "body")
    body_path = f"$.{name}" if name else "$"
    path = body_path if origin == "body" else f"{origin}.{key}"
    return {"rule": rule, "severity": "error", "message": message, "path": path}


def _validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    raw = exc.extra if isinstance(exc.extra, list) else []
    errors = [
        _finding(str(item.get("message", "")), item.get("key"), item.get("source"))
        for item in raw
        if isinstance(item, dict)
    ]
    if any(e["message"].startswith("'") and e["message"].endswith("'") for e in errors):
        # Litestar reports an absent body as a KeyError on the parameter name.
        errors = [{"rule": "PDP-BODY-MISSING", "severity": "error", "message": "A JSON body is required.", "path": "$"}]
    return problem(
        422,
        "validation_failed",
        "The request failed validation",
        "; ".join(e["message"] for e in errors) or "Invalid request.",
        request.url.path,
        errors=errors,
    )


def _caused_by_bad_json(exc: BaseException) -> bool:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, (msgspec.DecodeError, SerializationException)):
            return True
        cause = cause.__cause__
    return "JSON is malformed" in str(exc)


def _http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    detail = str(exc.detail)
    if status == 400 and _caused_by_bad_json(exc):
        return problem(400, "malformed_json", "The request body is not valid JSON", detail, request.url.path)
    if isinstance(exc, NotFoundException):
        detail = "No such route." if detail in ("Not Found", "") else detail
    headers = {k: v for k, v in (exc.headers or {}).items()}
    response = problem(status, _HTTP_CODES.get(status, "http_error"), detail, detail, request.url.path)
    response.headers.update(headers)
    return response


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if is_unavailable(exc):
        return _app_error(request, ServiceUnavailable())
    if isinstance(exc, IntegrityError):
        # Backstop for a race the service did not name: the same unique value written twice at once.
        log.warning("request.integrity_error", path=request.url.path, error=type(exc.orig).__name__)
        return problem(
            409,
            "conflict",
            "The request conflicts with the current state",
            "The object was changed or created concurrently; retry.",
            request.url.path,
        )
    if isinstance(exc, DataError):
        # Backstop: validation should have refused the value first; say so in the logs, not to the client.
        log.warning("request.data_error", path=request.url.path, error=type(exc.orig).__name__)
        return problem(
            400,
            "invalid_request",
            "The request is malformed",
            "A value in the request cannot be stored.",
            request.url.path,
        )
    reference = ids.ulid()
    log.error("request.failed", reference=reference, path=request.url.path, exc_info=exc)
    return problem(
        HTTP_500_INTERNAL_SERVER_ERROR,
        "internal_error",
        "Internal error",
        f"Something went wrong on our side (reference {reference}).",
        request.url.path,
        reference=reference,
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    AppError: _app_error,
    ValidationException: _validation,
    HTTPException: _http,
    Exception: _unexpected,
}


def problem_for(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The problem ``exc`` is answered with (and logged as), for edges that render it another way (HTML pages)."""
    for kind, handler in EXCEPTION_HANDLERS.items():
        if isinstance(exc, kind):
            response: Response[Any] = handler(request, exc)
            return response
    raise AssertionError("Exception catches everything")  # pragma: no cover
