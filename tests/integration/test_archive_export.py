"""pdp archive export: a provider's documents in a zip, byte-identical, with a manifest that proves them."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import zipfile
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pdp.cli.main import cli
from pdp.platform.settings import Settings
from tests.conftest import TenantFixture
from tests.journeys import active_mandate, cii_invoice, deposit_cii, seller_provider


def _environment(settings: Settings) -> dict[str, str]:
    """The test settings as the PDP_* variables the command line reads."""
    return {f"PDP_{field.name.upper()}": str(getattr(settings, field.name)) for field in fields(settings)}


async def test_export_writes_every_document_and_a_verifiable_manifest(
    client: Any, tenant: TenantFixture, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = await seller_provider(client, tenant)
    mandate = await active_mandate(client, tenant, provider["id"])
    invoice = (await deposit_cii(client, tenant, provider["id"])).json()
    for key, value in _environment(settings).items():
        monkeypatch.setenv(key, value)
    target = tmp_path / "export.zip"
    runner = CliRunner()
    result = await _run(runner, ["archive", "export", "--provider", provider["id"], "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert "3 documents" in result.output
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["provider"]["siret"] == provider["siret"] and manifest["tenant_id"] == tenant.id
        kinds = sorted(entry["kind"] for entry in manifest["documents"])
        assert kinds == ["invoice_original", "mandate", "mandate_evidence"]
        for entry in manifest["documents"]:
            data = archive.read(entry["path"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["size"]
            assert entry["s3_version_id"] and entry["retain_until"]
        original = next(e for e in manifest["documents"] if e["kind"] == "invoice_original")
        assert archive.read(original["path"]) == cii_invoice() and original["subject_id"] == invoice["id"]
        assert {e["subject_id"] for e in manifest["documents"] if e["kind"] != "invoice_original"} == {mandate["id"]}

    unknown = await _run(runner, ["archive", "export", "--provider", "prv_01JABCDEFGHJKMNPQRSTVWXYZ0"])
    assert unknown.exit_code == 1 and "No provider" in unknown.output


async def _run(runner: CliRunner, args: list[str]) -> Any:
    # The command runs its own event loop (asyncio.run): give it a thread of its own.
    return await asyncio.to_thread(runner.invoke, cli, args)
