"""Writing CII D16B (Factur-X EN 16931 profile): XSD validity, round trips through the reader, and the choices the
writer makes where CII and the model differ."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from lxml import etree

from pdp.einvoice.formats.cii import EN16931_PROFILE, NSMAP, read_cii, write_cii
from pdp.einvoice.formats.xmlsafe import parse_xml
from pdp.einvoice.model import (
    Address,
    AllowanceCharge,
    Attachment,
    Card,
    Classification,
    Contact,
    CreditTransfer,
    Delivery,
    DirectDebit,
    Identifier,
    Invoice,
    ItemAttribute,
    Line,
    Note,
    Party,
    Payee,
    Payment,
    Period,
    PrecedingInvoice,
    TaxRepresentative,
    Totals,
    VatBreakdown,
)
from pdp.einvoice.paths import CII_LINE, CII_PATHS, xpath_for
from tests.invoices.cii.support import EN16931_CII, FACTURX, assert_xsd_en16931, needs_samples, read_path

D = Decimal

# Every CEN CII example, and the Factur-X EN 16931 sample. All are XSD-valid EN 16931 documents.
ROUND_TRIP = [*sorted(EN16931_CII.glob("*.xml")), FACTURX / "factur-x-en16931.xml"]
# Their BT-24 is the ZUGFeRD 1 "comfort" URN (old CEN examples in D16B syntax). write_cii writes the profile of the
# document it produces (EN 16931), so BT-24 is the one term that legitimately differs after a default round trip.
OTHER_BT24 = {"CII-BR-CO-10-RoundingIssue.xml", "CII_business_example_02.xml", "CII_business_example_Z.xml"}


def _round_trip(invoice: Invoice, **options: str) -> tuple[bytes, Invoice]:
    written = write_cii(invoice, **options)
    return written, read_cii(parse_xml(written))


@needs_samples
@pytest.mark.parametrize("path", ROUND_TRIP, ids=lambda p: p.name)
def test_sample_round_trip_is_lossless_and_xsd_valid(path: Path) -> None:
    original = read_path(path)
    written, again = _round_trip(original)
    assert_xsd_en16931(written)
    if path.name in OTHER_BT24:
        assert original.specification_id == "urn:ferd:CrossIndustryDocument:invoice:1p0:comfort"
        assert again.specification_id == EN16931_PROFILE
        again = msgspec.structs.replace(again, specification_id=original.specification_id)
    assert again == original


@needs_samples
@pytest.mark.parametrize("path", ROUND_TRIP, ids=lambda p: p.name)
def test_round_trip_keeping_the_source_profile_is_exact_and_the_writer_is_stable(path: Path) -> None:
    original = read_path(path)
    written, again = _round_trip(original, profile=original.specification_id or EN16931_PROFILE)
    assert again == original
    assert write_cii(again, profile=original.specification_id or EN16931_PROFILE) == written


@needs_samples
@pytest.mark.parametrize("name", ["basic", "extended", "basicwl", "minimum"])
def test_other_facturx_profiles_round_trip_what_the_model_holds(name: str) -> None:
    """The model keeps the EN 16931 terms of any profile; EXTENDED-only data (line note subjects, line exemption
    reasons, several line object references…) is outside the model, so it is neither read nor written."""
    original = read_path(FACTURX / f"factur-x-{name}.xml")
    written, again = _round_trip(original, profile=original.specification_id or EN16931_PROFILE)
    assert again == original
    if name in ("basic", "extended"):
        assert_xsd_en16931(written)
    else:
        # MINIMUM and BASIC WL have no lines, which the EN 16931 XSD requires: the writer does not invent one.
        assert original.lines == []
        with pytest.raises(Exception, match="not valid"):
            assert_xsd_en16931(written)


def full_invoice() -> Invoice:
    """An invoice using every term the model and CII share, with values that exercise the writer's choices."""
    address = Address(
        line1="1 rue A",
        line2="Bât. B",
        line3="3e étage",
        city="Paris",
        postal_code="75001",
        subdivision="IDF",
        country_code="FR",
    )
    return Invoice(
        number="F-2026-001",
        issue_date=date(2026, 1, 31),
        type_code="380",
        currency="USD",
        tax_currency="EUR",
        tax_point_date=date(2026, 1, 30),
        vat_point_code="3",
        due_date=date(2026, 3, 2),
        buyer_reference="SERVICE-42",
        project_ref="PRJ-1",
        contract_ref="CT-1",
        purchase_order_ref="EJ-0001",
        sales_order_ref="SO-1",
        receiving_advice_ref="RA-1",
        despatch_advice_ref="DA-1",
        tender_ref="LOT-1",
        invoiced_object=Identifier(value="OBJ-1", scheme="AAA"),
        buyer_accounting_ref="6061",
        payment_terms="30 jours net",
        notes=[Note(text="Pénalités de retard : 3 fois le taux légal", subject_code="PMD"), Note(text="Sans sujet")],
        process_type="S1",
        specification_id=EN16931_PROFILE,
        preceding_invoices=[
            PrecedingInvoice(number="F-2025-9", date=date(2025, 12, 1)),
            PrecedingInvoice(number="F-8"),
        ],
        seller=Party(
            name="Vendeur SAS",
            trading_name="Vendeur",
            identifiers=[Identifier(value="LOCAL-7"), Identifier(value="12345678200077", scheme="0009")],
            legal_id=Identifier(value="123456782", scheme="0002"),
            vat_id="FR32123456782",
            tax_registration_id="FR-FISC-1",
            legal_info="SAS au capital de 10 000 EUR",
            electronic_address=Identifier(value="123456782", scheme="0225"),
            address=address,
            contact=Contact(name="Mme Contact", phone="+33 1 02 03 04 05", email="contact@vendeur.fr"),
        ),
        buyer=Party(
            name="Commune de X",
            trading_name="Mairie",
            identifiers=[Identifier(value="BUYER-1"), Identifier(value="21750001600019", scheme="0009")],
            legal_id=Identifier(value="217500016", scheme="0002"),
            vat_id="FR01217500016",
            electronic_address=Identifier(value="217500016", scheme="0225"),
            address=address,
            contact=Contact(name="Service comptable", phone="+33 5 00 00 00 00", email="compta@x.fr"),
        ),
        payee=Payee(
            name="Factor SA",
            identifier=Identifier(value="PAYEE-1"),
            legal_id=Identifier(value="999999999", scheme="0002"),
        ),
        tax_representative=TaxRepresentative(name="Rep SARL", vat_id="FR99999999999", address=address),
        delivery=Delivery(
            party_name="Entrepôt",
            location_id=Identifier(value="3012345678901", scheme="0088"),
            date=date(2026, 1, 15),
            address=address,
        ),
        invoicing_period=Period(start=date(2026, 1, 1), end=date(2026, 1, 31)),
        payment=Payment(
            means_code="58",
            means_text="Virement SEPA",
            remittance_info="F-2026-001",
            credit_transfers=[
                CreditTransfer(
                    account_id="FR76 3000 6000 0112 3456 7890 189", account_name="Vendeur", provider_id="AGRIFRPP"
                ),
                CreditTransfer(account_id="ACCT-0042"),  # not an IBAN: written as ProprietaryID
            ],
            card=Card(primary_account_number="1234", holder_name="M. Porteur"),
            direct_debit=DirectDebit(
                mandate_reference="MDT-1", creditor_id="FR00ZZZ123456", debited_account_id="FR7611"
            ),
        ),
        allowances_charges=[
            AllowanceCharge(
                is_charge=False,
                amount=D("10.00"),
                base_amount=D("100.00"),
                percentage=D("10"),
                vat_category="S",
                vat_rate=D("20.00"),
                reason="Remise",
                reason_code="95",
            ),
            AllowanceCharge(is_charge=True, amount=D("5.00"), vat_category="S", vat_rate=D("20.00"), reason="Port"),
        ],
        totals=Totals(
            line_net=D("100.00"),
            allowances=D("10.00"),
            charges=D("5.00"),
            without_vat=D("95.00"),
            vat=D("19.00"),
            vat_in_accounting_currency=D("17.50"),
            with_vat=D("114.00"),
            prepaid=D("14.00"),
            rounding=D("0.00"),
            due=D("100.00"),
        ),
        vat_breakdown=[
            VatBreakdown(taxable_amount=D("95.00"), tax_amount=D("19.00"), category="S", rate=D("20.00")),
            VatBreakdown(
                taxable_amount=D("0.00"),
                tax_amount=D("0.00"),
                category="E",
                rate=D("0"),
                exemption_reason="Exonéré",
                exemption_code="VATEX-EU-132",
            ),
        ],
        attachments=[
            Attachment(
                id="PJ-1",
                description="LISIBLE",
                uri="https://example.org/pj1.pdf",
                content=b"%PDF-1.7 \x00\xff",
                mime_code="application/pdf",
                filename="pj1.pdf",
            ),
            Attachment(id="PJ-2", description="BON_COMMANDE", uri="https://example.org/bc"),
        ],
        lines=[
            Line(
                id="1",
                note="Note de ligne",
                object_id=Identifier(value="METER-9", scheme="AFL"),
                quantity=D("2.0000"),
                unit_code="C62",
                net_amount=D("100.00"),
                order_line_ref="10",
                buyer_accounting_ref="6061-1",
                period=Period(start=date(2026, 1, 1), end=date(2026, 1, 31)),
                allowances_charges=[
                    AllowanceCharge(
                        is_charge=False,
                        amount=D("2.00"),
                        base_amount=D("100.00"),
                        percentage=D("2"),
                        reason="Remise ligne",
                        reason_code="95",
                    ),
                    AllowanceCharge(is_charge=True, amount=D("2.00"), reason="Frais", reason_code="ABL"),
                ],
                net_price=D("50.000000"),
                price_discount=D("5.00"),
                gross_price=D("55.00"),
                price_base_quantity=D("1"),
                price_base_unit="C62",
                vat_category="S",
                vat_rate=D("20.00"),
                item_name="Prestation",
                item_description="Description longue",
                seller_item_id="ART-1",
                buyer_item_id="B-ART-1",
                standard_item_id=Identifier(value="03012345678900", scheme="0160"),
                classifications=[
                    Classification(code="72000000", list_id="STI", list_version="2008"),
                    Classification(code="X1"),
                ],
                origin_country="FR",
                attributes=[ItemAttribute(name="Couleur", value="Bleu"), ItemAttribute(name="Taille", value="L")],
            ),
            Line(
                id="2",
                quantity=D("1"),
                unit_code="HUR",
                net_amount=D("0.00"),
                net_price=D("0.00"),
                price_discount=D("-1.00"),
                gross_price=D("-1.00"),  # a charge on the gross price (EXTENDED)
                vat_category="E",
                vat_rate=D("0"),
                item_name="Débours",
            ),
        ],
    )


def test_a_full_invoice_is_xsd_valid_and_round_trips_exactly() -> None:
    invoice = full_invoice()
    written, again = _round_trip(invoice)
    assert_xsd_en16931(written)
    assert again == invoice


def test_output_is_utf8_with_declaration_pretty_and_uses_the_cii_prefixes() -> None:
    written = write_cii(full_invoice())
    assert written.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<rsm:CrossIndustryInvoice")
    assert b"\n    <ram:" in written  # pretty printed
    assert "Pénalités".encode() in written
    root = etree.fromstring(written)
    assert {k: v for k, v in root.nsmap.items() if k} == NSMAP


def _xpath(xml: bytes, path: str) -> list[str]:
    found = etree.fromstring(xml).xpath(path, namespaces=NSMAP)
    return [item if isinstance(item, str) else (item.text or "") for item in found]


def test_writer_choices_where_cii_and_the_model_differ() -> None:
    written = write_cii(full_invoice(), profile="urn:example:cius")
    settlement = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    means = f"{settlement}/ram:SpecifiedTradeSettlementPaymentMeans"
    assert _xpath(written, CII_PATHS["BT-24"]) == ["urn:example:cius"]
    # One payment means per credit transfer; an IBAN goes to IBANID, anything else to ProprietaryID.
    assert _xpath(written, f"{means}/ram:TypeCode") == ["58", "58"]
    assert _xpath(written, f"{means}[1]/ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == [
        "FR76 3000 6000 0112 3456 7890 189"
    ]
    assert _xpath(written, f"{means}[2]/ram:PayeePartyCreditorFinancialAccount/ram:ProprietaryID") == ["ACCT-0042"]
    # BT-110 and BT-111 are told apart by their currencyID.
    assert _xpath(written, f"{CII_PATHS['BT-110']}/@currencyID") == ["USD", "EUR"]
    # BT-7/BT-8 are repeated on every VAT breakdown; the project name CII requires is the binding's default.
    assert _xpath(written, CII_PATHS["BT-8"]) == ["5", "5"]  # the model's 3 (invoice date) is CII's 5
    assert _xpath(written, CII_PATHS["BT-11"].replace("ram:ID", "ram:Name")) == ["Project reference"]
    # A scheme-less party identifier is ram:ID, one with a scheme is ram:GlobalID.
    assert _xpath(written, CII_PATHS["BT-29"]) == ["LOCAL-7"]
    assert _xpath(written, CII_PATHS["BT-29-1"]) == ["0009"]
    # A negative price discount is written back as a charge on the gross price.
    discount = f"{CII_LINE}[2]/{CII_PATHS['BT-147'].rsplit('/', 1)[0]}/ram:ChargeIndicator/udt:Indicator"
    assert _xpath(written, discount) == ["true"]


def test_bt8_uses_untdid_2005_in_the_model_and_2475_in_cii() -> None:
    invoice = copy.deepcopy(full_invoice())
    invoice.tax_point_date = None
    invoice.vat_point_code = "35"  # delivery date (UNTDID 2005), as UBL says it
    written, again = _round_trip(invoice)
    assert_xsd_en16931(written)
    assert b"<ram:DueDateTypeCode>29</ram:DueDateTypeCode>" in written
    assert again.vat_point_code == "35"


def test_absent_terms_are_not_written_and_come_back_absent() -> None:
    invoice = Invoice(
        number="1",
        seller=Party(name="S", address=Address()),
        buyer=Party(),
        allowances_charges=[AllowanceCharge(is_charge=None)],  # type: ignore[arg-type]
        lines=[Line(id="1")],
        payment=Payment(remittance_info="REF"),
        notes=[Note()],
    )
    written, again = _round_trip(invoice, profile=EN16931_PROFILE)
    assert again == msgspec.structs.replace(invoice, specification_id=EN16931_PROFILE)
    assert b"ChargeIndicator" not in written and b"IssueDateTime" not in written


def test_every_cii_path_is_valid_xpath_and_finds_its_element_in_a_full_document() -> None:
    written = write_cii(full_invoice())
    root = etree.fromstring(written)
    line = root.xpath(f"{CII_LINE}[1]", namespaces=NSMAP)[0]
    single_identifier = {"BT-60", "BT-60-1", "BT-71", "BT-71-1"}  # one identifier: either ram:ID or ram:GlobalID
    missing = []
    for bt, path in CII_PATHS.items():
        found = (root if path.startswith("/") else line).xpath(path, namespaces=NSMAP)
        if not found and bt not in single_identifier:
            missing.append(bt)
    assert missing == []
    assert root.xpath(CII_PATHS["BT-60-1"], namespaces=NSMAP) == []
    assert [e.text for e in root.xpath(CII_PATHS["BT-60"], namespaces=NSMAP)] == ["PAYEE-1"]


def test_xpath_for_points_at_the_right_line() -> None:
    written = write_cii(full_invoice())
    path = xpath_for("cii", "BT-131", 1)
    assert path is not None
    assert _xpath(written, path) == ["0.00"]
    assert _xpath(written, xpath_for("cii", "BT-106") or "") == ["100.00"]
