"""The issue's folder of hostile files, through the user-facing surface (`pdp validate --json`).

Each file gets a clear, stable rule id and the run ends with exit code 1 or 2 — never a crash, a traceback or a
hang. (The per-attack details, canaries and memory bounds are in the sibling test modules.)
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from pdp.cli.main import cli
from tests.invoices.hostile.support import LAUGHS, XXE, javascript_pdf, zip_bomb
from tests.invoices.pdf.pdfgen import simple_pdf


def _many_lines() -> bytes:
    line = (
        b"<ram:IncludedSupplyChainTradeLineItem><ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID>"
        b"</ram:AssociatedDocumentLineDocument></ram:IncludedSupplyChainTradeLineItem>"
    )
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><rsm:CrossIndustryInvoice '
        b'xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" '
        b'xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">'
        b"<rsm:SupplyChainTradeTransaction>" + line * 50_000 + b"</rsm:SupplyChainTradeTransaction>"
        b"</rsm:CrossIndustryInvoice>"
    )


def test_every_hostile_file_gets_a_stable_rule(tmp_path: Path) -> None:
    cases = {
        "xxe.xml": (XXE, "PDP-XML-DOCTYPE"),
        "laughs.xml": (LAUGHS, "PDP-XML-DOCTYPE"),
        "huge.xml": (b"<?xml version='1.0'?><r>" + b"x" * (200 * 1024 * 1024) + b"</r>", "PDP-FILE-TOO-LARGE"),
        "script.pdf": (javascript_pdf(), "PDP-PDF-JAVASCRIPT"),
        "bomb.zip": (zip_bomb(), "PDP-FILE-TYPE"),
        "invoice.xml": (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "PDP-FILE-TYPE-MISMATCH"),
        "latin1.xml": (b"<?xml version='1.0'?><r>caf\xe9 \xff</r>", "PDP-FILE-ENCODING"),
        "lines.xml": (_many_lines(), "PDP-TOO-MANY-LINES"),
        "plain.pdf": (simple_pdf(), "PDP-PDF-NO-XML"),
    }
    for name, (data, _) in cases.items():
        (tmp_path / name).write_bytes(data)
    traversal = tmp_path / "sub"
    traversal.mkdir()
    (traversal / "passwd.xml").write_bytes(XXE)
    files = [str(tmp_path / name) for name in cases] + [str(traversal / ".." / "sub" / "passwd.xml")]
    result = CliRunner().invoke(cli, ["validate", "--json", *files])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    verdicts = [json.loads(line) for line in result.output.splitlines()]
    got = {Path(v["file"]).name: {e["rule"] for e in v["errors"]} for v in verdicts}
    for name, (_, rule) in cases.items():
        assert rule in got[name], (name, got[name])
    assert "PDP-XML-DOCTYPE" in got["passwd.xml"]
    assert all(not v["valid"] for v in verdicts)
    assert "root:" not in result.output  # /etc/passwd never leaks
