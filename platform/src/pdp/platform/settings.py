"""Typed settings read once from ``PDP_*`` environment variables.

Every field maps to ``PDP_<FIELD_NAME_UPPER>``; the README's configuration reference is generated from
:func:`describe`. Settings are loaded explicitly by the edge (CLI, app factory, worker) — never at import.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any

import msgspec


@dataclass(frozen=True, slots=True)
class Settings:
    environment: str = field(default="development", metadata={"doc": "development, test or production"})
    database_url: str = field(
        default="postgresql+asyncpg://pdp_app@127.0.0.1:5432/pdp",
        metadata={"doc": "Application connection: a role that is not owner, superuser or BYPASSRLS"},
    )
    database_owner_url: str = field(
        default="",
        metadata={"doc": "Migration connection (schema owner); defaults to the database URL"},
    )
    database_pool_size: int = field(default=10, metadata={"doc": "Connections kept per process"})
    redis_url: str = field(default="redis://127.0.0.1:6379/0", metadata={"doc": "Queue and rate limiter"})
    s3_endpoint: str = field(default="", metadata={"doc": "S3 endpoint URL; empty means AWS"})
    s3_region: str = field(default="us-east-1", metadata={"doc": "S3 region"})
    s3_access_key: str = field(default="", metadata={"doc": "S3 access key id"})
    s3_secret_key: str = field(default="", metadata={"doc": "S3 secret access key"})
    s3_bucket: str = field(default="pdp-archive", metadata={"doc": "Archive bucket (Object Lock enabled)"})
    archive_retention_days: int = field(
        default=3653, metadata={"doc": "How long archived documents are locked (10 years, French commercial law)"}
    )
    archive_lock_mode: str = field(
        default="COMPLIANCE", metadata={"doc": "S3 Object Lock mode: COMPLIANCE (nobody can delete) or GOVERNANCE"}
    )
    archive_quota_bytes: int = field(
        default=10_000_000_000,
        metadata={"doc": "Bytes one tenant may lock in the archive (10 GB); beyond, 403 archive_quota_exceeded"},
    )
    archive_quota_overrides: str = field(
        default="", metadata={"doc": "Per-tenant archive quotas, 'ten_…=bytes' comma-separated"}
    )
    mandate_pending_max: int = field(
        default=5,
        metadata={"doc": "Pending mandates one provider may have at once; beyond, 409 too_many_pending_mandates"},
    )
    master_keys: str = field(
        default="",
        metadata={"doc": "Key-encryption keys, 'kid:base64key' comma-separated; the first one encrypts"},
    )
    api_key_mode: str = field(
        default="test", metadata={"doc": "Mode of the admin key `pdp tenant create` issues (test or live)"}
    )
    public_url: str = field(default="http://127.0.0.1:8000", metadata={"doc": "Base URL users reach"})
    host: str = field(default="127.0.0.1", metadata={"doc": "Address `pdp serve` binds"})
    port: int = field(default=8000, metadata={"doc": "Port `pdp serve` binds"})
    trusted_proxies: str = field(
        default="",
        metadata={
            "doc": "Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR blocks, comma-separated); "
            "empty: none, the client is the connection's peer"
        },
    )
    log_level: str = field(default="info", metadata={"doc": "debug, info, warning or error"})
    log_json: bool = field(default=False, metadata={"doc": "JSON log lines instead of console rendering"})
    idempotency_ttl_hours: int = field(default=168, metadata={"doc": "How long Idempotency-Key replays last"})
    api_max_in_flight: int = field(
        default=32,
        metadata={"doc": "Partner API requests one API process works on at once; more get 503 overloaded at once"},
    )
    api_tenant_max_in_flight: int = field(
        default=20,
        metadata={
            "doc": "Partner API requests one tenant may have in progress at once, all API processes together; "
            "more get 429 rate_limited"
        },
    )
    api_tenant_rate_per_second: float = field(
        default=100.0, metadata={"doc": "Partner API requests per second one tenant may make (sustained)"}
    )
    api_tenant_rate_burst: int = field(
        default=200, metadata={"doc": "Partner API requests one tenant may make at once above its rate (the bucket)"}
    )
    api_body_grace_seconds: float = field(
        default=10.0, metadata={"doc": "Time a request body may take before the minimum rate applies"}
    )
    api_body_min_bytes_per_second: int = field(
        default=8192,
        metadata={"doc": "Past the grace time, a body arriving slower than this on average gets 408 request_timeout"},
    )
    api_body_timeout_seconds: float = field(
        default=600.0, metadata={"doc": "Longest time a request body may take to arrive, however fast it goes"}
    )
    worker_concurrency: int = field(default=10, metadata={"doc": "Jobs one worker runs at once"})
    job_timeout_seconds: int = field(default=120, metadata={"doc": "A job running longer is cancelled"})
    outbox_relay_seconds: float = field(default=2.0, metadata={"doc": "Outbox relay period"})
    # Two Chorus Pro environments: PDP_CHORUS_* is the qualification one (PISTE sandbox, or the emulator), where
    # invoices of test keys go; PDP_CHORUS_LIVE_* is production, for live keys only (pdp.tenants.chorus_gateway).
    chorus_api_url: str = field(
        default="https://sandbox-api.piste.gouv.fr",
        metadata={"doc": "Chorus Pro qualification API host, for test keys (PISTE sandbox, or the emulator)"},
    )
    chorus_token_url: str = field(
        default="https://sandbox-oauth.piste.gouv.fr/api/oauth/token",
        metadata={"doc": "PISTE OAuth2 token endpoint of the qualification environment"},
    )
    chorus_client_id: str = field(
        default="", metadata={"doc": "PISTE sandbox application client id; empty: no qualification environment"}
    )
    chorus_client_secret: str = field(default="", metadata={"doc": "PISTE sandbox application client secret"})
    chorus_login: str = field(default="", metadata={"doc": "The platform's qualification technical account login"})
    chorus_password: str = field(default="", metadata={"doc": "Password of that technical account"})
    chorus_live_api_url: str = field(
        default="https://api.piste.gouv.fr", metadata={"doc": "Chorus Pro production API host, for live keys"}
    )
    chorus_live_token_url: str = field(
        default="https://oauth.piste.gouv.fr/api/oauth/token",
        metadata={"doc": "PISTE OAuth2 token endpoint of production"},
    )
    chorus_live_client_id: str = field(
        default="", metadata={"doc": "PISTE production application client id; empty: live keys cannot deposit"}
    )
    chorus_live_client_secret: str = field(default="", metadata={"doc": "PISTE production application client secret"})
    chorus_live_login: str = field(default="", metadata={"doc": "The platform's production technical account login"})
    chorus_live_password: str = field(default="", metadata={"doc": "Password of that technical account"})
    chorus_timeout_seconds: float = field(default=30.0, metadata={"doc": "Timeout of one Chorus Pro call"})
    chorus_rate_per_second: float = field(
        default=5.0, metadata={"doc": "Chorus Pro calls per second, all workers and tenants together"}
    )
    chorus_tenant_rate_per_second: float = field(
        default=2.0, metadata={"doc": "Chorus Pro calls per second for one tenant (fair share under bursts)"}
    )
    chorus_reconcile_after_seconds: int = field(
        default=900,
        metadata={"doc": "After an unanswered deposit, how long to look for it in Chorus before depositing again"},
    )
    chorus_password_warning_days: int = field(
        default=15,
        metadata={
            "doc": "How many days before a Chorus Pro technical account's password expires pdp warns (then again "
            "once it has expired)"
        },
    )
    tracking_intervals_seconds: str = field(
        default="60,120,300,600,1800,3600",
        metadata={"doc": "Polling schedule of an invoice's Chorus status; the last interval repeats"},
    )
    stalled_after: str = field(
        default="",
        metadata={
            "doc": "Maximum age of a non-final invoice status before the invoice is stalled, over the defaults: "
            "e.g. submitted=2d,deposited=3d,delivered=45d (units s, m, h, d)"
        },
    )
    invoice_first_check_seconds: int = field(
        default=60,
        metadata={
            "doc": "After a deposit, when the sweep first looks at the invoice (in case its submit job was lost)"
        },
    )
    invoice_sweep_lease_seconds: int = field(
        default=120,
        metadata={"doc": "How long the sweep waits for a claimed invoice's job before claiming it again"},
    )
    payment_delay_days: int = field(
        default=30, metadata={"doc": "Legal payment delay of public buyers, in days from reception"}
    )
    payment_delay_overrides: str = field(
        default="",
        metadata={"doc": "Per-recipient delays, 'siret=days' comma-separated (60: public health, 20: perishable food)"},
    )
    late_interest_reference_rate: str = field(
        default="2.15", metadata={"doc": "ECB main refinancing rate (%); late-payment interest is this + 8 points"}
    )
    smtp_host: str = field(default="", metadata={"doc": "SMTP server for e-mails to providers; empty: no e-mail"})
    smtp_port: int = field(default=25, metadata={"doc": "SMTP port"})
    smtp_security: str = field(default="none", metadata={"doc": "none, starttls or tls"})
    smtp_username: str = field(default="", metadata={"doc": "SMTP login, if the server wants one"})
    smtp_password: str = field(default="", metadata={"doc": "SMTP password"})
    mail_from: str = field(default="pdp <no-reply@pdp.localhost>", metadata={"doc": "Sender of pdp's e-mails"})
    directory_ttl_hours: int = field(
        default=24, metadata={"doc": "How long a cached recipient from Chorus Pro's directory stays fresh"}
    )
    sirene_api_url: str = field(
        default="https://recherche-entreprises.api.gouv.fr",
        metadata={
            "doc": "API Recherche d'entreprises (SIRENE), where a SIRET's registered address is read; "
            "`pdp dev` points it at its stand-in"
        },
    )
    letters_dir: str = field(
        default="",
        metadata={
            "doc": "Folder where letters to providers are written as PDFs (`pdp dev`: .pdp/letters), for someone "
            "to print and post; empty: pdp sends no letter. No postal service is connected yet"
        },
    )
    webhook_timeout_seconds: float = field(
        default=10.0, metadata={"doc": "How long a webhook receiver has to answer one delivery attempt"}
    )
    webhook_retry_intervals_seconds: str = field(
        default="30,300,1800,7200,18000,36000,43200,43200,43200,43200,43200",
        metadata={"doc": "Waits between a webhook delivery's failed attempts (±20% jitter); then it is failed"},
    )
    webhook_private_addresses: str = field(
        default="auto",
        metadata={
            "doc": "May webhooks go to private, loopback or link-local addresses: allow, refuse, or auto "
            "(refused in production only)"
        },
    )
    portal_identity_channels: str = field(
        default="proconnect,chorus_account,postal_code",
        metadata={
            "doc": "How a supplier may prove it acts for its SIRET before accepting a mandate, comma-separated: "
            "proconnect, chorus_account, postal_code"
        },
    )
    proconnect_issuer: str = field(
        default="",
        metadata={
            "doc": "ProConnect (OpenID Connect) issuer URL; empty: ProConnect is off (pdp dev runs a local stand-in)"
        },
    )
    proconnect_client_id: str = field(default="", metadata={"doc": "Client id pdp is registered with at ProConnect"})
    proconnect_client_secret: str = field(default="", metadata={"doc": "Its client secret"})
    portal_session_idle_minutes: int = field(
        default=30, metadata={"doc": "A portal session ends after this long without a request"}
    )
    portal_session_max_hours: int = field(
        default=12, metadata={"doc": "A portal session ends this long after sign-in, however active"}
    )
    staff_idle_minutes: int = field(
        default=15, metadata={"doc": "A console (support staff) session ends after this long without a request"}
    )
    portal_sign_in_link_minutes: int = field(
        default=20, metadata={"doc": "How long an e-mailed sign-in link works (once)"}
    )
    postal_code_days: int = field(
        default=30, metadata={"doc": "How long a code sent by post to a supplier's registered address can be entered"}
    )

    @property
    def owner_url(self) -> str:
        return self.database_owner_url or self.database_url


ENV_PREFIX = "PDP_"


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build settings from ``environ`` (default: the process environment) plus explicit overrides."""
    env = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    for f in fields(Settings):
        key = ENV_PREFIX + f.name.upper()
        if key in env:
            raw[f.name] = env[key]
    raw.update(overrides)
    try:
        return msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as exc:
        raise ValueError(f"invalid PDP_* setting: {exc}") from exc


@cache
def get_settings() -> Settings:
    return load_settings()


def describe() -> list[tuple[str, str, str]]:
    """(variable, default, description) for every setting: the README's configuration table."""
    return [(ENV_PREFIX + f.name.upper(), str(f.default), f.metadata.get("doc", "")) for f in fields(Settings)]
