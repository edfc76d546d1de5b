"""``pdp staff …``: the console's pages and actions from the command line (the work is in
:mod:`pdp.cli.staff_tasks`, through the same services, grants and audit as the console)."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Coroutine
from typing import Any

import click

from pdp.cli.config import cli_settings

GRANT = click.option("--grant", "grant_id", required=True, help="An open grant on this tenant (pdp staff grant)")


@click.group()
def staff() -> None:
    """Support staff: accounts, sign-in, search across tenants, access grants (as the console does)."""
    from pdp.platform.logging import configure_logging

    configure_logging("warning")  # on stderr: stdout is the commands' JSON


def _staff_session() -> str:
    token = os.environ.get("PDP_STAFF_SESSION", "")
    if not token:
        raise click.ClickException("Sign in first: export PDP_STAFF_SESSION from `pdp staff sign-in`.")
    return token


def _staff_answer(task: Coroutine[Any, Any, Any]) -> None:
    from pdp.platform.errors import AppError

    try:
        click.echo(json.dumps(asyncio.run(task), ensure_ascii=False, indent=2, default=str))
    except AppError as exc:
        raise click.ClickException(f"{exc.code}: {exc.detail}") from exc


@staff.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", type=click.Choice(["support", "operator", "admin"]), default="support")
def staff_create(email: str, full_name: str, role: str) -> None:
    """Create a staff account (as the owner); prints its first password and TOTP secret, once."""
    from pdp.cli.staff_tasks import create_staff

    _staff_answer(create_staff(cli_settings(), email, full_name, role))


@staff.command("sign-in")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, envvar="PDP_STAFF_PASSWORD")
@click.option("--code", prompt="TOTP code", envvar="PDP_STAFF_CODE")
def staff_sign_in(email: str, password: str, code: str) -> None:
    """Sign in with password and TOTP code; prints the session to export as PDP_STAFF_SESSION."""
    from pdp.cli.staff_tasks import sign_in

    _staff_answer(sign_in(cli_settings(), email, password, code))


@staff.command("search")
@click.argument("query")
def staff_search(query: str) -> None:
    """Tenants, providers and invoices matching QUERY (id, name, SIRET, number, flux, event id, e-mail): routing
    information only, no grant needed."""
    from pdp.cli.staff_tasks import find

    _staff_answer(find(cli_settings(), _staff_session(), query))


@staff.command("grant")
@click.argument("tenant_id")
@click.option("--reason", required=True, help="Why you need to read this tenant's data")
@click.option("--ticket", required=True, help="The support ticket it answers")
@click.option("--provider", "provider_id", default=None, help="Narrow the grant to one provider")
@click.option("--invoice", "invoice_id", default=None, help="Narrow the grant to one invoice")
@click.option("--minutes", default=60, show_default=True, help="How long the grant lasts (at most 480)")
def staff_grant(tenant_id: str, **narrowed: Any) -> None:
    """Open an access grant on a tenant (audited; the tenant sees it in GET /v1/staff-access)."""
    from pdp.cli.staff_tasks import open_grant

    settings, token = cli_settings(), _staff_session()
    _staff_answer(open_grant(settings, token, tenant_id, **narrowed))


@staff.command("tenant")
@click.argument("tenant_id")
@GRANT
def staff_tenant(tenant_id: str, grant_id: str) -> None:
    """The tenant under a grant: status, API keys, webhook endpoints, invoices by status (the read is audited)."""
    from pdp.cli.staff_tasks import show_tenant

    _staff_answer(show_tenant(cli_settings(), _staff_session(), tenant_id, grant_id))


@staff.command("suspend")
@click.argument("tenant_id")
@GRANT
@click.option("--reason", required=True, help="Why (shown on the tenant's portal)")
def staff_suspend(tenant_id: str, grant_id: str, reason: str) -> None:
    """Suspend a tenant (admin): its API keys get 403 tenant_suspended, its portal says why; audited."""
    from pdp.cli.staff_tasks import lifecycle

    _staff_answer(lifecycle(cli_settings(), _staff_session(), tenant_id, grant_id, reason))


@staff.command("reactivate")
@click.argument("tenant_id")
@GRANT
def staff_reactivate(tenant_id: str, grant_id: str) -> None:
    """Reactivate a suspended tenant (admin); audited."""
    from pdp.cli.staff_tasks import lifecycle

    _staff_answer(lifecycle(cli_settings(), _staff_session(), tenant_id, grant_id, None))


@staff.command("invoice")
@click.argument("tenant_id")
@click.argument("invoice_id")
@GRANT
def staff_invoice(tenant_id: str, invoice_id: str, grant_id: str) -> None:
    """An invoice's whole story under a grant: events, Chorus Pro calls, deliveries, documents (audited)."""
    from pdp.cli.staff_tasks import show_invoice

    _staff_answer(show_invoice(cli_settings(), _staff_session(), tenant_id, grant_id, invoice_id))


def _act(tenant_id: str, grant_id: str, action: Any, shown: Any = None) -> None:
    from pdp.cli.staff_tasks import act

    async def acting() -> Any:
        done = await act(cli_settings(), _staff_session(), tenant_id, grant_id, action)
        return shown(done) if shown else {"done": True}

    _staff_answer(acting())


@staff.command("redrive")
@click.argument("tenant_id")
@click.argument("invoice_id")
@GRANT
def staff_redrive(tenant_id: str, invoice_id: str, grant_id: str) -> None:
    """Run an invoice's next step now (submission or tracking); audited."""
    from pdp.tenants.staff import actions

    _act(
        tenant_id,
        grant_id,
        lambda session, caller: actions.redrive(session, caller, invoice_id),
        lambda invoice: {"invoice_id": invoice.id, "status": invoice.status, "next_check_at": invoice.next_check_at},
    )


@staff.command("follow-up")
@click.argument("tenant_id")
@click.argument("invoice_id")
@GRANT
@click.option("--note", required=True, help="What must be followed up, and with whom")
def staff_follow_up(tenant_id: str, invoice_id: str, grant_id: str, note: str) -> None:
    """Mark an invoice for manual follow-up (a case in the staff queue); audited."""
    from pdp.tenants.staff import actions

    _act(tenant_id, grant_id, lambda session, caller: actions.mark_for_follow_up(session, caller, invoice_id, note))


@staff.command("replay")
@click.argument("tenant_id")
@click.argument("delivery_id")
@GRANT
def staff_replay(tenant_id: str, delivery_id: str, grant_id: str) -> None:
    """Send a webhook delivery again now; audited."""
    from pdp.tenants.staff import actions

    _act(
        tenant_id,
        grant_id,
        lambda session, caller: actions.replay_webhook(session, caller, delivery_id),
        lambda delivery: {"delivery_id": delivery.id, "status": delivery.status},
    )


@staff.command("resend-email")
@click.argument("tenant_id")
@click.argument("invoice_id")
@GRANT
def staff_resend_email(tenant_id: str, invoice_id: str, grant_id: str) -> None:
    """Send the provider's e-mail about the invoice's current status again; audited."""
    from pdp.tenants.staff import actions

    _act(
        tenant_id,
        grant_id,
        lambda session, caller: actions.resend_status_email(session, caller, invoice_id),
        lambda event_id: {"event_id": event_id},
    )


@staff.command("revoke-key")
@click.argument("tenant_id")
@click.argument("key_id")
@GRANT
def staff_revoke_key(tenant_id: str, key_id: str, grant_id: str) -> None:
    """Revoke one of the tenant's API keys at once (operator); audited."""
    from pdp.tenants.staff import actions

    _act(
        tenant_id,
        grant_id,
        lambda session, caller: actions.revoke_key(session, caller, key_id),
        lambda key: {"key_id": key.id, "revoked_at": key.revoked_at},
    )


@staff.command("rotate-secret")
@click.argument("tenant_id")
@click.argument("endpoint_id")
@GRANT
@click.option("--previous-valid-hours", default=0, show_default=True, help="How long the former secret still signs")
def staff_rotate_secret(tenant_id: str, endpoint_id: str, grant_id: str, previous_valid_hours: int) -> None:
    """Replace a webhook endpoint's signing secret (operator); nobody sees the new one, audited."""
    from pdp.cli.staff_tasks import sealing_envelope
    from pdp.tenants.staff import actions

    envelope = sealing_envelope(cli_settings())
    _act(
        tenant_id,
        grant_id,
        lambda session, caller: actions.rotate_webhook_secret(
            session, caller, endpoint_id, envelope, previous_valid_hours=previous_valid_hours
        ),
        lambda endpoint: {
            "endpoint_id": endpoint.id,
            "previous_secret_expires_at": endpoint.previous_secret_expires_at,
        },
    )


@staff.command("close-grant")
@click.argument("tenant_id")
@GRANT
def staff_close_grant(tenant_id: str, grant_id: str) -> None:
    """Close your grant before it expires (the case is done); audited."""
    from pdp.tenants.staff import grants

    _act(tenant_id, grant_id, grants.revoke, lambda grant: {"grant_id": grant.id, "revoked_at": grant.revoked_at})


@staff.command("operations")
def staff_operations() -> None:
    """Open cases, waiting jobs, Chorus Pro failures, API refusals per tenant, audit checkpoints: no grant needed."""
    from pdp.cli.staff_tasks import operations

    _staff_answer(operations(cli_settings(), _staff_session()))


@staff.command("resolve")
@click.argument("case_id")
@click.option("--resolution", required=True, help="What was done")
def staff_resolve(case_id: str, resolution: str) -> None:
    """Close a case of the staff queue with what was done."""
    from pdp.cli.staff_tasks import resolve

    _staff_answer(resolve(cli_settings(), _staff_session(), case_id, resolution))


@staff.command("activity")
def staff_activity() -> None:
    """Staff activity across the platform (admin): sign-ins, grants opened, account changes."""
    from pdp.cli.staff_tasks import activity

    _staff_answer(activity(cli_settings(), _staff_session()))
