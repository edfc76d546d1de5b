"""The validation engine end to end: layers, routing, options, CLI exit codes and JSON lines."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import msgspec
from click.testing import CliRunner

from pdp.cli.main import cli
from pdp.einvoice.formats.cii_write import write_cii
from pdp.einvoice.formats.json_input import JsonAddress, JsonInvoice, JsonSeller, to_invoice
from pdp.einvoice.model import ChorusRouting, Invoice
from pdp.einvoice.validation.chorus import RecipientInfo, ServiceInfo
from pdp.einvoice.validation.engine import ValidationOptions, validate_document, validate_invoice
from tests.invoices.samples import SAMPLES

SELLER = JsonSeller(
    name="Atelier Dupont SARL",
    siret="73282932000074",
    vat_number="FR44732829320",
    address=JsonAddress(line1="12 rue des Artisans", postal_code="69002", city="Lyon"),
)
RECIPIENT_ADDRESS = {"line1": "139 rue de Bercy", "postal_code": "75012", "city": "Paris"}
RECIPIENT_SIRET = "11000201100044"


def structured(**overrides: object) -> JsonInvoice:
    payload: dict[str, object] = {
        "number": "F-2026-0042",
        "issue_date": "2026-11-20",
        "due_date": "2026-12-20",
        "recipient": {
            "siret": RECIPIENT_SIRET,
            "name": "Ministère de l'Exemple",
            "service_code": "SERV01",
            "address": RECIPIENT_ADDRESS,
        },
        "lines": [
            {"name": "Conseil", "quantity": "3", "unit_price": "400.00", "vat_rate": "20.00", "unit": "HUR"},
            {"name": "Déplacement", "quantity": "1", "unit_price": "85.50", "vat_rate": "20.00"},
        ],
        "payment": {"means_code": "30", "iban": "FR7630006000011234567890189"},
    }
    payload.update(overrides)
    return msgspec.convert(payload, JsonInvoice, strict=False)


def rules(findings: list) -> set[str]:  # type: ignore[type-arg]
    return {f.rule for f in findings}


def test_structured_json_computes_totals_and_passes_every_blocking_rule() -> None:
    invoice = to_invoice(structured(), seller=SELLER)
    assert invoice.totals.line_net == Decimal("1285.50")
    assert invoice.vat_breakdown[0].tax_amount == Decimal("257.10")
    assert invoice.totals.with_vat == Decimal("1542.60")
    findings = validate_invoice(invoice, "json")
    assert [f for f in findings if f.severity in ("fatal", "error")] == []


def test_a_written_invoice_validates_as_cii_with_its_routing(tmp_path: Path) -> None:
    invoice = to_invoice(structured(), seller=SELLER)
    report = validate_document(write_cii(invoice), filename="f.xml")
    assert report.syntax == "cii"
    assert report.valid, [f.rule for f in report.errors if f.severity == "error"]
    assert report.invoice is not None and report.invoice.number == "F-2026-0042"


def test_without_routing_the_chorus_layer_says_what_is_missing() -> None:
    report = validate_document((SAMPLES / "en16931/cii/CII_example1.xml").read_bytes())
    assert {"CHORUS-SUPPLIER-SIRET-MISSING", "CHORUS-RECIPIENT-SIRET-MISSING"} <= rules(report.errors)


def test_metadata_routing_a_file_does_not_carry_is_refused_naming_where_it_goes() -> None:
    # Chorus reads a flux's routing from the document: routing given only beside the file would never reach it.
    routed = validate_document(
        (SAMPLES / "en16931/cii/CII_example1.xml").read_bytes(),
        routing=ChorusRouting(recipient_siret=RECIPIENT_SIRET, service_code="SERV01", billing_frame="A2"),
    )
    assert not routed.valid
    refused = [f for f in routed.errors if f.rule == "PDP-ROUTING-NOT-IN-FILE"]
    assert {f.bt for f in refused} == {"BT-47", "BT-10", "BT-23"}
    recipient = next(f for f in refused if f.bt == "BT-47")
    assert RECIPIENT_SIRET in recipient.message and "does not carry it" in recipient.message
    assert recipient.xpath and "ram:BuyerTradeParty" in recipient.xpath  # the CII place, not UBL's
    assert "CHORUS-RECIPIENT-SIRET-MISSING" in rules(routed.errors)  # and Chorus's own verdict stays


def test_metadata_routing_the_file_agrees_with_is_accepted() -> None:
    xml = write_cii(to_invoice(structured(), seller=SELLER))
    agreeing = ChorusRouting(recipient_siret=RECIPIENT_SIRET, service_code="SERV01", billing_frame="A1")
    assert "PDP-ROUTING-NOT-IN-FILE" not in rules(validate_document(xml, routing=agreeing).errors)
    other = validate_document(xml, routing=ChorusRouting(service_code="SERV02"))
    mismatch = next(f for f in other.errors if f.rule == "PDP-ROUTING-NOT-IN-FILE")
    assert "the file says 'SERV01'" in mismatch.message


def test_schema_and_business_findings_come_together() -> None:
    xml = write_cii(
        to_invoice(
            structured(totals={"total_excl_tax": "1285.50", "total_tax": "257.10", "total_incl_tax": "9999.00"}),
            seller=SELLER,
        )
    )
    broken = xml.replace(b"<ram:TypeCode>380</ram:TypeCode>", b"<ram:TypeCode>380</ram:TypeCode><ram:Oops/>", 1)
    report = validate_document(broken)
    found = rules(report.errors)
    assert "PDP-XSD" in found and "BR-CO-15" in found
    assert not report.valid


def test_directory_rules_run_when_a_directory_is_given() -> None:
    class Directory:
        def lookup(self, siret: str) -> RecipientInfo | None:
            return RecipientInfo(
                siret=siret,
                service_code_required=True,
                engagement_required=True,
                services={"SERV01": ServiceInfo("SERV01", active=False)},
            )

    invoice = to_invoice(structured(), seller=SELLER)
    found = rules(validate_invoice(invoice, "json", ValidationOptions(directory=Directory())))
    assert {"CHORUS-ENGAGEMENT-REQUIRED", "CHORUS-SERVICE-INACTIVE"} <= found
    unknown = rules(
        validate_invoice(
            invoice, "json", ValidationOptions(directory=type("Empty", (), {"lookup": lambda self, siret: None})())
        )
    )
    assert "CHORUS-RECIPIENT-UNKNOWN" in unknown


def test_chorus_number_iban_frame_and_credit_note_rules() -> None:
    bad = to_invoice(
        structured(
            number="F 2026/000000000000042",
            billing_frame="A9",
            payment={"means_code": "30", "iban": "FR7630006000011234567890180"},
        ),
        seller=SELLER,
    )
    found = rules(validate_invoice(bad, "json"))
    assert {"CHORUS-NUMBER-LENGTH", "CHORUS-NUMBER-CHARS", "CHORUS-VALIDATOR-REQUIRED", "CHORUS-IBAN-INVALID"} <= found
    credit: Invoice = to_invoice(structured(type="credit_note"), seller=SELLER)
    credit.payment = to_invoice(structured(), seller=SELLER).payment
    assert "CHORUS-PAYMENT-ON-CREDIT-NOTE" in rules(validate_invoice(credit, "json"))


def test_brfr_severity_is_the_tenants_choice() -> None:
    invoice = to_invoice(structured(number="F 2026 0042"), seller=SELLER)  # BR-FR-02: no spaces
    lenient = [f for f in validate_invoice(invoice, "json") if f.rule.startswith("BR-FR")]
    strict = [
        f
        for f in validate_invoice(invoice, "json", ValidationOptions(brfr_severity="error"))
        if f.rule.startswith("BR-FR")
    ]
    assert lenient and {f.severity for f in lenient} == {"warning"}
    assert {f.severity for f in strict} == {"error"}


def _with_lines(count: int) -> bytes:
    xml = write_cii(to_invoice(structured(), seller=SELLER))
    tag = b"ram:IncludedSupplyChainTradeLineItem>"
    start, end = xml.index(b"<" + tag), xml.index(b"</" + tag) + len(tag) + 2
    return xml[:start] + xml[start:end] * count + xml[end:]


def test_too_many_lines_are_refused_before_reading() -> None:
    assert rules(validate_document(_with_lines(1001)).errors) == {"PDP-TOO-MANY-LINES"}
    # 50,000 lines do not even reach the parser: the document is over the XML size cap.
    assert rules(validate_document(_with_lines(50_000)).errors) == {"PDP-XML-TOO-LARGE"}


def test_cli_exit_codes_and_json_lines(tmp_path: Path) -> None:
    good = tmp_path / "good.xml"
    good.write_bytes(write_cii(to_invoice(structured(), seller=SELLER)))
    bad = tmp_path / "bad.xml"
    bad.write_bytes(
        write_cii(
            to_invoice(
                structured(totals={"total_excl_tax": "1", "total_tax": "1", "total_incl_tax": "1"}), seller=SELLER
            )
        )
    )
    hostile = tmp_path / "xxe.xml"
    hostile.write_bytes(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>')
    runner = CliRunner()
    assert runner.invoke(cli, ["validate", str(good)]).exit_code == 0
    assert runner.invoke(cli, ["validate", str(good), str(bad)]).exit_code == 1
    result = runner.invoke(cli, ["validate", "--json", str(good), str(bad), str(hostile)])
    assert result.exit_code == 2
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [(entry["file"], entry["valid"]) for entry in lines] == [
        (str(good), True),
        (str(bad), False),
        (str(hostile), False),
    ]
    assert {"rule", "severity", "message", "path"} == set(lines[1]["errors"][0])
    assert lines[2]["errors"][0]["rule"] == "PDP-XML-DOCTYPE"
    assert runner.invoke(cli, ["validate", str(tmp_path / "missing.xml")]).exit_code == 2
    french = runner.invoke(cli, ["validate", "--lang", "fr", str(bad)])
    assert "doit" in french.output


def test_dates_in_json_are_real_dates() -> None:
    assert to_invoice(structured(), seller=SELLER).issue_date == date(2026, 11, 20)


def test_plain_pdf_with_metadata_and_structured_json_are_validated(tmp_path: Path) -> None:
    from tests.invoices.pdf.pdfgen import simple_pdf

    metadata = structured()
    plain = validate_document(simple_pdf(), filename="facture.pdf", metadata=metadata, seller=SELLER)
    assert plain.syntax == "pdf" and plain.valid, [f.rule for f in plain.errors if f.severity == "error"]
    assert plain.invoice is not None and plain.invoice.totals.with_vat == Decimal("1542.60")
    without = validate_document(simple_pdf(), filename="facture.pdf")
    assert rules(without.errors) == {"PDP-PDF-NO-XML"}

    document = msgspec.json.encode(msgspec.structs.replace(metadata, seller=SELLER))
    as_json = validate_document(document)
    assert as_json.syntax == "json" and as_json.valid
    broken = validate_document(b'{"number": 12}')
    assert rules(broken.errors) == {"PDP-JSON-INVALID"}
    assert rules(validate_document(b'{"number": ').errors) == {"PDP-JSON-MALFORMED"}

    metadata_file = tmp_path / "meta.json"
    metadata_file.write_bytes(document)
    pdf_file = tmp_path / "facture.pdf"
    pdf_file.write_bytes(simple_pdf())
    result = CliRunner().invoke(cli, ["validate", "--metadata", str(metadata_file), str(pdf_file)])
    assert result.exit_code == 0, result.output


def test_a_long_file_name_is_reported_but_the_invoice_is_still_validated() -> None:
    xml = write_cii(to_invoice(structured(), seller=SELLER))
    report = validate_document(xml, filename="facture-" + "x" * 60 + ".xml")
    assert "PDP-FILE-NAME-TOO-LONG" in rules(report.errors)
    assert report.syntax == "cii" and report.invoice is not None
    wrong = validate_document(b"\x89PNG\r\n\x1a\n" + b"\0" * 32, filename="facture.xml")
    assert wrong.syntax is None and "PDP-FILE-TYPE-MISMATCH" in rules(wrong.errors)
