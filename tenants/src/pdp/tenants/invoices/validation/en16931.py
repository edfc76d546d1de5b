"""The EN 16931 layer: every native core rule, in one call."""

from __future__ import annotations

from pdp.tenants.invoices.findings import Finding
from pdp.tenants.invoices.model import Invoice
from pdp.tenants.invoices.validation.context import RuleContext
from pdp.tenants.invoices.validation.en16931_core import check_code_lists, check_decimals, check_presence
from pdp.tenants.invoices.validation.en16931_totals import check_totals
from pdp.tenants.invoices.validation.en16931_vat import check_vat_categories

CHECKS = (check_presence, check_code_lists, check_decimals, check_totals, check_vat_categories)


def validate_en16931(invoice: Invoice, syntax: str) -> list[Finding]:
    ctx = RuleContext(invoice, syntax)
    for check in CHECKS:
        check(ctx)
    return ctx.findings
