"""The fast line reader gives exactly what the reference reader gives: on every sample, the corpus and hostile lines.

``read_cii`` reads the lines with ``cii_fast.read_lines``; ``read_lines_slow`` is the plain reader it must agree
with. Each test compares whole invoices (or errors) from both, and checks that the fast path itself, not its
fallback, handled the lines it should handle.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from lxml import etree

from pdp.einvoice.findings import UnreadableDocument
from pdp.einvoice.formats import cii_fast, cii_read
from pdp.einvoice.formats.cii import read_cii
from pdp.einvoice.formats.cii_write import write_cii
from pdp.einvoice.formats.xmlsafe import parse_xml
from pdp.einvoice.model import Invoice
from tests.invoices.cii.support import EN16931_CII, FACTURX, needs_samples
from tests.invoices.corpus import mutations

LINE = f"{{{cii_fast.RAM}}}IncludedSupplyChainTradeLineItem"
SAMPLE_FILES = sorted(EN16931_CII.glob("*.xml")) + sorted(FACTURX.glob("factur-x-*.xml"))


@contextmanager
def slow_lines() -> Iterator[None]:
    with mock.patch.object(cii_read, "read_lines", cii_fast.read_lines_slow):
        yield


def outcome(root: etree._Element) -> Invoice | tuple[str, object]:
    """The invoice, or the error's message and finding (the fallback must give the reference's exact error)."""
    try:
        return read_cii(root)
    except UnreadableDocument as error:
        return str(error), error.finding


def assert_same(root: etree._Element) -> Invoice | tuple[str, object]:
    fast = outcome(root)
    with slow_lines():
        slow = outcome(root)
    assert fast == slow
    return fast


def assert_fast_path_alone(root: etree._Element) -> None:
    """Every line of a readable document is settled by the fast path itself, equal to the reference."""
    for item in root.iter(LINE):
        assert cii_fast.fast_line(item, {}) == cii_fast.read_line_slow(item)


@pytest.fixture(scope="module")
def base_xml() -> bytes:
    return (EN16931_CII / "CII_example1.xml").read_bytes()


def first_line(root: etree._Element) -> etree._Element:
    return next(root.iter(LINE))


def ram(local: str) -> str:
    return f"{{{cii_fast.RAM}}}{local}"


def add(parent: etree._Element, path: str, text: str | None = None, **attrib: str) -> etree._Element:
    """Append ``path`` (``A/B/udt:C``: ram names unless ``udt:``) under ``parent``; text and attributes on the last."""
    element = parent
    for local in path.split("/"):
        tag = f"{{{cii_fast.UDT}}}{local[4:]}" if local.startswith("udt:") else ram(local)
        element = etree.SubElement(element, tag)
    element.text = text
    for name, value in attrib.items():
        element.set(name, value)
    return element


def part(item: etree._Element, local: str) -> etree._Element:
    found = item.find(ram(local))
    assert found is not None
    return found


# --- the whole corpus -----------------------------------------------------------------------------------------------


@needs_samples
@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda path: Path(path).name)
def test_samples_read_the_same(path: Path) -> None:
    root = parse_xml(path.read_bytes())
    invoice = assert_same(root)
    assert isinstance(invoice, Invoice)
    assert_fast_path_alone(root)


@needs_samples
def test_samples_with_lines_are_covered() -> None:
    with_lines = [path.name for path in SAMPLE_FILES if next(parse_xml(path.read_bytes()).iter(LINE), None) is not None]
    assert len(with_lines) >= 15 and "factur-x-extended.xml" in with_lines


@needs_samples
def test_generated_corpus_reads_the_same() -> None:
    count = 0
    for _name, xml in mutations():
        if not _name.endswith(".cii"):
            continue
        root = parse_xml(xml)
        assert isinstance(assert_same(root), Invoice)
        assert_fast_path_alone(root)
        count += 1
    assert count > 50


# --- lines with every optional part ---------------------------------------------------------------------------------


@needs_samples
def test_rich_line_allowances_classifications_attributes_notes(base_xml: bytes) -> None:
    root = parse_xml(base_xml)
    item = first_line(root)
    document = part(item, "AssociatedDocumentLineDocument")
    add(document, "IncludedNote/Content", " first part ")
    add(document, "IncludedNote/Content", "")
    add(document, "IncludedNote/Content", "second part")
    product = part(item, "SpecifiedTradeProduct")
    add(product, "GlobalID", " 4012345678901 ", schemeID="0160")
    add(product, "BuyerAssignedID", "B-1")
    add(product, "Description", "  a description ")
    add(product, "DesignatedProductClassification/ClassCode", "12345", listID="STI", listVersionID="v1")
    add(product, "DesignatedProductClassification/ClassCode", "  ")
    add(product, "OriginTradeCountry/ID", "NL")
    characteristic = add(product, "ApplicableProductCharacteristic/Description", "Colour").getparent()
    add(characteristic, "Value", "Blue")
    agreement = part(item, "SpecifiedLineTradeAgreement")
    add(agreement, "BuyerOrderReferencedDocument/LineID", "7")
    gross = add(agreement, "GrossPriceProductTradePrice/ChargeAmount", "10.00").getparent()
    discount = add(gross, "AppliedTradeAllowanceCharge/ChargeIndicator/udt:Indicator", "false").getparent().getparent()
    add(discount, "ActualAmount", "0.05")
    add(part(agreement, "NetPriceProductTradePrice"), "BasisQuantity", "1", unitCode="H87")
    settlement = part(item, "SpecifiedLineTradeSettlement")
    period = add(settlement, "BillingSpecifiedPeriod/StartDateTime/udt:DateTimeString", "20240101", format="102")
    add(period.getparent().getparent(), "EndDateTime/udt:DateTimeString", "20240131", format="102")
    for indicator, amount in (("false", "1.00"), ("true", "2.50")):
        charge = add(settlement, "SpecifiedTradeAllowanceCharge/ChargeIndicator/udt:Indicator", indicator).getparent()
        add(charge.getparent(), "ActualAmount", amount)
        add(charge.getparent(), "Reason", "Reason " + amount)
    reference = add(settlement, "AdditionalReferencedDocument/IssuerAssignedID", "OBJ-1").getparent()
    add(reference, "ReferenceTypeCode", "AAB")
    add(settlement, "ReceivableSpecifiedTradeAccountingAccount/ID", "ACC-1")

    invoice = assert_same(root)
    assert_fast_path_alone(root)
    assert isinstance(invoice, Invoice)
    line = invoice.lines[0]
    assert line.note == "first part\nsecond part"
    assert (line.item_description, line.buyer_item_id, line.origin_country) == ("a description", "B-1", "NL")
    assert line.standard_item_id is not None and line.standard_item_id.scheme == "0160"
    # A blank ClassCode is there (""), as BR-65 and BR-CL-13 read every ram:ClassCode.
    assert [c.code for c in line.classifications] == ["12345", ""]
    assert [(a.name, a.value) for a in line.attributes] == [("Colour", "Blue")]
    assert (line.order_line_ref, line.gross_price, line.price_discount) == ("7", Decimal("10.00"), Decimal("0.05"))
    assert [c.list_version for c in line.classifications] == ["v1", None]
    assert (line.price_base_quantity, line.price_base_unit) == (Decimal("1"), "H87")
    assert [(ac.is_charge, ac.amount) for ac in line.allowances_charges] == [
        (False, Decimal("1.00")),
        (True, Decimal("2.50")),
    ]
    assert line.period is not None and line.period.end is not None and line.period.end.day == 31
    assert line.object_id is not None and line.object_id.scheme == "AAB" and line.buyer_accounting_ref == "ACC-1"


@needs_samples
def test_written_invoice_round_trips_through_the_fast_path(base_xml: bytes) -> None:
    invoice = read_cii(parse_xml(base_xml))
    root = parse_xml(write_cii(invoice))
    assert assert_same(root) == read_cii(root)
    assert_fast_path_alone(root)


# --- hostile lines --------------------------------------------------------------------------------------------------


@needs_samples
@pytest.mark.parametrize("char", ["\ue000", "\ue001", "\ue002"])
def test_private_use_characters_are_plain_text(base_xml: bytes, char: str) -> None:
    """Separator-like characters in the text cannot shift anything: there are no separators."""
    root = parse_xml(base_xml)
    item = first_line(root)
    for local in ("LineID", "Name", "SellerAssignedID", "CategoryCode", "TypeCode"):
        for leaf in item.iter(ram(local)):
            leaf.text = f"{char}{leaf.text}{char}{char}"
    next(item.iter(ram("BilledQuantity"))).set("unitCode", f"H8{char}")
    invoice = assert_same(root)
    assert_fast_path_alone(root)
    assert isinstance(invoice, Invoice)
    line = invoice.lines[0]
    assert (line.id, line.unit_code) == (f"{char}1{char}{char}", f"H8{char}")
    assert line.item_name == f"{char}PATAT FRITES 10MM 10KG{char}{char}"
    assert invoice.lines[1:] == read_cii(parse_xml(base_xml)).lines[1:]
    with pytest.raises(UnreadableDocument):  # in a number it is just a bad number
        next(item.iter(ram("LineTotalAmount"))).text = f"1{char}"
        read_cii(root)


@needs_samples
@pytest.mark.parametrize(
    "value", ["1e5", "NaN", "Infinity", "1_000", "\u0661\u0662", "1.2.3", ".", "+-1", "12,50", "x"]
)
def test_bad_decimal_in_a_line_is_the_reference_error(base_xml: bytes, value: str) -> None:
    root = parse_xml(base_xml)
    amount = next(first_line(root).iter(ram("LineTotalAmount")))
    amount.text = value
    with pytest.raises(UnreadableDocument) as fast:
        read_cii(root)
    with slow_lines(), pytest.raises(UnreadableDocument) as slow:
        read_cii(root)
    assert (str(fast.value), fast.value.finding) == (str(slow.value), slow.value.finding)
    assert fast.value.finding.bt == "BT-131"
    assert "IncludedSupplyChainTradeLineItem[1]" in (fast.value.finding.xpath or "")
    with pytest.raises(cii_fast._Unsettled):
        cii_fast.fast_line(first_line(root), {})


@needs_samples
def test_two_bad_values_in_a_line_report_the_one_the_reference_reports(base_xml: bytes) -> None:
    root = parse_xml(base_xml)
    item = first_line(root)
    next(item.iter(ram("ChargeAmount"))).text = "six"  # the net price, read first by the fast path
    next(item.iter(ram("BilledQuantity"))).text = "two"  # read first by the reference
    with pytest.raises(UnreadableDocument) as fast:
        read_cii(root)
    assert fast.value.finding.bt == "BT-129"
    assert assert_same(root) == (str(fast.value), fast.value.finding)


@needs_samples
def test_bad_value_in_a_rare_part_is_the_reference_error(base_xml: bytes) -> None:
    root = parse_xml(base_xml)
    settlement = part(first_line(root), "SpecifiedLineTradeSettlement")
    add(settlement, "BillingSpecifiedPeriod/StartDateTime/udt:DateTimeString", "20241301", format="102")
    result = assert_same(root)
    assert isinstance(result, tuple) and "20241301" in result[0]


@needs_samples
def test_equal_strings_share_a_parse_but_keep_their_scale(base_xml: bytes) -> None:
    root = parse_xml(base_xml)
    rates = list(root.iter(ram("RateApplicablePercent")))
    rates[0].text, rates[1].text, rates[2].text = "6", "6.00", " 6 "
    invoice = assert_same(root)
    assert isinstance(invoice, Invoice)
    assert [str(line.vat_rate) for line in invoice.lines[:3]] == ["6", "6.00", "6"]


@needs_samples
def test_first_of_each_tag_wins_and_odd_content_reads_as_before(base_xml: bytes) -> None:
    root = parse_xml(base_xml)
    items = list(root.iter(LINE))
    # A repeated part, repeated leaves, a first part without the leaf, comments, mixed content, an unknown child.
    items[0].append(copy.deepcopy(part(items[0], "SpecifiedLineTradeSettlement")))
    tax = next(items[1].iter(ram("ApplicableTradeTax")))
    tax.addprevious(etree.Element(ram("ApplicableTradeTax")))
    name = next(items[2].iter(ram("Name")))
    name.addprevious(copy.deepcopy(name))
    name.getprevious().text = "   "
    quantity = next(items[3].iter(ram("BilledQuantity")))
    comment = etree.Comment("note")
    quantity.insert(0, comment)
    comment.tail, quantity.text = quantity.text, None  # .text is None: the value after the comment is not read
    line_id = next(items[4].iter(ram("LineID")))
    line_id.text, child = "5", etree.SubElement(line_id, ram("LineID"))
    child.text, child.tail = "x", "6"
    add(part(items[5], "SpecifiedTradeProduct"), "Unknown", "9")
    part(items[6], "SpecifiedLineTradeDelivery").insert(0, etree.ProcessingInstruction("pi", "x"))
    items[7].remove(part(items[7], "SpecifiedLineTradeAgreement"))
    part(items[8], "SpecifiedLineTradeSettlement").clear()
    next(items[9].iter(ram("BilledQuantity"))).attrib.clear()
    next(items[10].iter(ram("BilledQuantity"))).set("unitCode", " KGM ")
    next(items[11].iter(ram("BilledQuantity"))).set("unitCode", " ")
    for reference in ("first", "second"):
        add(part(items[12], "SpecifiedLineTradeAgreement"), "BuyerOrderReferencedDocument/LineID", reference)
    invoice = assert_same(root)
    assert_fast_path_alone(root)
    assert isinstance(invoice, Invoice)
    assert invoice.lines[1].vat_category is None and invoice.lines[2].item_name is None
    assert invoice.lines[3].quantity is None and invoice.lines[4].id == "5"
    assert [line.unit_code for line in invoice.lines[9:12]] == [None, "KGM", ""]
    assert invoice.lines[12].order_line_ref == "first"


@needs_samples
def test_cdata_and_whitespace_values(base_xml: bytes) -> None:
    xml = base_xml.replace(b"<ram:LineID>1</ram:LineID>", b"<ram:LineID><![CDATA[ 1]]>0 </ram:LineID>")
    xml = xml.replace(b"PATAT FRITES 10MM 10KG", b"\xc2\xa0 \n")
    root = etree.fromstring(xml, etree.XMLParser(strip_cdata=False))
    invoice = assert_same(root)
    assert_fast_path_alone(root)
    assert isinstance(invoice, Invoice)
    assert (invoice.lines[0].id, invoice.lines[0].item_name) == ("10", None)


@needs_samples
def test_random_damage_reads_as_the_reference() -> None:
    """Seeded damage to the lines of every sample: duplicated, removed, moved or emptied elements, odd values."""
    rng = random.Random(20261120)
    values = ["", " ", "1e5", " 12.50 ", "\u0661", "-.5", "1.", "abc", "\ue001", "20240230", "true", "0"]
    for path in SAMPLE_FILES:
        base = parse_xml(path.read_bytes())
        if next(base.iter(LINE), None) is None:
            continue
        for _ in range(12):
            root = copy.deepcopy(base)
            elements = [e for item in root.iter(LINE) for e in item.iter() if isinstance(e.tag, str)]
            for element in rng.sample(elements, 3):
                parent, action = element.getparent(), rng.randrange(5)
                if action == 0 and parent is not None:
                    parent.insert(parent.index(element) + rng.randrange(2), copy.deepcopy(element))
                elif action == 1 and parent is not None:
                    parent.remove(element)
                elif action == 2 and len(element) == 0:
                    element.text = rng.choice(values)
                elif action == 3 and parent is not None:
                    parent.remove(element)
                    parent.insert(rng.randrange(len(parent) + 1), element)
                else:
                    element.set("unitCode", rng.choice(["", " X ", "H87"]))
            assert_same(root)
