"""Chorus Pro's own minimal invoice format, deposited as ``syntaxeFlux`` ``IN_DP_E2_CPP_FACTURE_MIN``, read for
the emulator (docs/chorus-pro-api.md §4.1).

No pdp invoice reader knows it: it is Chorus's, not EN 16931's. What it holds comes from PASTELL's test fixture
``Facture-IN_DP_E2_CPP_FACTURE_MIN.xml`` (root ``CPPFactureMixte``, schema ``CPPFactureMixte_V1.14.xsd``, styled
by ``FSO1113A.xsl``): an envelope, then one ``CPPFactureMixteUnitaire`` per invoice with the routing data and
totals Chorus needs, and the invoice itself as an attached file (``PJ``):

- ``Fournisseur``: ``TypeIdentifiant`` (1 = SIRET), ``Identifiant``, ``RaisonSociale``;
- ``Debiteur``: ``Identifiant`` (the recipient's SIRET), ``CodeService`` (the executing service);
- ``DonneesFacture``: ``Id`` (the number), ``Type`` (UNTDID 1001: 380, 381…), ``Cadre`` (A1…A25),
  ``DateEmissionFacture``, ``ModePaiement/Code``, ``Devise``, ``Montants {MontantHT, MontantTTC,
  MontantNetAPayer}``, ``TVAS/TVA {Taux, BaseHt, MontantTVA}``, ``Engagement {NumeroMarche, NumeroEngagement}``;
- ``PJ``: ``Contenu`` (base64; the fixture's is a zip holding the PDF), ``NomPJ``, ``TypePJ``, ``MimeTypePJ``.

``ModePaiement/Code`` is Chorus's own code list (the fixture has ``01``), not UNTDID 4461; no source gives its
meaning, so it is kept as read and only its presence is judged.
"""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal, InvalidOperation

from lxml import etree

from pdp.connectors.chorus_pro.sandbox.reading import DepositedAttachment, DepositedInvoice
from pdp.einvoice.model import CREDIT_NOTE_TYPES

ROOT = "CPPFactureMixte"
UNIT = "CPPFactureMixteUnitaire"
SIRET_TYPE = "1"


def is_cpp(root: etree._Element) -> bool:
    return _local(root) == ROOT


def read_cpp(root: etree._Element) -> list[DepositedInvoice]:
    """Every invoice of a ``CPPFactureMixte`` file; an unreadable verdict when it holds none."""
    units = [element for element in root.iter() if _local(element) == UNIT]
    if not units:
        return [DepositedInvoice(unreadable=f"le fichier {ROOT} ne contient aucune facture ({UNIT}).")]
    return [_invoice(unit) for unit in units]


def _invoice(unit: etree._Element) -> DepositedInvoice:
    data = _child(unit, "DonneesFacture")
    totals = _child(data, "Montants")
    type_code = _text(data, "Type")
    vat = [_amount(_text(line, "MontantTVA")) for line in _children(_child(data, "TVAS"), "TVA")]
    supplier = _child(unit, "Fournisseur")
    supplier_type = _text(supplier, "TypeIdentifiant")
    return DepositedInvoice(
        syntax="cpp",
        number=_text(data, "Id"),
        type_code=type_code,
        is_credit_note=type_code in CREDIT_NOTE_TYPES,
        # Another TypeIdentifiant than a SIRET is no SIRET: Chorus then does not know the supplier by it.
        supplier_siret=_text(supplier, "Identifiant") if supplier_type in (None, SIRET_TYPE) else None,
        recipient_siret=_text(_child(unit, "Debiteur"), "Identifiant"),
        service_code=_text(_child(unit, "Debiteur"), "CodeService"),
        engagement_number=_text(_child(data, "Engagement"), "NumeroEngagement"),
        billing_frame=_text(data, "Cadre"),
        payment_means_code=_text(_child(data, "ModePaiement"), "Code"),
        total_without_vat=_amount(_text(totals, "MontantHT")),
        total_vat=sum((one for one in vat if one is not None), Decimal(0))
        if any(one is not None for one in vat)
        else None,
        total_with_vat=_amount(_text(totals, "MontantTTC")),
        amount_due=_amount(_text(totals, "MontantNetAPayer")),
        currency=_text(data, "Devise"),
        issue_date=_text(data, "DateEmissionFacture"),
        attachments=[_attachment(piece) for piece in _children(unit, "PJ")],
    )


def _attachment(piece: etree._Element) -> DepositedAttachment:
    try:
        size = len(base64.b64decode(_text(piece, "Contenu") or "", validate=False))
    except (binascii.Error, ValueError):
        size = 0
    return DepositedAttachment(filename=_text(piece, "NomPJ"), size=size)


def _local(element: etree._Element) -> str:
    return str(etree.QName(element).localname) if isinstance(element.tag, str) else ""


def _children(parent: etree._Element | None, name: str) -> list[etree._Element]:
    return [] if parent is None else [child for child in parent if _local(child) == name]


def _child(parent: etree._Element | None, name: str) -> etree._Element | None:
    found = _children(parent, name)
    return found[0] if found else None


def _text(parent: etree._Element | None, name: str) -> str | None:
    element = _child(parent, name)
    value = (element.text or "").strip() if element is not None else ""
    return value or None


def _amount(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None
