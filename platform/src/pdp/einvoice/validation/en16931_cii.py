"""EN 16931 rules the CEN CII artefact asks of CII elements the model has no term for.

The CII reader keeps those elements in Invoice.blank_terms (see formats/cii_blanks): a seller's or buyer's
ram:URIUniversalCommunication without an electronic address the model can hold still has a ram:URIID/@schemeID to
ask for (BR-62, BR-63: the artefact tests ``normalize-space(…/ram:URIUniversalCommunication[1]/ram:URIID/@schemeID)
!= ''`` whenever the element is there), and an issue date pdp reads from a udt:DateTimeString without
``@format='102'`` is none for BR-03.
"""

from __future__ import annotations

from pdp.einvoice.validation.context import CII_SYNTAXES, RuleContext

# blank term -> the rule it fails (BT-2: an issue date read from a string without format 102, which BR-03 reads only)
_WRITTEN_WITHOUT = (("BT-34", "BR-62"), ("BT-49", "BR-63"), ("BT-2", "BR-03"))


def check_cii_elements(ctx: RuleContext) -> None:
    if ctx.syntax not in CII_SYNTAXES:
        return
    if ctx.invoice.blank_terms is None:
        return
    for term, rule in _WRITTEN_WITHOUT:
        if ctx.invoice.is_blank(term):
            ctx.fail(rule)
