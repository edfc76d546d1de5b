"""Chorus Pro routing: where Chorus reads it, and metadata routing held to what the file says.

Routing (recipient SIRET, service code, engagement number, billing frame) is read where Chorus itself reads it:
in a UBL, CII or Factur-X file, from the document only — buyer legal id / identifier with scheme 0009 (SIRET),
BT-10 (service code), BT-13 (engagement), BT-23 (billing frame, A1 when absent); for a plain PDF or a JSON
invoice, from the deposit's fields, which pdp sends to Chorus itself. Routing that a deposit's metadata gives
for a file must therefore be what the file says (:func:`routing_against_document`): pdp never validates one
routing and deposits another.
"""

from __future__ import annotations

import msgspec

from pdp.einvoice.chorus_rules import DEFAULT_FRAME
from pdp.einvoice.findings import Finding, finding
from pdp.einvoice.model import ChorusRouting, Identifier, Invoice, Party
from pdp.einvoice.paths import xpath_for

SIRET_SCHEMES = frozenset({"0009"})
# Routing given in a deposit's metadata, and where a file must carry it for Chorus to read it.
_ROUTING_TERMS = (
    ("recipient_siret", "BT-47", "the recipient SIRET", "le SIRET du destinataire"),
    ("service_code", "BT-10", "the service code", "le code service"),
    ("engagement_number", "BT-13", "the engagement number", "le numéro d'engagement"),
    ("billing_frame", "BT-23", "the billing frame", "le cadre de facturation"),
)

# soumettre's cadreDeFacturation field that names the validator (go-choruspro, piste-gouv-fr, Pastell).
VALIDATOR_FIELD = "codeStructureValideur"


def _siret_of(party: Party) -> str | None:
    candidates: list[Identifier] = [*(([party.legal_id]) if party.legal_id else []), *party.identifiers]
    for identifier in candidates:
        if identifier.scheme in SIRET_SCHEMES or (identifier.scheme is None and len(identifier.value) == 14):
            return identifier.value.replace(" ", "")
    return None


def resolve_routing(invoice: Invoice) -> ChorusRouting:
    """The routing pdp itself sends to Chorus (``invoice.routing``: a JSON invoice's, a plain PDF's metadata),
    else what Chorus reads in the document."""
    given = invoice.routing or ChorusRouting()
    return ChorusRouting(
        recipient_siret=given.recipient_siret or _siret_of(invoice.buyer),
        service_code=given.service_code or invoice.buyer_reference,
        engagement_number=given.engagement_number or invoice.purchase_order_ref,
        billing_frame=given.billing_frame or invoice.process_type or DEFAULT_FRAME,
        validator_siret=given.validator_siret,
        supplier_siret=given.supplier_siret or _siret_of(invoice.seller),
    )


def routing_against_document(given: ChorusRouting, invoice: Invoice, syntax: str) -> list[Finding]:
    """Refuse metadata routing that the file does not carry: Chorus Pro reads a UBL, CII or Factur-X flux's
    routing from the document alone, so a value given only beside the file would be validated by pdp, then
    never seen by Chorus (which rejects the invoice days later for the very field pdp checked)."""
    read = resolve_routing(msgspec.structs.replace(invoice, routing=None))
    findings: list[Finding] = []
    if given.validator_siret:
        findings.append(
            finding(
                "PDP-VALIDATOR-NOT-IN-FILE",
                "error",
                f"The metadata gives the validator {given.validator_siret}, but Chorus Pro takes a validator "
                f"({VALIDATOR_FIELD}) only with an invoice submitted from its PDF, never from a UBL, CII or "
                "Factur-X flux: deposit the invoice's PDF with validator_siret in the metadata.",
                f"Les métadonnées donnent le valideur {given.validator_siret}, mais Chorus Pro ne prend un valideur "
                f"({VALIDATOR_FIELD}) qu'avec une facture soumise depuis son PDF, jamais depuis un flux UBL, CII ou "
                "Factur-X : déposez le PDF de la facture avec validator_siret dans les métadonnées.",
            )
        )
    for name, bt, what, quoi in _ROUTING_TERMS:
        wanted, carried = getattr(given, name), getattr(read, name)
        if wanted is None or _same(wanted, carried):
            continue
        where = xpath_for(syntax, bt) or bt
        if carried is None:
            en = f"The metadata gives {what} '{wanted}', but the file does not carry it"
            fr = f"Les métadonnées donnent {quoi} « {wanted} », mais le fichier ne le porte pas"
        else:
            en = f"The metadata gives {what} '{wanted}', but the file says '{carried}'"
            fr = f"Les métadonnées donnent {quoi} « {wanted} », mais le fichier indique « {carried} »"
        findings.append(
            finding(
                "PDP-ROUTING-NOT-IN-FILE",
                "error",
                f"{en}: Chorus Pro reads routing from the document only. Write it in {bt} ({where}), "
                "or leave it out of the metadata.",
                f"{fr} : Chorus Pro ne lit le routage que dans le document. Écrivez-le en {bt} ({where}), "
                "ou retirez-le des métadonnées.",
                bt=bt,
                xpath=xpath_for(syntax, bt),
            )
        )
    return findings


def _same(given: str, carried: str | None) -> bool:
    return carried is not None and given.replace(" ", "") == carried.replace(" ", "")


__all__ = ["SIRET_SCHEMES", "VALIDATOR_FIELD", "resolve_routing", "routing_against_document"]
