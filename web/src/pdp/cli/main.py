"""The ``pdp`` command line: the composition root above the API and the workers."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import click

from pdp.cli.config import checked_settings, cli_environment, cli_settings
from pdp.cli.staff import staff


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """pdp — the partner deposit platform for Chorus Pro."""


cli.add_command(staff)


@cli.command()
@click.option("--host", default=None, help="Address to bind (default PDP_HOST)")
@click.option("--port", type=int, default=None, help="Port to bind (default PDP_PORT)")
@click.option("--workers", type=int, default=1, show_default=True, help="API processes")
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Run the API (Partner API, docs, health)."""
    import uvicorn

    # API processes build the app from the environment: hand them the resolved settings through it.
    os.environ.update(cli_environment())
    settings = checked_settings()
    uvicorn.run(
        "pdp.web.app:app_factory",
        factory=True,
        workers=workers,
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level,
        access_log=False,
        proxy_headers=False,  # pdp reads X-Forwarded-For itself, from PDP_TRUSTED_PROXIES only (web.client_address)
        lifespan="on",
    )


@cli.command()
def worker() -> None:
    """Run a job worker until SIGTERM or Ctrl-C."""
    from pdp.workers.app import run_worker

    run_worker(checked_settings())


@cli.command()
@click.option("--revision", default="head", show_default=True)
def migrate(revision: str) -> None:
    """Apply database migrations (as PDP_DATABASE_OWNER_URL, granting PDP_DATABASE_URL's role)."""
    from pdp.platform.db import admin

    settings = checked_settings()
    admin.upgrade(settings.owner_url, settings.database_url, revision)
    click.echo(f"database at {revision}")


@cli.group()
def tenant() -> None:
    """Manage tenants."""


@tenant.command("create")
@click.option("--name", required=True, help="The platform's name")
@click.option("--mode", type=click.Choice(["test", "live"]), default=None, help="Mode of the first API key")
def tenant_create(name: str, mode: str | None) -> None:
    """Create a tenant and its first API key; prints JSON {tenant_id, api_key}."""
    from pdp.cli.admin_tasks import create_tenant

    settings = cli_settings()
    tenant_id, api_key = asyncio.run(create_tenant(settings, name, mode or settings.api_key_mode))
    click.echo(json.dumps({"tenant_id": tenant_id, "api_key": api_key}))


@tenant.command("list")
def tenant_list() -> None:
    """Every tenant, oldest first: one JSON object per line {tenant_id, name, status, created_at, active_api_keys}."""
    from pdp.cli.tenant_tasks import list_tenants

    for row in asyncio.run(list_tenants(cli_settings())):
        click.echo(json.dumps(row, ensure_ascii=False))


@tenant.command("show")
@click.argument("tenant_id")
def tenant_show(tenant_id: str) -> None:
    """A tenant and its API keys (hint, mode, created, last audited action, revoked) as JSON; audited."""
    from pdp.cli.tenant_tasks import show_tenant

    click.echo(json.dumps(_or_not_found(show_tenant(cli_settings(), tenant_id)), ensure_ascii=False, indent=2))


@tenant.command("revoke-key")
@click.argument("key_id")
def tenant_revoke_key(key_id: str) -> None:
    """Revoke an API key of any tenant (key_…) at once; audited as the operator's."""
    from pdp.cli.tenant_tasks import revoke_key

    click.echo(json.dumps(_or_not_found(revoke_key(cli_settings(), key_id)), ensure_ascii=False))


@tenant.command("brand")
@click.argument("tenant_id")
@click.option("--colour", default=None, help="The portal's colour, #rrggbb (text on it is set black or white)")
@click.option("--logo", type=click.Path(exists=True, dir_okay=False), default=None, help="PNG or JPEG, at most 200 KB")
def tenant_brand(tenant_id: str, colour: str | None, logo: str | None) -> None:
    """Dress a tenant's provider portal in its brand; prints JSON {tenant_id, colour, text_colour, logo_url}."""
    from pdp.cli.tenant_tasks import set_brand
    from pdp.platform.errors import ValidationFailed

    data = Path(logo).read_bytes() if logo else None
    try:
        click.echo(json.dumps(_or_not_found(set_brand(cli_settings(), tenant_id, colour=colour, logo=data))))
    except ValidationFailed as exc:
        raise click.ClickException(exc.detail) from exc


def _or_not_found(task: Coroutine[Any, Any, dict[str, Any]]) -> dict[str, Any]:
    from pdp.platform.errors import NotFound

    try:
        return asyncio.run(task)
    except NotFound as exc:
        raise click.ClickException(exc.detail) from exc


@cli.group()
def mandate() -> None:
    """Mandates, from the provider's side (pdp dev)."""


@mandate.command("accept-demo")
@click.argument("mandate_id")
@click.option("--name", "full_name", default="Jeanne Dupont", show_default=True, help="The signatory's full name")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds to wait for the e-mail")
@click.option("--mailbox", type=click.Path(file_okay=False), default=None, help="Default: pdp dev's (.pdp/mail)")
def mandate_accept_demo(mandate_id: str, full_name: str, timeout: float, mailbox: str | None) -> None:
    """pdp dev only: accept a mandate as its provider would — the invitation e-mail in .pdp/mail/, a proof with
    the local ProConnect stand-in, the signed form. Prints JSON."""
    from pdp.cli.config import dev_dir
    from pdp.cli.demo_acceptance import accept_demo

    folder = Path(mailbox) if mailbox else dev_dir() / "mail"
    result = asyncio.run(accept_demo(cli_settings(), mandate_id, folder, full_name=full_name, wait_seconds=timeout))
    click.echo(json.dumps(result))


@cli.group()
def audit() -> None:
    """The hash-chained audit log."""


@audit.command("verify")
@click.option(
    "--tenant", "tenant_id", default=None, help="One tenant (default: every tenant with events or checkpoints)"
)
def audit_verify(tenant_id: str | None) -> None:
    """Recompute every chain and hold it against the tenant's last checkpoint; exit 1 on any finding."""
    from pdp.cli.admin_tasks import verify_audit
    from pdp.tenants.archive.store import S3Unavailable

    try:
        reports = asyncio.run(verify_audit(cli_settings(), tenant_id))
    except S3Unavailable as exc:  # listing the checkpointed tenants; one tenant's unreadable checkpoint is a finding
        raise click.ClickException(f"the archive cannot be listed: {exc}") from exc
    for report in reports:
        anchor = (
            f"checkpoint of {report.checkpoint.taken_at:%Y-%m-%dT%H:%M:%SZ}"
            if report.checkpoint
            else "no checkpoint yet"
        )
        click.echo(f"{report.tenant_id}: {report.events} events, {anchor}, {'ok' if report.ok else 'BROKEN'}")
        for finding in report.findings:
            click.echo(f"{report.tenant_id}: {finding.where() or 'checkpoint'}: {finding.reason}")
    sys.exit(0 if all(report.ok for report in reports) else 1)


@cli.group()
def keys() -> None:
    """The master keys that encrypt stored secrets (PDP_MASTER_KEYS)."""


@keys.command("rotate")
@click.option("--tenant", "tenant_id", default=None, help="One tenant (default: every tenant holding secrets)")
def keys_rotate(tenant_id: str | None) -> None:
    """Re-wrap every stored secret under the first key of PDP_MASTER_KEYS; prints counts as JSON, exit 1 when some
    secret cannot be decrypted. Idempotent; audited in each tenant's log."""
    from pdp.cli.key_tasks import rotate_keys

    try:
        report = asyncio.run(rotate_keys(cli_settings(), tenant_id))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(report))
    sys.exit(1 if report["unreadable"] else 0)


@cli.group()
def archive() -> None:
    """The documents archive (S3 Object Lock)."""


@archive.command("export")
@click.option("--provider", "provider_id", required=True, help="The provider (prv_…) whose archive to export")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None, help="Zip file to write")
def archive_export(provider_id: str, output: str | None) -> None:
    """Write a provider's archived documents and a manifest (SHA-256, retention, S3 version) to a zip."""
    from pdp.cli.admin_tasks import export_archive
    from pdp.platform.errors import NotFound

    target = Path(output or f"archive-{provider_id}.zip")
    with target.open("wb") as out, click.progressbar(length=0, label="Exporting", file=sys.stderr) as bar:

        def expected(count: int) -> None:
            bar.length = count

        try:
            summary = asyncio.run(
                export_archive(cli_settings(), provider_id, out, lambda _size: bar.update(1), expected=expected)
            )
        except NotFound as exc:
            target.unlink(missing_ok=True)
            raise click.ClickException(exc.detail) from exc
    click.echo(f"{summary.documents} documents, {summary.bytes} bytes → {target}")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file per line")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True)
@click.option(
    "--metadata",
    "metadata_file",
    type=click.Path(dir_okay=False, exists=True),
    help="JSON object, the API's metadata part: routing (recipient_siret, service_code, engagement_number, "
    "billing_frame), provider_id (read from pdp's database), and for a plain PDF the whole invoice",
)
def validate(files: tuple[str, ...], as_json: bool, lang: str, metadata_file: str | None) -> None:
    """Validate invoices (PDF, Factur-X, UBL, CII, JSON): exit 0 all valid, 1 some invalid, 2 unreadable input."""
    from pdp.cli.validate import read_metadata, run_validate

    metadata = read_metadata(metadata_file) if metadata_file else None
    sys.exit(run_validate(files, as_json, lang, metadata))


@cli.command()
@click.option("--dir", "data_dir", default=None, help="Data directory (default PDP_DEV_DIR or .pdp)")
@click.option(
    "--port", type=int, default=None, help="API port (default PDP_PORT, else 8000 or a free one; 0 = any free port)"
)
def dev(data_dir: str | None, port: int | None) -> None:
    """Boot the whole platform locally: PostgreSQL, Redis, S3, migrations, API and a worker."""
    from pdp.cli.dev import run_dev

    sys.exit(run_dev(data_dir, port))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8090, show_default=True)
@click.option("--seed", "seed_file", type=click.Path(dir_okay=False, exists=True), help="Directory seed (JSON)")
@click.option("--rate-limit", type=int, default=0, show_default=True, help="Requests/s per PISTE client; 0: none")
@click.option("--reception-delay", type=float, default=None, help="Virtual seconds before IN_EN_COURS_TRAITEMENT_CPP")
@click.option("--integration-delay", type=float, default=None, help="Virtual seconds more before integration")
@click.option(
    "--speed", type=float, default=1.0, show_default=True, help="Virtual clock speed (3000: a buyer's week in ~3 min)"
)
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Keep flux, invoices and ids here across restarts (default: in memory only)",
)
def sandbox(  # noqa: PLR0917 - click passes each option by name
    host: str,
    port: int,
    seed_file: str | None,
    rate_limit: int,
    reception_delay: float | None,
    integration_delay: float | None,
    speed: float,
    state_dir: str | None,
) -> None:
    """Run the Chorus Pro sandbox emulator; prints its URLs and credentials as one JSON line."""
    from pdp.cli.sandbox import run_sandbox

    run_sandbox(
        host,
        port,
        seed_file,
        rate_limit=rate_limit,
        reception_delay=reception_delay,
        integration_delay=integration_delay,
        speed=speed,
        state_dir=state_dir,
    )


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=1025, show_default=True)
@click.option("--dir", "directory", default=".pdp/mail", show_default=True, help="Where each message is saved (.eml)")
def mailcatcher(host: str, port: int, directory: str) -> None:
    """Run a local SMTP server that keeps every message (for pdp dev): nothing is ever relayed."""
    import signal
    import threading

    from pdp.connectors.mail.catcher import start_catcher

    controller, _ = start_catcher(host, port, Path(directory))
    click.echo(json.dumps({"smtp_host": host, "smtp_port": port, "mailbox_dir": str(Path(directory).resolve())}))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
