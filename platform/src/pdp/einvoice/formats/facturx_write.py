"""Write a Factur-X invoice: the CII XML embedded as ``factur-x.xml`` in a PDF/A-3 (Factur-X 1.0 specification).

Done with pypdf rather than akretion's ``facturx.generate_from_binary``, which compresses the XMP packet (PDF/A
forbids a filter on it), adds no output intent and stamps the current time everywhere. Here the container gets
what PDF/A-3b and Factur-X 1.0 ask of it — the attachment (``/AFRelationship /Data``, ``/Subtype /text/xml``,
``/Params`` with ModDate, MD5 CheckSum and Size) listed in the catalog's ``/AF`` and ``/EmbeddedFiles``; an sRGB
output intent; an uncompressed XMP packet with ``pdfaid`` 3/B, the ``fx`` extension schema and its values; an
Info dictionary that says the same as the XMP; a trailer ID; a PDF 1.7 header — and all of it is derived from
the invoice (dates from the issue date, the ID from the content), so the same invoice gives the same bytes.

Page content is not converted: the rendered visual (:func:`render_invoice_pdf`) is PDF/A-ready (embedded fonts,
opaque RGB, no annotation); a supplier's own PDF is embedded as it is and keeps whatever it contains.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any
from xml.sax.saxutils import escape

import pypdf
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from pdp.einvoice.formats.cii_read import EN16931_PROFILE
from pdp.einvoice.formats.cii_write import write_cii
from pdp.einvoice.formats.facturx_pdf import INVOICE_XML_NAMES, XMP_LEVEL_BY_PROFILE
from pdp.einvoice.formats.pdf_inspect import inspect_pdf
from pdp.einvoice.formats.policy import FilePolicy
from pdp.einvoice.formats.render import PRODUCER, render_invoice_pdf
from pdp.einvoice.formats.render_assets import SRGB_DESCRIPTION, srgb_icc_profile
from pdp.einvoice.formats.render_text import title
from pdp.einvoice.model import Invoice

FACTURX_FILENAME = "factur-x.xml"
FX_NAMESPACE = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
_MAX_TREE_DEPTH = 32
_FX_PROPERTIES = (
    ("DocumentFileName", "The name of the embedded XML document"),
    ("DocumentType", "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER"),
    ("Version", "The actual version of the standard applying to the embedded XML document"),
    ("ConformanceLevel", "The conformance level of the embedded XML document"),
)


def write_facturx(
    invoice: Invoice, *, pdf: bytes | None = None, lang: str = "fr", created: datetime | None = None
) -> bytes:
    """``invoice`` as a Factur-X (EN 16931 profile) PDF/A-3: ``write_cii(invoice)`` inside ``pdf`` or our render.

    ``created`` (timezone-aware) dates the document and its attachment; by default midnight UTC of the issue
    date, which keeps the output reproducible. A supplier ``pdf`` is inspected first, and a PDF that
    :func:`inspect_pdf` refuses (encrypted, JavaScript, executables…) raises its ``UnreadableDocument``; an
    invoice XML it already embeds is replaced, other attachments are kept.
    """
    if pdf is not None:
        inspect_pdf(pdf, FilePolicy())
    visual = pdf if pdf is not None else render_invoice_pdf(invoice, lang=lang)
    xml = write_cii(invoice)
    when = created or _default_date(invoice)
    if when.tzinfo is None:
        raise ValueError("created must be timezone-aware")
    heading = f"{title(invoice, lang)} {invoice.number or ''}".strip()
    created_utc = when.astimezone(UTC).replace(microsecond=0)
    info = DocumentInfo(title=heading, author=invoice.seller.name or "", subject=heading, created=created_utc)
    return embed_invoice_xml(visual, xml, info=info, level=XMP_LEVEL_BY_PROFILE[EN16931_PROFILE], lang=lang)


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What the Info dictionary and the XMP packet both say (PDF/A wants the two to agree)."""

    title: str
    author: str
    subject: str
    created: datetime  # timezone-aware; written in UTC, to the second


def _default_date(invoice: Invoice) -> datetime:
    if invoice.issue_date is None:  # not a valid invoice; still written, but then not reproducibly
        return datetime.now(UTC)
    return datetime.combine(invoice.issue_date, time(), tzinfo=UTC)


def embed_invoice_xml(pdf: bytes, xml: bytes, *, info: DocumentInfo, level: str, lang: str = "fr") -> bytes:
    """``pdf`` as a PDF/A-3 Factur-X container around ``xml`` whose XMP declares ``level`` (e.g. "EN 16931").

    The caller vouches for ``pdf`` (not inspected here) and for ``level`` matching the XML's profile.
    """
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(pdf))
    root: DictionaryObject = writer.root_object
    filespec = _attach(writer, xml, info.created)
    kept = _kept_attachments(root)
    tree = sorted([(FACTURX_FILENAME, filespec), *kept], key=lambda item: item[0])
    names = root.get("/Names")
    names_dict = names.get_object() if names is not None else DictionaryObject()
    names_dict[NameObject("/EmbeddedFiles")] = DictionaryObject(
        {NameObject("/Names"): ArrayObject(item for name, ref in tree for item in (TextStringObject(name), ref))}
    )
    root[NameObject("/Names")] = names_dict if names is None else names
    listed = [ref for _, ref in tree]
    root[NameObject("/AF")] = writer._add_object(ArrayObject([*listed, *_other_associated(root, listed)]))
    root[NameObject("/PageMode")] = NameObject("/UseAttachments")  # as the reference library does
    root[NameObject("/Lang")] = TextStringObject("fr-FR" if lang == "fr" else lang)
    preferences = root.get("/ViewerPreferences")
    preferences = preferences.get_object() if preferences is not None else DictionaryObject()
    preferences[NameObject("/DisplayDocTitle")] = BooleanObject(True)  # viewers show the title, not a file name
    root[NameObject("/ViewerPreferences")] = preferences
    _output_intent(writer, root)
    root[NameObject("/Metadata")] = writer._add_object(_xmp_stream(info, level))
    writer.metadata = {
        "/Title": info.title,
        "/Author": info.author,
        "/Subject": info.subject,
        "/Creator": PRODUCER,
        "/Producer": PRODUCER,
        "/CreationDate": _pdf_date(info.created),
        "/ModDate": _pdf_date(info.created),
    }
    _drop_unreachable(writer)
    writer.pdf_header = "%PDF-1.7"  # PDF/A-3 is built on ISO 32000-1 (PDF 1.7), which brought /AF
    # The trailer ID (mandatory in PDF/A) from the content, not from chance: reproducible bytes.
    digest = ByteStringObject(hashlib.sha256(pdf + b"\0" + xml).digest()[:16])
    writer._ID = ArrayObject([digest, digest])  # pypdf has no public setter; it only draws random IDs
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _attach(writer: pypdf.PdfWriter, xml: bytes, created: datetime) -> Any:
    plain = DecodedStreamObject()
    plain.set_data(xml)
    stream = plain.flate_encode()
    stream.update(
        {
            NameObject("/Type"): NameObject("/EmbeddedFile"),
            NameObject("/Subtype"): NameObject("/text/xml"),
            NameObject("/Params"): DictionaryObject(
                {
                    NameObject("/ModDate"): TextStringObject(_pdf_date(created)),
                    NameObject("/CheckSum"): ByteStringObject(hashlib.md5(xml, usedforsecurity=False).digest()),
                    NameObject("/Size"): NumberObject(len(xml)),
                }
            ),
        }
    )
    stream_ref = writer._add_object(stream)
    name = TextStringObject(FACTURX_FILENAME)
    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Filespec"),
                NameObject("/F"): name,
                NameObject("/UF"): name,
                NameObject("/EF"): DictionaryObject({NameObject("/F"): stream_ref, NameObject("/UF"): stream_ref}),
                NameObject("/Desc"): TextStringObject("Factur-X invoice"),
                NameObject("/AFRelationship"): NameObject("/Data"),
            }
        )
    )


def _kept_attachments(root: DictionaryObject) -> list[tuple[str, Any]]:
    """The PDF's own attachments minus any invoice XML (ours replaces it), made PDF/A-3-shaped."""
    names = root.get("/Names")
    tree = names.get_object().get("/EmbeddedFiles") if names is not None else None
    kept: list[tuple[str, Any]] = []
    stack: list[tuple[Any, int]] = [(tree, 0)] if tree is not None else []
    while stack:
        node, depth = stack.pop()
        node = node.get_object()
        if depth > _MAX_TREE_DEPTH:
            raise ValueError("the PDF's embedded-files name tree is too deep")
        leaf = node.get("/Names") or []
        for key, ref in zip(leaf[::2], leaf[1::2], strict=False):
            spec = ref.get_object()
            if not isinstance(spec, DictionaryObject):
                continue
            labels = {str(key), str(spec.get("/F", "")), str(spec.get("/UF", ""))}
            if any(label.lower() in INVOICE_XML_NAMES for label in labels):
                continue
            # PDF/A-3 §6.8: every embedded file says how it relates to the document, and has a Unicode name.
            spec.setdefault(NameObject("/AFRelationship"), NameObject("/Unspecified"))
            spec.setdefault(NameObject("/UF"), TextStringObject(str(spec.get("/F", key))))
            kept.append((str(key), ref))
        stack += [(kid, depth + 1) for kid in node.get("/Kids") or []]
    return kept


def _drop_unreachable(writer: pypdf.PdfWriter) -> None:
    """Leave out what nothing reaches any more (a replaced invoice XML, the old XMP), so no stale copy lingers.

    pypdf's pass only drops objects no other object points to, orphans included: repeat until nothing changes.
    """
    for _ in range(_MAX_TREE_DEPTH):
        before = sum(obj is not None for obj in writer._objects)
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        if sum(obj is not None for obj in writer._objects) == before:
            return


def _other_associated(root: DictionaryObject, listed: list[Any]) -> list[Any]:
    """Files the catalog's /AF associates without naming them in the tree, invoice XMLs excepted."""
    existing = root.get("/AF")
    others = []
    for ref in existing.get_object() if existing is not None else []:
        spec = ref.get_object()
        names = {str(spec.get("/F", "")), str(spec.get("/UF", ""))} if isinstance(spec, DictionaryObject) else set()
        if ref not in listed and not any(name.lower() in INVOICE_XML_NAMES for name in names):
            others.append(ref)
    return others


def _output_intent(writer: pypdf.PdfWriter, root: DictionaryObject) -> None:
    """Give DeviceRGB a meaning (sRGB), unless the PDF already carries a PDF/A output intent."""
    intents = root.get("/OutputIntents")
    existing = intents.get_object() if intents is not None else ArrayObject()
    if any(item.get_object().get("/S") == "/GTS_PDFA1" for item in existing):
        return
    plain = DecodedStreamObject()
    plain.set_data(srgb_icc_profile())
    profile = plain.flate_encode()
    profile[NameObject("/N")] = NumberObject(3)
    intent = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFA1"),
            NameObject("/OutputConditionIdentifier"): TextStringObject(SRGB_DESCRIPTION),
            NameObject("/RegistryName"): TextStringObject("http://www.color.org"),
            NameObject("/Info"): TextStringObject(SRGB_DESCRIPTION),
            NameObject("/DestOutputProfile"): writer._add_object(profile),
        }
    )
    root[NameObject("/OutputIntents")] = ArrayObject([*existing, writer._add_object(intent)])


def _pdf_date(moment: datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def _xmp_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _xmp_stream(info: DocumentInfo, level: str) -> DecodedStreamObject:
    """The XMP packet, uncompressed (PDF/A forbids a /Filter on the metadata stream)."""
    stream = DecodedStreamObject()
    stream.set_data(xmp_packet(info, level).encode("utf-8"))
    stream.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    return stream


def xmp_packet(info: DocumentInfo, level: str) -> str:
    def text(value: str) -> str:
        return escape(value, {'"': "&quot;"})

    properties = "".join(
        f"""
            <rdf:li rdf:parseType="Resource">
              <pdfaProperty:name>{name}</pdfaProperty:name>
              <pdfaProperty:valueType>Text</pdfaProperty:valueType>
              <pdfaProperty:category>external</pdfaProperty:category>
              <pdfaProperty:description>{text(description)}</pdfaProperty:description>
            </rdf:li>"""
        for name, description in _FX_PROPERTIES
    )
    date = _xmp_date(info.created)
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
    <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
      <pdfaid:part>3</pdfaid:part>
      <pdfaid:conformance>B</pdfaid:conformance>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <dc:format>application/pdf</dc:format>
      <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{text(info.title)}</rdf:li></rdf:Alt></dc:title>
      <dc:creator><rdf:Seq><rdf:li>{text(info.author)}</rdf:li></rdf:Seq></dc:creator>
      <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{text(info.subject)}</rdf:li></rdf:Alt></dc:description>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
      <pdf:Producer>{PRODUCER}</pdf:Producer>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
      <xmp:CreatorTool>{PRODUCER}</xmp:CreatorTool>
      <xmp:CreateDate>{date}</xmp:CreateDate>
      <xmp:ModifyDate>{date}</xmp:ModifyDate>
      <xmp:MetadataDate>{date}</xmp:MetadataDate>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
        xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
      <pdfaExtension:schemas>
        <rdf:Bag>
          <rdf:li rdf:parseType="Resource">
            <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
            <pdfaSchema:namespaceURI>{FX_NAMESPACE}</pdfaSchema:namespaceURI>
            <pdfaSchema:prefix>fx</pdfaSchema:prefix>
            <pdfaSchema:property>
              <rdf:Seq>{properties}
              </rdf:Seq>
            </pdfaSchema:property>
          </rdf:li>
        </rdf:Bag>
      </pdfaExtension:schemas>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:fx="{FX_NAMESPACE}">
      <fx:DocumentType>INVOICE</fx:DocumentType>
      <fx:DocumentFileName>{FACTURX_FILENAME}</fx:DocumentFileName>
      <fx:Version>1.0</fx:Version>
      <fx:ConformanceLevel>{text(level)}</fx:ConformanceLevel>
    </rdf:Description>
  </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
