"""The code lists BR-CL-01, BR-CL-06, BR-CL-07 and BR-CL-22 as the CEN artefacts read them, judged by pdp and by the
vendored CEN artefacts (cases built as in test_vat_categories_as_the_artefacts)."""

from __future__ import annotations

import msgspec
import pytest

from pdp.einvoice.formats.cii_write import write_cii
from pdp.einvoice.formats.ubl_write import write_ubl
from pdp.einvoice.model import Identifier, Invoice
from tests.invoices.validation.test_vat_categories_as_the_artefacts import (
    S_LINE,
    S_VAT,
    assert_judged_alike,
    invoice,
    judged,
    line,
    vat,
)

# (name, invoice, rules under test, expected failures in UBL, expected failures in CII)
CASES: list[tuple[str, Invoice, set[str], set[str], set[str]]] = [
    (
        "a VATEX code in lower case passes BR-CL-22 (the artefacts upper-case it)",
        invoice(
            [line("E", "0.00")],
            [msgspec.structs.replace(vat("E", "0.00", reason="Exonéré"), exemption_code="vatex-eu-132-1a")],
        ),
        {"BR-CL-22"},
        set(),
        set(),
    ),
    (
        "an unknown VATEX code fails BR-CL-22",
        invoice([line("E", "0.00")], [msgspec.structs.replace(vat("E", "0.00"), exemption_code="VATEX-XX")]),
        {"BR-CL-22"},
        {"BR-CL-22"},
        {"BR-CL-22"},
    ),
]


@pytest.mark.parametrize(("name", "document", "rules", "ubl", "cii"), CASES, ids=[case[0] for case in CASES])
def test_exemption_codes_are_upper_cased_before_the_lookup(
    name: str, document: Invoice, rules: set[str], ubl: set[str], cii: set[str]
) -> None:
    assert_judged_alike(name, document, rules, ubl, cii)


def test_ubl_type_codes_are_looked_up_in_their_root_s_list() -> None:
    # 381 is a credit note code: no InvoiceTypeCode (BR-CL-01 in UBL), yet a valid CII TypeCode.
    plain = invoice([S_LINE], [S_VAT])
    ubl = write_ubl(plain).replace(b">380</cbc:InvoiceTypeCode>", b">381</cbc:InvoiceTypeCode>")
    assert judged(ubl, "ubl", {"BR-CL-01"}) == ({"BR-CL-01"}, {"BR-CL-01"})
    credit_note = write_ubl(msgspec.structs.replace(plain, type_code="381"))
    assert b"<cbc:CreditNoteTypeCode>381<" in credit_note
    assert judged(credit_note, "ubl", {"BR-CL-01"}) == (set(), set())
    cii = write_cii(plain).replace(b"<ram:TypeCode>380</ram:TypeCode>", b"<ram:TypeCode>381</ram:TypeCode>")
    assert judged(cii, "cii", {"BR-CL-01"}) == (set(), set())


@pytest.mark.parametrize(("code", "fails"), [("3", True), ("5", False), ("35", True), ("29", False)])
def test_a_cii_due_date_type_code_is_judged_in_untdid_2475(code: str, fails: bool) -> None:
    # CII's BT-8 is 5, 29 or 72 (UNTDID 2475); 3, 35 and 432 are UBL's (UNTDID 2005) and must not slip through
    # the mapping between the two.
    written = write_cii(invoice([S_LINE], [S_VAT], vat_point_code="3"))
    assert b"<ram:DueDateTypeCode>5</ram:DueDateTypeCode>" in written
    xml = written.replace(b"<ram:DueDateTypeCode>5<", f"<ram:DueDateTypeCode>{code}<".encode())
    expected = {"BR-CL-06"} if fails else set()
    assert judged(xml, "cii", {"BR-CL-06"}) == (expected, expected)


def _with_line_object(scheme: str) -> Invoice:
    first = msgspec.structs.replace(S_LINE, object_id=Identifier(value="LOT-1", scheme=scheme))
    return invoice([first], [S_VAT])


@pytest.mark.parametrize(("scheme", "fails"), [("AAA", False), ("GTIN", True)])
def test_a_line_object_s_scheme_is_looked_up_in_untdid_1153(scheme: str, fails: bool) -> None:
    # BR-CL-07 asks every cac:DocumentReference[cbc:DocumentTypeCode = '130']/cbc:ID[@schemeID] (UBL) and every
    # ram:ReferenceTypeCode (CII): a line's object identifier (BT-128) too, as the CEN unit test BR-CL-07 does.
    expected = {"BR-CL-07"} if fails else set()
    assert_judged_alike(scheme, _with_line_object(scheme), {"BR-CL-07"}, expected, expected)


def test_a_blank_line_object_scheme_fails_br_cl_07() -> None:
    ubl = write_ubl(_with_line_object("AAA")).replace(b'schemeID="AAA"', b'schemeID=" "')
    assert judged(ubl, "ubl", {"BR-CL-07"}) == ({"BR-CL-07"}, {"BR-CL-07"})
    cii = write_cii(_with_line_object("AAA"))
    cii = cii.replace(b"<ram:ReferenceTypeCode>AAA<", b"<ram:ReferenceTypeCode> <")
    assert judged(cii, "cii", {"BR-CL-07"}) == ({"BR-CL-07"}, {"BR-CL-07"})


def test_a_ubl_line_reference_without_type_code_has_no_scheme_to_look_up() -> None:
    # BR-CL-07's UBL context needs the code 130 written; pdp still reads the reference as BT-128, without scheme.
    written = write_ubl(_with_line_object("GTIN"))
    xml = written.replace(
        b"</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:DocumentReference>",
        b"</cbc:ID></cac:DocumentReference>",
    )
    assert xml != written
    assert judged(xml, "ubl", {"BR-CL-07"}) == (set(), set())
