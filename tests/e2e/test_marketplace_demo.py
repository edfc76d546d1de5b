"""Issue 5's done-when, in CI: the marketplace script's whole journey on a real ``pdp dev``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_dev_command import Dev

pytestmark = pytest.mark.slow
SCRIPT = Path(__file__).resolve().parents[2] / "infra" / "scripts" / "marketplace_demo.py"


def test_the_marketplace_journey_holds_end_to_end(data_dir: Path) -> None:
    # A faster emulator and polling than the demo defaults: the journey is the same, CI waits less.
    dev = Dev(data_dir, PDP_DEV_CLOCK_SPEED="80000", PDP_TRACKING_INTERVALS_SECONDS="1")
    try:
        result = subprocess.run(
            [sys.executable, str(SCRIPT), "--dev-json", str(data_dir / "dev.json"), "--timeout", "300"],
            env=dev.env,
            capture_output=True,
            text=True,
            timeout=400,
            check=False,
        )
    finally:
        dev.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All steps held" in result.stdout
