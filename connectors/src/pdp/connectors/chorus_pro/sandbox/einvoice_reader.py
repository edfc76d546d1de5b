"""The e-invoicing engine's readers behind the Chorus Pro emulator's :class:`DepositReader` port.

The emulator must read deposited files the way Chorus does; ``pdp sandbox`` gives it :func:`read_deposit`, which
uses the same layers of ``pdp.einvoice`` as
``validate_document`` — safe sniffing and parsing, Factur-X extraction, the UBL/CII readers, the XSD check —
and stops there: Chorus's own rules are the emulator's business, and EN 16931 findings do not stop Chorus.
"""

from __future__ import annotations

from datetime import date

from pdp.connectors.chorus_pro.sandbox.cpp_reader import is_cpp, read_cpp
from pdp.connectors.chorus_pro.sandbox.reading import DepositedAttachment, DepositedInvoice, DetectedSyntax
from pdp.einvoice.findings import UnreadableDocument
from pdp.einvoice.formats import readers
from pdp.einvoice.formats.facturx_pdf import invoice_xml_from
from pdp.einvoice.formats.pdf_inspect import inspect_pdf
from pdp.einvoice.formats.policy import FilePolicy
from pdp.einvoice.formats.sniff import sniff_checked
from pdp.einvoice.formats.xmlsafe import parse_xml
from pdp.einvoice.model import Invoice
from pdp.einvoice.validation.chorus_routing import resolve_routing
from pdp.einvoice.validation.xsd import check_schema

# Chorus reads files up to its own limits; the emulator checks sizes itself, so the policy must not stop first.
_POLICY = FilePolicy(max_file_bytes=64 * 1024 * 1024, max_invoice_bytes=256 * 1024 * 1024)


def read_deposit(data: bytes, filename: str) -> list[DepositedInvoice]:
    """The invoice in one deposited file (UBL, CII, Factur-X or plain PDF), as the emulator checks it; or the
    invoices of a file in Chorus's own minimal format (chorus_cpp.py)."""
    try:
        kind = sniff_checked(data)
        if kind == "pdf":
            embedded = invoice_xml_from(inspect_pdf(data, _POLICY))
            if embedded is None:
                return [DepositedInvoice(syntax="pdf")]
            xml, container = embedded.xml, "facturx"
        elif kind == "xml":
            xml, container = data, "xml"
        else:
            return [DepositedInvoice(unreadable=f"le fichier {filename} n'est ni un XML ni un PDF de facture.")]
        root = parse_xml(xml)
        if container == "xml" and is_cpp(root):
            return read_cpp(root)
        parsed = readers.read_xml_invoice(root, max_lines=_POLICY.max_lines)
    except UnreadableDocument as exc:
        return [DepositedInvoice(unreadable=exc.finding.message_fr)]
    syntax: DetectedSyntax = "facturx" if container == "facturx" else "ubl" if parsed.syntax == "ubl" else "cii"
    schema = check_schema(root, parsed.syntax, parsed.profile)
    return [_deposited(parsed.invoice, syntax, schema[0].message_fr if schema else None)]


def _deposited(invoice: Invoice, syntax: DetectedSyntax, schema_error: str | None) -> DepositedInvoice:
    routing = resolve_routing(invoice)
    payment = invoice.payment
    transfers = payment.credit_transfers if payment else []
    totals = invoice.totals
    return DepositedInvoice(
        syntax=syntax,
        number=invoice.number,
        type_code=invoice.type_code,
        is_credit_note=invoice.is_credit_note,
        supplier_siret=routing.supplier_siret,
        recipient_siret=routing.recipient_siret,
        service_code=routing.service_code,
        engagement_number=routing.engagement_number,
        billing_frame=routing.billing_frame,
        payment_means_code=payment.means_code if payment else None,
        iban=next((t.account_id for t in transfers if t.account_id), None),
        total_without_vat=totals.without_vat,
        total_vat=totals.vat,
        total_with_vat=totals.with_vat,
        amount_due=totals.due,
        currency=invoice.currency,
        issue_date=_iso(invoice.issue_date),
        due_date=_iso(invoice.due_date),
        attachments=[
            DepositedAttachment(filename=a.filename, size=len(a.content or b""))
            for a in invoice.attachments
            if a.content is not None
        ],
        schema_error=schema_error,
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
