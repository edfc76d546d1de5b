"""Where each business term lives in each syntax, for the ``path`` of findings.

Filled by the readers' authors: ``CII_PATHS[bt]`` / ``UBL_PATHS[bt]`` is the XPath of the element carrying the
term (namespace prefixes rsm/ram/udt for CII, cac/cbc for UBL). Line-level terms are relative to one line
(``ram:IncludedSupplyChainTradeLineItem`` / ``cac:InvoiceLine``); :func:`xpath_for` adds the line index.
"""

from __future__ import annotations

CII_PATHS: dict[str, str] = {}
UBL_PATHS: dict[str, str] = {}
CII_LINE = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem"
UBL_LINE = {"invoice": "/Invoice/cac:InvoiceLine", "creditnote": "/CreditNote/cac:CreditNoteLine"}


def xpath_for(syntax: str, bt: str, line: int | None = None) -> str | None:
    """The XPath of ``bt`` in ``syntax`` (``line`` is 0-based), or None when unknown."""
    table = CII_PATHS if syntax in ("cii", "facturx") else UBL_PATHS if syntax == "ubl" else {}
    path = table.get(bt)
    if path is None:
        return None
    if line is None:
        return path
    base = CII_LINE if syntax in ("cii", "facturx") else UBL_LINE["invoice"]
    return f"{base}[{line + 1}]/{path.lstrip('/')}"
