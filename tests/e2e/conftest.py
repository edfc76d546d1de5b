"""End-to-end fixtures: a throwaway data directory for each ``pdp dev``."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="pdp-dev-e2e-", dir="/tmp"))
    yield path / ".pdp"
    shutil.rmtree(path, ignore_errors=True)
