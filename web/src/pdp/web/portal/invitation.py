"""The invitation page (``/portal/{tenant_id}/invitation/{token}``): who asks, for which provider; the proof of
identity; then the mandate, its PDF and SHA-256, and the signature — or the refusal.

The link comes from pdp's e-mail to the provider's contact. It is used up only by an acceptance or a refusal, so
opening it (a mail scanner, the person twice) changes nothing. Each channel's form posts here and comes back to
the page; a verified proof is kept by this browser (:mod:`pdp.web.portal.proof_cookie`). Refusals that change
something — a wrong code counted, a refused attempt audited — are shown with status 200 (the unit of work commits
only answers below 400); the others with their own status.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import clock
from pdp.platform.errors import Conflict, RateLimited, ValidationFailed
from pdp.tenants.archive import service as archive
from pdp.tenants.identity import chorus_account, postal_code, proofs
from pdp.tenants.identity.models import IdentityProof
from pdp.tenants.identity.repository import IdentityProofRepository
from pdp.tenants.mandates import invitations
from pdp.web.portal import redirects
from pdp.web.portal.auth import lifetimes, set_session_cookie
from pdp.web.portal.proconnect import PROOF, begin
from pdp.web.portal.proof_cookie import proof_of, set_proof_cookie
from pdp.web.portal.routing import Form
from pdp.web.portal.shell import Shell
from pdp.web.portal.throttled import wait_minutes
from pdp.web.portal.visitors import client_of
from pdp.web.resources import Resources

# Why no letter can be sent, by the refusal's code (the page fills in the SIRET).
LETTER_REFUSALS = {
    "identity_siret_unknown": "Le SIRET {siret} est inconnu du répertoire SIRENE : aucun courrier ne peut lui être "
    "envoyé.",
    "identity_siret_closed": "L'établissement {siret} est fermé selon le répertoire SIRENE : aucun courrier ne peut "
    "lui être envoyé.",
    "identity_address_unusable": "Le répertoire SIRENE ne publie pas d'adresse postale en France pour le SIRET "
    "{siret} : aucun courrier ne peut lui être envoyé.",
    "identity_letters_exceeded": "Trois courriers ont déjà été envoyés récemment pour ce fournisseur : choisissez "
    "un autre moyen de prouver votre identité.",
}
CHORUS_REFUSED = "Chorus Pro refuse cet identifiant ou ce mot de passe."
CHORUS_NOT_ATTACHED = "Ce compte Chorus Pro n'est pas rattaché au SIRET {siret}."
THROTTLED = "Trop de tentatives. Patientez {minutes} minutes, puis réessayez."
PROVE_FIRST = "Prouvez d'abord que vous agissez pour ce SIRET."
CODE_ERRORS = {
    "wrong": "Code incorrect. Il vous reste {left} essai(s).",
    "locked": "Code incorrect, et c'était le dernier essai : ce courrier ne peut plus servir. Demandez-en un "
    "nouveau, ou choisissez un autre moyen.",
    "expired": "Le code de ce courrier a expiré : demandez-en un nouveau.",
    "none": "Aucun courrier en attente de code pour ce mandat : demandez-en un.",
}
CHANNEL_NAMES = {"proconnect": "ProConnect", "chorus_account": "compte Chorus Pro", "postal_code": "code par courrier"}


async def _page(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    shell: Shell,
    resources: Resources,
    token: str,
    *,
    invitation: invitations.Invitation | None = None,
    status: int = 200,
    **context: Any,
) -> Template:
    """The invitation page as this browser should see it now: the channels, or the mandate once proved."""
    invitation = invitation or await invitations.open_invitation(session, token)
    proof = await invitations.usable_proof(session, proof_of(request, shell.tenant_id, resources.settings), invitation)
    letter: IdentityProof | None = None
    if proof is None:
        letter = await IdentityProofRepository(session).open_letter(invitation.mandate.id, clock.now())
    return shell.page(
        "portal/invitation.html.jinja2",
        status=status,
        invitation=invitation,
        proof=proof,
        letter=letter,
        channels=resources.identity_channels().offered(resources.settings),
        base=invitations.invitation_path(shell.tenant_id, token),
        channel_names=CHANNEL_NAMES,
        **context,
    )


def _back(shell: Shell, token: str) -> Redirect:
    return Redirect(invitations.invitation_path(shell.tenant_id, token), status_code=303)


def _proved(shell: Shell, token: str, proof: IdentityProof, resources: Resources) -> Response[Any]:
    response = _back(shell, token)
    set_proof_cookie(response, shell.tenant_id, proof.id, resources.settings)
    return response


def _messages(error: ValidationFailed) -> list[str]:
    return [item["message_fr"] for item in error.errors] or [error.detail]


class InvitationController(Controller):
    path = "/invitation/{token:str}"

    @get("/")
    async def show(
        self,
        token: FromPath[str],
        *,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        resources: NamedDependency[Resources],
    ) -> Template:
        return await _page(request, session, shell, resources, token)

    @get("/document", media_type="application/pdf")
    async def document(
        self,
        token: FromPath[str],
        *,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        resources: NamedDependency[Resources],
    ) -> Response[bytes]:
        invitation = await invitations.open_invitation(session, token)
        proof_id = proof_of(request, shell.tenant_id, resources.settings)
        await invitations.require_proof(session, proof_id, invitation)  # the mandate is shown once proved
        _, data = await archive.content(session, resources.archive, invitation.mandate.document_id)
        return Response(
            data,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="mandat-{invitation.mandate.id}.pdf"'},
        )

    # --- proofs of identity --------------------------------------------------------------------------------------

    @get("/proconnect")
    async def with_proconnect(
        self,
        token: FromPath[str],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        resources: NamedDependency[Resources],
    ) -> Response[Any]:
        await invitations.open_invitation(session, token)  # a dead link goes no further
        resources.identity_channels().require(resources.settings, "proconnect")
        return await begin(resources, shell.tenant_id, PROOF, token)

    @post("/chorus", status_code=200)
    async def with_chorus_account(
        self,
        token: FromPath[str],
        *,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        resources: NamedDependency[Resources],
        data: Form,
    ) -> Response[Any]:
        resources.identity_channels().require(resources.settings, "chorus_account")
        invitation = await invitations.open_invitation(session, token)
        ip = client_of(request, resources, shell.tenant_id).ip
        try:
            proof = await chorus_account.prove(
                session,
                resources.chorus,
                chorus_account.AttemptGuards.on(resources.redis),
                invitation.provider,
                login=data.get("login", ""),
                password=data.get("password", ""),
                mandate_id=invitation.mandate.id,
                ip=ip,
            )
        except RateLimited as refused:
            page = await _page(
                request, session, shell, resources, token, invitation=invitation, status=429,
                chorus_error=THROTTLED,
                minutes=wait_minutes(refused),
            )  # fmt: skip
            page.headers.update(refused.headers)
            return page
        except (ValidationFailed, proofs.SiretMismatch) as refused:
            await proofs.record_refusal(
                session,
                invitation.provider,
                channel="chorus_account",
                code=refused.code,
                mandate_id=invitation.mandate.id,
                ip=ip,
            )
            error = CHORUS_NOT_ATTACHED if isinstance(refused, proofs.SiretMismatch) else CHORUS_REFUSED
            return await _page(
                request, session, shell, resources, token, invitation=invitation,
                chorus_error=error, login=data.get("login", ""),
            )  # fmt: skip
        return _proved(shell, token, proof, resources)

    @post("/courrier", status_code=200)
    async def ask_for_letter(
        self,
        token: FromPath[str],
        *,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        resources: NamedDependency[Resources],
    ) -> Response[Any]:
        resources.identity_channels().require(resources.settings, "postal_code")
        invitation = await invitations.open_invitation(session, token)
        assert resources.sirene is not None  # offered only with it
        try:
            await postal_code.request_letter(
                session,
                resources.sirene,
                resources.require_envelope(),
                resources.settings,
                invitation.provider,
                mandate_id=invitation.mandate.id,
                ip=client_of(request, resources, shell.tenant_id).ip,
            )
        except (ValidationFailed, Conflict) as refused:
            if refused.code not in LETTER_REFUSALS:
                raise
            return await _page(
                request, session, shell, resources, token, invitation=invitation, status=refused.status,
                letter_error=LETTER_REFUSALS[refused.code],
            )  # fmt: skip
        return _back(shell, token)

    @post("/code", status_code=200)
    async def with_postal_code(
        self,
        token: FromPath[str],
        *,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        resources: NamedDependency[Resources],
        data: Form,
    ) -> Response[Any]:
        invitation = await invitations.open_invitation(session, token)
        letter = await IdentityProofRepository(session).open_letter(invitation.mandate.id, clock.now())
        if letter is None:
            return await _page(
                request, session, shell, resources, token, invitation=invitation, status=410,
                code_error=CODE_ERRORS["none"],
            )  # fmt: skip
        checked = await postal_code.check_code(
            session,
            resources.settings,
            letter,
            data.get("code", ""),
            ip=client_of(request, resources, shell.tenant_id).ip,
        )
        if checked.outcome is postal_code.CodeOutcome.VERIFIED:
            return _proved(shell, token, checked.proof, resources)
        return await _page(
            request, session, shell, resources, token, invitation=invitation,
            code_error=CODE_ERRORS[checked.outcome.value], left=checked.attempts_left,
        )  # fmt: skip

    # --- the answer ----------------------------------------------------------------------------------------------

    @post("/", status_code=200)
    async def accept(
        self,
        token: FromPath[str],
        *,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        resources: NamedDependency[Resources],
        data: Form,
    ) -> Response[Any]:
        visitor = client_of(request, resources, shell.tenant_id)
        signature = invitations.Signature(
            full_name=data.get("full_name", ""),
            consent=data.get("consent") == "yes",
            ip=visitor.ip,
            user_agent=visitor.user_agent,
        )
        try:
            accepted = await invitations.accept(
                session,
                resources.archive,
                token,
                proof_of(request, shell.tenant_id, resources.settings),
                signature,
                retention_days=resources.settings.archive_retention_days,
                lifetimes=lifetimes(resources.settings),
            )
        except ValidationFailed as incomplete:
            return await _page(
                request, session, shell, resources, token, status=422,
                errors=_messages(incomplete), full_name=signature.full_name,
            )  # fmt: skip
        except invitations.ProofRequired:
            return await _page(
                request, session, shell, resources, token, status=403,
                errors=[PROVE_FIRST],
            )  # fmt: skip
        response = redirects.go(request, redirects.dashboard_url(shell.tenant_id))
        set_session_cookie(response, shell.tenant_id, accepted.session_token, resources.settings)
        return response

    @post("/refus", status_code=200)
    async def refuse(
        self,
        token: FromPath[str],
        *,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        resources: NamedDependency[Resources],
        data: Form,
    ) -> Template:
        try:
            mandate = await invitations.refuse(
                session, token, proof_of(request, shell.tenant_id, resources.settings), data.get("reason") or None
            )
        except invitations.ProofRequired:
            return await _page(
                request, session, shell, resources, token, status=403,
                errors=[PROVE_FIRST],
            )  # fmt: skip
        return shell.page("portal/invitation_refused.html.jinja2", mandate=mandate)
