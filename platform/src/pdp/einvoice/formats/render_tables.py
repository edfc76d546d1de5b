"""The tables of a rendered invoice (lines, document allowances and charges, VAT breakdown and totals), and the
paragraph styles the whole page shares. Layout only: the words come from :mod:`render_text`."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from pdp.einvoice.formats import render_text as txt
from pdp.einvoice.formats.render_assets import FONT, FONT_BOLD, printable
from pdp.einvoice.model import AllowanceCharge, Invoice, Line

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
WIDTH = PAGE_WIDTH - 2 * MARGIN
# Opaque colours only: PDF/A-1 forbids transparency and PDF/A-2/3 want a blending colour space declared for it.
ACCENT = colors.HexColor("#1f3a5f")
MUTED = colors.HexColor("#5b6573")
PANEL = colors.HexColor("#f2f4f7")
RULE = colors.HexColor("#c8ced6")
_LINE_COLUMNS = (0.43, 0.09, 0.08, 0.15, 0.09, 0.16)  # designation, qty, unit, unit price, VAT, net amount
_SMALL = f'<font size="7" color="{MUTED.hexval().replace("0x", "#")}">'


def style(name: str, size: float = 8.5, *, bold: bool = False, color: Any = colors.black, **extra: Any) -> Any:
    return ParagraphStyle(
        name, fontName=FONT_BOLD if bold else FONT, fontSize=size, leading=size * 1.25, textColor=color, **extra
    )


def para(text: str, paragraph_style: Any) -> Any:
    """A Paragraph of untrusted text: markup escaped, unsupported glyphs replaced, line breaks kept."""
    return Paragraph(_multiline(text), paragraph_style)


def markup(label: str, value: str, lang: str) -> str:
    """ "<b>Label :</b> value", escaped (French typography puts a space before the colon)."""
    colon = " :" if lang == "fr" else ":"
    return f"<b>{_clean(label)}{colon}</b> {_clean(value)}"


def table_style(commands: list[tuple[Any, ...]]) -> Any:
    """A TableStyle whose cells all default to our embedded font: reportlab's default, Helvetica, is set on every
    cell even when it only holds Paragraphs, and a non-embedded font in the page resources breaks PDF/A."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


def _clean(text: str) -> str:
    return escape(printable(text))


def _multiline(text: str) -> str:
    return "<br/>".join(_clean(line) for line in text.splitlines())


def _header_cells(names: list[str], numeric_from: int) -> list[Any]:
    left = style("th", 7.5, bold=True, color=colors.white)
    right = style("th_numeric", 7.5, bold=True, color=colors.white, alignment=TA_RIGHT)
    return [Paragraph(_clean(name), right if index >= numeric_from else left) for index, name in enumerate(names)]


def _table_style(numeric_from: int, *, zebra: bool = True) -> list[tuple[Any, ...]]:
    commands: list[tuple[Any, ...]] = [
        ("FONTSIZE", (0, 1), (-1, -1), 8),
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if zebra:
        commands.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, PANEL]))
    return commands


def lines_table(invoice: Invoice, lang: str) -> Flowable:
    """The invoice lines; the header row repeats on every page the table spans."""
    words = txt.labels(lang)
    names = [words["item"], words["quantity"], words["unit"], words["unit_price"], words["vat"], words["net_amount"]]
    rows: list[list[Any]] = [_header_cells(names, 1)]
    body = style("designation", 8)
    for line in invoice.lines:
        rows.append(
            [
                Paragraph(_designation(line, invoice.currency, lang), body),
                txt.number(line.quantity) if line.quantity is not None else "",
                printable(txt.unit_name(line.unit_code)),
                _unit_price(line),
                _vat(line.vat_rate, line.vat_category),
                txt.amount(line.net_amount, invoice.currency),
            ]
        )
    table = Table(rows, colWidths=[WIDTH * share for share in _LINE_COLUMNS], repeatRows=1)
    table.setStyle(table_style(_table_style(1)))
    return table


def _designation(line: Line, currency: str | None, lang: str) -> str:
    words = txt.labels(lang)
    details: list[str] = []
    if line.item_description:
        details.append(_multiline(line.item_description))
    if line.seller_item_id:
        details.append(f"{_clean(words['seller_ref'])} {_clean(line.seller_item_id)}")
    if line.period is not None and (line.period.start or line.period.end):
        details.append(markup(words["period"], txt.span(line.period.start, line.period.end), lang))
    details += [_allowance_text(item, currency, lang) for item in line.allowances_charges]
    if line.note:
        details.append(_multiline(line.note))
    name = f"<b>{_clean(line.item_name or '')}</b>"
    return name + "".join(f"<br/>{_SMALL}{detail}</font>" for detail in details)


def _allowance(item: AllowanceCharge, lang: str) -> tuple[str, Any]:
    """ "Remise 10 %" or "Frais", and the amount signed as it counts in the total (allowances negative)."""
    words = txt.labels(lang)
    kind = words["charge"] if item.is_charge else words["allowance"]
    share = f" {txt.rate(item.percentage)}" if item.percentage is not None else ""
    value = item.amount if item.is_charge or item.amount is None else -item.amount
    return kind + share, value


def _allowance_text(item: AllowanceCharge, currency: str | None, lang: str) -> str:
    label, value = _allowance(item, lang)
    reason = f" ({item.reason})" if item.reason else ""
    return markup(label + reason, txt.amount(value, currency), lang)


def _unit_price(line: Line) -> str:
    text = txt.price(line.net_price)
    base = line.price_base_quantity
    if text and base is not None and base != 1:  # BT-149: the price is for this many units
        text += f" / {txt.number(base)}"
    return text


def _vat(rate: Any, category: str | None) -> str:
    shown = txt.rate(rate)
    return f"{shown} {category}".strip() if category not in (None, "S") else shown


def allowances_table(invoice: Invoice, lang: str) -> Flowable | None:
    """Document-level allowances (BG-20) and charges (BG-21), or None when there are none."""
    if not invoice.allowances_charges:
        return None
    words = txt.labels(lang)
    rows: list[list[Any]] = [_header_cells([words["allowances_charges"], words["vat"], words["net_amount"]], 1)]
    body = style("charge", 8)
    for item in invoice.allowances_charges:
        label, value = _allowance(item, lang)
        rows.append(
            [
                Paragraph(_clean(label + (f" \u2013 {item.reason}" if item.reason else "")), body),
                _vat(item.vat_rate, item.vat_category),
                txt.amount(value, invoice.currency),
            ]
        )
    table = Table(rows, colWidths=[WIDTH * 0.6, WIDTH * 0.2, WIDTH * 0.2])
    table.setStyle(table_style(_table_style(1)))
    return table


def summary(invoice: Invoice, lang: str) -> Flowable:
    """VAT breakdown (with exemption mentions) beside the totals; one block that never splits across pages."""
    words, currency = txt.labels(lang), invoice.currency
    rows: list[list[Any]] = [_header_cells([words["vat_rate"], words["taxable"], words["vat_amount"]], 1)]
    for group in invoice.vat_breakdown:
        rows.append(
            [
                _vat(group.rate, group.category) or (group.category or ""),
                txt.amount(group.taxable_amount, currency),
                txt.amount(group.tax_amount, currency),
            ]
        )
    vat_table = Table(rows, colWidths=[WIDTH * 0.14, WIDTH * 0.18, WIDTH * 0.18])
    vat_table.setStyle(table_style(_table_style(1, zebra=False)))
    left: list[Flowable] = [vat_table]
    mention_style = style("exempt", 8, bold=True)
    left += [Spacer(1, 2 * mm)] + [para(text, mention_style) for text in txt.exemption_mentions(invoice, lang)]
    block = Table([[left, _totals(invoice, lang)]], colWidths=[WIDTH * 0.54, WIDTH * 0.46])
    flush = [(side, (0, 0), (-1, -1), 0) for side in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING")]
    block.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), *flush]))
    return block


def _totals(invoice: Invoice, lang: str) -> Flowable:
    words, totals, currency = txt.labels(lang), invoice.totals, invoice.currency
    due_label = words["credit_total"] if invoice.is_credit_note else words["due"]
    rows: list[tuple[str, Any, bool]] = []  # label, amount, shown even when zero
    if invoice.allowances_charges:
        rows += [(words["line_net"], totals.line_net, True), (words["total_allowances"], totals.allowances, False),
                 (words["total_charges"], totals.charges, False)]  # fmt: skip
    rows += [(words["without_vat"], totals.without_vat, True), (words["total_vat"], totals.vat, True),
             (words["with_vat"], totals.with_vat, True), (words["prepaid"], totals.prepaid, False),
             (words["rounding"], totals.rounding, False), (due_label, totals.due, True)]  # fmt: skip
    shown = [
        (label, txt.amount(value, currency)) for label, value, always in rows if value or (always and value is not None)
    ]
    bold = [
        ("FONTNAME", (0, i), (-1, i), FONT_BOLD) for i, (label, _) in enumerate(shown) if label == words["with_vat"]
    ]
    cells = [[printable(label), value] for label, value in shown] or [["", ""]]  # no figures: not a valid invoice
    table = Table(cells, colWidths=[WIDTH * 0.25, WIDTH * 0.21])
    table.setStyle(
        table_style(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, -2), 0.25, RULE),
                ("FONTNAME", (0, -1), (-1, -1), FONT_BOLD),
                ("FONTSIZE", (0, -1), (-1, -1), 10),
                ("BACKGROUND", (0, -1), (-1, -1), ACCENT),
                ("TEXTCOLOR", (0, -1), (-1, -1), colors.white),
                ("TOPPADDING", (0, -1), (-1, -1), 5),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 5),
                *bold,  # after the FONTNAME that covers the whole table
            ]
        )
    )
    return table
