"""The EN 16931 layer: every native core rule, in one call."""

from __future__ import annotations

from collections.abc import Mapping

from pdp.einvoice.findings import Finding, Severity
from pdp.einvoice.model import Invoice
from pdp.einvoice.validation.context import RuleContext
from pdp.einvoice.validation.en16931_cii import check_cii_elements
from pdp.einvoice.validation.en16931_codes import check_code_lists
from pdp.einvoice.validation.en16931_core import check_decimals, check_presence
from pdp.einvoice.validation.en16931_totals import check_totals
from pdp.einvoice.validation.en16931_vat import check_vat_categories

CHECKS = (check_presence, check_cii_elements, check_code_lists, check_decimals, check_totals, check_vat_categories)


def validate_en16931(invoice: Invoice, syntax: str, severities: Mapping[str, Severity] | None = None) -> list[Finding]:
    """``severities``: the rules whose severity the caller chooses (see :mod:`deliberate`), e.g. BR-CO-25."""
    ctx = RuleContext(invoice, syntax, severities=severities or {})
    for check in CHECKS:
        check(ctx)
    return ctx.findings
