"""The README stays true: it documents every setting and shows exactly the two set-up commands."""

from __future__ import annotations

import re
from pathlib import Path

from pdp.platform.settings import describe

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_is_in_the_configuration_table() -> None:
    text = README.read_text()
    missing = [name for name, _, _ in describe() if f"| `{name}` |" not in text]
    assert missing == []


def test_the_two_commands_exist_in_the_makefile() -> None:
    text = README.read_text()
    block = text.split("## The two commands", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make dev", "make test"]
    makefile = (README.parent / "Makefile").read_text()
    assert re.search(r"^dev: ", makefile, re.M) and re.search(r"^test: ", makefile, re.M)
