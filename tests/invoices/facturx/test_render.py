"""The rendered visual: what a reader (and pypdf) finds on the page, legal mentions included."""

from __future__ import annotations

import io
from decimal import Decimal

import pypdf
import pytest
from PIL import Image, ImageCms

from pdp.einvoice.formats.facturx_write import write_facturx
from pdp.einvoice.formats.render import render_invoice_pdf
from pdp.einvoice.formats.render_assets import printable, srgb_icc_profile
from pdp.einvoice.formats.render_text import amount, number, price
from pdp.einvoice.model import AllowanceCharge, Invoice, VatBreakdown
from tests.invoices.facturx.invoices import IBAN, credit_note, delivered_elsewhere, invoice, long_invoice


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text with whitespace runs folded to one space (table cells and wrapped names split lines)."""
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def text_of(pdf: bytes) -> str:
    return " ".join(pages_text(pdf))


def test_the_page_shows_identities_routing_amounts_and_legal_mentions() -> None:
    text = text_of(write_facturx(invoice()))
    for expected in (
        "FACTURE",
        "F-2026-0042",
        "Atelier Dupont SARL",
        "Ministère de l'Exemple \u2013 Direction des achats",
        "SIRET : 73282932000074",
        "N° TVA intracommunautaire : FR44732829320",
        "SIREN : 110002011",  # the client's SIREN: a 2026 mention
        "Code service : SERV-ACHATS-01",
        "N° d'engagement : EJ-2026-000123",
        "Date d'émission : 20/11/2026",
        "Date d'échéance : 20/12/2026",
        "Audit de l'installation électrique",
        "12,5",  # quantity
        "48,40",  # unit price
        "5,5 %",
        "1 850,00 €",
        "Total TTC 4 503,48 €",
        "Net à payer 4 503,48 €",
        "IBAN : " + " ".join(IBAN[i : i + 4] for i in range(0, len(IBAN), 4)),
        "BIC : AGRIFRPPXXX",
        "Intervention réalisée conformément au devis",  # a free note
        "40 €",
        "pénalités de retard",
        "Pas d'escompte pour paiement anticipé.",
        "page 1 / 1",
    ):
        assert expected in text, expected


def test_the_nature_of_the_supply_is_printed_only_when_bt23_says_it() -> None:
    chorus_frame = invoice()  # BT-23 "A1": Chorus Pro's billing frame says nothing of goods or services
    assert "Nature de l'opération" not in text_of(render_invoice_pdf(chorus_frame))
    b2b = invoice()
    b2b.process_type = "B1"  # a B2B reform billing mode: goods
    assert "Nature de l'opération : Livraison de biens" in text_of(render_invoice_pdf(b2b))


def test_the_credit_note_is_titled_and_points_at_its_invoice() -> None:
    text = text_of(write_facturx(credit_note()))
    assert "AVOIR" in text and "Avoir AV-2026-0007" in text
    assert "Facture d'origine : F-2026-0042 (20/11/2026)" in text
    assert "Montant de l'avoir 102,60 €" in text
    assert "IBAN" not in text  # Chorus: a credit note carries no payment means


def test_sixty_lines_flow_over_pages_with_the_header_repeated() -> None:
    pages = pages_text(write_facturx(long_invoice(60)))
    assert len(pages) >= 2
    assert "page 2 / " in pages[1]
    assert all(page.count("Désignation") == 1 for page in pages if "Fourniture" in page)  # header on each page
    assert "Fourniture n° 60" in pages[-1] and "Net à payer" in pages[-1]
    assert "(suite)" in pages[1] and "(suite)" not in pages[0]


def test_default_mentions_when_the_invoice_has_no_legal_notes() -> None:
    bare = invoice()
    bare.notes = []
    bare.vat_point_code = "3"  # BT-8 = invoice date: VAT on debits
    bare.process_type = "B1"
    text = text_of(render_invoice_pdf(delivered_elsewhere(bare)))
    assert "indemnité forfaitaire pour frais de recouvrement de 40 €" in text.lower()
    assert "art. L441-10" in text
    assert "Pas d'escompte pour paiement anticipé." in text
    assert "Option pour le paiement de la taxe d'après les débits." in text
    assert "Nature de l'opération : Livraison de biens" in text
    assert "Adresse de livraison : Entrepôt Nord, 59000 Lille" in text


def test_vat_exemption_mentions() -> None:
    exempt = invoice()
    for line in exempt.lines:
        line.vat_category, line.vat_rate = "AE", Decimal("0")
    base = exempt.totals.without_vat
    exempt.vat_breakdown = [VatBreakdown(taxable_amount=base, tax_amount=Decimal("0.00"), category="AE",
                                         rate=Decimal("0"))]  # fmt: skip
    text = text_of(render_invoice_pdf(exempt))
    assert "Autoliquidation" in text
    exempt.vat_breakdown[0].exemption_code = "VATEX-FR-FRANCHISE"
    exempt.vat_breakdown[0].category = "E"
    assert "TVA non applicable, art. 293 B du CGI" in text_of(render_invoice_pdf(exempt))
    exempt.vat_breakdown[0].exemption_reason = "Exonération, art. 261 4 4° du CGI (formation)"
    assert "Exonération, art. 261 4 4° du CGI (formation)" in text_of(render_invoice_pdf(exempt))


def test_allowances_and_charges_are_shown() -> None:
    discounted = invoice()
    discounted.allowances_charges = [
        AllowanceCharge(
            is_charge=False,
            amount=Decimal("100.00"),
            reason="Remise fidélité",
            vat_category="S",
            vat_rate=Decimal("20"),
        )
    ]
    discounted.totals.allowances = Decimal("100.00")
    text = text_of(render_invoice_pdf(discounted))
    assert "Remise \u2013 Remise fidélité" in text and "-100,00 €" in text
    assert "Total des lignes HT 3 826,00 €" in text


def test_english_labels_and_unknown_language() -> None:
    text = text_of(render_invoice_pdf(invoice(), lang="en"))
    assert "INVOICE" in text and "Service code: SERV-ACHATS-01" in text and "Amount due 4 503,48 €" in text
    with pytest.raises(ValueError, match="unsupported language"):
        render_invoice_pdf(invoice(), lang="de")


def test_untrusted_text_is_escaped_and_kept_within_the_font() -> None:
    odd: Invoice = invoice()
    odd.buyer.name = "<b>Mairie</b> & Fils 中"
    odd.number = "F-{page}-{0}"  # not a valid number (BR-FR-01), and never a format string
    text = text_of(render_invoice_pdf(odd))
    assert "<b>Mairie</b> & Fils ?" in text
    assert "F-{page}-{0} · page 1 / 1" in text
    assert printable("Łódź \u2013 Œuvre\t€") == "Łódź \u2013 Œuvre €"


def test_french_number_formats() -> None:
    assert amount(Decimal("1234567.8"), "EUR") == "1 234 567,80 €"
    assert amount(Decimal("-40"), "EUR") == "-40,00 €"
    assert amount(Decimal("12"), "USD") == "12,00 USD"
    assert price(Decimal("0.123456")) == "0,123456"
    assert number(Decimal("12.500")) == "12,5"


def test_the_output_intent_profile_is_srgb() -> None:
    profile = ImageCms.ImageCmsProfile(io.BytesIO(srgb_icc_profile()))
    assert profile.profile.version == pytest.approx(2.1)
    assert profile.profile.xcolor_space.strip() == "RGB"
    reference = ImageCms.createProfile("sRGB")
    transform = ImageCms.buildTransform(profile, reference, "RGB", "RGB")
    colours = Image.new("RGB", (4, 1))
    for x, value in enumerate([(0, 0, 0), (255, 255, 255), (31, 58, 95), (200, 120, 10)]):
        colours.putpixel((x, 0), value)
    converted = ImageCms.applyTransform(colours, transform)
    assert converted is not None
    assert [converted.getpixel((x, 0)) for x in range(4)] == [colours.getpixel((x, 0)) for x in range(4)]
