"""The issue's done-when script runs end to end against the emulator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.sandbox.harness import RunningSandbox

SCRIPT = Path(__file__).resolve().parents[2] / "infra/scripts/chorus_sandbox_demo.py"


def test_demo_script_reaches_payment_and_rejection(sandbox: RunningSandbox) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--url", sandbox.base_url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "MISE_EN_PAIEMENT" in done.stdout
    assert "REJETEE — « Facture rejetée" in done.stdout
    assert sandbox.control("GET", "ledger/summary")["duplicate_deposits"] == []
