"""PDF builders for tests: real ones through reportlab/pypdf/factur-x, hostile ones byte by byte."""

from __future__ import annotations

import io
import zlib

import facturx
import pypdf
from pypdf.generic import DecodedStreamObject, NameObject, StreamObject
from reportlab.pdfgen import canvas

from tests.invoices.samples import SAMPLES as SHARED_SAMPLES

SAMPLES = SHARED_SAMPLES / "facturx"
SAMPLE_PDF = SAMPLES / "invoice_EN16931.pdf"
MIB = 1024 * 1024


def simple_pdf(pages: int = 1) -> bytes:
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer)
    for number in range(pages):
        document.drawString(100, 750, f"Invoice page {number + 1}")
        document.showPage()
    document.save()
    return buffer.getvalue()


def writer(pages: int = 1) -> pypdf.PdfWriter:
    return pypdf.PdfWriter(clone_from=io.BytesIO(simple_pdf(pages)))


def written(pdf: pypdf.PdfWriter) -> bytes:
    buffer = io.BytesIO()
    pdf.write(buffer)
    return buffer.getvalue()


def sample_xml(level: str) -> bytes:
    return (SAMPLES / f"factur-x-{level}.xml").read_bytes()


def facturx_pdf(level: str = "en16931", xml: bytes | None = None, **kwargs: object) -> bytes:
    """A Factur-X PDF as akretion's library writes it, around a one-page reportlab PDF."""
    result: bytes = facturx.generate_from_binary(
        simple_pdf(), xml if xml is not None else sample_xml(level), flavor="factur-x", level=level, check_xsd=False,
        **kwargs,
    )  # fmt: skip
    return result


def replace_xmp(pdf: bytes, old: bytes, new: bytes) -> bytes:
    """``pdf`` with ``old`` replaced by ``new`` inside its XMP packet (re-written, so offsets stay valid)."""
    out = pypdf.PdfWriter(clone_from=io.BytesIO(pdf))
    metadata = out._root_object["/Metadata"].get_object()
    assert isinstance(metadata, StreamObject)
    packet = metadata.get_data()
    assert old in packet, "the XMP packet does not contain the text to tamper with"
    stream = DecodedStreamObject()
    stream.set_data(packet.replace(old, new))
    stream.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    out._root_object[NameObject("/Metadata")] = out._add_object(stream)
    return written(out)


def drop_xmp(pdf: bytes) -> bytes:
    out = pypdf.PdfWriter(clone_from=io.BytesIO(pdf))
    del out._root_object["/Metadata"]
    return written(out)


def raw_pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A classic-xref PDF whose object ``n`` is ``objects[n - 1]`` and whose catalog is object 1."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer_extra,
        start,
    )
    return bytes(out)


def stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), entries, data)


def many_pages(count: int, declared: int | None = None) -> bytes:
    """``count`` distinct blank pages in one flat /Pages node that claims ``declared`` (default: the truth)."""
    kids = b" ".join(b"%d 0 R" % (3 + index) for index in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count if declared is None else declared),
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * count
    return raw_pdf(objects)


def deflated_zeros(size: int, layers: int = 1) -> bytes:
    """``size`` zero bytes deflated, then deflated again ``layers - 1`` times; built in 1 MiB steps."""
    compressor = zlib.compressobj(9)
    block = bytes(MIB)
    parts = [compressor.compress(block) for _ in range(size // MIB)]
    parts.append(compressor.flush())
    data = b"".join(parts)
    for _ in range(layers - 1):
        data = zlib.compress(data, 9)
    return data


def with_attachment(name: bytes, body: bytes, entries: bytes = b"", relationship: bytes = b"/Data") -> bytes:
    """A one-page PDF whose single attachment ``name`` is the stream ``body`` with extra stream ``entries``."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(%s) 4 0 R] >> >> /AF [4 0 R] >>"
            % name,
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            b"<< /Type /Filespec /F (%s) /UF (%s) /EF << /F 5 0 R >> /AFRelationship %s >>"
            % (name, name, relationship),
            stream(body, b"/Type /EmbeddedFile /Subtype /text#2Fxml " + entries),
        ]
    )


def nested_flate_bomb(size: int = 128 * MIB, layers: int = 3) -> bytes:
    """An attachment named factur-x.xml that inflates to ``size`` bytes through ``layers`` stacked FlateDecode."""
    filters = b" ".join([b"/FlateDecode"] * layers)
    return with_attachment(b"factur-x.xml", deflated_zeros(size, layers), b"/Filter [%s]" % filters)
