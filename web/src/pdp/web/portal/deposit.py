"""« Déposer » (``/portal/{tenant_id}/deposer``): invoice files dropped by hand, checked, then deposited.

Three steps. The form takes one or many files (UBL, CII, Factur-X; a plain PDF has no data to read and is sent to
the invoice form). The check (``/deposer/verification``) runs, on each file, everything ``POST /v1/invoices``
checks before archiving (:func:`pdp.tenants.deposits.hand_deposit.check_files`) and shows the report in French,
file by file; the files wait in the session's upload spool (:mod:`pdp.web.portal.upload_spool`, which says why).
The confirmation (``/deposer/confirmation``) deposits the files that passed, through the API's batch intake.

Routing is the document's, as the API's rules say: a UBL, CII or Factur-X file names its recipient, service and
engagement itself, and metadata may not add what the file lacks (``PDP-ROUTING-NOT-IN-FILE``); so the form asks
for none, and the report says what to put in the file. Only an administrator or a depositor of the provider
deposits; a viewer gets 403, on the form and on the posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.callers import PortalRole, PortalUserCaller
from pdp.platform.errors import AppError, Forbidden
from pdp.tenants.accounts.shell import ProviderChoice
from pdp.tenants.deposits import hand_deposit
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.deposits.repository import InvoiceRepository
from pdp.web.portal.access import may, require_role
from pdp.web.portal.auth import PortalAccount
from pdp.web.portal.routing import Form
from pdp.web.portal.shell import Shell
from pdp.web.portal.upload_spool import SpoolGone, read_uploads, session_spool
from pdp.web.resources import Resources

DEPOSIT = "deposit"
DEPOSIT_BODY_LIMIT = 51 * 1024 * 1024  # up to 20 files; the spool holds them until they are confirmed
MAX_TOTAL_BYTES = 50 * 1024 * 1024
LINKS = {"remplace": "replaces_invoice_id", "avoir": "credits_invoice_id"}
ACCEPTED = ".xml,.pdf,application/xml,text/xml,application/pdf"


def depositable(shell: Shell, caller: PortalUserCaller) -> list[ProviderChoice]:
    """The user's providers they may deposit for; 403 ``portal_role_required`` when there is none."""
    providers = [p for p in shell.providers if may(caller, p.id, PortalRole.DEPOSITOR)]
    if not providers:
        raise Forbidden(
            "Depositing needs the depositor role on a provider.", code="portal_role_required", needed_role="depositor"
        )
    return providers


@dataclass(frozen=True, slots=True)
class Link:
    """The invoice a deposit corrects (``remplace``) or credits (``avoir``)."""

    kind: str
    original: InvoiceRecord

    @property
    def fields(self) -> dict[str, str]:
        return {LINKS[self.kind]: self.original.id}


async def link_of(session: AsyncSession, caller: PortalUserCaller, params: Any) -> Link | None:
    """The link a page was opened with (``?remplace=inv_…`` or ``?avoir=inv_…``): 404 beyond the caller's scope,
    403 without the role to deposit for its provider."""
    for kind in LINKS:
        invoice_id = params.get(kind)
        if isinstance(invoice_id, str) and invoice_id:
            original = await InvoiceRepository(session).get(invoice_id)
            require_role(caller, original.provider_id, PortalRole.DEPOSITOR)
            return Link(kind, original)
    return None


def chosen_provider(providers: list[ProviderChoice], asked: str | None, link: Link | None) -> str:
    """The provider a deposit is for: the link's, else the one asked for (checked by role), else the only one."""
    if link is not None:
        return link.original.provider_id
    if asked:
        return asked
    if len(providers) == 1:
        return providers[0].id
    raise Forbidden("Choose the provider to deposit for.", code="portal_role_required", needed_role="depositor")


class DepositController(Controller):
    path = "/deposer"

    @get("/", name="portal_deposit")
    async def form(
        self,
        request: Request[Any, Any, Any],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
        resources: NamedDependency[Resources],
    ) -> Template:
        providers = depositable(shell, caller)
        link = await link_of(session, caller, request.query_params)
        return shell.page(
            "portal/invoices/deposit.html.jinja2",
            providers=providers,
            link=link,
            mode=hand_deposit.portal_mode(resources.chorus),
            accepted=ACCEPTED,
            max_files=hand_deposit.MAX_FILES,
        )

    @post("/verification", status_code=200, request_max_body_size=DEPOSIT_BODY_LIMIT)
    async def check(
        self,
        *,
        request: Request[Any, Any, Any],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
        account: NamedDependency[PortalAccount],
        resources: NamedDependency[Resources],
    ) -> Template:
        providers = depositable(shell, caller)
        files, form = await read_uploads(request, "fichiers", unnamed="facture", max_bytes=MAX_TOTAL_BYTES + 1)
        asked, link_kind, link_id = form.text("fournisseur"), form.text("lien"), form.text("lien_id")
        link = await link_of(session, caller, {link_kind: link_id} if link_kind in LINKS else {})
        provider_id = chosen_provider(providers, asked, link)
        require_role(caller, provider_id, PortalRole.DEPOSITOR)
        mode = hand_deposit.portal_mode(resources.chorus)
        context: dict[str, Any] = {"providers": providers, "link": link, "mode": mode}
        too_many = len(files) > hand_deposit.MAX_FILES or sum(len(f.data) for f in files) > MAX_TOTAL_BYTES
        if not files or too_many:
            return shell.page(
                "portal/invoices/deposit.html.jinja2",
                status=422,
                problem="too_many" if too_many else "no_file",
                accepted=ACCEPTED,
                max_files=hand_deposit.MAX_FILES,
                **context,
            )
        metadata = hand_deposit.deposit_fields(provider_id, link.fields if link else None)
        dropped = [hand_deposit.DroppedFile(f.name, f.data) for f in files]
        verdicts = await hand_deposit.check_files(session, dropped, metadata, directory=resources.directory())
        passed = [v.index for v in verdicts if v.ok]
        spool_id = None
        if passed:
            spool = session_spool(resources, shell, account)
            kept = [files[index] for index in passed]
            spool_id = await spool.put(DEPOSIT, kept, metadata)
        return shell.page(
            "portal/invoices/deposit_report.html.jinja2",
            verdicts=verdicts,
            passed=len(passed),
            spool_id=spool_id,
            provider=next((p for p in shell.providers if p.id == provider_id), None),
            refusal_text=hand_deposit.refusal_text,
            **context,
        )

    @post("/confirmation", status_code=200)
    async def confirm(
        self,
        *,
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
        account: NamedDependency[PortalAccount],
        resources: NamedDependency[Resources],
        data: Form,
    ) -> Template:
        depositable(shell, caller)
        spool = session_spool(resources, shell, account)
        spool_id = data.get("lot", "")
        try:
            files, metadata = await spool.get(DEPOSIT, spool_id)
        except SpoolGone as gone:
            return shell.page("portal/invoices/deposit_done.html.jinja2", status=gone.status, results=[], gone=True)
        require_role(caller, metadata.get("provider_id", ""), PortalRole.DEPOSITOR)
        try:
            results = await hand_deposit.deposit_files(
                session,
                resources.archive,
                [hand_deposit.DroppedFile(f.name, f.data) for f in files],
                dict(metadata),
                caller.actor,
                gateway=resources.chorus,
                directory=resources.directory(),
                retention_days=resources.settings.archive_retention_days,
            )
        except AppError as failed:  # the archive or the database is down: nothing was deposited
            return shell.page(
                "portal/invoices/deposit_done.html.jinja2", status=failed.status, results=[], failure=failed.code
            )
        await spool.drop(spool_id)
        deposited = sum(1 for r in results if r.invoice_id is not None)
        return shell.page(
            "portal/invoices/deposit_done.html.jinja2",
            status=200 if deposited else 422,
            results=results,
            deposited=deposited,
            refusal_text=hand_deposit.refusal_text,
        )
