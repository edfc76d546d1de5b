"""cii_taxed's XPath says "every item plain" only where the item-by-item reading would find them all plain.

On the CEN CII examples and on the 20-line invoice with its taxes damaged at random (TypeCode case and blanks,
category codes with blanks or a no-break space, a second tax, a comment or a child inside a code), the items are read
with and without the XPath: the results must be the same.
"""

from __future__ import annotations

import random
from unittest import mock

from lxml import etree

from pdp.einvoice.formats import cii_taxed
from pdp.einvoice.formats.cii_values import RAM, RSM, _kids
from pdp.einvoice.formats.cii_write import write_cii
from tests.bench.bench_validation import twenty_line_invoice_model
from tests.invoices.oracle import CEN

TRANSACTION = f"{{{RSM}}}SupplyChainTradeTransaction"
TAXES = (f"{{{RAM}}}ApplicableTradeTax", f"{{{RAM}}}CategoryTradeTax")
CODES = ("VAT", "vat", " VAT", "VAT\n", "S", " S", "S ", "", "  ", "S\u00a0", "AE", "Z")


def items_both_ways(root: etree._Element) -> None:
    transaction = root.find(TRANSACTION)
    parts = _kids(transaction)
    quick = cii_taxed.taxed_items(transaction, parts)
    with mock.patch.object(cii_taxed, "_MAYBE_UNPLAIN", lambda transaction: True):
        itemised = cii_taxed.taxed_items(transaction, parts)
    assert quick == itemised


def damage(root: etree._Element, rng: random.Random) -> None:
    taxes = [element for element in root.iter(TAXES)]
    tax = rng.choice(taxes)
    code = tax.find(f"{{{RAM}}}{rng.choice(('TypeCode', 'CategoryCode'))}")
    kind = rng.randrange(4)
    if kind == 0 or code is None:
        tax.addnext(etree.fromstring(etree.tostring(tax)))  # a second tax
    elif kind == 1:
        code.text = rng.choice(CODES)
    elif kind == 2:
        code.append(etree.Comment("c"))
        code[-1].tail = rng.choice(("", "T"))
    else:
        etree.SubElement(code, code.tag).text = "S"


def test_the_cen_examples() -> None:
    for path in sorted((CEN / "examples" / "cii").glob("*.xml")):
        items_both_ways(etree.parse(str(path)).getroot())


def test_damaged_taxes() -> None:
    xml = write_cii(twenty_line_invoice_model())
    rng = random.Random(14)
    for _ in range(400):
        root = etree.fromstring(xml)
        for _ in range(rng.randrange(1, 3)):
            damage(root, rng)
        items_both_ways(root)
