"""``pdp validate FILE… [--json]``: the same report as the API, for people and scripts."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pdp.tenants.invoices.findings import public_entry
from pdp.tenants.invoices.formats.json_input import JsonInvoice
from pdp.tenants.invoices.validation.engine import ValidationReport, validate_document

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def _unreadable(report: ValidationReport) -> bool:
    return any(f.severity == "fatal" for f in report.errors)


def run_validate(files: tuple[str, ...], as_json: bool, lang: str, metadata: JsonInvoice | None = None) -> int:
    worst = EXIT_VALID
    for name in files:
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as exc:
            entry = {
                "rule": "PDP-FILE-UNREADABLE",
                "severity": "fatal",
                "message": exc.strerror or str(exc),
                "path": "/",
            }
            _emit(name, False, [entry], as_json)
            worst = EXIT_UNREADABLE
            continue
        report = validate_document(data, filename=path.name, metadata=metadata)
        _emit(
            name,
            report.valid,
            [public_entry(f, lang) for f in report.errors],
            as_json,
            detail=f"{report.syntax or '?'}, {report.profile or 'no profile'}",
        )
        if _unreadable(report):
            worst = EXIT_UNREADABLE
        elif not report.valid and worst == EXIT_VALID:
            worst = EXIT_INVALID
    return worst


def _emit(name: str, valid: bool, errors: list[dict[str, str]], as_json: bool, detail: str = "") -> None:
    if as_json:
        click.echo(json.dumps({"file": name, "valid": valid, "errors": errors}, ensure_ascii=False))
        return
    mark = "valid" if valid else "INVALID"
    click.echo(f"{name}: {mark}" + (f" ({detail})" if detail else ""))
    for error in errors:
        click.echo(f"  {error['severity']:<7} {error['rule']:<24} {error['message']}  [{error['path']}]")
