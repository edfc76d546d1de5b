"""Reading values out of XML elements the same way in every syntax: stripped text, empty means absent."""

from __future__ import annotations

import binascii
import re
from typing import Any

# xs:decimal: Decimal() alone would also accept "1e5", "NaN", "1_0" and non-ASCII digits.
XSD_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
# What str.split() splits an ASCII text on.
_ASCII_WHITESPACE = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


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


def base64_content(text: str) -> bytes:
    """The bytes of an xs:base64Binary text, strictly decoded: ``b64decode("".join(text.split()), validate=True)``.

    Attachments are often wrapped over lines of 76: one on a single line is decoded as it is, an ASCII one has its
    whitespace deleted in one C pass (half the time of splitting megabytes into lines and joining them). Raises
    ValueError (``binascii.Error`` included) as ``b64decode`` does.
    """
    try:
        return binascii.a2b_base64(text, strict_mode=True)
    except ValueError:
        pass
    if text.isascii():
        return binascii.a2b_base64(text.encode("ascii").translate(None, _ASCII_WHITESPACE), strict_mode=True)
    return binascii.a2b_base64("".join(text.split()), strict_mode=True)
