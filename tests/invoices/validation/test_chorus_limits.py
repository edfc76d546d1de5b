"""Chorus Pro's limits that pdp checks at deposit (attachments, reserved service), so that a file Chorus would
reject days later is refused at once; the emulator applies the same table (pdp.einvoice.chorus_rules)."""

from __future__ import annotations

import pytest

from pdp.connectors.chorus_pro.sandbox import checks
from pdp.connectors.chorus_pro.sandbox.einvoice_reader import read_deposit
from pdp.einvoice.formats.json_input import to_invoice
from pdp.einvoice.formats.ubl_write import write_ubl
from pdp.einvoice.model import Attachment
from pdp.einvoice.validation.engine import validate_document, validate_invoice
from tests.invoices.validation.test_engine import SELLER, structured


def _ubl(*attachments: Attachment, service: str = "SERV01") -> bytes:
    invoice = to_invoice(structured(), seller=SELLER)
    invoice.buyer_reference = service
    invoice.attachments = list(attachments)
    return write_ubl(invoice)


def _pdf(name: str, size: int = 100) -> Attachment:
    return Attachment(id="BL-1", content=b"%PDF" + b"0" * size, mime_code="application/pdf", filename=name)


@pytest.mark.parametrize(
    ("attachment", "rule"),
    [
        (_pdf("bon_de_livraison.exe"), "CHORUS-ATTACHMENT-TYPE"),
        (_pdf("b" * 51 + ".pdf"), "CHORUS-ATTACHMENT-NAME"),
        (_pdf("bon_de_livraison.PDF"), None),
    ],
)
def test_attachments_chorus_refuses_are_refused_as_the_emulator_would(attachment: Attachment, rule: str | None) -> None:
    data = _ubl(attachment)
    report = validate_document(data, filename="f.xml")
    found = {f.rule for f in report.errors if f.rule.startswith("CHORUS-ATTACHMENT")}
    assert found == ({rule} if rule else set())
    deposited = read_deposit(data, "f.xml")[0]
    assert bool(checks._attachments(deposited)) == (rule is not None)  # the emulator's own verdict


def test_an_attachment_over_10_mb_is_refused() -> None:
    # pdp's own file limit (10 MB) stops such a file first; a model from another source is checked all the same.
    invoice = to_invoice(structured(), seller=SELLER)
    invoice.attachments = [_pdf("bon.pdf", 10 * 1024 * 1024)]
    assert "CHORUS-ATTACHMENT-SIZE" in {f.rule for f in validate_invoice(invoice, "ubl")}


def test_the_reserved_service_code_is_refused() -> None:
    report = validate_document(_ubl(service="FACTURES_PUBLIQUES"), filename="f.xml")
    assert "CHORUS-SERVICE-RESERVED" in {f.rule for f in report.errors}
