"""Settings for CLI commands: the environment, or else the coordinates ``pdp dev`` wrote to ``.pdp/dev.json``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

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
