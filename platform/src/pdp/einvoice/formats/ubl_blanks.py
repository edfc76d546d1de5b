"""Invoice.blank_terms for UBL: mandatory terms whose element is there but blank.

The model reads a blank term as absent, yet the CEN UBL artefact tests several mandatory terms by existence
(``exists(cbc:InvoicedQuantity)``, ``exists(cbc:Name) and exists(cbc:Value)``, ``exists(…/cbc:CompanyID)``), so a
blank element satisfies them; the XSD refuses most blanks (an xs:decimal cannot be empty), not those rules. Each
check looks only where the model lacks the term, so a complete document costs nothing.
"""

from __future__ import annotations

from typing import Any

from pdp.einvoice.formats.ubl_tax import amount_currencies, main_tax_total
from pdp.einvoice.formats.ubl_values import A, B, Kids, _children, _every, _first, _text_of, is_vat_scheme
from pdp.einvoice.model import Invoice

_SELLER_IDS = ("BT-29", "BT-30", "BT-31")
UNNAMED_REFERENCE = "BT-17/18/128"  # the term en16931_core asks BR-52 of, named as CII's (cii_blanks)


def blank_terms(k: Kids, line_tag: str, invoice: Invoice, seller: Any) -> list[str] | None:
    """Terms as "BT-x", "BT-x@line" or, for item attributes, "BT-x@line.attribute" (0-based indexes)."""
    found = _lines_blanks(k, line_tag, invoice)
    # BR-31/BR-36 test exists(cbc:Amount): a blank document level allowance (BT-92) or charge (BT-99) amount is
    # there (read as amount_there reads CII's "BT-92/99").
    charges = [i for i, ac in enumerate(invoice.allowances_charges) if ac.amount is None and ac.is_charge is not None]
    if charges:
        elements = _every(k, A.AllowanceCharge)
        if any(B.Amount in _children(elements[i]) for i in charges):
            found.append("BT-92/99")
    found += _tax_blanks(k, invoice)
    party = invoice.seller
    if not (party.identifiers or party.legal_id or party.vat_id):
        found += _seller_blanks(_children(seller))
    if invoice.buyer.legal_id is None:  # the AE rules test exists(…/cac:PartyLegalEntity/cbc:CompanyID)
        buyer = _children(_first(_children(_first(k, A.AccountingCustomerParty)), A.Party))
        if any(B.CompanyID in _children(legal) for legal in _every(buyer, A.PartyLegalEntity)):
            found.append("BT-47")
    rep = invoice.tax_representative
    if rep is not None and not rep.vat_id:
        schemes = map(_children, _every(_children(_first(k, A.TaxRepresentativeParty)), A.PartyTaxScheme))
        if any(B.CompanyID in sk and is_vat_scheme(sk) for sk in schemes):
            found.append("BT-63")
    payee = invoice.payee
    if payee is not None and payee.name is None:  # BR-17 tests exists(cac:PartyName/cbc:Name)
        names = _every(_children(_first(k, A.PayeeParty)), A.PartyName)
        if any(B.Name in _children(name) for name in names):
            found.append("BT-59")
    # BR-52 asks every cac:AdditionalDocumentReference for a non-blank cbc:ID, the invoiced object (BT-18, code 130)
    # and a project (BT-11, code 50) too, which the model keeps without their element (as cii_blanks' term).
    references = _every(k, A.AdditionalDocumentReference)
    unnamed = sum(_text_of(_first(_children(reference), B.ID)) is None for reference in references)
    if unnamed > sum(not attachment.id for attachment in invoice.attachments):
        found.append(UNNAMED_REFERENCE)
    return found or None


def _lines_blanks(k: Kids, line_tag: str, invoice: Invoice) -> list[str]:
    found: list[str] = []
    elements: list[Any] | None = None
    for index, line in enumerate(invoice.lines):
        if line.quantity is None or line.net_amount is None or any(not (a.name and a.value) for a in line.attributes):
            elements = elements if elements is not None else _every(k, line_tag)
            found += _line_blanks(_children(elements[index]), index)
        # BR-41/BR-43 likewise test a line allowance's or charge's exists(cbc:Amount) (BT-136, BT-141).
        if any(ac.amount is None and ac.is_charge is not None for ac in line.allowances_charges):
            elements = elements if elements is not None else _every(k, line_tag)
            written = _every(_children(elements[index]), A.AllowanceCharge)
            if any(
                ac.amount is None and ac.is_charge is not None and B.Amount in _children(element)
                for ac, element in zip(line.allowances_charges, written, strict=False)
            ):
                found.append(f"BT-136/141@{index}")
    return found


def _line_blanks(lk: Kids, index: int) -> list[str]:
    # The line's quantity is None: there, the element can only be blank (a value that is no number is unreadable).
    found = [f"BT-129@{index}"] if B.InvoicedQuantity in lk or B.CreditedQuantity in lk else []
    if B.LineExtensionAmount in lk:  # BR-24: exists(cbc:LineExtensionAmount), read only where the model has none
        found.append(f"BT-131@{index}")
    properties = _every(_children(_first(lk, A.Item)), A.AdditionalItemProperty)
    for number, attribute in enumerate(properties):
        ak = _children(attribute)
        for bt, tag in (("BT-160", B.Name), ("BT-161", B.Value)):
            if tag in ak and _text_of(ak[tag][0]) is None:
                found.append(f"{bt}@{index}.{number}")
    return found


def _tax_blanks(k: Kids, invoice: Invoice) -> list[str]:
    found: list[str] = []
    totals = _every(k, A.TaxTotal)
    units = amount_currencies(totals)
    # BR-45/BR-46 test a subtotal's exists(cbc:TaxableAmount), exists(cbc:TaxAmount): a blank one is there.
    if any(vat.taxable_amount is None or vat.tax_amount is None for vat in invoice.vat_breakdown):
        main = main_tax_total(units, invoice.currency, invoice.tax_currency)
        if main is not None:
            found += _subtotal_blanks(totals[main], invoice)
    tax_currency = invoice.tax_currency
    if tax_currency is not None and invoice.totals.vat_in_accounting_currency is None and tax_currency in units:
        found.append(
            "BT-111"
        )  # BR-53 tests exists(//cac:TaxTotal/cbc:TaxAmount[@currencyID = BT-6]): a blank one is there
    return found


def _subtotal_blanks(tax_total: Any, invoice: Invoice) -> list[str]:
    """ "BT-116@k", "BT-117@k" for the k-th subtotal of BG-23 (of ``tax_total``, the one read as BT-110) whose amount
    element is there but blank."""
    found = []
    subtotals = _every(_children(tax_total), A.TaxSubtotal)
    for index, (vat, subtotal) in enumerate(zip(invoice.vat_breakdown, subtotals, strict=False)):
        sk = _children(subtotal)
        if vat.taxable_amount is None and B.TaxableAmount in sk:
            found.append(f"BT-116@{index}")
        if vat.tax_amount is None and B.TaxAmount in sk:
            found.append(f"BT-117@{index}")
    return found


def _seller_blanks(k: Kids) -> list[str]:
    found = []
    identifications = map(_children, _every(k, A.PartyIdentification))
    if any(element.get("schemeID") != "SEPA" for ik in identifications for element in _every(ik, B.ID)):
        found.append("BT-29")
    if any(B.CompanyID in _children(legal) for legal in _every(k, A.PartyLegalEntity)):  # exists(…/cbc:CompanyID)
        found.append("BT-30")
    if any(B.CompanyID in sk and is_vat_scheme(sk) for sk in map(_children, _every(k, A.PartyTaxScheme))):
        found.append("BT-31")
    return found
