"""Validation findings: ``{rule, severity, message, path}``, the shape every pdp report uses (docs/api.md § Errors)."""

from __future__ import annotations

from typing import Literal

import msgspec

Severity = Literal["fatal", "error", "warning", "info"]


class Finding(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    rule: str  # official id where one exists (BR-CO-15, BR-S-08, BR-FR-05…), else CHORUS-… / PDP-…
    severity: Severity
    message: str  # English
    message_fr: str  # French
    path: str  # "BT-106 /rsm:CrossIndustryInvoice/…" — the BT id and, where known, the XPath
    bt: str | None = None
    xpath: str | None = None


def finding(
    rule: str, severity: Severity, message: str, message_fr: str, *, bt: str | None = None, xpath: str | None = None
) -> Finding:
    path = f"{bt} {xpath}" if bt and xpath else (bt or xpath or "/")  # the parts given, space-separated
    return Finding(rule=rule, severity=severity, message=message, message_fr=message_fr, path=path, bt=bt, xpath=xpath)


def public_entry(item: Finding, lang: str = "en") -> dict[str, str]:
    """The ``{rule, severity, message, path}`` shape of reports (docs/api.md § Errors), in English or French."""
    message = item.message_fr if lang == "fr" else item.message
    return {"rule": item.rule, "severity": item.severity, "message": message, "path": item.path}


class UnreadableDocument(Exception):
    """The input cannot be read as an invoice at all (wrong type, unsafe, corrupt). Carries one finding."""

    def __init__(
        self, rule: str, message: str, message_fr: str, *, bt: str | None = None, xpath: str | None = None
    ) -> None:
        super().__init__(message)
        self.finding = finding(rule, "fatal", message, message_fr, bt=bt, xpath=xpath)
