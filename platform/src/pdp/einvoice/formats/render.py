"""The visual of an invoice: an A4 PDF drawn with reportlab platypus from the canonical model.

The page carries what French law asks an invoice to show (seller and buyer identities, numbers, dates, lines,
VAT per rate, totals, payment terms, penalty and recovery-indemnity mentions, the four 2026 mentions) plus the
Chorus Pro routing data a public buyer's clerk looks for (service code, engagement number). Text stays text
(extractable, searchable); fonts are embedded TrueType subsets; colours are opaque RGB. The output is
deterministic (reportlab's invariant mode) and ready to become PDF/A-3 in :mod:`facturx_write`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus.flowables import Flowable

from pdp.einvoice.formats import render_text as txt
from pdp.einvoice.formats.render_assets import FONT, FONT_BOLD, printable, register_fonts
from pdp.einvoice.formats.render_tables import (
    ACCENT,
    MARGIN,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    PANEL,
    RULE,
    WIDTH,
    allowances_table,
    lines_table,
    markup,
    para,
    style,
    summary,
    table_style,
)
from pdp.einvoice.model import Invoice, Party

PRODUCER = "pdp"
_FRAME_PADDING = 6  # reportlab Frame default


def render_invoice_pdf(invoice: Invoice, *, lang: str = "fr") -> bytes:
    """A4 PDF of ``invoice`` (a validated one: missing data is left out, never invented), in ``lang`` ("fr", "en").

    Several pages when the lines overflow, the table header repeated and "page X / Y" in every footer. The same
    invoice gives the same bytes.
    """
    words = txt.labels(lang)
    register_fonts()
    heading = f"{txt.title(invoice, lang)} {invoice.number or ''}".strip()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        # The frame pads its content by 6 pt: margins are that much smaller so that paragraphs, tables (WIDTH
        # wide) and the footer all line up on MARGIN.
        leftMargin=MARGIN - _FRAME_PADDING,
        rightMargin=MARGIN - _FRAME_PADDING,
        topMargin=18 * mm,
        bottomMargin=22 * mm,
        title=heading,
        author=invoice.seller.name or "",
        subject=heading,
        creator=PRODUCER,
        producer=PRODUCER,
        invariant=1,  # fixed dates and document ID: the same invoice renders to the same bytes
        pageCompression=1,
        initialFontName=FONT,  # else reportlab lists Helvetica (not embedded, so not PDF/A) in every page
        lang="fr-FR" if lang == "fr" else "en",
    )
    later = partial(_decorate, invoice=invoice, heading=f"{heading} ({words['continued']})")
    first = partial(_decorate, invoice=invoice, heading=None)
    canvasmaker = partial(_NumberedCanvas, heading=heading, page_label=words["page"])
    document.build(_story(invoice, lang), onFirstPage=first, onLaterPages=later, canvasmaker=canvasmaker)
    return buffer.getvalue()


def _story(invoice: Invoice, lang: str) -> list[Flowable]:
    story: list[Flowable] = [_letterhead(invoice, lang), Spacer(1, 6 * mm), _parties(invoice, lang)]
    story += [Spacer(1, 6 * mm), lines_table(invoice, lang)]
    charges = allowances_table(invoice, lang)
    if charges is not None:
        story += [Spacer(1, 4 * mm), charges]
    story += [Spacer(1, 5 * mm), summary(invoice, lang)]
    story += _section(txt.labels(lang)["payment"], _payment_lines(invoice, lang))
    notes = [escape(printable(line)) for note in txt.free_notes(invoice) for line in note.splitlines() if line]
    story += _section(txt.labels(lang)["notes"], notes)
    mentions = [escape(printable(text)) for text in txt.legal_mentions(invoice, lang)]
    story += _section(txt.labels(lang)["mentions"], mentions, size=7.5)
    return story


def _section(heading: str, lines: Sequence[str], *, size: float = 8.5) -> list[Flowable]:
    """A small heading and its paragraphs (already escaped markup); nothing at all when ``lines`` is empty."""
    if not lines:
        return []
    body = style("body", size)
    flowables: list[Flowable] = [Spacer(1, 4 * mm), Paragraph(escape(heading), style("h", 9, bold=True, color=ACCENT))]
    return flowables + [Paragraph(line, body) for line in lines]


def _letterhead(invoice: Invoice, lang: str) -> Flowable:
    words, seller = txt.labels(lang), invoice.seller
    left: list[Flowable] = [para(seller.name or "", style("seller", 13, bold=True, color=ACCENT))]
    if seller.trading_name and seller.trading_name != seller.name:
        left.append(para(seller.trading_name, style("trading", 9, color=MUTED)))
    body = style("seller_body")
    left += [para(line, body) for line in txt.address_lines(seller.address)]
    left += [Paragraph(line, body) for line in _seller_ids(seller, invoice, lang)]
    right_style = style("meta", 9, alignment=TA_RIGHT)
    right: list[Flowable] = [
        para(txt.title(invoice, lang).upper(), style("title", 20, bold=True, color=ACCENT, alignment=TA_RIGHT)),
        para(f"{words['number']} {invoice.number or ''}", style("number", 11, bold=True, alignment=TA_RIGHT)),
        Spacer(1, 2 * mm),
        Paragraph(markup(words["issue_date"], txt.day(invoice.issue_date), lang), right_style),
    ]
    if invoice.due_date:
        right.append(Paragraph(markup(words["due_date"], txt.day(invoice.due_date), lang), right_style))
    table = Table([[left, right]], colWidths=[WIDTH * 0.58, WIDTH * 0.42])
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, -1), 0),
                               ("RIGHTPADDING", (-1, 0), (-1, -1), 0)]))  # fmt: skip
    return table


def _seller_ids(seller: Party, invoice: Invoice, lang: str) -> list[str]:
    words = txt.labels(lang)
    ids = txt.party_ids(seller, invoice.routing.supplier_siret if invoice.routing else None)
    pairs = [(words["siren"], ids.siren), (words["siret"], ids.siret), (words["vat_id"], seller.vat_id),
             (words["tax_id"], seller.tax_registration_id)]  # fmt: skip
    lines = [markup(label, value, lang) for label, value in pairs if value]
    if seller.legal_info:  # BT-33: legal form, share capital, RCS registration
        lines.append(escape(printable(seller.legal_info)))
    contact = seller.contact
    if contact is not None:
        lines += [escape(printable(value)) for value in (contact.name, contact.phone, contact.email) if value]
    return lines


def _parties(invoice: Invoice, lang: str) -> Flowable:
    body = style("party")
    details = [Paragraph(line, body) for line in _detail_lines(invoice, lang)]
    caption = style("caption", 7.5, bold=True, color=MUTED)
    left: list[Flowable] = [Paragraph(escape(txt.labels(lang)["details"].upper()), caption)]
    buyer: list[Flowable] = [
        Paragraph(escape(txt.labels(lang)["bill_to"].upper()), caption),
        para(invoice.buyer.name or "", style("buyer", 11, bold=True)),
        *(para(line, body) for line in txt.address_lines(invoice.buyer.address)),
        *(Paragraph(line, body) for line in _buyer_ids(invoice, lang)),
    ]
    table = Table([[left + details, buyer]], colWidths=[WIDTH * 0.5, WIDTH * 0.5])
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (1, 0), (1, 0), PANEL),
                ("BOX", (1, 0), (1, 0), 0.6, RULE),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 8),
                ("TOPPADDING", (1, 0), (1, 0), 6),
                ("BOTTOMPADDING", (1, 0), (1, 0), 6),
            ]
        )
    )
    return table


def _buyer_ids(invoice: Invoice, lang: str) -> list[str]:
    words, buyer, routing = txt.labels(lang), invoice.buyer, invoice.routing
    ids = txt.party_ids(buyer, routing.recipient_siret if routing else None)
    service = invoice.buyer_reference or (routing.service_code if routing else None)
    engagement = invoice.purchase_order_ref or (routing.engagement_number if routing else None)
    pairs = [(words["siren"], ids.siren), (words["siret"], ids.siret), (words["vat_id"], buyer.vat_id),
             (words["service_code"], service), (words["engagement"], engagement)]  # fmt: skip
    lines = [markup(label, value, lang) for label, value in pairs if value]
    contact = buyer.contact
    if contact is not None:
        lines += [escape(printable(value)) for value in (contact.name, contact.email) if value]
    return lines


def _detail_lines(invoice: Invoice, lang: str) -> list[str]:
    words = txt.labels(lang)
    pairs: list[tuple[str, str | None]] = [(words["nature"], txt.nature(invoice, lang))]
    for preceding in invoice.preceding_invoices:
        dated = f" ({txt.day(preceding.date)})" if preceding.date else ""
        pairs.append((words["preceding"], f"{preceding.number or ''}{dated}"))
    pairs += [(words["contract"], invoice.contract_ref), (words["project"], invoice.project_ref),
              (words["sales_order"], invoice.sales_order_ref)]  # fmt: skip
    period = invoice.invoicing_period
    if period is not None and (period.start or period.end):
        pairs.append((words["period"], txt.span(period.start, period.end)))
    delivery = invoice.delivery
    if delivery is not None:
        pairs.append((words["delivery_date"], txt.day(delivery.date)))
        if txt.delivery_differs(invoice):  # one of the four 2026 mentions
            place = [delivery.party_name, *txt.address_lines(delivery.address)]
            pairs.append((words["delivery_address"], ", ".join(part for part in place if part)))
    if invoice.payee is not None and invoice.payee.name:
        pairs.append((words["payee"], invoice.payee.name))
    representative = invoice.tax_representative
    if representative is not None and representative.name:
        vat = f" ({representative.vat_id})" if representative.vat_id else ""
        pairs.append((words["tax_representative"], representative.name + vat))
    return [markup(label, value, lang) for label, value in pairs if value]


def _payment_lines(invoice: Invoice, lang: str) -> list[str]:
    words, payment = txt.labels(lang), invoice.payment
    pairs: list[tuple[str, str | None]] = [(words["due_date"], txt.day(invoice.due_date)),
                                           (words["payment_terms"], invoice.payment_terms)]  # fmt: skip
    if payment is not None:
        pairs.insert(0, (words["means"], payment.means_text or txt.means_name(payment.means_code, lang)))
        for transfer in payment.credit_transfers:
            pairs += [(words["iban"], _iban(transfer.account_id)), (words["bic"], transfer.provider_id),
                      (words["account_name"], transfer.account_name)]  # fmt: skip
        if payment.card is not None:
            holder = f" ({payment.card.holder_name})" if payment.card.holder_name else ""
            pairs.append((words["card"], f"{payment.card.primary_account_number or ''}{holder}"))
        if payment.direct_debit is not None:
            debit = payment.direct_debit
            pairs += [(words["mandate"], debit.mandate_reference), (words["creditor"], debit.creditor_id),
                      (words["debited"], debit.debited_account_id)]  # fmt: skip
        pairs.append((words["remittance"], payment.remittance_info))
    return [markup(label, value, lang) for label, value in pairs if value]


def _iban(account: str | None) -> str | None:
    """An IBAN in its printed form, groups of four (ISO 13616); any other account id as given."""
    if account is None:
        return None
    compact = account.replace(" ", "")
    if len(compact) < 15 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return account
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _decorate(canvas: Any, _document: Any, *, invoice: Invoice, heading: str | None) -> None:
    """Footer on every page (seller's legal identity); a reminder header on pages after the first."""
    canvas.saveState()
    canvas.setFillColor(MUTED)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, 16 * mm, PAGE_WIDTH - MARGIN, 16 * mm)
    canvas.setFont(FONT, 7)
    seller = invoice.seller
    ids = txt.party_ids(seller, invoice.routing.supplier_siret if invoice.routing else None)
    parts = [seller.name, seller.legal_info, f"SIREN {ids.siren}" if ids.siren else None, seller.vat_id]
    footer = printable(" · ".join(part for part in parts if part))
    canvas.drawString(MARGIN, 12 * mm, _fit(footer, canvas, WIDTH * 0.62))
    if heading is not None:
        canvas.setFont(FONT_BOLD, 8)
        canvas.drawString(MARGIN, PAGE_HEIGHT - 11 * mm, _fit(printable(seller.name or ""), canvas, WIDTH * 0.5))
        canvas.drawRightString(PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 11 * mm, printable(heading))
    canvas.restoreState()


def _fit(text: str, canvas: Any, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` at the canvas's current font."""
    if canvas.stringWidth(text) <= width:
        return text
    while text and canvas.stringWidth(text + "…") > width:
        text = text[:-1]
    return text + "…"


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
    """Keeps every page until the document ends, so that each footer can say "page X / Y"."""

    def __init__(self, *args: Any, heading: str, page_label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._heading, self._page_label = heading, page_label  # the heading is data: never a format string
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:  # reportlab's name
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for state in self._held:
            self.__dict__.update(state)
            self.setFont(FONT, 7)
            self.setFillColor(MUTED)
            page = self._page_label.format(page=self._pageNumber, pages=total)
            label = printable(f"{self._heading} · {page}")
            self.drawRightString(PAGE_WIDTH - MARGIN, 12 * mm, label)
            super().showPage()
        super().save()
