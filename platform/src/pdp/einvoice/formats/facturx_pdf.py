"""The invoice XML inside a Factur-X / ZUGFeRD PDF, and the checks that tie the PDF container to that XML.

Attachment names and XMP levels follow the Factur-X 1.0 specification (akretion ``factur-x``: ``FACTURX_LEVEL2xmp``).
Extraction goes through :func:`inspect_pdf`, so a hostile PDF is refused before any XML leaves it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pdp.einvoice.findings import Finding, Severity, UnreadableDocument, finding
from pdp.einvoice.formats.pdf_inspect import PdfInfo, inspect_pdf
from pdp.einvoice.formats.policy import FilePolicy

# factur-x.xml is the Factur-X / ZUGFeRD 2.1+ name; the others are legacy ZUGFeRD 1-2.0 and XRechnung-in-PDF names
# (a ZUGFeRD 1.0 XML is still taken out, so that the reader can say why it is refused).
INVOICE_XML_NAMES = frozenset({"factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml"})  # compared lower-case
# A hybrid PDF may carry a ZUGFeRD 1.0 ZUGFeRD-invoice.xml beside its factur-x.xml, for older readers: the Factur-X
# one is the invoice, as Mustang, FNFE's and KoSIT's validators read it; the other is then set aside.
FACTURX_NAME = "factur-x.xml"
ALLOWED_AFRELATIONSHIPS = frozenset({"Data", "Source", "Alternative"})

# BT-24 (GuidelineSpecifiedDocumentContextParameter/ID) → the fx:ConformanceLevel the XMP must carry.
XMP_LEVEL_BY_PROFILE = {
    "urn:factur-x.eu:1p0:minimum": "MINIMUM",
    "urn:factur-x.eu:1p0:basicwl": "BASIC WL",
    "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic": "BASIC",
    "urn:cen.eu:en16931:2017": "EN 16931",
    "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended": "EXTENDED",
    # ZUGFeRD 2.0 spelled the same profiles with its own URNs; files in that form are still exchanged.
    "urn:zugferd.de:2p0:minimum": "MINIMUM",
    "urn:zugferd.de:2p0:basicwl": "BASIC WL",
    "urn:cen.eu:en16931:2017#compliant#urn:zugferd.de:2p0:basic": "BASIC",
    "urn:cen.eu:en16931:2017#conformant#urn:zugferd.de:2p0:extended": "EXTENDED",
}
# The French CIUS has no fx:ConformanceLevel of its own (none in the Factur-X 1.0 specification), and FNFE's
# validator reports "XMP profile ≠ XML profile" with EXTENDED (France_RFE#66). We cannot say what is right, only warn.
CTC_FR_PROFILE = "urn:cen.eu:en16931:2017#conformant#urn.cpro.gouv.fr:1p0:extended-ctc-fr"
_BT24_XPATH = (
    "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
)


@dataclass(frozen=True, slots=True)
class EmbeddedXml:
    filename: str  # as found in the PDF (case kept)
    xml: bytes = field(repr=False)  # exactly the embedded bytes: not parsed, not re-encoded
    xmp_level: str | None  # fx:ConformanceLevel, None if the PDF has no (readable) XMP or no such field
    afrelationship: str | None  # "Data", "Source", "Alternative"…, None when absent
    set_aside: tuple[str, ...] = ()  # other invoice XMLs (legacy names) beside factur-x.xml, not validated


def extract_invoice_xml(data: bytes, policy: FilePolicy) -> EmbeddedXml | None:
    """The invoice XML embedded in the PDF ``data``; None for a plain PDF.

    Raises :class:`UnreadableDocument` for an unsafe/unreadable PDF (see :func:`inspect_pdf`) and
    ``PDP-FACTURX-MULTIPLE-XML`` when several different invoice XMLs are embedded and none is the factur-x.xml
    (or several different ones are): which one a buyer's tool reads would then be anyone's guess. A factur-x.xml
    beside legacy ones (ZUGFeRD 1.0's ZUGFeRD-invoice.xml) is the invoice; the others are named in ``set_aside``.
    """
    return invoice_xml_from(inspect_pdf(data, policy))


def invoice_xml_from(info: PdfInfo) -> EmbeddedXml | None:
    """:func:`extract_invoice_xml` for a PDF already inspected."""
    found = [item for item in info.embedded_files if any(name.lower() in INVOICE_XML_NAMES for name in item.names)]
    facturx = [item for item in found if any(name.lower() == FACTURX_NAME for name in item.names)]
    matches = facturx or found
    set_aside = tuple(
        dict.fromkeys(
            name
            for item in found
            if item.data not in {chosen.data for chosen in matches}
            for name in item.names
            if name.lower() in INVOICE_XML_NAMES
        )
    )
    # The same file reachable twice (say, through /AF and an annotation) is not ambiguous; two contents are.
    if len({item.data for item in matches}) > 1:
        raise UnreadableDocument(
            "PDP-FACTURX-MULTIPLE-XML",
            f"The PDF embeds {len(matches)} invoice XML files; exactly one is allowed.",
            f"Le PDF contient {len(matches)} fichiers XML de facture ; un seul est autorisé.",
        )
    if not matches:
        return None
    chosen = matches[0]
    filename = next(name for name in chosen.names if name.lower() in INVOICE_XML_NAMES)
    return EmbeddedXml(
        filename=filename,
        xml=chosen.data,
        xmp_level=info.xmp.fx_conformance_level if info.xmp else None,
        afrelationship=chosen.afrelationship,
        set_aside=set_aside,
    )


def check_set_aside(embedded: EmbeddedXml) -> list[Finding]:
    """Say which other invoice XML was not validated, so that a sender knows which one counts."""
    if not embedded.set_aside:
        return []
    names = ", ".join(embedded.set_aside)
    return [
        finding(
            "PDP-FACTURX-LEGACY-XML",
            "info",
            f"The PDF also embeds {names}, a legacy (ZUGFeRD 1.0) invoice XML: {embedded.filename} was validated, "
            "as other Factur-X validators do, and the other one was not.",
            f"Le PDF contient aussi {names}, un XML de facture ancien (ZUGFeRD 1.0) : {embedded.filename} a été "
            "validé, comme le font les autres validateurs Factur-X, l'autre ne l'a pas été.",
        )
    ]


def check_xmp_level(xmp_level: str | None, profile_urn: str | None) -> list[Finding]:
    """The XMP fx:ConformanceLevel against the XML's BT-24 profile (Factur-X 1.0 specification)."""
    if xmp_level is None:
        return [
            finding(
                "PDP-FACTURX-XMP-MISSING",
                "warning",
                "The PDF has no Factur-X XMP metadata (fx:ConformanceLevel); validators may treat it as plain CII.",
                "Le PDF n'a pas de métadonnées XMP Factur-X (fx:ConformanceLevel) ; il risque d'être traité comme "
                "un simple CII.",
                bt="BT-24",
                xpath=_BT24_XPATH,
            )
        ]
    urn = (profile_urn or "").strip()
    level = xmp_level.strip()
    if urn == CTC_FR_PROFILE:
        return [
            _mismatch(
                "warning",
                f"The profile EXTENDED-CTC-FR has no defined XMP level; the PDF declares {level!r} and validators "
                "may treat the file as plain CII.",
                f"Le profil EXTENDED-CTC-FR n'a pas de niveau XMP défini ; le PDF déclare {level!r} et les "
                "validateurs risquent de traiter le fichier comme un simple CII.",
            )
        ]
    expected = XMP_LEVEL_BY_PROFILE.get(urn)
    if expected is None or level == expected:
        return []  # an unknown profile is reported by the profile check, not here
    return [
        _mismatch(
            "error",
            f"The PDF's XMP declares the level {level!r} but the XML profile {urn!r} requires {expected!r}.",
            f"Le XMP du PDF déclare le niveau {level!r} alors que le profil XML {urn!r} exige {expected!r}.",
        )
    ]


def check_afrelationship(afrelationship: str | None) -> list[Finding]:
    """The invoice XML's /AFRelationship must be Data, Source or Alternative (Factur-X 1.0 specification)."""
    if afrelationship in ALLOWED_AFRELATIONSHIPS:
        return []
    shown = afrelationship or "(absent)"
    return [
        finding(
            "PDP-FACTURX-AFRELATIONSHIP",
            "warning",
            f"The invoice XML's /AFRelationship is {shown}; Data, Source or Alternative is expected.",
            f"Le /AFRelationship du XML de facture est {shown} ; Data, Source ou Alternative est attendu.",
        )
    ]


def _mismatch(severity: Severity, message: str, message_fr: str) -> Finding:
    return finding("PDP-FACTURX-XMP-MISMATCH", severity, message, message_fr, bt="BT-24", xpath=_BT24_XPATH)
