"""``pdp validate FILE… [--json] [--metadata FILE]``: the same report as the API, for people and scripts."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import click
import msgspec
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.cli.admin_tasks import provider_unit_of_work
from pdp.cli.config import cli_settings
from pdp.einvoice.findings import public_entry
from pdp.einvoice.validation.engine import ValidationReport
from pdp.platform.errors import AppError
from pdp.tenants.deposits.document_checks import validate_upload

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def _unreadable(report: ValidationReport) -> bool:
    return any(f.severity == "fatal" for f in report.errors)


def read_metadata(path: str) -> dict[str, Any]:
    """The ``--metadata`` file: a JSON object, the same as the API's ``metadata`` part."""
    try:
        return msgspec.json.decode(Path(path).read_bytes(), type=dict[str, Any])
    except (OSError, msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise click.BadParameter(f"must be a JSON object ({exc})", param_hint="--metadata") from exc


@asynccontextmanager
async def _session_for(metadata: dict[str, Any]) -> AsyncIterator[AsyncSession]:
    """Where the provider named by ``provider_id`` is read, as the API reads it to complete the seller.

    Without ``provider_id`` validation reads nothing from the database: a session bound to no engine keeps the
    command offline.
    """
    provider_id = metadata.get("provider_id")
    if not isinstance(provider_id, str):
        async with AsyncSession() as offline:
            yield offline
        return
    try:
        async with provider_unit_of_work(cli_settings(), provider_id) as session:
            yield session
    except (OSError, SQLAlchemyError) as exc:
        raise click.ClickException(
            f"provider_id needs pdp's database (pdp dev running, or PDP_DATABASE_URL): {exc}; "
            "leave it out to validate offline"
        ) from exc


async def _validate_files(files: tuple[str, ...], as_json: bool, lang: str, metadata: dict[str, Any]) -> int:
    worst = EXIT_VALID
    async with _session_for(metadata) as session:
        for name in files:
            path = Path(name)
            try:
                data = await asyncio.to_thread(path.read_bytes)
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
            # The API's own reading of an upload and its metadata (routing, provider, a plain PDF's invoice).
            report = await validate_upload(session, data, filename=path.name, metadata=metadata)
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


def run_validate(files: tuple[str, ...], as_json: bool, lang: str, metadata: dict[str, Any] | None = None) -> int:
    """Validate each file as ``POST /v1/invoices/validate`` would with ``metadata`` as its metadata part (the
    recipient directory aside: the command does not call Chorus Pro)."""
    try:
        return asyncio.run(_validate_files(files, as_json, lang, metadata or {}))
    except AppError as exc:  # metadata the API would refuse (malformed, unknown provider)
        raise click.BadParameter(exc.detail, param_hint="--metadata") from exc


def _emit(name: str, valid: bool, errors: list[dict[str, str]], as_json: bool, detail: str = "") -> None:
    if as_json:
        click.echo(json.dumps({"file": name, "valid": valid, "errors": errors}, ensure_ascii=False))
        return
    mark = "valid" if valid else "INVALID"
    click.echo(f"{name}: {mark}" + (f" ({detail})" if detail else ""))
    for error in errors:
        click.echo(f"  {error['severity']:<7} {error['rule']:<24} {error['message']}  [{error['path']}]")
