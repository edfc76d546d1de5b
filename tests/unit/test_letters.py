"""Letters: the PDF shows the address, and only it, through a DL envelope's window; the folder keeps each one."""

from __future__ import annotations

import io
import stat
from dataclasses import replace
from datetime import date
from pathlib import Path

import httpx
import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from pdp.connectors.letters.document import FONT, FONT_BOLD, VISIBLE, Letter, french_date, postcode_line, render_pdf
from pdp.connectors.letters.senders import FolderLetterSender, open_letter_sender, safe_name
from pdp.connectors.sirene.client import SireneClient
from pdp.connectors.sirene.fake import SireneFake
from pdp.platform.settings import load_settings

CODE = "K7P-4QX-9TZ"
PT = 25.4 / 72  # mm per point


def _letter(**changes: object) -> Letter:
    letter = Letter(
        recipient_name="BOULANGERIE MARTIN SAS",
        address_lines=["ZA DE LA TOUCHE", "8 B RUE DU FOURNIL"],
        postcode="35000",
        city="Rennes",
        subject="Votre code de vérification",
        body_paragraphs=[
            "Madame, Monsieur,",
            "Pour confirmer que vous agissez pour l'établissement SIRET 443 061 841 00047, saisissez ce code dans "
            "votre espace avant le 5 janvier 2027 :",
            CODE,
        ],
        reference="ver_01JM8Z3Q4R5S6T7V8W9X0Y1Z2A",
        sent_on=date(2026, 12, 6),
    )
    return replace(letter, **changes)  # type: ignore[arg-type]


def _placed_text(pdf: bytes, page: int = 0) -> list[tuple[str, float, float, float, str]]:
    """(text, x mm from the left, baseline in mm from the top, size, font) of each string drawn on a page."""
    found: list[tuple[str, float, float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if not text.strip():
            return
        x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
        y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
        name = str(font["/BaseFont"]) if isinstance(font, dict) else ""  # type: ignore[index]
        found.append((text.strip(), x * PT, 297 - y * PT, size, name))

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return found


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_letter_renders_with_its_address_code_date_and_reference() -> None:
    pdf = render_pdf(_letter())

    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    for expected in (
        "BOULANGERIE MARTIN SAS",
        "ZA DE LA TOUCHE",
        "8 B RUE DU FOURNIL",
        "35000 RENNES",
        CODE,
        "Paris, le 6 décembre 2026",
        "Réf. : ver_01JM8Z3Q4R5S6T7V8W9X0Y1Z2A",
        "Objet : Votre code de vérification",
    ):
        assert expected in text, expected


def test_the_same_letter_gives_the_same_bytes() -> None:
    assert render_pdf(_letter()) == render_pdf(_letter())


def test_the_visible_part_of_the_page_follows_from_the_envelope() -> None:
    # DL envelope 220 x 110 mm, window 100 x 45 mm at 20 mm from the right and 15 mm from the bottom: x 100-200,
    # y 50-95 of the envelope. The A4 folded in three (210 x 99 mm) slides 10 mm sideways and 11 mm up and down:
    # only what lies in x 100-190, y 50-84 of the page shows wherever it sits.
    assert (VISIBLE.left, VISIBLE.top, VISIBLE.right, VISIBLE.bottom) == (100, 50, 190, 84)


def _extent(line: tuple[str, float, float, float, str]) -> tuple[float, float, float, float]:
    """The box (left, top, right, bottom, mm) a drawn string can ink, from the font's own metrics."""
    text, x, baseline, size, font = line
    face = FONT_BOLD if "Bd" in font or "Bold" in font else FONT
    width = pdfmetrics.stringWidth(text, face, size) * PT
    ascent = pdfmetrics.getAscent(face) / 1000 * size * PT
    descent = -pdfmetrics.getDescent(face) / 1000 * size * PT
    return x, baseline - ascent, x + width, baseline + descent


@pytest.mark.parametrize(
    "letter",
    [
        _letter(),
        # Six lines of 38 characters, the longest French address La Poste's norm allows: the type shrinks to fit.
        _letter(
            recipient_name="SOCIETE COOPERATIVE DE CONSEIL BERNARD",
            address_lines=[
                "SERVICE DE LA COMPTABILITE FOURNISSEUR",
                "BATIMENT C ESCALIER 4 ETAGE 2 PORTE 12",
                "128 B BOULEVARD DU MARECHAL DE LATTRE",
                "BP 12345 ZONE INDUSTRIELLE DU PLATEAU",
            ],
            postcode="13001",
            city="Marseille",
        ),
    ],
    ids=["short", "longest"],
)
def test_the_address_lies_inside_the_window_whatever_the_sheet_does(letter: Letter) -> None:
    pdf = render_pdf(letter)
    placed = _placed_text(pdf)
    block = letter.address_block
    address = [line for line in placed if line[0] in block]
    assert [line[0] for line in address] == block
    for line in address:
        left, top, right, bottom = _extent(line)
        assert VISIBLE.left <= left and right <= VISIBLE.right, line
        assert VISIBLE.top <= top and bottom <= VISIBLE.bottom, line


def test_nothing_else_can_show_through_the_window() -> None:
    # The window's reach on the page, the sheet anywhere in the envelope: x 90-200, y 39-95.
    pdf = render_pdf(_letter())
    others = [line for line in _placed_text(pdf) if line[0] not in _letter().address_block]
    assert others
    for line in others:
        left, top, right, bottom = _extent(line)
        assert right < 90 or left > 200 or bottom < 39 or top > 95, line


def test_an_address_too_long_for_the_window_is_refused() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        render_pdf(_letter(address_lines=["12 " + "TRES " * 30 + "LONGUE RUE"]))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"country": "DE"}, "within France"),
        ({"postcode": "3500"}, "5 digits"),
        ({"address_lines": ["A", "B", "C", "D", "E"]}, "at most 4"),
        ({"address_lines": []}, "no street line"),
        ({"recipient_name": " "}, "name is empty"),
        ({"reference": ""}, "reference is empty"),
    ],
)
def test_a_letter_that_cannot_be_posted_is_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _letter(**changes)


def test_the_last_line_is_capitals_without_accents_or_punctuation() -> None:
    assert postcode_line("73100", "Aix-les-Bains") == "73100 AIX LES BAINS"
    assert postcode_line("42000", "Saint-Étienne") == "42000 SAINT ETIENNE"
    assert postcode_line("33001", "BORDEAUX CEDEX") == "33001 BORDEAUX CEDEX"


def test_dates_are_written_the_french_way() -> None:
    assert french_date(date(2026, 12, 6)) == "6 décembre 2026"
    assert french_date(date(2027, 1, 1)) == "1er janvier 2027"
    assert french_date(date(2026, 8, 15)) == "15 août 2026"


def test_markup_in_the_text_is_printed_as_written() -> None:
    text = _text(render_pdf(_letter(body_paragraphs=["<b>Dupont & Fils</b> — “code” : A&B"])))
    assert "<b>Dupont & Fils</b> — “code” : A&B" in text


def test_a_long_letter_goes_on_to_further_pages() -> None:
    body = [f"Paragraphe {n} : " + "texte de la lettre, " * 40 for n in range(12)]
    pdf = render_pdf(_letter(body_paragraphs=[*body, CODE]))
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 2
    assert CODE in _text(pdf)


# -- the folder sender -------------------------------------------------------------------------------------------


async def test_the_folder_sender_writes_one_private_file_per_letter(tmp_path: Path) -> None:
    sender = FolderLetterSender(tmp_path / "letters")
    first = await sender.send(_letter(reference="ver_1"))
    second = await sender.send(_letter(reference="ver_2"))

    assert (first, second) == ("ver_1.pdf", "ver_2.pdf")
    assert _names(tmp_path / "letters") == ["ver_1.pdf", "ver_2.pdf"]
    assert CODE in _text(sender.path_of(first).read_bytes())
    assert stat.S_IMODE(sender.path_of(first).stat().st_mode) == 0o600  # the code proves access to the mail
    assert stat.S_IMODE((tmp_path / "letters").stat().st_mode) == 0o700


async def test_a_letter_never_replaces_another(tmp_path: Path) -> None:
    sender = FolderLetterSender(tmp_path)
    ids = [await sender.send(_letter(reference=reference)) for reference in ("ver_1", "ver_1", "ver:1")]
    assert ids == ["ver_1.pdf", "ver_1-2.pdf", "ver-1.pdf"]
    assert len(_names(tmp_path)) == 3


@pytest.mark.parametrize(
    ("reference", "name"),
    [
        ("ver_01JM8Z3Q4R5S6T7V8W9X0Y1Z2A", "ver_01JM8Z3Q4R5S6T7V8W9X0Y1Z2A"),
        ("../../etc/passwd", "etc-passwd"),
        ("/absolute/path", "absolute-path"),
        (".hidden", "hidden"),
        ("-rf", "rf"),
        ("Référence n° 12 / 2026", "Reference-n-12-2026"),
        ("..", "letter"),
        ("x" * 300, "x" * 100),
    ],
)
def test_references_become_safe_file_names(reference: str, name: str) -> None:
    assert safe_name(reference) == name


async def test_a_hostile_reference_stays_in_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    letter_id = await FolderLetterSender(folder).send(_letter(reference="../../outside"))
    assert letter_id == "outside.pdf"
    assert _names(tmp_path) == ["letters"]
    with pytest.raises(ValueError):
        FolderLetterSender(folder).path_of("../outside.pdf")


def test_the_sender_comes_from_the_settings(tmp_path: Path) -> None:
    assert open_letter_sender(load_settings({})) is None
    sender = open_letter_sender(load_settings({"PDP_LETTERS_DIR": str(tmp_path)}))
    assert isinstance(sender, FolderLetterSender) and sender.directory == tmp_path


async def test_a_registered_address_becomes_a_letter(tmp_path: Path) -> None:
    """The flow the portal wires: SIRENE's establishment, a letter to it, written by the sender."""
    transport = httpx.ASGITransport(app=SireneFake())
    async with httpx.AsyncClient(transport=transport) as http:
        found = await SireneClient(http, base_url="http://sirene").registered_establishment("51234567900017")
    assert found is not None and found.mailable
    letter = _letter(
        recipient_name=found.name, address_lines=found.address_lines, postcode=found.postcode, city=found.city
    )
    letter_id = await FolderLetterSender(tmp_path).send(letter)
    text = _text((tmp_path / letter_id).read_bytes())
    assert "CONSEIL BERNARD EURL" in text and "BP 120" in text and "33001 BORDEAUX CEDEX" in text
