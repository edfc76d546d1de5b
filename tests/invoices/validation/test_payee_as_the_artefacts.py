"""BR-17 as both CEN artefacts word it: a payee (BG-10) has a name element, blank or not, and is not the seller.

EN 16931 gives BG-10 only for a payee other than the seller; the artefacts fail BR-17 on a payee whose name is the
seller's (UBL: the seller's cac:PartyName, BT-28; CII: its ram:Name, BT-27) or who carries one of the seller's
identifiers (UBL: PartyIdentification; CII: ram:ID, and the legal organization's ID). Each case is an edit of
test_artefact_readings' valid invoice with a payee added; pdp and the artefact must report exactly the expected rules.
"""

from __future__ import annotations

import pytest

from tests.invoices.validation.test_artefact_readings import _document
from tests.invoices.validation.test_existence_readings_as_the_artefacts import _judged, needs_artefacts

UBL_AFTER_BUYER = "</cac:AccountingCustomerParty>"
CII_CURRENCY = "<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>"
SELLER_NAME = "Atelier Dupont SARL"  # the seller's BT-27 in both syntaxes; the UBL seller has no cac:PartyName


def _ubl_payee(inside: str) -> list[tuple[str, str]]:
    return [(UBL_AFTER_BUYER, f"{UBL_AFTER_BUYER}<cac:PayeeParty>{inside}</cac:PayeeParty>")]


def _cii_payee(inside: str) -> list[tuple[str, str]]:
    return [(CII_CURRENCY, f"{CII_CURRENCY}<ram:PayeeTradeParty>{inside}</ram:PayeeTradeParty>")]


def _ubl_name(name: str) -> str:
    return f"<cac:PartyName><cbc:Name>{name}</cbc:Name></cac:PartyName>"


# name: (syntax, changes, the EN 16931 errors both pdp and the artefact report)
CASES: dict[str, tuple[str, list[tuple[str, str]], set[str]]] = {
    "ubl: a payee of its own passes": ("ubl", _ubl_payee(_ubl_name("Affacturage SA")), set()),
    "ubl: a blank payee name is there": ("ubl", _ubl_payee(_ubl_name("")), set()),
    "ubl: a payee without name fails": (
        "ubl",
        _ubl_payee("<cac:PartyIdentification><cbc:ID>123</cbc:ID></cac:PartyIdentification>"),
        {"BR-17"},
    ),
    "ubl: a payee with the seller's identifier is the seller": (
        "ubl",
        _ubl_payee(
            "<cac:PartyIdentification><cbc:ID>73282932000074</cbc:ID></cac:PartyIdentification>"
            + _ubl_name("Affacturage SA")
        ),
        {"BR-17"},
    ),
    # UBL compares the payee's name with the seller's cac:PartyName (BT-28), which this seller has not.
    "ubl: a payee named as the seller's BT-27 passes": ("ubl", _ubl_payee(_ubl_name(SELLER_NAME)), set()),
    "cii: a payee of its own passes": ("cii", _cii_payee("<ram:Name>Affacturage SA</ram:Name>"), set()),
    "cii: a blank payee name is there": ("cii", _cii_payee("<ram:Name></ram:Name>"), set()),
    "cii: a payee without name fails": ("cii", _cii_payee("<ram:ID>123</ram:ID>"), {"BR-17"}),
    "cii: a payee named as the seller is the seller": (
        "cii",
        _cii_payee(f"<ram:Name>{SELLER_NAME}</ram:Name>"),
        {"BR-17"},
    ),
    "cii: a payee with the seller's legal id is the seller": (
        "cii",
        _cii_payee(
            "<ram:Name>Affacturage SA</ram:Name>"
            "<ram:SpecifiedLegalOrganization><ram:ID>732829320</ram:ID></ram:SpecifiedLegalOrganization>"
        ),
        {"BR-17"},
    ),
    # CII compares ram:ID only: the seller's identifier here is a ram:GlobalID.
    "cii: a payee whose ram:ID is the seller's GlobalID passes": (
        "cii",
        _cii_payee("<ram:ID>73282932000074</ram:ID><ram:Name>Affacturage SA</ram:Name>"),
        set(),
    ),
}


@needs_artefacts
@pytest.mark.parametrize("name", CASES)
def test_pdp_reads_the_payee_as_the_artefacts(name: str) -> None:
    syntax, changes, expected = CASES[name]
    assert _judged(syntax, _document(syntax, changes)) == (expected, expected)
