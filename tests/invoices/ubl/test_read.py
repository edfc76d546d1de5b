"""read_ubl: concrete values from the EN 16931 examples, the UBL binding's special cases, and robustness."""

from __future__ import annotations

from collections import Counter
from copy import deepcopy
from datetime import date
from decimal import Decimal
from random import Random

import pytest

from pdp.einvoice.findings import UnreadableDocument
from pdp.einvoice.formats.ubl import is_ubl, profile_of, read_ubl, write_ubl
from pdp.einvoice.formats.xmlsafe import parse_xml
from pdp.einvoice.model import (
    Address,
    Attachment,
    Classification,
    Contact,
    CreditTransfer,
    DirectDebit,
    Identifier,
    ItemAttribute,
    Note,
    Period,
    PrecedingInvoice,
    VatBreakdown,
)
from tests.invoices.ubl.support import EN16931_UBL, FACTURX_UBL_CTC_FR, load

NAMESPACES = (
    'xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" '
    'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
    'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"'
)
SELLER_NAME = "<cac:PartyLegalEntity><cbc:RegistrationName>Vendeur SA</cbc:RegistrationName></cac:PartyLegalEntity>"


def minimal(
    *,
    issue_date: str = "2026-01-15",
    seller: str = SELLER_NAME,
    quantity: str = "3",
    extra_header: str = "",
    charge: str = "",
) -> bytes:
    """A small UBL invoice whose parts a test can break."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice {NAMESPACES}>
  <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
  <cbc:ID>INV-1</cbc:ID>
  <cbc:IssueDate>{issue_date}</cbc:IssueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  {extra_header}
  <cac:AccountingSupplierParty><cac:Party>{seller}</cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party><cac:PartyLegalEntity>
    <cbc:RegistrationName>Acheteur</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party>
  </cac:AccountingCustomerParty>
  {charge}
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">30.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">30.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">36.00</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="EUR">36.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:InvoiceLine>
    <cbc:ID>1</cbc:ID>
    <cbc:InvoicedQuantity unitCode="C62">1</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">10.00</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>A</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>20</cbc:Percent>
      <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">10.00</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>
  <cac:InvoiceLine>
    <cbc:ID>2</cbc:ID>
    <cbc:InvoicedQuantity unitCode="C62">{quantity}</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">20.00</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>B</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>20</cbc:Percent>
      <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">10.00</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>
</Invoice>""".encode()


def unreadable(xml: bytes) -> UnreadableDocument:
    with pytest.raises(UnreadableDocument) as caught:
        read_ubl(parse_xml(xml))
    assert caught.value.finding.rule == "PDP-UBL-UNREADABLE"
    assert caught.value.finding.severity == "fatal"
    return caught.value


# --- the EN 16931 examples ----------------------------------------------------------------------------------------


def test_tc434_example1_header_parties_and_payment() -> None:
    invoice = read_ubl(load(EN16931_UBL / "ubl-tc434-example1.xml"))

    assert (invoice.number, invoice.type_code, invoice.currency) == ("12115118", "380", "EUR")
    assert invoice.issue_date == date(2015, 1, 9)
    assert invoice.due_date == date(2015, 1, 9)
    assert invoice.specification_id == "urn:cen.eu:en16931:2017"
    assert not invoice.is_credit_note
    # "...##Delivery terms" does not open with "#CODE#": the whole text is BT-22, with no subject code.
    assert len(invoice.notes) == 1
    assert invoice.notes[0].subject_code is None
    assert (invoice.notes[0].text or "").endswith("25-04-'85##Delivery terms")

    seller = invoice.seller
    assert seller.name == "De Koksmaat"
    assert seller.vat_id == "NL8200.98.395.B.01"
    assert seller.legal_id == Identifier(value="57151520")
    assert seller.address == Address(line1="Postbus 7l", city="Velsen-Noord", postal_code="1950 AB", country_code="NL")
    assert seller.trading_name is None and seller.electronic_address is None

    buyer = invoice.buyer
    assert buyer.name == "ODIN 59"
    assert buyer.identifiers == [Identifier(value="10202")]
    assert buyer.vat_id is None
    assert buyer.contact == Contact(name="Dhr. J BLOKKER")

    payment = invoice.payment
    assert payment is not None
    assert payment.means_code == "30"
    assert payment.remittance_info == "Deb. 10202 / Fact. 12115118"
    assert payment.credit_transfers == [
        CreditTransfer(account_id="NL57 RABO 0107307510"),
        CreditTransfer(account_id="NL03 INGB 0004489902"),
    ]


def test_tc434_example1_totals_vat_breakdown_and_lines() -> None:
    invoice = read_ubl(load(EN16931_UBL / "ubl-tc434-example1.xml"))

    totals = invoice.totals
    assert (totals.line_net, totals.without_vat, totals.vat) == (Decimal("229.60"), Decimal("229.60"), Decimal("20.73"))
    assert (totals.with_vat, totals.due) == (Decimal("250.33"), Decimal("250.33"))
    assert totals.allowances is None and totals.prepaid is None and totals.vat_in_accounting_currency is None
    assert str(totals.line_net) == "229.60"  # the scale is the document's
    assert invoice.vat_breakdown == [
        VatBreakdown(taxable_amount=Decimal("183.23"), tax_amount=Decimal("10.99"), category="S", rate=Decimal("6")),
        VatBreakdown(taxable_amount=Decimal("46.37"), tax_amount=Decimal("9.74"), category="S", rate=Decimal("21")),
    ]

    assert len(invoice.lines) == 20
    line = invoice.lines[0]
    assert (line.id, line.quantity, line.unit_code) == ("1", Decimal("2"), "EA")
    assert (line.net_amount, line.net_price) == (Decimal("19.90"), Decimal("9.95"))
    assert (line.item_name, line.seller_item_id) == ("PATAT FRITES 10MM 10KG", "166022")
    assert (line.vat_category, line.vat_rate) == ("S", Decimal("6"))
    assert line.price_discount is None and line.gross_price is None and line.period is None
    assert invoice.lines[19].net_amount == Decimal("-109.98")
    assert invoice.lines[4].item_name == "KOFFIE BLIK 3,5KG SNELF"  # trailing blank stripped


def test_tc434_creditnote1() -> None:
    invoice = read_ubl(load(EN16931_UBL / "ubl-tc434-creditnote1.xml"))

    assert (invoice.number, invoice.type_code) == ("018304 / 28865", "381")
    assert invoice.is_credit_note
    assert invoice.issue_date == date(2019, 9, 23)
    assert invoice.due_date is None
    assert invoice.process_type == "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    assert invoice.buyer_reference == "018304 / 28865"
    assert invoice.invoicing_period == Period(start=date(2019, 2, 1), end=date(2019, 2, 28))

    seller, buyer = invoice.seller, invoice.buyer
    assert seller.electronic_address == Identifier(value="0000000196", scheme="0201")
    assert (seller.name, seller.trading_name) == ("My Supplier Company", "My Supplier Company N.V.")
    assert (seller.vat_id, seller.legal_id) == ("BE0000000196", Identifier(value="0000000196"))
    assert seller.contact == Contact(email="john.doole@mysuppliercompany.be")
    assert (buyer.name, buyer.vat_id) == ("My Customer Company", "BE0000000295")
    assert buyer.address == Address(
        line1="Boulevard Sint Michel 53", city="BRUXELLES", postal_code="1000", country_code="BE"
    )

    assert invoice.payment is not None
    assert invoice.payment.means_code == "1"
    assert invoice.payment.remittance_info == "010676609538"
    assert invoice.payment.credit_transfers == [CreditTransfer(account_id="BE91000000143476", provider_id="BPOTBEB1")]

    assert invoice.vat_breakdown == [
        VatBreakdown(
            taxable_amount=Decimal("100.11"),
            tax_amount=Decimal("0.00"),
            category="E",
            rate=Decimal("0.00"),
            exemption_reason="Taxes are not applicable",
        )
    ]
    assert (invoice.totals.vat, invoice.totals.due) == (Decimal("0.00"), Decimal("100.11"))

    (line,) = invoice.lines
    assert (line.id, line.quantity, line.unit_code, line.net_amount) == ("1", Decimal("1.00"), "C62", Decimal("100.11"))
    assert line.item_name == line.item_description == "Exonération du versement du PP"
    assert (line.seller_item_id, line.vat_category, line.vat_rate) == ("V55", "E", Decimal("0.00"))
    assert line.attributes == [ItemAttribute(name="2", value="Contributions - précompte professionnel")]


def test_tc434_example5_references_attachment_tax_currency_and_direct_debit() -> None:
    invoice = read_ubl(load(EN16931_UBL / "ubl-tc434-example5.xml"))

    assert (invoice.currency, invoice.tax_currency) == ("DKK", "EUR")
    assert (invoice.totals.vat, invoice.totals.vat_in_accounting_currency) == (Decimal("675.00"), Decimal("628.62"))
    assert invoice.buyer_accounting_ref == "67543"
    assert (invoice.purchase_order_ref, invoice.sales_order_ref) == ("PO4711", "123")
    assert invoice.preceding_invoices == [PrecedingInvoice(number="TOSL109", date=date(2013, 3, 10))]
    assert (invoice.despatch_advice_ref, invoice.receiving_advice_ref) == ("5433", "3544")
    assert (invoice.tender_ref, invoice.contract_ref, invoice.project_ref) == ("Lot567", "2013-05", "Project345")
    assert invoice.payment_terms == "50% prepaid, 50% within one month"
    # Without DocumentTypeCode 130 an additional document reference is an attachment, not BT-18.
    assert invoice.invoiced_object is None
    assert invoice.attachments == [
        Attachment(id="OBJ999", description="ATS"),
        Attachment(
            id="sales slip",
            description="your sales slip",
            content=b"Testing Base64 encoding",
            mime_code="application/pdf",
            filename="EHF.pdf",
        ),
    ]
    assert invoice.payee is not None
    assert (invoice.payee.name, invoice.payee.identifier) == ("Dagobert Duck", Identifier(value="DK16356608"))
    assert invoice.tax_representative is not None
    assert (invoice.tax_representative.name, invoice.tax_representative.vat_id) == ("Dick Panama", "DK16356609")
    assert invoice.delivery is not None
    assert invoice.delivery.location_id == Identifier(value="5790000436068")
    assert (invoice.delivery.date, invoice.delivery.party_name) == (date(2013, 4, 15), "Logistic service Ltd")
    assert invoice.payment is not None
    assert invoice.payment.direct_debit == DirectDebit(
        mandate_reference="123456", debited_account_id="DK1212341234123412"
    )
    assert invoice.seller.tax_registration_id == "NL16356706"  # PartyTaxScheme with TaxScheme LOC: BT-32
    assert invoice.seller.legal_info == "Export"

    allowance, charge = invoice.allowances_charges
    assert (allowance.is_charge, allowance.amount, allowance.base_amount) == (
        False,
        Decimal("150.00"),
        Decimal("1500.00"),
    )
    assert (allowance.percentage, allowance.reason, allowance.reason_code) == (Decimal("10"), "Loyal customer", "100")
    assert (allowance.vat_category, allowance.vat_rate) == ("S", Decimal("25"))
    assert (charge.is_charge, charge.reason_code) == (True, "ABL")

    line = invoice.lines[0]
    assert line.object_id == Identifier(value="Object2")  # published without its DocumentTypeCode 130
    assert (line.order_line_ref, line.buyer_accounting_ref, line.note) == ("1", "ACC7654", "first line")
    assert (line.price_discount, line.gross_price) == (Decimal("0.10"), Decimal("1.10"))
    assert (line.price_base_quantity, line.price_base_unit) == (Decimal("1"), "EA")
    assert (line.buyer_item_id, line.origin_country) == ("BUY123", "NL")
    assert line.standard_item_id == Identifier(value="1234567890128", scheme="0088")
    assert line.classifications == [Classification(code="12344321", list_id="ZZZ")]
    assert [ac.is_charge for ac in line.allowances_charges] == [False, True]


def test_extended_ctc_fr_reads_every_en16931_term() -> None:
    invoice = read_ubl(load(FACTURX_UBL_CTC_FR))

    assert profile_of(load(FACTURX_UBL_CTC_FR)) == invoice.specification_id
    assert invoice.specification_id == "urn:cen.eu:en16931:2017#conformant#urn.cpro.gouv.fr:1p0:extended-ctc-fr"
    assert invoice.process_type == "S1"
    # Chorus Pro routing: service code = BT-10, engagement (EJ) = BT-13; routing itself is left to the caller.
    assert (invoice.buyer_reference, invoice.purchase_order_ref) == ("120943", "PO1242")
    assert invoice.routing is None
    assert invoice.vat_point_code == "3"  # InvoicePeriod/DescriptionCode
    assert invoice.invoicing_period == Period(start=date(2026, 6, 1), end=date(2026, 6, 30))
    assert invoice.invoiced_object == Identifier(value="EMPL042", scheme="AHK")
    assert [(note.subject_code, (note.text or "")[:10]) for note in invoice.notes] == [
        ("AAI", "Ceci est u"),
        ("ADN", "B2G"),
        (None, "note sans "),
        ("PMT", "Indemnité "),
        ("PMD", "Tout retar"),
        ("AAB", "Les réglem"),
    ]
    assert invoice.preceding_invoices == [
        PrecedingInvoice(number="F124211", date=date(2025, 12, 30)),
        PrecedingInvoice(number="F124210"),
    ]
    # The seller's SEPA-scheme identification is BT-90 (creditor id), not a BT-29 identifier.
    assert invoice.seller.identifiers == [
        Identifier(value="99999999800019", scheme="0009"),
        Identifier(value="Code_ROUTAGE_seller", scheme="0224"),
    ]
    assert invoice.payment is not None
    assert invoice.payment.means_text == "Libellé du moyen de paiement"
    assert invoice.payment.direct_debit == DirectDebit(
        mandate_reference="RUM_9083209",
        creditor_id="Au bon moulin SARL",
        debited_account_id="FR7312345678901275089715A98",
    )
    assert invoice.seller.tax_registration_id == "DGFIP_ref_1242"
    assert invoice.seller.address is not None and invoice.seller.address.line3 == "ZAC du Mont Ventoux"
    assert invoice.vat_breakdown[0].tax_amount == Decimal("27.6")
    line = invoice.lines[0]
    assert (line.net_price, line.price_discount, line.gross_price) == (
        Decimal("13.50"),
        Decimal("1.50"),
        Decimal("15.00"),
    )
    assert line.period == Period(start=date(2026, 6, 14), end=date(2026, 6, 15))
    assert [c.list_id for c in line.classifications] == ["BB", "HS"]
    assert invoice.lines[1].object_id == Identifier(value="AWB129871", scheme="MWB")
    assert invoice.lines[1].order_line_ref == "DV843873"


# --- robustness ---------------------------------------------------------------------------------------------------


def test_bad_date_is_unreadable_and_names_the_element() -> None:
    error = unreadable(minimal(issue_date="2026-02-30"))
    assert "/Invoice/cbc:IssueDate" in error.finding.message
    assert error.finding.xpath == "/Invoice/cbc:IssueDate"
    assert "2026-02-30" in error.finding.message_fr
    unreadable(minimal(issue_date="15/01/2026"))
    unreadable(minimal(issue_date="20260115"))  # xsd:date, not the CII 102 format


def test_bad_decimal_is_unreadable_with_the_line_path() -> None:
    for bad in ("1e3", "NaN", "1_000", "3,5", "--1"):
        error = unreadable(minimal(quantity=bad))
        assert error.finding.xpath == "/Invoice/cac:InvoiceLine[2]/cbc:InvoicedQuantity"


def test_bad_boolean_and_base64_are_unreadable() -> None:
    charge = """<cac:AllowanceCharge><cbc:ChargeIndicator>yes</cbc:ChargeIndicator>
      <cbc:Amount currencyID="EUR">1.00</cbc:Amount></cac:AllowanceCharge>"""
    assert "ChargeIndicator" in unreadable(minimal(charge=charge)).finding.message
    attachment = """<cac:AdditionalDocumentReference><cbc:ID>PJ</cbc:ID><cac:Attachment>
      <cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="a.pdf">@@not base64@@
      </cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>"""
    assert "EmbeddedDocumentBinaryObject" in unreadable(minimal(extra_header=attachment)).finding.message
    non_ascii = attachment.replace("@@not base64@@", "aGVsbG8é")
    assert "EmbeddedDocumentBinaryObject" in unreadable(minimal(extra_header=non_ascii)).finding.message


def test_lenient_lexical_forms() -> None:
    wrapped = """<cac:AdditionalDocumentReference><cbc:ID>PJ</cbc:ID><cac:Attachment>
      <cbc:EmbeddedDocumentBinaryObject mimeCode="text/plain" filename="a.txt">aGVs
      bG8=</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>"""
    invoice = read_ubl(parse_xml(minimal(issue_date=" 2026-01-15Z ", quantity="+3.50", extra_header=wrapped)))
    assert invoice.issue_date == date(2026, 1, 15)
    assert invoice.lines[1].quantity == Decimal("3.50")
    assert invoice.attachments[0].content == b"hello"


def test_missing_seller_name_still_reads() -> None:
    invoice = read_ubl(parse_xml(minimal(seller="")))
    assert invoice.seller.name is None
    assert invoice.seller.identifiers == []
    assert invoice.buyer.name == "Acheteur"
    assert invoice.totals.due == Decimal("36.00")


def test_incomplete_document_keeps_absent_mandatory_terms_as_none() -> None:
    # No ID, no type code, no currency, no VAT, no totals, a line with nothing but an ID: the business rules must
    # see what is missing, so the reader returns None for each absent mandatory term instead of failing.
    xml = f"""<Invoice {NAMESPACES}><cbc:IssueDate>2026-01-15</cbc:IssueDate>
      <cac:InvoiceLine><cbc:ID>1</cbc:ID><cbc:Note>  </cbc:Note></cac:InvoiceLine></Invoice>""".encode()
    invoice = read_ubl(parse_xml(xml))
    assert invoice.number is None
    assert invoice.type_code is None
    assert invoice.currency is None
    assert invoice.totals.line_net is None and invoice.totals.due is None
    assert invoice.seller.name is None
    (line,) = invoice.lines
    assert line.id == "1"
    assert line.quantity is None and line.item_name is None and line.vat_category is None
    assert line.note is None  # blank text is absent, never ""


def test_not_ubl_is_unreadable() -> None:
    cii = b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>'
    for xml in (cii, b"<Invoice/>", b'<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>'):
        root = parse_xml(xml)
        assert not is_ubl(root)
        assert profile_of(root) is None
        unreadable(xml)


def test_is_ubl_and_profile_of() -> None:
    root = parse_xml(minimal())
    assert is_ubl(root)
    assert profile_of(root) == "urn:cen.eu:en16931:2017"
    assert is_ubl(load(EN16931_UBL / "ubl-tc434-creditnote1.xml"))


def test_notes_subject_codes() -> None:
    header = """<cbc:Note>#AAB#  Pas d'escompte. </cbc:Note><cbc:Note>#PMT#</cbc:Note>
      <cbc:Note>#pmt#minuscules</cbc:Note><cbc:Note>#ABCD#quatre lettres</cbc:Note><cbc:Note/>"""
    notes = read_ubl(parse_xml(minimal(extra_header=header))).notes
    assert notes[0] == Note(text="Pas d'escompte.", subject_code="AAB")
    assert notes[1].subject_code == "PMT" and notes[1].text is None  # a code with no text: BR rules report it
    assert notes[2:] == [Note(text="#pmt#minuscules"), Note(text="#ABCD#quatre lettres")]


def test_credit_note_due_date_comes_from_payment_means_or_terms() -> None:
    xml = minimal().decode()
    xml = xml.replace("Invoice-2", "CreditNote-2").replace("<Invoice ", "<CreditNote ").replace("</Invoice>", "")
    xml = xml.replace("InvoiceTypeCode>380</cbc:InvoiceTypeCode", "CreditNoteTypeCode>381</cbc:CreditNoteTypeCode")
    xml = xml.replace("cac:InvoiceLine", "cac:CreditNoteLine").replace("cbc:InvoicedQuantity", "cbc:CreditedQuantity")
    head, tail = xml.split("<cac:LegalMonetaryTotal>")
    means = """<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
      <cbc:PaymentDueDate>2026-02-28</cbc:PaymentDueDate></cac:PaymentMeans>"""
    terms = "<cac:PaymentTerms><cbc:PaymentDueDate>2026-03-31</cbc:PaymentDueDate></cac:PaymentTerms>"
    credit = read_ubl(parse_xml(f"{head}{means}<cac:LegalMonetaryTotal>{tail}</CreditNote>".encode()))
    assert (credit.type_code, credit.due_date, len(credit.lines)) == ("381", date(2026, 2, 28), 2)
    assert credit.lines[1].quantity == Decimal("3")
    without_means = read_ubl(parse_xml(f"{head}{terms}<cac:LegalMonetaryTotal>{tail}</CreditNote>".encode()))
    assert without_means.due_date == date(2026, 3, 31)
    assert without_means.payment is None


def test_order_reference_na_and_sepa_without_payment() -> None:
    header = "<cac:OrderReference><cbc:ID>NA</cbc:ID><cbc:SalesOrderID>SO-1</cbc:SalesOrderID></cac:OrderReference>"
    seller = (
        f'<cac:PartyIdentification><cbc:ID schemeID="SEPA">FR12ZZZ1</cbc:ID></cac:PartyIdentification>{SELLER_NAME}'
    )
    invoice = read_ubl(parse_xml(minimal(extra_header=header, seller=seller)))
    # "NA" is Peppol's filler for the mandatory OrderReference/ID when only BT-14 exists.
    assert (invoice.purchase_order_ref, invoice.sales_order_ref) == (None, "SO-1")
    # With no payment to carry BT-90, a SEPA identification stays a party identifier.
    assert invoice.payment is None
    assert invoice.seller.identifiers == [Identifier(value="FR12ZZZ1", scheme="SEPA")]


def test_mutated_documents_read_or_fail_cleanly() -> None:
    # Deterministic mutation fuzzing: delete an element, or replace a text with a hostile value. Reading must give
    # an Invoice or an UnreadableDocument, never another exception; what it gives must still be writable.
    random = Random(16931)
    values = ["", "  ", "x", "-", "1e5", "NaN", "2020-13-45", "é", "0", "true", "#AAB#", "1" * 40]
    sources = [load(EN16931_UBL / name) for name in ("ubl-tc434-example5.xml", "ubl-tc434-creditnote1.xml")]
    sources.append(load(FACTURX_UBL_CTC_FR))
    outcomes: Counter[str] = Counter()
    for _ in range(600):
        root = deepcopy(random.choice(sources))
        for _ in range(random.randint(1, 4)):
            element = random.choice(list(root.iter())[1:])
            parent = element.getparent()
            if random.random() < 0.4 and parent is not None:
                parent.remove(element)
            elif len(element) == 0:
                element.text = random.choice(values)
        try:
            write_ubl(read_ubl(root))
            outcomes["read"] += 1
        except UnreadableDocument as error:
            assert error.finding.rule == "PDP-UBL-UNREADABLE"
            outcomes["unreadable"] += 1
    assert outcomes["read"] > 100 and outcomes["unreadable"] > 100
