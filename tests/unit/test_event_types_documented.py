"""docs/api.md § Webhooks and events lists every event type a webhook endpoint may subscribe to, and no other."""

from __future__ import annotations

import re
from pathlib import Path

from pdp.tenants.events.models import TYPES

API_DOC = Path(__file__).resolve().parents[2] / "docs/api.md"


def test_the_webhooks_section_lists_exactly_the_event_types() -> None:
    section = API_DOC.read_text().split("## Webhooks and events", 1)[1].split("\n## ", 1)[0]
    listed = section.split("Types:", 1)[1].split(".\n", 1)[0]
    assert sorted(re.findall(r"`([a-z_]+\.[a-z_]+)`", listed)) == sorted(TYPES)
