"""A letter and its PDF: one or more A4 pages whose first shows the recipient's address through the window of a
French DL envelope.

Layout, in millimetres from the page's top left corner. The DL window envelope is 220 by 110 mm with a 100 by 45 mm
window 20 mm from its right edge and 15 mm from its bottom (the French "fenêtre à droite"), so the window spans
x 100 to 200 and y 50 to 95 of the envelope. The A4 sheet is folded in three (99 mm panels, address on the top
one) and can slide inside by the difference in size: 10 mm sideways, 11 mm up and down. The part of the page the
window shows wherever the sheet sits is therefore x 100 to 190, y 50 to 84 (:data:`VISIBLE`); the address block is
drawn inside it with a margin (:data:`ADDRESS_BOX`), its font shrunk if a line is too wide. The address follows
La Poste's NF Z10-011: at most six lines (name, up to four lines, then postcode and locality), the last one in
capitals without accents or punctuation; no country line for France.

The sender's block is at the top left, the place and date ("Paris, le 6 décembre 2026") and the reference below
the window, then the subject and the body, continued on further pages if needed. Fold marks in the left margin
help whoever folds it by hand. Rendering follows the mandate PDF's conventions (reportlab, invariant mode, text
escaped and filtered to the glyphs of the embedded font), so the same letter gives the same bytes. The font is
Bitstream Vera, shipped with reportlab (the invoices' DejaVu lives in ``pdp.tenants``, out of a connector's reach).
"""

from __future__ import annotations

import io
import re
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer

from pdp.platform import clock

FONT = "PdpLetter"
FONT_BOLD = "PdpLetter-Bold"
_FONT_FILES = {FONT: "Vera.ttf", FONT_BOLD: "VeraBd.ttf"}  # found on reportlab's own font path
_FONT_LOCK = threading.Lock()

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20  # mm, left, right, top and bottom


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in millimetres from the page's top left corner."""

    left: float
    top: float
    right: float
    bottom: float


# The envelope and its window (see the module docstring), and what of the page the window always shows.
ENVELOPE_WIDTH, ENVELOPE_HEIGHT = 220, 110
WINDOW_WIDTH, WINDOW_HEIGHT = 100, 45
WINDOW_FROM_RIGHT, WINDOW_FROM_BOTTOM = 20, 15
PANEL = 99  # 297 mm folded in three
_SLIDE_X, _SLIDE_Y = ENVELOPE_WIDTH - 210, ENVELOPE_HEIGHT - PANEL
_WINDOW_LEFT = ENVELOPE_WIDTH - WINDOW_FROM_RIGHT - WINDOW_WIDTH
_WINDOW_TOP = ENVELOPE_HEIGHT - WINDOW_FROM_BOTTOM - WINDOW_HEIGHT
VISIBLE = Box(_WINDOW_LEFT, _WINDOW_TOP, _WINDOW_LEFT + WINDOW_WIDTH - _SLIDE_X, _WINDOW_TOP + WINDOW_HEIGHT - _SLIDE_Y)
ADDRESS_BOX = Box(VISIBLE.left + 4, VISIBLE.top + 2, VISIBLE.right - 2, VISIBLE.bottom - 2)

MAX_ADDRESS_LINES = 4  # between the name and the postcode line: six lines in all (NF Z10-011)
ADDRESS_SIZE, MIN_ADDRESS_SIZE = 10.0, 7.0  # points
_LEADING = 1.2
DATE_LINE = 104  # mm from the top: below the window's lowest reach (95 mm) and the first fold (99 mm)
BODY_TOP = 114

DEFAULT_SENDER = ("pdp", "Plateforme de dépôt de factures sur Chorus Pro")
PARIS = ZoneInfo("Europe/Paris")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_POSTCODE = re.compile(r"\d{5}")
_LAST_LINE_DROPPED = re.compile(r"[-'\u2019.,]")  # hyphens, apostrophes (straight and curly), stops


@dataclass(frozen=True, slots=True, kw_only=True)
class Letter:
    """One letter to one recipient. ``address_lines`` go between the name and the postcode line (building,
    number and street, BP…: an :class:`pdp.connectors.sirene.schemas.Establishment`'s ``address_lines``);
    ``country`` is an ISO 3166 code, and only ``FR`` is posted for now. ``reference`` identifies the letter (it
    names its file and is printed on it); ``sent_on`` defaults to today in Paris."""

    recipient_name: str
    address_lines: list[str]
    postcode: str
    city: str
    country: str = "FR"
    subject: str
    body_paragraphs: list[str]
    reference: str
    sender: tuple[str, ...] = DEFAULT_SENDER
    place: str = "Paris"
    sent_on: date | None = None

    def __post_init__(self) -> None:
        problems = []
        if self.country != "FR":
            problems.append(f"only letters within France are supported, not to {self.country!r}")
        if not self.recipient_name.strip():
            problems.append("the recipient's name is empty")
        if not any(line.strip() for line in self.address_lines):
            problems.append("the address has no street line")
        if len(self.address_lines) > MAX_ADDRESS_LINES:
            problems.append(f"at most {MAX_ADDRESS_LINES} address lines fit between the name and the postcode line")
        if not _POSTCODE.fullmatch(self.postcode):
            problems.append(f"a French postcode is 5 digits, got {self.postcode!r}")
        if not self.city.strip():
            problems.append("the city is empty")
        if not self.reference.strip():
            problems.append("the reference is empty")
        if not self.body_paragraphs:
            problems.append("the letter has no body")
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def address_block(self) -> list[str]:
        """The lines printed in the window, top to bottom."""
        lines = [line.strip() for line in self.address_lines if line.strip()]
        return [self.recipient_name.strip(), *lines, postcode_line(self.postcode, self.city)]


def postcode_line(postcode: str, city: str) -> str:
    """The last line of a French address: postcode and locality in capitals, without accents or punctuation."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", city) if not unicodedata.combining(c))
    locality = " ".join(_LAST_LINE_DROPPED.sub(" ", bare).upper().split())
    return f"{postcode} {locality}"


def french_date(day: date) -> str:
    """``6 décembre 2026``; the first of the month is ``1er``."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def render_pdf(letter: Letter) -> bytes:
    """The letter as a PDF; ``ValueError`` when its address cannot fit the window even in the smallest type."""
    _register_fonts()
    sent_on = letter.sent_on or clock.now().astimezone(PARIS).date()
    block = [_printable(line) for line in letter.address_block]
    size = _address_size(block)
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14, spaceAfter=6)
    subject = ParagraphStyle("subject", fontName=FONT_BOLD, fontSize=10, leading=14, spaceAfter=10)

    def first_page(canvas: Canvas, _document: BaseDocTemplate) -> None:
        _fold_marks(canvas)
        _sender(canvas, [_printable(line) for line in letter.sender])
        _address(canvas, block, size)
        canvas.setFont(FONT, 9)
        canvas.drawString(MARGIN * mm, _y(DATE_LINE), _printable(f"Réf. : {letter.reference}"))
        dated = _printable(f"{letter.place}, le {french_date(sent_on)}")
        canvas.drawString(ADDRESS_BOX.left * mm, _y(DATE_LINE), dated)

    def later_page(canvas: Canvas, _document: BaseDocTemplate) -> None:
        _fold_marks(canvas)

    width = (210 - 2 * MARGIN) * mm
    out = io.BytesIO()
    document = BaseDocTemplate(
        out,
        pagesize=A4,
        title=_printable(f"Courrier {letter.reference}"),
        author=_printable(letter.sender[0]) if letter.sender else "",
        invariant=1,
    )
    first = Frame(MARGIN * mm, MARGIN * mm, width, (297 - BODY_TOP - MARGIN) * mm, id="first", showBoundary=0)
    later = Frame(MARGIN * mm, MARGIN * mm, width, (297 - 2 * MARGIN) * mm, id="later", showBoundary=0)
    document.addPageTemplates(
        [
            PageTemplate(id="First", frames=[first], onPage=first_page, autoNextPageTemplate="Later"),
            PageTemplate(id="Later", frames=[later], onPage=later_page),
        ]
    )
    story = [Paragraph(escape(_printable(f"Objet : {letter.subject}")), subject), Spacer(1, 2 * mm)]
    story += [Paragraph(escape(_printable(text)), body) for text in letter.body_paragraphs]
    document.build(story)
    return out.getvalue()


def _y(from_top_mm: float) -> float:
    """reportlab's y (points up from the bottom) of a height given in mm down from the top."""
    return float(PAGE_HEIGHT - from_top_mm * mm)


def _address_size(lines: list[str]) -> float:
    """The largest type size, up to :data:`ADDRESS_SIZE`, at which every line fits the box's width and height."""
    width = float((ADDRESS_BOX.right - ADDRESS_BOX.left) * mm)
    height = float((ADDRESS_BOX.bottom - ADDRESS_BOX.top) * mm)
    widest = max(
        float(pdfmetrics.stringWidth(line, FONT_BOLD if i == 0 else FONT, 1.0)) for i, line in enumerate(lines)
    )
    size = min(ADDRESS_SIZE, width / widest if widest else ADDRESS_SIZE, height / (len(lines) * _LEADING))
    if size < MIN_ADDRESS_SIZE:
        raise ValueError(f"the address does not fit the envelope's window: {lines!r}")
    return size


def _address(canvas: Canvas, lines: list[str], size: float) -> None:
    ascent = pdfmetrics.getAscent(FONT_BOLD) / 1000 * size
    baseline = _y(ADDRESS_BOX.top) - ascent
    for number, line in enumerate(lines):
        canvas.setFont(FONT_BOLD if number == 0 else FONT, size)
        canvas.drawString(ADDRESS_BOX.left * mm, baseline, line)
        baseline -= size * _LEADING


def _sender(canvas: Canvas, lines: list[str]) -> None:
    baseline = _y(MARGIN) - 9
    for number, line in enumerate(lines):
        canvas.setFont(FONT_BOLD if number == 0 else FONT, 9)
        canvas.drawString(MARGIN * mm, baseline, line)
        baseline -= 11


def _fold_marks(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.setStrokeGray(0.6)
    canvas.setLineWidth(0.3)
    for fold in (PANEL, 2 * PANEL):
        canvas.line(4 * mm, _y(fold), 9 * mm, _y(fold))
    canvas.restoreState()


@cache
def _covered() -> frozenset[int]:
    with _FONT_LOCK:  # reportlab's font registry is a plain module-level dict
        faces = []
        for name, filename in _FONT_FILES.items():
            font = TTFont(name, filename)
            pdfmetrics.registerFont(font)
            faces.append(frozenset(font.face.charToGlyph))
    return faces[0] & faces[1]


def _register_fonts() -> None:
    """Register the fonts once per process, on first use (nothing happens at import)."""
    _covered()


def _printable(text: str) -> str:
    """``text`` with what the font cannot draw replaced: a narrow no-break space by a no-break space, an accented
    letter it lacks by its base letter, anything else by "?"; line breaks become spaces."""
    covered = _covered()
    out = []
    for char in text.replace("\u202f", "\u00a0"):
        if char in "\r\n\t":
            out.append(" ")
        elif ord(char) in covered:
            out.append(char)
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            base = [c for c in decomposed if ord(c) in covered and not unicodedata.combining(c)]
            out.append("".join(base) or "?")
    return "".join(out)
