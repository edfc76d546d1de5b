"""The README's walk-through, run as it is written on a real ``pdp dev``: a newcomer's first hour, in CI.

The bash between the README's ``walk-through: begin`` and ``end`` markers runs unchanged (with ``-e`` and
``pipefail``, so that any failing step fails the test) in a directory laid out like a checkout: ``.venv``,
``infra`` and ``.pdp``. Its one manual step, the provider accepting the mandate from pdp's invitation e-mail, is
done here as a scripted user does it (``pdp mandate accept-demo``: the e-mail in ``.pdp/mail/``, the ProConnect
stand-in, the signed form, over HTTP), and then the script is told to go on (it waits on ``read``, like its reader
would).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_dev_command import Dev

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"<!-- walk-through: begin -->(.*?)<!-- walk-through: end -->", re.DOTALL)
FENCE = re.compile(r"```bash\n(.*?)```", re.DOTALL)


def walkthrough() -> str:
    found = BLOCK.search((ROOT / "README.md").read_text())
    assert found, "the README has no walk-through markers"
    return "\n".join(FENCE.findall(found.group(1)))


def _answers(output: str) -> list[dict[str, Any]]:
    answers = []
    for line in output.splitlines():
        if line.startswith("{"):
            answers.append(json.loads(line))
    return answers


def test_the_readme_walkthrough_runs_as_written(data_dir: Path, tmp_path: Path) -> None:
    script = tmp_path / "walkthrough.sh"
    script.write_text(walkthrough())
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / ".venv").symlink_to(Path(sys.prefix))
    (checkout / "infra").symlink_to(ROOT / "infra")
    dev = Dev(data_dir, PDP_DEV_CLOCK_SPEED="40000", PDP_TRACKING_INTERVALS_SECONDS="2,3,5")
    (checkout / ".pdp").symlink_to(data_dir)
    try:
        run = subprocess.Popen(
            ["bash", "-e", "-o", "pipefail", str(script)],
            cwd=checkout,
            env=dev.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert run.stdin is not None and run.stdout is not None
        lines: list[str] = []
        for line in run.stdout:
            lines.append(line)
            asked = re.match(r"Accept mandate (mdt_\w+) from its invitation e-mail", line)
            if asked:
                assert json.loads(dev.cli("mandate", "accept-demo", asked.group(1)))["status"] == "active"
                run.stdin.write("\n")
                run.stdin.flush()
        code = run.wait(timeout=300)
    finally:
        dev.stop()
    output = "".join(lines)
    assert code == 0, output
    answers = _answers(output)
    by_object: dict[str, list[dict[str, Any]]] = {}
    for answer in answers:
        by_object.setdefault(str(answer.get("object")), []).append(answer)
    providers = by_object["provider"]
    assert len({p["id"] for p in providers}) == 1 and len(providers) >= 2  # the Idempotency-Key replayed it
    numbers = {i["number"].rsplit("-", 1)[0] for i in by_object["invoice"]}
    assert numbers == {"DEMO-UBL", "DEMO-JSON"}, output
    mandates = next(a for a in answers if a.get("object") == "list" and a["data"][0].get("object") == "mandate")
    assert mandates["data"][0]["status"] == "active"
