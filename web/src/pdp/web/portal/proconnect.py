"""ProConnect on the portal: where a sign-in starts, and the one address it comes back to.

ProConnect registers ONE redirect URI per client, while every platform has its own portal
(``/portal/{tenant_id}/…``). So every sign-in returns to ``/portal/proconnect/callback`` and carries what it is
for — the tenant, the purpose (proving an identity on an invitation, or signing a portal user in) and where to
go next — in server-side state: a cookie sealed with the envelope (:mod:`pdp.platform.security.envelope`:
AES-GCM under ``PDP_MASTER_KEYS``, bound to its purpose), together with the ``state``, ``nonce`` and PKCE
verifier of that sign-in. Why a sealed cookie rather than a row or Redis: the state must be tied to the browser
that started (``state`` alone only proves the browser came back from ProConnect), it lives ten minutes, and a
cookie needs no storage to clean up; sealed rather than only signed, because the verifier and nonce must stay
secret from anyone who could read a copied cookie or a log. The cookie is scoped to the callback path,
``HttpOnly`` and ``SameSite=Lax`` (ProConnect's redirect is a top-level GET from another site: a Strict cookie
would not come back with it).

The return is a GET that writes (the proof, or the session), which the shared unit of work never commits; the
tenant is only known once the cookie is opened. So the callback owns its transaction, bound to that tenant.
"""

from __future__ import annotations

import hmac
import time
from dataclasses import asdict, dataclass
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from pdp.platform.db.session import unit_of_work
from pdp.platform.errors import AppError, InvalidRequest, NotFound
from pdp.platform.security.envelope import DecryptionError
from pdp.platform.settings import Settings
from pdp.tenants.accounts import sessions
from pdp.tenants.accounts.branding import BrandRepository
from pdp.tenants.accounts.repository import TenantsRepository
from pdp.tenants.identity import proofs
from pdp.tenants.identity.proconnect import LoginRequest, ProConnectClient, portal_user_for, prove
from pdp.tenants.mandates import invitations
from pdp.web.errors import EXCEPTION_HANDLERS
from pdp.web.portal import redirects
from pdp.web.portal.auth import lifetimes, set_session_cookie
from pdp.web.portal.pages import portal_error_page
from pdp.web.portal.proof_cookie import set_proof_cookie
from pdp.web.portal.shell import Shell
from pdp.web.portal.visitors import client_of
from pdp.web.resources import Resources

CALLBACK_PATH = "/portal/proconnect/callback"
STATE_COOKIE = "pdp_proconnect"
STATE_SECONDS = 600  # a person who takes longer at ProConnect starts again
SEAL_CONTEXT = "portal-proconnect-login"
PROOF, SIGN_IN = "proof", "sign_in"
# The pages' words (French message ids, translated by i18n/invitation.py), with their placeholders.
MISMATCH = (
    "Identité non rattachée à ce SIRET",
    "Votre compte ProConnect est rattaché au SIRET {vouched}, pas à celui de {provider} ({siret}). Connectez-vous "
    "avec le compte de cet établissement, ou choisissez un autre moyen de prouver votre identité.",
)
NO_ACCOUNT = (
    "Aucun compte pour cette identité",
    "Aucun compte de cet espace fournisseur n'est lié à votre identité ProConnect ({email}). Connectez-vous "
    "autrement, ou demandez une invitation à un administrateur de votre entreprise.",
)
CANCELLED = (
    "Connexion ProConnect interrompue",
    "ProConnect n'a pas confirmé votre identité ({error}). Vous pouvez recommencer, ou choisir un autre moyen.",
)


class LoginExpired(InvalidRequest):
    """The return from ProConnect matches no sign-in this browser started (too late, another tab, a forged link)."""

    default_code = "proconnect_state_invalid"
    title = "This ProConnect sign-in has expired; start again"


@dataclass(frozen=True, slots=True)
class PendingLogin:
    tenant_id: str
    purpose: str  # PROOF (target: the invitation's token) or SIGN_IN (target: the portal path to go to)
    target: str
    state: str
    nonce: str
    code_verifier: str
    expires: float

    @property
    def request(self) -> LoginRequest:
        return LoginRequest(self.state, self.nonce, self.code_verifier)


def callback_url(settings: Settings) -> str:
    return settings.public_url.rstrip("/") + CALLBACK_PATH


def _require_client(resources: Resources) -> ProConnectClient:
    client = resources.proconnect
    if client is None or resources.envelope is None:
        raise proofs.ChannelUnavailable("ProConnect is not configured on this deployment.")
    return client


async def begin(resources: Resources, tenant_id: str, purpose: str, target: str) -> Response[Any]:
    """Send the browser to ProConnect, the sign-in's state sealed in a cookie for the way back."""
    client = _require_client(resources)
    login = LoginRequest()
    pending = PendingLogin(
        tenant_id, purpose, target, login.state, login.nonce, login.code_verifier, time.time() + STATE_SECONDS
    )
    sealed = resources.require_envelope().encrypt(msgspec.json.encode(asdict(pending)).decode(), context=SEAL_CONTEXT)
    response: Response[Any] = Redirect(
        await client.authorization_url(login, callback_url(resources.settings)), status_code=303
    )
    response.set_cookie(
        STATE_COOKIE,
        sealed,
        path=CALLBACK_PATH,
        httponly=True,
        secure=resources.settings.public_url.startswith("https://"),
        samesite="lax",
        max_age=STATE_SECONDS,
    )
    return response


def _pending(request: Request[Any, Any, Any], resources: Resources, state: str | None) -> PendingLogin:
    sealed, envelope = request.cookies.get(STATE_COOKIE), resources.envelope
    if not sealed or not state or envelope is None:
        raise LoginExpired("No ProConnect sign-in was started in this browser, or it was started too long ago.")
    try:
        pending = msgspec.json.decode(envelope.decrypt(sealed, context=SEAL_CONTEXT), type=PendingLogin)
    except (DecryptionError, msgspec.DecodeError, msgspec.ValidationError, ValueError) as exc:
        raise LoginExpired("This ProConnect sign-in cannot be read back; start again.") from exc
    if pending.expires < time.time() or not hmac.compare_digest(pending.state, state):
        raise LoginExpired("This return from ProConnect is not the one this browser is waiting for.")
    return pending


class ProConnectSignInController(Controller):
    """``/portal/{tenant_id}/proconnect/start?suite=…``: sign an existing portal user in with ProConnect (the
    sign-in page links here; ``next`` is taken as a synonym of ``suite``)."""

    path = "/proconnect"

    @get("/start")
    async def start(
        self,
        shell: NamedDependency[Shell],
        resources: NamedDependency[Resources],
        suite: Annotated[str | None, QueryParameter()] = None,
        next_path: Annotated[str | None, QueryParameter(name="next")] = None,
    ) -> Response[Any]:
        target = redirects.safe_suite(shell.tenant_id, suite or next_path)
        return await begin(resources, shell.tenant_id, SIGN_IN, target)


def _refusal_page(shell: Shell, words: tuple[str, str], *, back: str, status: int, **values: Any) -> Template:
    title, text = words
    return shell.page(
        "portal/identity_refused.html.jinja2", status=status, title=title, text=text, back=back, values=values
    )


@get(CALLBACK_PATH, include_in_schema=False, exception_handlers=dict.fromkeys(EXCEPTION_HANDLERS, portal_error_page))
async def proconnect_return(
    request: Request[Any, Any, Any],
    resources: NamedDependency[Resources],
    code: Annotated[str | None, QueryParameter()] = None,
    returned_state: Annotated[str | None, QueryParameter(name="state")] = None,
    error: Annotated[str | None, QueryParameter()] = None,
) -> Response[Any]:
    """ProConnect's return: the identity checked, then a proof recorded or a portal user signed in."""
    pending = _pending(request, resources, returned_state)
    client = _require_client(resources)
    identity = None
    if error is None and code:
        identity = await client.identify(code, pending.request, callback_url(resources.settings))
    async with unit_of_work(resources.sessionmaker, tenant_id=pending.tenant_id) as session:
        tenant = await TenantsRepository(session).find_current()
        if tenant is None or tenant.status != "active":
            raise NotFound("This portal does not exist.", code="portal_unknown")
        shell = Shell(request, await BrandRepository(session).brand())
        visitor = client_of(request, resources, pending.tenant_id)
        if pending.purpose == PROOF:
            back = invitations.invitation_path(pending.tenant_id, pending.target)
            invitation = await invitations.open_invitation(session, pending.target)
            if identity is None:
                response: Response[Any] = _cancelled(shell, back, error)
            else:
                try:
                    proof = await prove(
                        session, invitation.provider, identity, mandate_id=invitation.mandate.id, ip=visitor.ip
                    )
                except proofs.SiretMismatch:
                    await proofs.record_refusal(
                        session,
                        invitation.provider,
                        channel="proconnect",
                        code="identity_siret_mismatch",
                        mandate_id=invitation.mandate.id,
                        ip=visitor.ip,
                    )
                    response = _refusal_page(
                        shell,
                        MISMATCH,
                        back=back,
                        status=403,
                        vouched=identity.siret or "—",
                        provider=invitation.provider.name,
                        siret=invitation.provider.siret,
                    )
                else:
                    response = Redirect(back, status_code=303)
                    set_proof_cookie(response, pending.tenant_id, proof.id, resources.settings)
        else:
            back = redirects.sign_in_url(pending.tenant_id, pending.target)
            if identity is None:
                response = _cancelled(shell, back, error)
            else:
                try:
                    user = await portal_user_for(session, identity)
                except AppError as refused:
                    response = _refusal_page(
                        shell,
                        NO_ACCOUNT,
                        back=back,
                        status=refused.status,
                        email=identity.email or identity.subject,
                    )
                else:
                    token = await sessions.open_session(
                        session,
                        user,
                        "proconnect",
                        lifetimes(resources.settings),
                        ip=visitor.ip,
                        user_agent=visitor.user_agent,
                    )
                    response = Redirect(redirects.safe_suite(pending.tenant_id, pending.target), status_code=303)
                    set_session_cookie(response, pending.tenant_id, token, resources.settings)
    response.delete_cookie(STATE_COOKIE, path=CALLBACK_PATH)  # used: a second return with it is refused
    return response


def _cancelled(shell: Shell, back: str, error: str | None) -> Template:
    return _refusal_page(
        shell,
        CANCELLED,
        back=back,
        status=400,
        error=error or "?",
    )
