"""Reading values out of XML elements the same way in every syntax: stripped text, empty means absent."""

from __future__ import annotations

import re
from typing import Any

# xs:decimal: Decimal() alone would also accept "1e5", "NaN", "1_0" and non-ASCII digits.
XSD_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def text_of(element: Any) -> str | None:
    """The element's text, stripped; None when the element or its text is absent or blank."""
    if element is None:
        return None
    text = element.text
    if text is None:
        return None
    return text.strip() or None


def attribute_of(element: Any, name: str) -> str | None:
    """The attribute's value, stripped; None when absent or blank."""
    if element is None:
        return None
    value = element.get(name)
    if value is None:
        return None
    return value.strip() or None
