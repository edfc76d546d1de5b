"""What a supplier does to an invoice from its page: withdraw it, recycle it, complete it (``/factures/{id}/…``).

Each action is the API's own service (:mod:`pdp.tenants.deposits.actions`), with the portal user as the actor of
its audit entries, behind two steps: a form (or a question), then a confirmation that says what will happen. Only
an administrator or a depositor of the invoice's provider reaches them; a viewer ("Gestionnaire") gets 403 on
the pages and the posts alike, and sees no button. A refused action shows its form again, in French, with the
status of the refusal, so that the unit of work rolls back whatever the attempt had begun.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.einvoice.findings import Finding
from pdp.platform.callers import PortalRole, PortalUserCaller
from pdp.platform.errors import AppError, ValidationFailed
from pdp.tenants.deposits import actions
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.deposits.repository import InvoiceRepository
from pdp.web.portal import redirects
from pdp.web.portal.access import require_role
from pdp.web.portal.auth import PortalAccount
from pdp.web.portal.routing import Form
from pdp.web.portal.shell import Shell
from pdp.web.portal.upload_spool import SpooledFile, SpoolGone, read_uploads, session_spool
from pdp.web.resources import Resources

COMPLETION = "completion"
ATTACHMENTS_BODY_LIMIT = 121 * 1024 * 1024  # as the API's completion: Chorus Pro's 120 MB per invoice

# An action's refusal, in French (message ids), by the error's code; Chorus's own refusals (chorus_…) quote it.
REFUSED = {
    "invoice_status_conflict": "La facture a changé d'état entre-temps : cette action n'est plus possible.",
    "validation_failed": "Le SIRET du destinataire n'est pas valide : 14 chiffres, clé de contrôle comprise.",
    "attachments_missing": "Joignez au moins une pièce.",
    "attachments_invalid": "Certaines pièces ne peuvent pas être envoyées à Chorus Pro :",
    "chorus_not_configured": "Chorus Pro n'est pas joignable depuis ce service pour le moment : réessayez plus tard.",
    "chorus_environment_unavailable": (
        "Chorus Pro n'est pas joignable depuis ce service pour le moment : réessayez plus tard."
    ),
    "archive_unavailable": "L'archive est momentanément indisponible : rien n'a été envoyé. Réessayez.",
    "archive_quota_exceeded": "L'espace d'archivage de {tenant} est plein : prévenez {tenant}.",
    "portal_upload_gone": (
        "Les pièces choisies ne sont plus conservées (30 minutes au plus, ou déjà envoyées) : choisissez-les à nouveau."
    ),
}
CHORUS_REFUSED = "Chorus Pro a refusé la demande ; rien n'a changé. Son message :"
REFUSED_DEFAULT = "L'action n'a pas pu aboutir ; rien n'a changé."


def refusal_of(error: AppError) -> tuple[str, str | None]:
    """(French message id, Chorus's own words when it refused)."""
    if error.code in REFUSED:
        return REFUSED[error.code], None
    if error.code.startswith("chorus_"):
        return CHORUS_REFUSED, error.detail
    return REFUSED_DEFAULT, None


async def _actionable(session: AsyncSession, caller: PortalUserCaller, invoice_id: str) -> InvoiceRecord:
    """The invoice (404 beyond the caller's scope), once the caller is known to act on its provider (403)."""
    invoice = await InvoiceRepository(session).get(invoice_id)
    require_role(caller, invoice.provider_id, PortalRole.DEPOSITOR)
    return invoice


def _detail(shell: Shell, invoice: InvoiceRecord, notice: str) -> str:
    return shell.url(f"/factures/{invoice.id}?notice={notice}")


def _page(
    shell: Shell,
    template: str,
    invoice: InvoiceRecord,
    *,
    error: AppError | None = None,
    problems: list[Finding] | None = None,
    **context: Any,
) -> Template:
    message, quoted = refusal_of(error) if error is not None else (None, None)
    return shell.page(
        f"portal/invoices/{template}",
        status=error.status if error is not None else 200,
        invoice=invoice,
        error=message,
        quoted=quoted,
        problems=problems or [],
        **context,
    )


def _completion(
    shell: Shell,
    invoice: InvoiceRecord,
    *,
    comment: str = "",
    pieces: list[SpooledFile] | None = None,
    spool_id: str | None = None,
    error: AppError | None = None,
    problems: list[Finding] | None = None,
) -> Template:
    """The completion page: the form, its refusal, or the pieces held (``spool_id``) to be confirmed."""
    return _page(
        shell,
        "complete.html.jinja2",
        invoice,
        error=error,
        problems=problems,
        files=pieces or [],
        spool_id=spool_id,
        comment=comment,
    )


def _typed(value: str | None) -> str:
    """What a person typed in a text field, trimmed, at most 500 characters (as the API takes it)."""
    return (value or "").strip()[:500]


def _attachments(pieces: list[SpooledFile]) -> list[actions.Attachment]:
    return [actions.Attachment(p.name, p.content_type, p.data) for p in pieces]


class InvoiceActionsController(Controller):
    path = "/factures/{invoice_id:str}"

    @get("/retirer")
    async def withdraw_question(
        self,
        invoice_id: FromPath[str],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
    ) -> Template:
        invoice = await _actionable(session, caller, invoice_id)
        return _page(shell, "withdraw.html.jinja2", invoice, possible=actions.can_withdraw(invoice))

    @post("/retirer", status_code=200)
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        invoice_id: FromPath[str],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
    ) -> Response[Any]:
        invoice = await _actionable(session, caller, invoice_id)
        try:
            await actions.withdraw(session, invoice.id, caller.actor)
        except AppError as refused:
            return _page(shell, "withdraw.html.jinja2", invoice, error=refused, possible=False)
        return redirects.go(request, _detail(shell, invoice, "retiree"))

    @get("/recycler")
    async def recycle_form(
        self,
        invoice_id: FromPath[str],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
    ) -> Template:
        invoice = await _actionable(session, caller, invoice_id)
        values = {
            "siret": invoice.recipient_siret,
            "service": invoice.service_code or "",
            "engagement": invoice.engagement_number or "",
            "commentaire": "",
        }
        return _page(shell, "recycle.html.jinja2", invoice, values=values, confirming=False)

    @post("/recycler", status_code=200)
    async def recycle(
        self,
        *,
        request: Request[Any, Any, Any],
        invoice_id: FromPath[str],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
        resources: NamedDependency[Resources],
        data: Form,
    ) -> Response[Any]:
        invoice = await _actionable(session, caller, invoice_id)
        values = {name: _typed(data.get(name)) for name in ("siret", "service", "engagement", "commentaire")}
        if data.get("confirme") != "oui":  # the first step: say what will be sent, ask again
            return _page(shell, "recycle.html.jinja2", invoice, values=values, confirming=True)
        routing = actions.NewRouting(
            recipient_siret=values["siret"] or None,
            service_code=values["service"],
            engagement_number=values["engagement"],
            comment=values["commentaire"] or None,
        )
        try:
            await actions.recycle(
                session, invoice.id, routing, caller.actor, gateway=resources.chorus, envelope=resources.envelope
            )
        except AppError as refused:
            return _page(shell, "recycle.html.jinja2", invoice, error=refused, values=values, confirming=False)
        return redirects.go(request, _detail(shell, invoice, "recyclee"))

    @get("/completer")
    async def complete_form(
        self,
        invoice_id: FromPath[str],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
    ) -> Template:
        invoice = await _actionable(session, caller, invoice_id)
        return _completion(shell, invoice)

    @post("/completer", status_code=200, request_max_body_size=ATTACHMENTS_BODY_LIMIT)
    async def complete_check(
        self,
        *,
        request: Request[Any, Any, Any],
        invoice_id: FromPath[str],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
        account: NamedDependency[PortalAccount],
        resources: NamedDependency[Resources],
    ) -> Template:
        """The first step: the pieces are checked as Chorus Pro will, held, and listed for confirmation."""
        invoice = await _actionable(session, caller, invoice_id)
        pieces, form = await read_uploads(request, "files", unnamed="document")
        comment = _typed(form.text("commentaire"))
        if not pieces:
            return _completion(shell, invoice, comment=comment, error=ValidationFailed(code="attachments_missing"))
        problems = actions.attachment_problems(_attachments(pieces))
        if problems:
            refused = ValidationFailed(code="attachments_invalid")
            return _completion(shell, invoice, comment=comment, pieces=pieces, error=refused, problems=problems)
        spool = session_spool(resources, shell, account)
        spool_id = await spool.put(COMPLETION, pieces, {"invoice_id": invoice.id})
        return _completion(shell, invoice, comment=comment, pieces=pieces, spool_id=spool_id)

    @post("/completer/confirmation", status_code=200)
    async def complete(
        self,
        *,
        request: Request[Any, Any, Any],
        invoice_id: FromPath[str],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
        account: NamedDependency[PortalAccount],
        resources: NamedDependency[Resources],
        data: Form,
    ) -> Response[Any]:
        invoice = await _actionable(session, caller, invoice_id)
        comment = _typed(data.get("commentaire"))
        spool = session_spool(resources, shell, account)
        spool_id = data.get("lot", "")
        try:
            pieces, context = await spool.get(COMPLETION, spool_id)
            if context.get("invoice_id") != invoice.id:
                raise SpoolGone()
            await actions.complete(
                session,
                invoice.id,
                _attachments(pieces),
                caller.actor,
                comment=comment or None,
                bucket=resources.archive,
                gateway=resources.chorus,
                envelope=resources.envelope,
                retention_days=resources.settings.archive_retention_days,
            )
        except AppError as refused:
            return _completion(shell, invoice, comment=comment, error=refused)
        await spool.drop(spool_id)
        return redirects.go(request, _detail(shell, invoice, "completee"))
