"""A small, valid one-page PDF receipt (``consulterCR``'s ``fichierCR``), written by hand: no PDF library needed."""

from __future__ import annotations

import base64


def _escape(text: str) -> str:
    # Standard 14 fonts with WinAnsi cover French accents; the PDF string needs only its delimiters escaped.
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def receipt_pdf(title: str, lines: list[str]) -> str:
    """Base64 of a PDF showing ``title`` and ``lines``."""
    text = [f"BT /F1 14 Tf 50 790 Td ({_escape(title)}) Tj ET"]
    text += [f"BT /F1 10 Tf 50 {760 - 16 * n} Td ({_escape(line)}) Tj ET" for n, line in enumerate(lines)]
    stream = "\n".join(text).encode("cp1252", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return base64.b64encode(bytes(out)).decode("ascii")
