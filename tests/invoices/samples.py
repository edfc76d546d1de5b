"""Where the shared sample invoices are: ``../shared/samples`` beside the checkout (as laid out for CI too)."""

from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
