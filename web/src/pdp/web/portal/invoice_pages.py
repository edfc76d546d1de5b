"""The invoice pages of the portal, as one list for the signed-in router (:mod:`pdp.web.portal.site`): the list,
an invoice and its actions, depositing files, and the invoice form."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from pdp.web.portal.deposit import DepositController
from pdp.web.portal.invoice_actions import InvoiceActionsController
from pdp.web.portal.invoice_builder import InvoiceBuilderController
from pdp.web.portal.invoices import InvoicesController

INVOICE_PAGES: list[ControllerRouterHandler] = [
    InvoicesController,
    InvoiceActionsController,
    DepositController,
    InvoiceBuilderController,
]
