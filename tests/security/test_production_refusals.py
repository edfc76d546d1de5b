"""Production refuses to start with what is safe on a laptop only: no master keys, well-known or ``pdp dev``'s
credentials, an app role that row-level security does not bind, Redis open to the network, an http public URL.
Every problem at once, one line each, and a non-zero exit before anything listens.

The probe found ``PDP_ENVIRONMENT=production`` changed only the webhook rules.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace

from pdp.platform import production
from pdp.platform.security.envelope import generate_master_key
from pdp.platform.settings import Settings, load_settings
from tests.conftest import DatabaseUrls

SAFE = load_settings(
    {},
    environment="production",
    database_url="postgresql+asyncpg://pdp_app:Zx8-long-random@db.internal:5432/pdp",
    database_owner_url="postgresql+asyncpg://pdp_owner:Qw7-long-random@db.internal:5432/pdp",
    redis_url="rediss://:Rt5-long-random@redis.internal:6380/0",
    s3_access_key="AKIA4REALKEYID",
    s3_secret_key="a-real-secret-key",
    master_keys=generate_master_key("prod1"),
    public_url="https://pdp.example.com",
)


def test_safe_production_settings_have_no_problem() -> None:
    assert production.settings_problems(SAFE) == []


def test_the_defaults_are_refused_one_line_each() -> None:
    problems = production.settings_problems(load_settings({}, environment="production"))
    assert [p.split(" ", 1)[0] for p in problems] == [
        "PDP_MASTER_KEYS",
        "PDP_DATABASE_URL",  # the default URL has no password
        "PDP_DATABASE_OWNER_URL",
        "PDP_PUBLIC_URL",
    ]
    assert all("\n" not in p for p in problems)


def test_each_unsafe_value_is_named() -> None:
    cases = {
        "PDP_MASTER_KEYS is invalid": replace(SAFE, master_keys="k1:c2hvcnQ="),
        "PDP_S3_ACCESS_KEY is a well-known": replace(SAFE, s3_access_key="minioadmin"),
        "PDP_S3_SECRET_KEY is a well-known": replace(SAFE, s3_secret_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        "PDP_DATABASE_URL has no password, or a well-known one": replace(
            SAFE, database_url="postgresql+asyncpg://pdp_app:pdp_app@db.internal/pdp"
        ),
        "PDP_REDIS_URL has no password for redis.internal": replace(SAFE, redis_url="redis://redis.internal:6379/0"),
        "PDP_PUBLIC_URL http://pdp.example.com is not https": replace(SAFE, public_url="http://pdp.example.com"),
    }
    for expected, settings in cases.items():
        problems = production.settings_problems(settings)
        assert len(problems) == 1 and problems[0].startswith(expected), (expected, problems)
    # Redis on loopback needs no password (nothing else reaches it); on a unix socket neither.
    assert production.settings_problems(replace(SAFE, redis_url="redis://127.0.0.1:6379/0")) == []
    assert production.settings_problems(replace(SAFE, redis_url="unix:///run/redis.sock")) == []


def test_pdp_devs_generated_secrets_are_refused() -> None:
    dev = {
        "PDP_MASTER_KEYS": SAFE.master_keys,
        "PDP_S3_ACCESS_KEY": SAFE.s3_access_key,
        "PDP_S3_SECRET_KEY": SAFE.s3_secret_key,
        "PDP_DATABASE_URL": "postgresql+asyncpg://pdp_app:Zx8-long-random@127.0.0.1:5432/pdp",
    }
    problems = production.settings_problems(SAFE, dev)
    assert [p.split(" ", 1)[0] for p in problems] == [
        "PDP_MASTER_KEYS",
        "PDP_S3_ACCESS_KEY",
        "PDP_S3_SECRET_KEY",
        "PDP_DATABASE_URL",
    ]
    assert all("pdp dev" in p for p in problems)


async def test_the_database_role_is_asked_of_the_server(settings: Settings, database: DatabaseUrls) -> None:
    assert await production.database_problems(settings) == []  # pdp_app: bound by row-level security
    as_superuser = await production.database_problems(replace(settings, database_url=database.admin_url))
    assert any("a superuser" in p for p in as_superuser)
    as_owner = await production.database_problems(replace(settings, database_url=database.owner_url))
    assert any("BYPASSRLS" in p for p in as_owner) and any("owns" in p for p in as_owner)
    unreachable = await production.database_problems(
        replace(settings, database_url="postgresql+asyncpg://pdp_app:x@127.0.0.1:1/pdp")
    )
    assert len(unreachable) == 1 and unreachable[0].startswith("PDP_DATABASE_URL: cannot connect")
    # Outside production nothing is checked.
    assert await production.problems(replace(settings, database_url=database.admin_url)) == []


def test_pdp_serve_refuses_to_start(database: DatabaseUrls, tmp_path: object) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PDP_") or key.startswith("PDP_TEST_")}
    env.update(
        {
            "PDP_ENVIRONMENT": "production",
            "PDP_DATABASE_URL": database.admin_url,  # a superuser
            "PDP_REDIS_URL": "redis://redis.internal:6379/0",
            "PDP_S3_ACCESS_KEY": "minioadmin",
            "PDP_S3_SECRET_KEY": "minioadmin",
            "PDP_DEV_DIR": str(tmp_path),  # no pdp dev here
            "PDP_PORT": "1",  # never reached: it would fail to bind, not hang
        }
    )
    done = subprocess.run(
        [sys.executable, "-m", "pdp.cli.main", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 78, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("pdp: refusing to start in production: ")]
    reasons = " | ".join(lines)
    for expected in ("PDP_MASTER_KEYS", "PDP_S3_ACCESS_KEY", "PDP_S3_SECRET_KEY", "PDP_REDIS_URL", "PDP_PUBLIC_URL"):
        assert expected in reasons, reasons
    assert "superuser" in reasons
    assert len(lines) >= 7, reasons
