"""What production refuses to start with: the defaults and development values that are safe on a laptop only.

``PDP_ENVIRONMENT=production`` makes ``pdp serve``, ``pdp worker`` and ``pdp migrate`` check the settings (and
the database role, asked of the server) before anything else, and refuse with every problem at once, one line each,
so that an operator fixes them in one pass rather than one restart per problem.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

import asyncpg

from pdp.platform.db import admin
from pdp.platform.security.envelope import Envelope
from pdp.platform.settings import Settings

# Published example or default credentials of S3-compatible stores: anyone can guess them.
WELL_KNOWN_S3_KEYS = frozenset(
    {
        "minioadmin",  # MinIO's default root user and password
        "AKIAIOSFODNN7EXAMPLE",  # the AWS documentation's example key pair
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "test",  # LocalStack's
        "any",
    }
)
# DatabasePlan's passwords for throwaway test clusters (pdp.platform.db.admin): public, so never production's.
WELL_KNOWN_DATABASE_PASSWORDS = frozenset({"", "pdp_app", "pdp_owner", "postgres", "password"})


def _loopback(host: str | None) -> bool:
    if not host or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _password(url: str) -> str:
    return unquote(urlsplit(url).password or "")


def settings_problems(settings: Settings, dev_environment: Mapping[str, str] | None = None) -> list[str]:
    """The settings' problems for production, one sentence each naming the variable. ``dev_environment``: the
    ``PDP_*`` values a ``pdp dev`` on this machine generated (its keys and passwords are on disk in clear)."""
    problems: list[str] = []
    dev = dev_environment or {}
    if not settings.master_keys:
        problems.append("PDP_MASTER_KEYS is empty: provider passwords and webhook secrets cannot be encrypted")
    else:
        try:
            Envelope(settings.master_keys)
        except ValueError as exc:
            problems.append(f"PDP_MASTER_KEYS is invalid: {exc}")
        if settings.master_keys == dev.get("PDP_MASTER_KEYS"):
            problems.append("PDP_MASTER_KEYS is pdp dev's key, kept in clear in its data directory")
    for name, value in (("PDP_S3_ACCESS_KEY", settings.s3_access_key), ("PDP_S3_SECRET_KEY", settings.s3_secret_key)):
        if value in WELL_KNOWN_S3_KEYS:
            problems.append(f"{name} is a well-known default credential of S3-compatible stores")
        elif value and value == dev.get(name):
            problems.append(f"{name} is pdp dev's embedded S3 key")
    for name, url in (("PDP_DATABASE_URL", settings.database_url), ("PDP_DATABASE_OWNER_URL", settings.owner_url)):
        password = _password(url)
        if password in WELL_KNOWN_DATABASE_PASSWORDS or password == urlsplit(url).username:
            problems.append(f"{name} has no password, or a well-known one")
        elif password == _password(dev.get(name, "")):
            problems.append(f"{name} uses pdp dev's generated password")
    redis = urlsplit(settings.redis_url)
    if redis.scheme in ("redis", "rediss") and not redis.password and not _loopback(redis.hostname):
        problems.append(f"PDP_REDIS_URL has no password for {redis.hostname}, a host other machines can reach")
    if urlsplit(settings.public_url).scheme != "https":
        problems.append(
            f"PDP_PUBLIC_URL {settings.public_url} is not https: keys and acceptance links would travel in clear"
        )
    return problems


async def database_problems(settings: Settings) -> list[str]:
    """The app role's problems, asked of the database: row-level security must bind it."""
    try:
        role = await admin.role_attributes(settings.database_url)
    except (OSError, TimeoutError, ValueError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        # Unreachable or refused: the role cannot be vouched for, so it is not trusted.
        return [f"PDP_DATABASE_URL: cannot connect to check its role ({type(exc).__name__}: {exc})"]
    problems = []
    if role.superuser:
        problems.append(f"PDP_DATABASE_URL connects as {role.name}, a superuser: row-level security does not bind it")
    if role.bypass_rls:
        problems.append(f"PDP_DATABASE_URL connects as {role.name}, which has BYPASSRLS: tenants would not be isolated")
    if role.owned_tables:
        problems.append(
            f"PDP_DATABASE_URL connects as {role.name}, which owns {role.owned_tables} tables and could turn row-level "
            "security off: set PDP_DATABASE_OWNER_URL to the schema owner"
        )
    return problems


async def problems(settings: Settings, dev_environment: Mapping[str, str] | None = None) -> list[str]:
    """Everything production refuses, settings first; empty outside production."""
    if settings.environment != "production":
        return []
    return settings_problems(settings, dev_environment) + await database_problems(settings)
