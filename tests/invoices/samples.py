"""Where the sample invoices are: ``shared/samples`` next to the checkout, outside the repository (in CI too)."""

from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
