"""The mandate's text and its PDF: what the provider's signatory reads, hashes and accepts.

The content follows the doctrine on billing mandates (BOI of 7 Aug 2003 §58 to §65; docs/architecture.md,
"Mandates"): the parties; the scope; the duration; the mandant stays liable for the VAT, asks for duplicates of
invoices it did not receive and reports changes to its identification data; the contest period; the
sub-contracting of the technical deposit (named); revocation; the mandate can be produced to the tax
administration. It promises only what exists: the provider has no space of its own on pdp yet, so it contests an
invoice and revokes the mandate by writing to the mandataire, which acts through the Partner API (a credit note,
``POST /v1/mandates/{id}/revoke``). The PDF is
rendered deterministically (reportlab invariant mode), so the SHA-256 shown on the acceptance page is the hash of
exactly the archived bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from pdp.einvoice.formats.render_assets import FONT, FONT_BOLD, printable, register_fonts

PLATFORM_NAME = "pdp, plateforme de dépôt de factures sur Chorus Pro"


@dataclass(frozen=True, slots=True)
class MandateTerms:
    mandate_id: str
    tenant_name: str
    provider_name: str
    provider_siret: str
    recipients: list[str] | None
    invoice_types: list[str] | None
    valid_from: date
    valid_until: date | None
    contest_days: int


def _scope(terms: MandateTerms) -> str:
    who = (
        "toutes les entités publiques destinataires"
        if terms.recipients is None
        else "les destinataires publics de SIRET " + ", ".join(terms.recipients)
    )
    kinds = {"invoice": "factures", "credit_note": "avoirs"}
    what = (
        "les factures et avoirs"
        if terms.invoice_types is None
        else " et ".join(kinds[kind] for kind in terms.invoice_types)
    )
    return f"{what} adressés à {who}"


def clauses(terms: MandateTerms) -> list[tuple[str, str]]:
    """The mandate, article by article: (title, text). Shown on the acceptance page and printed in the PDF."""
    until = f"jusqu'au {terms.valid_until:%d/%m/%Y} inclus" if terms.valid_until else "sans terme fixé"
    return [
        (
            "Parties",
            f"Le mandant, {terms.provider_name} (SIRET {terms.provider_siret}), donne mandat au mandataire, "
            f"{terms.tenant_name}, d'émettre et de déposer sur Chorus Pro, en son nom et pour son compte, ses "
            "factures destinées au secteur public (article 289-I-2 du CGI ; annexe II, article 242 nonies I).",
        ),
        ("Objet et périmètre", f"Le mandat porte sur {_scope(terms)}."),
        ("Durée", f"Le mandat prend effet le {terms.valid_from:%d/%m/%Y} et vaut {until}."),
        (
            "Obligations du mandant",
            "Le mandant demeure redevable de la TVA mentionnée sur les factures émises en son nom. Il s'engage à "
            "réclamer un double des factures qu'il n'aurait pas reçues et à signaler sans délai tout changement de "
            "ses données d'identification (raison sociale, adresse, SIRET, coordonnées bancaires).",
        ),
        (
            "Contestation",
            f"Le mandant peut contester une facture émise en son nom en écrivant au mandataire dans les "
            f"{terms.contest_days} jours qui suivent son dépôt sur Chorus Pro ; passé ce délai, elle est réputée "
            "acceptée. Le mandataire rectifie une facture contestée par un avoir émis au nom du mandant et, s'il y a "
            "lieu, par une nouvelle facture.",
        ),
        (
            "Sous-traitance",
            f"Le mandant accepte que le dépôt technique soit confié à {PLATFORM_NAME}, qui archive chaque "
            "document pendant dix ans sous scellement et trace chaque action.",
        ),
        (
            "Révocation",
            "Le mandant peut révoquer le mandat à tout moment en écrivant au mandataire, qui enregistre la "
            "révocation sans délai ; le mandataire peut y mettre fin de même. Dès la révocation, plus aucune facture "
            "n'est déposée au titre du mandat, y compris celles qui attendaient leur transmission ; les factures "
            "déjà déposées restent suivies.",
        ),
        (
            "Preuve",
            "Le présent mandat, son empreinte SHA-256 et la preuve de son acceptation (identité déclarée, date, "
            "adresse IP, navigateur) sont archivés et peuvent être présentés à l'administration fiscale.",
        ),
    ]


def render_pdf(terms: MandateTerms) -> bytes:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14)
    heading = ParagraphStyle("heading", fontName=FONT_BOLD, fontSize=11, leading=15, spaceBefore=6)
    title = ParagraphStyle("title", fontName=FONT_BOLD, fontSize=16, leading=20)
    story = [
        Paragraph("Mandat de facturation", title),
        Paragraph(escape(printable(f"Référence {terms.mandate_id}")), body),
        Spacer(1, 6 * mm),
    ]
    for number, (name, text) in enumerate(clauses(terms), start=1):
        story.append(Paragraph(escape(printable(f"Article {number} — {name}")), heading))
        story.append(Paragraph(escape(printable(text)), body))
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"Mandat {terms.mandate_id}",
        author=terms.tenant_name,
        invariant=1,
    )
    document.build(story)
    return out.getvalue()
