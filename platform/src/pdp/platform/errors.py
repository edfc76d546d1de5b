"""The error tree. Each error carries a stable machine ``code`` and an HTTP-ish ``status``.

No HTTP imports here: the web edge renders these as RFC 9457 problem details, workers log them, and the
``transient`` flag tells the job runtime whether a retry can help.
"""

from __future__ import annotations

from typing import Any, ClassVar


class AppError(Exception):
    default_code: ClassVar[str] = "internal_error"
    status: ClassVar[int] = 500
    title: ClassVar[str] = "Internal error"
    transient: ClassVar[bool] = False

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        **extra: Any,
    ) -> None:
        self.code = code or self.default_code
        self.detail = detail or self.title
        self.errors = errors or []
        self.extra = extra
        self.headers: dict[str, str] = {}  # HTTP headers the edge adds to the problem (Retry-After, RateLimit-*)
        super().__init__(self.detail)


class InvalidRequest(AppError):
    default_code = "invalid_request"
    status = 400
    title = "The request is malformed"


class MalformedJson(InvalidRequest):
    default_code = "malformed_json"
    title = "The request body is not valid JSON"


class PayloadTooLarge(AppError):
    default_code = "payload_too_large"
    status = 413
    title = "The request body is too large"


class RequestTimeout(AppError):
    """The body did not arrive in time (slower than the minimum rate, or past the total deadline)."""

    default_code = "request_timeout"
    status = 408
    title = "The request body arrived too slowly"


class RateLimited(AppError):
    """The tenant is over its request rate or its concurrent requests; ``headers`` say when to retry."""

    default_code = "rate_limited"
    status = 429
    title = "Too many requests for this tenant; retry later"
    transient = True


class ValidationFailed(AppError):
    default_code = "validation_failed"
    status = 422
    title = "The request failed validation"


class Unauthenticated(AppError):
    default_code = "unauthenticated"
    status = 401
    title = "A valid API key is required"


class Forbidden(AppError):
    default_code = "forbidden"
    status = 403
    title = "This action is not allowed"


class NotFound(AppError):
    default_code = "not_found"
    status = 404
    title = "No such object"


class Conflict(AppError):
    default_code = "conflict"
    status = 409
    title = "The request conflicts with the current state"


class IdempotencyKeyReused(Conflict):
    default_code = "idempotency_key_reused"
    title = "This Idempotency-Key was used with another request"


class IdempotencyKeyInUse(Conflict):
    default_code = "idempotency_key_in_use"
    title = "A request with this Idempotency-Key is still being processed"
    transient = True


class TenantContextMissing(AppError):
    """A tenant-scoped query ran without a tenant: a programming error, never a user error."""

    default_code = "tenant_context_missing"
    status = 500
    title = "Tenant context missing"


class ServiceUnavailable(AppError):
    default_code = "service_unavailable"
    status = 503
    title = "A backing service is unavailable; retry later"
    transient = True


class Overloaded(ServiceUnavailable):
    default_code = "overloaded"
    title = "pdp is at capacity; retry in a moment"
