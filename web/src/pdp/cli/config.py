"""Settings for CLI commands: the environment, or else the coordinates ``pdp dev`` wrote to ``.pdp/dev.json``."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import click

from pdp.platform.settings import Settings, load_settings


def dev_dir() -> Path:
    return Path(os.environ.get("PDP_DEV_DIR", ".pdp"))


def dev_environment(dev_json: Path) -> dict[str, str]:
    """The ``PDP_*`` variables of a running ``pdp dev``."""
    data: dict[str, Any] = json.loads(dev_json.read_text())
    env: dict[str, str] = data["environment"]
    return env


def cli_environment() -> dict[str, str]:
    env = dict(os.environ)
    dev_json = dev_dir() / "dev.json"
    if "PDP_DATABASE_URL" not in env and dev_json.is_file():
        env = {**dev_environment(dev_json), **env}
    return env


def cli_settings() -> Settings:
    return load_settings(cli_environment())


def checked_settings() -> Settings:
    """``cli_settings()``, refused in production when it is unsafe: every problem on stderr, then exit 78
    (EX_CONFIG, the configuration is wrong; restarting will not help)."""
    from pdp.platform import production  # asyncpg: loaded by the commands that connect only

    settings = cli_settings()
    if settings.environment != "production":
        return settings
    dev_json = dev_dir() / "dev.json"
    dev = dev_environment(dev_json) if dev_json.is_file() else None
    problems = asyncio.run(production.problems(settings, dev))
    if problems:
        for problem in problems:
            click.echo(f"pdp: refusing to start in production: {problem}", err=True)
        raise SystemExit(78)
    return settings
