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


def code_of(element: Any) -> str | None:
    """A code's text, stripped; "" when the element is there but blank, None only when it is absent.

    For the codes whose presence the CEN artefacts test by existence (BT-81 ``exists(cbc:PaymentMeansCode)``, the
    VAT categories, BT-130's ``@unitCode``): a blank one is present, fails its code list (BR-CL-…) and not its
    presence rule (BR-49, BR-47, BR-CO-04, BR-23…), as there.
    """
    if element is None:
        return None
    text = element.text
    return "" if text is None else text.strip()


def code_attribute_of(element: Any, name: str) -> str | None:
    """:func:`code_of` for an attribute (``unitCode``): "" when present but blank."""
    if element is None:
        return None
    value = element.get(name)
    return None if value is None else value.strip()


def attribute_of(element: Any, name: str) -> str | None:
    """The attribute's value, stripped; None when absent or blank."""
    if element is None:
        return None
    value = element.get(name)
    if value is None:
        return None
    return value.strip() or None
