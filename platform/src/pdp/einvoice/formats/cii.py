"""UN/CEFACT CII D16B (EN 16931 and Factur-X): read into, and write from, the canonical Invoice.

The reader lives in :mod:`cii_read` and the writer in :mod:`cii_write`; import from here.
"""

from __future__ import annotations

from pdp.einvoice.formats.cii_read import (
    EN16931_PROFILE,
    NSMAP,
    UNREADABLE,
    element_xpath,
    is_cii,
    profile_of,
    read_cii,
    read_cii_with_gaps,
)
from pdp.einvoice.formats.cii_write import write_cii

__all__ = [
    "EN16931_PROFILE",
    "NSMAP",
    "UNREADABLE",
    "element_xpath",
    "is_cii",
    "profile_of",
    "read_cii",
    "read_cii_with_gaps",
    "write_cii",
]
