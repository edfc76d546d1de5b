"""The validation engine: every layer that can run does, so a user sees all problems at once.

Layers, in order: file policy → type sniffing and safe parsing (PDF inspection, Factur-X extraction and XMP
check) → XSD → reading into the canonical model → EN 16931 → Chorus Pro → BR-FR. A schema failure does not stop
the business rules of a document that parses; only an unreadable document (unsafe, corrupt, not an invoice)
ends the report early, with a single fatal finding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import msgspec

from pdp.einvoice.findings import Finding, Severity, UnreadableDocument, finding
from pdp.einvoice.formats import readers
from pdp.einvoice.formats.facturx_pdf import (
    check_afrelationship,
    check_set_aside,
    check_xmp_level,
    invoice_xml_from,
)
from pdp.einvoice.formats.json_input import JsonAddress, JsonInvoice, JsonSeller, missing_addresses, to_invoice
from pdp.einvoice.formats.pdf_inspect import inspect_pdf
from pdp.einvoice.formats.policy import FilePolicy, check_file
from pdp.einvoice.formats.sniff import sniff_checked
from pdp.einvoice.formats.xmlsafe import parse_xml
from pdp.einvoice.model import ChorusRouting, Invoice
from pdp.einvoice.validation.brfr import validate_brfr
from pdp.einvoice.validation.chorus import RecipientDirectory, validate_chorus
from pdp.einvoice.validation.chorus_routing import routing_against_document
from pdp.einvoice.validation.en16931 import validate_en16931
from pdp.einvoice.validation.ubl_cardinality import check_ubl_cardinality
from pdp.einvoice.validation.xsd import LARGE_BINARY, check_schema

BLOCKING: frozenset[Severity] = frozenset({"fatal", "error"})
STOPPING_FILE_RULES = frozenset(
    {"PDP-FILE-EMPTY", "PDP-FILE-TOO-LARGE", "PDP-FILE-TYPE-MISMATCH", "PDP-FILE-ENCODING", "PDP-FILE-EXTENSION"}
)


@dataclass(frozen=True, slots=True)
class ValidationOptions:
    policy: FilePolicy = field(default_factory=FilePolicy)
    brfr_severity: Severity = "warning"
    # BR-CO-25 (a positive amount due needs BT-9 or BT-20): EN 16931-1's rule, gone from the CEN artefacts, so a
    # warning unless the tenant wants it enforced (pdp.einvoice.validation.deliberate).
    br_co_25_severity: Severity = "warning"
    chorus: bool = True
    directory: RecipientDirectory | None = None
    is_duplicate: Callable[[str, str], bool] | None = None


# Both dataclasses are frozen, so one default instance serves every call (building one costs microseconds).
DEFAULT_OPTIONS = ValidationOptions()


class ValidationReport(msgspec.Struct, kw_only=True):
    valid: bool
    syntax: str | None = None
    profile: str | None = None
    errors: list[Finding]
    invoice: Invoice | None = None


def _report(
    findings: list[Finding], *, syntax: str | None = None, profile: str | None = None, invoice: Invoice | None = None
) -> ValidationReport:
    valid = not any(f.severity in BLOCKING for f in findings)
    return ValidationReport(valid=valid, syntax=syntax, profile=profile, errors=findings, invoice=invoice)


def _decode_json(data: bytes) -> JsonInvoice:
    try:
        return msgspec.json.decode(data, type=JsonInvoice)
    except RecursionError as exc:  # nested past the decoder's depth: malformed (pdp.platform.jsondecode)
        raise UnreadableDocument(
            "PDP-JSON-MALFORMED", "The document is nested too deeply.", "Le document est trop imbriqué."
        ) from exc
    except msgspec.ValidationError as exc:
        raise UnreadableDocument(
            "PDP-JSON-INVALID", f"The JSON invoice is not valid: {exc}.", f"La facture JSON n'est pas valide : {exc}."
        ) from exc
    except msgspec.DecodeError as exc:
        raise UnreadableDocument(
            "PDP-JSON-MALFORMED", "The document is not well-formed JSON.", "Le document n'est pas un JSON bien formé."
        ) from exc


def validate_document(
    data: bytes,
    *,
    filename: str | None = None,
    routing: ChorusRouting | None = None,
    metadata: JsonInvoice | None = None,
    seller: JsonSeller | None = None,
    buyer_address: JsonAddress | None = None,
    options: ValidationOptions | None = None,
) -> ValidationReport:
    """Validate one uploaded document: UBL, CII, Factur-X, a plain PDF with its ``metadata`` (the JSON invoice
    shape), or a structured JSON invoice. ``routing`` (the deposit's metadata) must be what a file carries, since
    Chorus reads a flux's routing from the document only;
    ``seller`` (the provider) completes JSON and metadata invoices that do not name one, ``buyer_address`` (the
    directory's) a JSON invoice's recipient."""
    options = options or DEFAULT_OPTIONS
    findings: list[Finding] = []
    try:
        if filename is not None:
            findings += check_file(filename, data, options.policy)
            # Too large, empty, not what it claims to be: nothing should parse it. A long name is only reported
            # (pdp names the files it deposits itself).
            if any(f.rule in STOPPING_FILE_RULES for f in findings):
                return _report(findings)
        kind = sniff_checked(data)
        xmp_level: str | None = None
        if kind == "pdf":
            info = inspect_pdf(data, options.policy)
            findings += info.findings
            embedded = invoice_xml_from(info)
            if embedded is None and metadata is not None:
                # A plain PDF: its business content comes from the deposit's metadata (routing and amounts).
                invoice = to_invoice(metadata, seller=seller)
                findings += validate_invoice(invoice, "pdf", options)
                return _report(findings, syntax="pdf", profile=invoice.specification_id, invoice=invoice)
            if embedded is None:
                findings.append(
                    finding(
                        "PDP-PDF-NO-XML",
                        "error",
                        "This PDF has no structured invoice: deposit it with its routing and amounts as metadata.",
                        "Ce PDF ne contient pas de facture structurée : déposez-le avec son routage et ses montants "
                        "en métadonnées.",
                    )
                )
                return _report(findings, syntax="pdf")
            xml, container, xmp_level = embedded.xml, "facturx", embedded.xmp_level
            findings += check_afrelationship(embedded.afrelationship)
            findings += check_set_aside(embedded)
        elif kind == "xml":
            xml, container = data, "xml"
        elif kind == "json":
            invoice = to_invoice(_decode_json(data), seller=seller, buyer_address=buyer_address)
            return _report(
                [*findings, *missing_addresses(invoice), *validate_invoice(invoice, "json", options)],
                syntax="json",
                profile=invoice.specification_id,
                invoice=invoice,
            )
        else:
            raise UnreadableDocument(
                "PDP-FILE-TYPE",
                f"Unsupported document type ({kind}); send PDF, UBL or CII.",
                f"Type de document non pris en charge ({kind}) ; envoyez un PDF, UBL ou CII.",
            )
        # An upload passed require_utf8 (sniff_checked), which the layout check relies on; an XML taken out of a
        # PDF did not, so it keeps every text node.
        drop_layout = container == "xml"
        root = parse_xml(xml, drop_layout=drop_layout)
        parsed = readers.read_xml_invoice(root, max_lines=options.policy.max_lines)
        if container == "facturx":
            findings += check_xmp_level(xmp_level, parsed.profile)
        syntax = "facturx" if container == "facturx" else parsed.syntax
    except UnreadableDocument as exc:
        return _report([*findings, exc.finding])
    # The tree is read: the schema check may empty the large attachments it would accept (xsd.check_schema). Only
    # a document that long can hold one, so a small one is not searched.
    discard = len(xml) >= LARGE_BINARY
    schema_findings = check_schema(root, parsed.syntax, parsed.profile, discard_binaries=discard)
    if schema_findings and drop_layout:
        # Valid or not does not depend on the indentation, but libxml2's messages quote values as written, blanks
        # included: a failing document is checked again on all its text, so that it is reported the same way.
        schema_findings = check_schema(parse_xml(xml), parsed.syntax, parsed.profile, discard_binaries=discard)
    findings += schema_findings
    if parsed.syntax == "ubl":  # the terms UBL's schema lets repeat and its EN 16931 binding does not
        findings += check_ubl_cardinality(root)
    findings += parsed.findings
    invoice = parsed.invoice
    if routing is not None and options.chorus:
        findings += routing_against_document(routing, invoice, syntax)
    findings += validate_invoice(invoice, syntax, options)
    return _report(findings, syntax=syntax, profile=parsed.profile, invoice=invoice)


def validate_invoice(invoice: Invoice, syntax: str, options: ValidationOptions | None = None) -> list[Finding]:
    """The business-rule layers on an invoice already in the canonical model (any source, JSON included)."""
    options = options or DEFAULT_OPTIONS
    findings: list[Finding] = []
    if len(invoice.lines) > options.policy.max_lines:
        findings.append(
            finding(
                "PDP-TOO-MANY-LINES",
                "error",
                f"The invoice has {len(invoice.lines)} lines; at most {options.policy.max_lines} are accepted.",
                f"La facture compte {len(invoice.lines)} lignes ; {options.policy.max_lines} au plus sont acceptées.",
                bt="BG-25",
            )
        )
        return findings
    findings += validate_en16931(invoice, syntax, {"BR-CO-25": options.br_co_25_severity})
    if options.chorus:
        findings += validate_chorus(invoice, directory=options.directory, is_duplicate=options.is_duplicate)
    findings += validate_brfr(invoice, severity=options.brfr_severity, for_chorus=options.chorus)
    return findings
