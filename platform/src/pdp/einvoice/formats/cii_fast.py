"""The CII line reader under its former module name, for the callers and tests that import it from here.

The code lives in :mod:`cii_values` (namespaces and value primitives) and :mod:`cii_lines` (the fast path
:func:`read_lines` and the reference reader :func:`read_line_slow` it must agree with). Nothing here runs per call:
these are the same objects, imported once.
"""

from __future__ import annotations

from pdp.einvoice.formats.cii_lines import _Unsettled, fast_line, read_line_slow, read_lines, read_lines_slow
from pdp.einvoice.formats.cii_values import QDT, RAM, RSM, UDT, UNREADABLE, Kids, T, element_xpath

__all__ = [
    "QDT",
    "RAM",
    "RSM",
    "UDT",
    "UNREADABLE",
    "Kids",
    "T",
    "_Unsettled",
    "element_xpath",
    "fast_line",
    "read_line_slow",
    "read_lines",
    "read_lines_slow",
]
