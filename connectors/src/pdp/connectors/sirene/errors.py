"""What can go wrong asking the API Recherche d'entreprises, and whether asking again later can help.

``transient`` errors (timeouts, lost connections, 5xx, 429) mean "not answered now": a job retries, a portal page
asks the user to try again in a moment (``retry_after`` says when, if the API said). The others mean pdp asked
something the API will never answer as expected; retrying sends the same question.
"""

from __future__ import annotations

from pdp.platform.errors import AppError


class SireneError(AppError):
    default_code = "sirene_error"
    status = 502
    title = "The SIRENE directory gave an unexpected answer"

    def __init__(
        self, detail: str | None = None, *, http_status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(detail)
        self.http_status = http_status
        self.retry_after = retry_after


class SireneUnavailable(SireneError):
    """No answer now (connection, 5xx, unreadable body): retry later."""

    default_code = "sirene_unavailable"
    status = 503
    title = "The SIRENE directory is unavailable; retry later"
    transient = True


class SireneTimeout(SireneUnavailable):
    default_code = "sirene_timeout"
    title = "The SIRENE directory did not answer in time"


class SireneRateLimited(SireneUnavailable):
    """The API answered 429, or pdp holds back after one: nothing was asked; ``retry_after`` seconds from now."""

    default_code = "sirene_rate_limited"
    title = "Too many questions to the SIRENE directory; retry in a moment"
