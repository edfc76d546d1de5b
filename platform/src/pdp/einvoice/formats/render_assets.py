"""What a PDF/A invoice needs besides its content: embedded fonts, a glyph-safe text filter, an sRGB ICC profile.

PDF/A forbids the standard 14 fonts (they are not embedded) and drawing glyphs the embedded font lacks, and wants
an output intent whose ICC profile gives DeviceRGB a meaning. The fonts are DejaVu Sans Condensed, committed
under ``assets/`` with their licence (``DejaVu-LICENSE.txt``). The ICC profile is computed here from the sRGB
standard's values: no profile file comes with the installed packages, and the one littleCMS builds through Pillow
is ICC v4 and stamped with the current time.
"""

from __future__ import annotations

import struct
import threading
import unicodedata
from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

ASSETS = Path(__file__).resolve().with_name("assets")
FONT = "PdpSans"
FONT_BOLD = "PdpSans-Bold"
_FONT_FILES = {FONT: "DejaVuSansCondensed.ttf", FONT_BOLD: "DejaVuSansCondensed-Bold.ttf"}
_LOCK = threading.Lock()


@cache
def _covered_characters() -> frozenset[int]:
    with _LOCK:  # reportlab's font registry is a plain module-level dict
        faces = []
        for name, filename in _FONT_FILES.items():
            font = TTFont(name, str(ASSETS / filename))
            pdfmetrics.registerFont(font)
            faces.append(frozenset(font.face.charToGlyph))
        # <b> inside a Paragraph looks the bold face up through the family mapping.
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(FONT, bold, italic, FONT_BOLD if bold else FONT)
    return faces[0] & faces[1]


def register_fonts() -> None:
    """Register the embedded fonts with reportlab, once per process (lazily: no work at import time)."""
    _covered_characters()


def printable(text: str) -> str:
    """``text`` with every character the fonts lack replaced, since PDF/A forbids drawing the .notdef glyph.

    A decomposable character falls back to its base letters (a rare accented letter keeps its letter); anything
    else becomes "?". Line breaks and tabs become spaces: callers that keep line breaks split on them first.
    """
    covered = _covered_characters()
    out: list[str] = []
    for char in text:
        if char in "\r\n\t":
            out.append(" ")
        elif ord(char) in covered:
            out.append(char)
        else:
            base = [
                c for c in unicodedata.normalize("NFKD", char) if ord(c) in covered and not unicodedata.combining(c)
            ]
            out.append("".join(base) or "?")
    return "".join(out)


# --- sRGB ICC profile (version 2.1) -----------------------------------------------------------------------------
# Version 2 because PDF/A-1 requires it and every later part accepts it. The colorants are IEC 61966-2-1's
# primaries adapted to the D50 connection space (Bradford), as in the usual "sRGB IEC61966-2.1" profiles; the
# tests check that littleCMS maps it onto its own sRGB without a difference.
_D50 = (0.9642, 1.0, 0.8249)
_PRIMARIES = {
    b"rXYZ": (0.4360747, 0.2225045, 0.0139322),
    b"gXYZ": (0.3850649, 0.7168786, 0.0971045),
    b"bXYZ": (0.1430804, 0.0606169, 0.7141733),
}
_CURVE_POINTS = 1024
SRGB_DESCRIPTION = "sRGB IEC61966-2.1"


def _s15f16(values: tuple[float, ...]) -> bytes:
    return b"".join(struct.pack(">i", round(value * 65536)) for value in values)


def _srgb_to_linear(value: float) -> float:
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


@cache
def srgb_icc_profile() -> bytes:
    """A display-class RGB→XYZ ICC v2.1 profile of sRGB (the PDF/A output intent's DestOutputProfile)."""
    ascii_description = SRGB_DESCRIPTION.encode("ascii") + b"\0"
    curve = [round(_srgb_to_linear(i / (_CURVE_POINTS - 1)) * 65535) for i in range(_CURVE_POINTS)]
    trc = b"curv" + bytes(4) + struct.pack(f">I{_CURVE_POINTS}H", _CURVE_POINTS, *curve)
    tags: list[tuple[bytes, bytes]] = [
        (b"desc", b"desc" + bytes(4) + struct.pack(">I", len(ascii_description)) + ascii_description
         + struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + bytes(67)),
        (b"cprt", b"text" + bytes(4) + b"No copyright, use freely\0"),
        (b"wtpt", b"XYZ " + bytes(4) + _s15f16(_D50)),
        *((name, b"XYZ " + bytes(4) + _s15f16(xyz)) for name, xyz in _PRIMARIES.items()),
        (b"rTRC", trc),
    ]  # fmt: skip
    # The three channels share one curve: the ICC format lets several tags point at the same data.
    table_size = 4 + 12 * (len(tags) + 2)
    offset, entries, blobs = 128 + table_size, [], []
    for name, data in tags:
        entries.append((name, offset, len(data)))
        padded = data + bytes(-len(data) % 4)
        blobs.append(padded)
        offset += len(padded)
    entries += [(b"gTRC", *entries[-1][1:]), (b"bTRC", *entries[-1][1:])]
    table = struct.pack(">I", len(entries)) + b"".join(struct.pack(">4sII", *entry) for entry in entries)
    header = (
        struct.pack(">I4sI4s4s4s", offset, bytes(4), 0x02100000, b"mntr", b"RGB ", b"XYZ ")
        + struct.pack(">6H", 2026, 1, 1, 0, 0, 0)  # fixed creation date: deterministic output
        + b"acsp" + bytes(4) + struct.pack(">I", 0) + bytes(4) + struct.pack(">IQI", 0, 0, 0)
        + _s15f16(_D50) + bytes(4) + bytes(44)
    )  # fmt: skip
    assert len(header) == 128
    return header + table + b"".join(blobs)
