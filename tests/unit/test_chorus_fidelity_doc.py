"""docs/chorus-fidelity.md states pdp's reading of every Chorus status and flux state: it must be the code's."""

from __future__ import annotations

import re
from pathlib import Path

from pdp.connectors.chorus_pro.states import FLUX_STATES, INVOICE_STATUSES
from pdp.tenants.deposits.lifecycle import CHORUS_FLUX_STATES, CHORUS_INVOICE_STATES

DOC = Path(__file__).resolve().parents[2] / "docs" / "chorus-fidelity.md"
ROW = re.compile(r"^\| `([A-Z0-9_]+)` \| (.+?) \| (.+?) \|$")


def _rows() -> dict[str, tuple[str, str]]:
    return {m[1]: (m[2], m[3]) for line in DOC.read_text().splitlines() if (m := ROW.match(line))}


def test_the_doc_lists_each_invoice_status_as_the_code_maps_it() -> None:
    rows = _rows()
    for code in INVOICE_STATUSES:
        meaning = CHORUS_INVOICE_STATES.get(code)
        expected = (f"`{meaning.status}`", meaning.cdar) if meaning else ("unknown: kept, raised to staff", "—")
        assert rows.get(code) == expected, code


def test_the_doc_lists_each_flux_state_with_its_action() -> None:
    rows = _rows()
    for code, label in FLUX_STATES.items():
        assert rows.get(code) == (label, CHORUS_FLUX_STATES[code].value), code


def test_every_behaviour_row_names_tests_that_exist() -> None:
    root = DOC.parents[1]
    for line in DOC.read_text().splitlines():
        for cell in re.findall(r"tests/[\w/]+\.py(?:::[\w\[\], :]+)?", line):
            path, _, functions = cell.partition("::")
            assert (root / path).is_file(), f"docs/chorus-fidelity.md names {path}, which does not exist"
            source = (root / path).read_text()
            for name in re.findall(r"(?:^|[ ,:])(test_\w+)", functions):
                assert re.search(rf"def {name}\(", source), f"{path} has no {name}"
