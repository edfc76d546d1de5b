"""A form refused because its attempts are held for a while (429 ``RateLimited``): how long the page says to wait.

The limit's ``Retry-After`` is in seconds, for machines; a person reads whole minutes, rounded up so that the wait
they are told is never shorter than the real one.
"""

from __future__ import annotations

from pdp.platform.errors import RateLimited


def wait_minutes(limited: RateLimited) -> int:
    """The limit's ``Retry-After`` in whole minutes, rounded up, at least one."""
    seconds = int(limited.headers.get("Retry-After", "60"))
    return max(1, -(-seconds // 60))
