"""« Créer une facture » (``/portal/{tenant_id}/deposer/facture``): an invoice typed in a form, previewed, deposited.

The form builds the JSON invoice of ``POST /v1/invoices`` (:mod:`pdp.web.portal.invoice_form`); pdp then does
what it does for the API: computes the lines, the VAT breakdown and the totals, checks the invoice (validation,
mandate, number), writes the Factur-X, and deposits it through the same intake. Every step posts the whole form,
so the page works without JavaScript (a button adds a line, another removes one, another looks the buyer up);
htmx, when present, swaps only the part that changed and recomputes the totals as the lines are typed.

The preview shows the invoice as pdp computed it with the validation report in French, and offers the Factur-X
PDF pdp would deposit (``apercu.pdf``: generated, not archived, opened in a new tab; the portal's pages cannot
frame it, their CSP refuses frames), before the supplier confirms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.einvoice.findings import UnreadableDocument
from pdp.einvoice.formats.facturx_write import write_facturx
from pdp.einvoice.formats.json_input import computed_totals
from pdp.platform import clock
from pdp.platform.callers import PortalRole, PortalUserCaller
from pdp.platform.errors import AppError
from pdp.tenants.accounts.shell import ProviderChoice
from pdp.tenants.deposits import hand_deposit, intake
from pdp.tenants.deposits.intake import InvoiceRefused
from pdp.tenants.directory.service import RecipientDirectory, open_directory
from pdp.tenants.providers.repository import ProviderRepository
from pdp.web.portal import redirects
from pdp.web.portal.access import require_role
from pdp.web.portal.deposit import Link, chosen_provider, depositable, link_of
from pdp.web.portal.invoice_form import (
    UNITS,
    VAT_CHOICES,
    InvoiceFormValues,
    LineValues,
    json_body,
    json_lines,
    read_values,
)
from pdp.web.portal.shell import Shell
from pdp.web.resources import Resources

FORM = "portal/invoices/builder.html.jinja2"
FORM_ALONE = "portal/invoices/_builder_form.html.jinja2"  # what htmx swaps (HX-Target: FORM_TARGET)
FORM_TARGET = "builder"
PREVIEW = "portal/invoices/builder_preview.html.jinja2"
TOTALS = "portal/invoices/_totals.html.jinja2"


def lookup_directory(resources: Resources) -> RecipientDirectory:
    """Chorus Pro's directory; without Chorus access, its cache alone (what pdp already knows of a SIRET)."""
    return resources.directory() or open_directory(
        resources.sessionmaker, None, resources.settings.directory_ttl_hours, recent=resources.recent_recipients
    )


async def find_recipient(resources: Resources, siret: str) -> tuple[Any, str | None]:
    """The directory's entry for ``siret`` (RecipientRead), or why there is none (a French message id)."""
    if not siret:
        return None, None
    try:
        return await lookup_directory(resources).get(siret), None
    except AppError as missed:
        if missed.code == "siret_invalid":
            return None, "Ce SIRET n'est pas valide : 14 chiffres, clé de contrôle comprise."
        if missed.code == "recipient_not_found":
            return None, "Chorus Pro ne connaît aucune structure publique avec ce SIRET."
        return None, "L'annuaire de Chorus Pro n'a pas pu être consulté : saisissez le nom et l'adresse vous-même."


@dataclass(frozen=True, slots=True)
class Draft:
    """A form being built, with what its pages need."""

    shell: Shell
    session: AsyncSession
    caller: PortalUserCaller
    resources: Resources
    providers: list[ProviderChoice]
    link: Link | None
    values: InvoiceFormValues

    @classmethod
    async def posted(
        cls,
        request: Request[Any, Any, Any],
        shell: Shell,
        session: AsyncSession,
        caller: PortalUserCaller,
        resources: Resources,
        *,
        form: Any = None,
    ) -> Draft:
        """The form as posted (``form``, when the handler has read it already): 403 without a provider to deposit
        for; the invoice it corrects or credits, 404 beyond the caller's scope."""
        providers = depositable(shell, caller)
        values = read_values(form if form is not None else await request.form())
        link = await link_of(session, caller, {values.get("lien"): values.get("lien_id")})
        return cls(shell, session, caller, resources, providers, link, values)

    def seller(self) -> str:
        """The provider the invoice is for, once the user is known to deposit for it (403)."""
        provider_id = chosen_provider(self.providers, self.values.get("fournisseur"), self.link)
        require_role(self.caller, provider_id, PortalRole.DEPOSITOR)
        return provider_id

    async def check(self, body: dict[str, Any]) -> hand_deposit.FileVerdict:
        """What intake would say of the JSON invoice ``body``, as ``POST /v1/invoices`` would check it."""
        upload = intake.Upload(msgspec.json.encode(body), None)
        return await hand_deposit.check_upload(self.session, upload, directory=self.resources.directory())


def _totals(values: InvoiceFormValues) -> tuple[Any, Any]:
    """(VAT breakdown, totals) of the lines as typed so far, computed as pdp computes them for the API."""
    lines, _ = json_lines(values)
    _, breakdown, totals = computed_totals(lines) if lines else ([], [], None)
    return breakdown, totals


def _form(
    draft: Draft,
    *,
    problems: list[tuple[str, dict[str, Any]]] | None = None,
    recipient: Any = None,
    recipient_problem: str | None = None,
    status: int = 200,
) -> Template:
    """The form (or, for htmx, the form alone) with the totals of its lines."""
    shell = draft.shell
    breakdown, totals = _totals(draft.values)
    return shell.page(
        FORM_ALONE if shell.swapping(FORM_TARGET) else FORM,
        status=status,
        values=draft.values,
        providers=draft.providers,
        link=draft.link,
        problems=problems or [],
        recipient=recipient,
        recipient_problem=recipient_problem,
        units=UNITS,
        vat_choices=VAT_CHOICES,
        breakdown=breakdown,
        totals=totals,
        mode=hand_deposit.portal_mode(draft.resources.chorus),
    )


async def _preview(draft: Draft, *, refusal: AppError | None = None) -> Template:
    """The invoice as pdp computed it with its report in French; the form again when it cannot be built."""
    provider_id = draft.seller()
    body, problems = json_body(draft.values, provider_id)
    if body is None:
        return _form(draft, problems=problems, status=422)
    verdict = await draft.check(body)
    status = 200
    if refusal is not None:
        status = refusal.status
        if not isinstance(refusal, InvoiceRefused):
            verdict.refusal = verdict.refusal or refusal.code
    return draft.shell.page(
        PREVIEW,
        status=status,
        values=draft.values,
        verdict=verdict,
        link=draft.link,
        provider=next((p for p in draft.providers if p.id == provider_id), None),
        mode=hand_deposit.portal_mode(draft.resources.chorus),
        refusal_text=hand_deposit.refusal_text,
        units=UNITS,
    )


class InvoiceBuilderController(Controller):
    path = "/deposer/facture"

    @get("/", name="portal_invoice_builder")
    async def blank(
        self,
        *,
        request: Request[Any, Any, Any],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
        resources: NamedDependency[Resources],
    ) -> Template:
        providers = depositable(shell, caller)
        link = await link_of(session, caller, request.query_params)
        today = clock.now().date()
        fields = {"date": today.isoformat(), "echeance": (today + timedelta(days=30)).isoformat(), "type": "facture"}
        provider_id = link.original.provider_id if link else (providers[0].id if len(providers) == 1 else "")
        if provider_id:
            provider = await ProviderRepository(session).get(provider_id)
            fields.update(fournisseur=provider_id, iban=provider.iban or "")
        if link is not None:
            original = link.original
            fields.update(
                siret=original.recipient_siret,
                service=original.service_code or "",
                engagement=original.engagement_number or "",
                lien=link.kind,
                lien_id=original.id,
            )
            if link.kind == "avoir":
                fields.update(type="avoir", facture_citee=original.number)
        recipient, _ = await find_recipient(resources, fields.get("siret", ""))
        if recipient is not None:
            fields["destinataire"] = recipient.name
        draft = Draft(shell, session, caller, resources, providers, link, InvoiceFormValues(fields))
        return _form(draft, recipient=recipient)

    @post("/", status_code=200)
    async def step(
        self,
        *,
        request: Request[Any, Any, Any],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
        resources: NamedDependency[Resources],
    ) -> Template:
        """Every button of the form: add or remove a line, look the buyer up, preview."""
        form = await request.form()
        draft = await Draft.posted(request, shell, session, caller, resources, form=form)
        values = draft.values
        action = str(form.get("action") or "apercu")
        if action == "ajouter":
            values.lines.append(LineValues())
        elif action.startswith("supprimer:"):
            index = int(action.partition(":")[2]) if action.partition(":")[2].isdigit() else -1
            if 0 <= index < len(values.lines) and len(values.lines) > 1:
                del values.lines[index]
        elif action == "destinataire":
            recipient, problem = await find_recipient(resources, values.get("siret").replace(" ", ""))
            if recipient is not None:
                values.fields["destinataire"] = recipient.name
                values.fields["siret"] = recipient.siret
            return _form(draft, recipient=recipient, recipient_problem=problem)
        if action != "apercu":
            return _form(draft)
        return await _preview(draft)

    @post("/totaux", status_code=200)
    async def totals(self, request: Request[Any, Any, Any], shell: NamedDependency[Shell]) -> Template:
        """The totals of the lines as typed so far (htmx, while the form is being filled)."""
        values = read_values(await request.form())
        breakdown, totals = _totals(values)
        return shell.page(TOTALS, breakdown=breakdown, totals=totals, values=values)

    @post("/apercu.pdf", status_code=200)
    async def pdf(
        self,
        *,
        request: Request[Any, Any, Any],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
        resources: NamedDependency[Resources],
    ) -> Response[Any]:
        """The Factur-X pdp would deposit for this form, opened in the browser (generated, not archived)."""
        draft = await Draft.posted(request, shell, session, caller, resources)
        body, problems = json_body(draft.values, draft.seller())
        verdict = await draft.check(body) if body is not None else None
        if verdict is None or verdict.invoice is None:
            return _form(draft, problems=problems, status=422)
        try:
            pdf = write_facturx(verdict.invoice)
        except (UnreadableDocument, ValueError):
            return await _preview(draft)
        name = f"apercu-{verdict.invoice.number or 'facture'}.pdf"
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{name}"'},
        )

    @post("/depot", status_code=200)
    async def deposit(
        self,
        *,
        request: Request[Any, Any, Any],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
        resources: NamedDependency[Resources],
    ) -> Response[Any]:
        draft = await Draft.posted(request, shell, session, caller, resources)
        body, problems = json_body(draft.values, draft.seller())
        if body is None:
            return _form(draft, problems=problems, status=422)
        try:
            # In a savepoint: a refusal leaves nothing pending behind it for the preview shown instead.
            async with session.begin_nested():
                record = await hand_deposit.deposit_json(
                    session,
                    resources.archive,
                    msgspec.json.encode(body),
                    caller.actor,
                    gateway=resources.chorus,
                    directory=resources.directory(),
                    retention_days=resources.settings.archive_retention_days,
                    first_check_after=timedelta(seconds=resources.settings.invoice_first_check_seconds),
                )
        except AppError as refused:
            return await _preview(draft, refusal=refused)
        return redirects.go(request, shell.url(f"/factures/{record.id}?notice=deposee"))
