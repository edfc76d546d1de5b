"""What an API key may do: its scopes, and its mode (test or live).

Three scopes, each including the ones before it, so a key is described by the widest it holds:

- ``read``: every GET of the Partner API, API keys excepted (a key list tells an attacker what to aim at);
- ``deposit``: ``read`` plus what the daily integration writes — providers, their Chorus Pro account, mandates,
  invoices, batches and invoice actions;
- ``admin``: ``deposit`` plus the tenant's credentials and where its data goes — API keys (create, list, revoke)
  and webhook endpoints (create, delete, replay a delivery).

A key is stored with the closed set (``deposit`` is stored as ``read, deposit``) so that what the API shows is
exactly what is enforced. A key creates keys of its own mode only and never wider than itself: a leaked test key
cannot mint a live one, a deposit key cannot mint an admin one.
"""

from __future__ import annotations

from collections.abc import Iterable

from pdp.platform.errors import Forbidden

SCOPES = ("read", "deposit", "admin")  # narrowest first; each includes the ones before it
ADMIN = frozenset(SCOPES)


class InsufficientScope(Forbidden):
    default_code = "insufficient_scope"
    title = "The API key lacks the scope this operation needs"


class ModeMismatch(Forbidden):
    default_code = "api_key_mode_forbidden"
    title = "A key creates keys of its own mode only"


def closure(scopes: Iterable[str]) -> frozenset[str]:
    """The scopes held by a key granted ``scopes``: each with every narrower one. Unknown names raise."""
    widest = -1
    for scope in scopes:
        if scope not in SCOPES:
            raise ValueError(f"unknown scope {scope!r}")
        widest = max(widest, SCOPES.index(scope))
    return frozenset(SCOPES[: widest + 1])


def ordered(scopes: Iterable[str]) -> list[str]:
    """``scopes`` narrowest first, as stored and shown."""
    held = set(scopes)
    return [scope for scope in SCOPES if scope in held]


def require(held: frozenset[str], needed: str) -> None:
    if needed not in held:
        raise InsufficientScope(
            f"This operation needs an API key with the '{needed}' scope; this key has: {', '.join(ordered(held))}.",
            needed_scope=needed,
        )


def check_grant(*, creator_mode: str, creator_scopes: frozenset[str], mode: str, scopes: frozenset[str]) -> None:
    """May a key of ``creator_mode``/``creator_scopes`` create one of ``mode``/``scopes``?"""
    if mode != creator_mode:
        raise ModeMismatch(
            f"A {creator_mode} key creates {creator_mode} keys only; create {mode} keys with a {mode} admin key "
            "(the first live key comes from `pdp tenant create --mode live`).",
        )
    wider = scopes - creator_scopes
    if wider:
        raise InsufficientScope(
            f"A key cannot grant scopes it does not hold: {', '.join(ordered(wider))}.",
            needed_scope=ordered(wider)[-1],
        )
