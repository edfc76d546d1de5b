"""UBL 2.1 Invoice and CreditNote (EN 16931 binding): read into, and write from, the canonical Invoice.

The reader lives in :mod:`ubl_read` and the writer in :mod:`ubl_write`; import from here.
"""

from __future__ import annotations

from pdp.einvoice.formats.ubl_read import RULE, is_ubl, profile_of, read_ubl
from pdp.einvoice.formats.ubl_write import write_ubl

__all__ = ["RULE", "is_ubl", "profile_of", "read_ubl", "write_ubl"]
