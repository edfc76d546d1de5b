"""UBL_PATHS: every path is valid XPath and points at the element the reader takes the term from."""

from __future__ import annotations

from lxml import etree

from pdp.einvoice.formats.ubl import write_ubl
from pdp.einvoice.formats.ubl_read import NS_CAC, NS_CBC, NS_INVOICE
from pdp.einvoice.paths import UBL_LINE, UBL_PATHS, xpath_for
from tests.invoices.ubl.support import FACTURX_UBL_CTC_FR, full_invoice, round_trip_samples, sample_bytes

NS = {"cac": NS_CAC, "cbc": NS_CBC, "inv": NS_INVOICE}
EN16931_TERMS = {f"BT-{n}" for n in range(1, 166)} - {"BT-4"}  # BT-4 was withdrawn from EN 16931


def _absolute(path: str) -> str:
    # The table writes the default-namespace root as /Invoice; XPath 1.0 needs a prefix for it.
    full = path if path.startswith("/") else f"{UBL_LINE['invoice']}/{path}"
    return full.replace("/Invoice", "/inv:Invoice")


def test_every_business_term_has_a_path() -> None:
    assert EN16931_TERMS - set(UBL_PATHS) == set()
    header = [path for path in UBL_PATHS.values() if path.startswith("/")]
    assert all(path.startswith("/Invoice/") or path == "/Invoice" for path in header)
    assert xpath_for("ubl", "BT-129", line=2) == "/Invoice/cac:InvoiceLine[3]/cbc:InvoicedQuantity"


def test_every_path_selects_something_in_some_document() -> None:
    documents = [etree.fromstring(sample_bytes(path)) for path in [*round_trip_samples(), FACTURX_UBL_CTC_FR]]
    documents.append(etree.fromstring(write_ubl(full_invoice())))  # the terms no sample carries (card, BT-121…)
    compiled = {bt: etree.XPath(_absolute(path), namespaces=NS) for bt, path in UBL_PATHS.items()}
    never = {bt for bt, xpath in compiled.items() if not any(xpath(document) for document in documents)}
    assert never == set()
