"""One error model for every Chorus Pro call (docs/chorus-pro-api.md §1, §5).

Each error carries Chorus's own message (``libelle``) for the user, its code (``codeRetour`` or the OAuth
``error``), the HTTP status, and two flags the callers act on:
- ``transient``: a later retry can succeed (429, 5xx, timeouts, lost connections);
- ``ambiguous``: the request may have taken effect although no answer arrived (read timeout, connection lost
  after the body was sent, some 5xx). A deposit that fails ambiguously must be reconciled with Chorus (search by
  flux or invoice number) before it is sent again, never blindly retried.
"""

from __future__ import annotations

from pdp.platform.errors import AppError


class ChorusError(AppError):
    default_code = "chorus_error"
    status = 502
    title = "Chorus Pro refused the request"
    ambiguous: bool = False

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        chorus_code: str | None = None,
        http_status: int | None = None,
        retry_after: float | None = None,
        ambiguous: bool | None = None,
    ) -> None:
        super().__init__(detail, code=code)
        self.chorus_code = chorus_code
        self.http_status = http_status
        self.retry_after = retry_after
        if ambiguous is not None:
            self.ambiguous = ambiguous

    def __str__(self) -> str:
        where = f" (HTTP {self.http_status})" if self.http_status else ""
        what = f"{self.chorus_code}: " if self.chorus_code else ""
        return f"{self.code}{where}: {what}{self.detail}"


class ChorusTransientError(ChorusError):
    """Retry later, with backoff; honour ``retry_after`` when Chorus gave one."""

    default_code = "chorus_unavailable"
    status = 503
    title = "Chorus Pro is unavailable; the call will be retried"
    transient = True


class ChorusRateLimited(ChorusTransientError):
    default_code = "chorus_rate_limited"
    title = "Chorus Pro asked us to slow down"


class ChorusTimeout(ChorusTransientError):
    default_code = "chorus_timeout"
    title = "Chorus Pro did not answer in time"


class ChorusConnectionError(ChorusTransientError):
    default_code = "chorus_connection_error"
    title = "The connection to Chorus Pro failed"


class ChorusPermanentError(ChorusError):
    """Retrying the same call cannot help: report Chorus's message to the user or operator."""


# "The search returned no result": TRA_MSG_00.015 (20000) and GFT_MSG_01.075 (20007, works invoices) [PASTELL].
NO_RESULT_CODES = frozenset({"20000", "20007"})


class ChorusRejected(ChorusPermanentError):
    """A business refusal: non-zero ``codeRetour``, whether Chorus sent it with HTTP 200 or 400."""

    default_code = "chorus_rejected"
    status = 422
    title = "Chorus Pro rejected the request"

    @property
    def no_result(self) -> bool:
        """A search that found nothing: an empty result, not a failure."""
        return self.chorus_code in NO_RESULT_CODES


class ChorusUnexpectedAnswer(ChorusPermanentError):
    """A JSON answer that does not have the shape of this call's answer, even read leniently.

    Asking again gets the same answer, so it is not transient. When it came with a 2xx status and no refusal
    code, Chorus may have acted on the request: it is then ``ambiguous``, and a deposit is looked up (§7) rather
    than sent again."""

    default_code = "chorus_unexpected_answer"
    title = "Chorus Pro answered in a shape pdp does not read"


class ChorusBadRequest(ChorusPermanentError):
    default_code = "chorus_bad_request"
    title = "Chorus Pro could not read the request"


class ChorusAuthError(ChorusPermanentError):
    """The PISTE application (client id/secret) or the Chorus technical account was refused."""

    default_code = "chorus_auth_failed"
    title = "Chorus Pro refused our credentials"


class ChorusForbidden(ChorusPermanentError):
    default_code = "chorus_forbidden"
    title = "Chorus Pro does not allow this call for this account"


class ChorusApiNotSubscribed(ChorusForbidden):
    """PISTE's own 403, empty or without a Chorus answer: pdp's PISTE application may not call this API (it is not
    subscribed to it, or its terms of use were not accepted for this environment). Only the operator can fix it."""

    default_code = "chorus_api_not_subscribed"
    title = "pdp's PISTE application is not subscribed to this Chorus Pro API"


class ChorusNotFound(ChorusPermanentError):
    default_code = "chorus_not_found"
    title = "Chorus Pro does not know this API"


class ChorusPayloadTooLarge(ChorusPermanentError):
    default_code = "chorus_payload_too_large"
    status = 413
    title = "The file is larger than Chorus Pro accepts"
