"""Small value checks shared by slices."""

from __future__ import annotations

import re

import msgspec

from pdp.platform.errors import ValidationFailed

# Text a person could type: no C0 control characters (NUL in particular, which PostgreSQL cannot store in text).
PRINTABLE = msgspec.Meta(pattern=r"^[^\x00-\x1f\x7f]*$", description="No control characters")

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def normalize_email(value: str, path: str = "$.email") -> str:
    email = value.strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise ValidationFailed(
            errors=[
                finding("PDP-EMAIL-INVALID", f"'{value}' is not an e-mail address.", "Adresse e-mail invalide.", path)
            ]
        )
    return email


def finding(rule: str, message: str, message_fr: str, path: str, severity: str = "error") -> dict[str, str]:
    """One validation finding, in the shape every pdp report uses."""
    return {"rule": rule, "severity": severity, "message": message, "message_fr": message_fr, "path": path}
