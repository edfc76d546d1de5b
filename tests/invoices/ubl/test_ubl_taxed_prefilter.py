"""ubl_taxed's XPath says "every item simple" only where the item-by-item reading would find them all simple.

On the CEN UBL examples and on the 20-line UBL invoice with its tax categories damaged at random (scheme ids in
another case, blank or another scheme, a category without cbc:ID, exemption codes, a second category, a comment or a
child inside the scheme id), the items are read with and without the XPath: the results must be the same.
"""

from __future__ import annotations

import random
from unittest import mock

from lxml import etree

from pdp.einvoice.formats import ubl_taxed
from pdp.einvoice.formats.ubl_read import read_ubl
from pdp.einvoice.formats.ubl_values import A, B
from pdp.einvoice.formats.ubl_write import write_ubl
from tests.bench.bench_validation import twenty_line_invoice_model
from tests.invoices.oracle import CEN

CATEGORIES = (A.ClassifiedTaxCategory, A.TaxCategory)
SCHEMES = ("VAT", "vat", " VAT", "VAT\n", "GST", "", "V\u00a0AT")


def items_both_ways(root: etree._Element) -> None:
    quick = read_ubl(root).ubl_taxed_items
    with mock.patch.object(ubl_taxed, "_MAYBE_NOT_SIMPLE", lambda root: True):
        itemised = read_ubl(root).ubl_taxed_items
    assert quick == itemised


def damage(root: etree._Element, rng: random.Random) -> None:
    category = rng.choice(list(root.iter(CATEGORIES)))
    scheme_id = category.find(f"{A.TaxScheme}/{B.ID}")
    kind = rng.randrange(6)
    if kind == 0 or scheme_id is None:
        category.addnext(etree.fromstring(etree.tostring(category)))  # a second category
    elif kind == 1:
        scheme_id.text = rng.choice(SCHEMES)
    elif kind == 2:
        scheme_id.append(etree.Comment("c"))
        scheme_id[-1].tail = rng.choice(("", "T"))
    elif kind == 3:
        etree.SubElement(scheme_id, B.ID).text = "VAT"
    elif kind == 4:
        identifier = category.find(B.ID)
        if identifier is not None:
            category.remove(identifier)
    else:
        for _ in range(rng.randrange(1, 3)):
            etree.SubElement(category, B.TaxExemptionReasonCode).text = "VATEX-EU-O"


def test_the_cen_examples() -> None:
    for path in sorted((CEN / "examples" / "ubl").glob("*.[xX][mM][lL]")):
        items_both_ways(etree.parse(str(path)).getroot())


def test_damaged_categories() -> None:
    xml = write_ubl(twenty_line_invoice_model())
    rng = random.Random(14)
    for _ in range(400):
        root = etree.fromstring(xml)
        for _ in range(rng.randrange(1, 3)):
            damage(root, rng)
        items_both_ways(root)
