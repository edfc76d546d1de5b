"""The limits on guessing at the portal's door, in Redis (:mod:`pdp.platform.attempts`), shared by every process.

- a password: 5 failures per e-mail address and 20 per client address in 15 minutes, then refused until the
  window ends (a success clears the e-mail's count). Anyone who knows an e-mail address can hold its password
  sign-in for 15 minutes; the e-mailed link still works then, under its own limits;
- an e-mailed link: 3 requests per e-mail address and 10 per client address in 15 minutes (each one is an e-mail
  pdp sends to someone);
- a TOTP code: 5 failures per user in 15 minutes; a code is accepted once (its time step, or an earlier one,
  never again).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pdp.platform.attempts import StepLedger, Throttle

WINDOW_SECONDS = 15 * 60


@dataclass(frozen=True, slots=True)
class SignInGuards:
    password_by_email: Throttle
    password_by_address: Throttle
    link_by_email: Throttle
    link_by_address: Throttle
    code_by_user: Throttle
    totp_steps: StepLedger

    @classmethod
    def on(cls, redis: Any) -> SignInGuards:
        def throttle(name: str, limit: int) -> Throttle:
            return Throttle(redis, f"portal:{name}", limit=limit, window_seconds=WINDOW_SECONDS)

        return cls(
            password_by_email=throttle("password-email", 5),
            password_by_address=throttle("password-ip", 20),
            link_by_email=throttle("link-email", 3),
            link_by_address=throttle("link-ip", 10),
            code_by_user=throttle("totp-user", 5),
            # A step is 30 s and ±1 step is accepted: after 2 minutes no code of that step can come back.
            totp_steps=StepLedger(redis, "portal:totp", keep_seconds=120),
        )
