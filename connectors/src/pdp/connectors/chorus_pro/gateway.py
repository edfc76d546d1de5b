"""What the PISTE gateway's own refusals mean (docs/chorus-pro-api.md §1): a 401 that a fresh token did not cure,
and a 403 that is not Chorus Pro's answer. The client decides when to raise them; this module only reads them."""

from __future__ import annotations

import httpx
import msgspec

from pdp.connectors.chorus_pro.errors import ChorusApiNotSubscribed, ChorusAuthError, ChorusForbidden
from pdp.connectors.chorus_pro.schemas.common import SUCCESS, Response

# What PISTE's challenge says of a refused token (RFC 6750 §3.1). Read only after a second 401, to word the error.
TOKEN_ERROR = "invalid_token"  # noqa: S105 - an OAuth error code, not a secret
# The PISTE API each path belongs to: the one an application must be subscribed to.
PISTE_APIS = {
    "factures": "Factures",
    "structures": "Structures",
    "utilisateurs": "Utilisateurs",
    "transverses": "Transverses",
    "engagementsJuridiques": "Engagements juridiques",
}
PISTE_ENVIRONMENTS = {"api.piste.gouv.fr": "production", "sandbox-api.piste.gouv.fr": "sandbox"}
PASSWORD_RENEWAL_DAYS = 424  # Chorus Pro's community page "Utilisateurs API : changer votre mot de passe technique"


def unauthorized(response: httpx.Response, *, account_sent: bool = True) -> ChorusAuthError:
    """A 401 that a fresh token did not cure (the client replaces the token once on any 401).

    The token was issued moments ago, so the technical account is the cause, unless none was sent or PISTE's
    challenge names the token itself. The challenge (``error_description="login or password incorrects"`` for a
    wrong account: ZMOG tests, OCA PR #425) only words the error: its texts are not documented, so whether to
    refresh never rests on it.
    """
    challenge = response.headers.get("WWW-Authenticate") or None
    if account_sent and TOKEN_ERROR not in (challenge or ""):
        return ChorusAuthError(
            "Chorus Pro refused the technical account: its login or password is wrong, or the password expired "
            f"(a technical account's password must be renewed on Chorus Pro every {PASSWORD_RENEWAL_DAYS} days)",
            code="chorus_account_refused",
            chorus_code=challenge,
            http_status=response.status_code,
        )
    return ChorusAuthError(
        "PISTE refused a bearer token it had just issued: check the PISTE application (client id and secret)",
        code="chorus_token_refused",
        chorus_code=challenge,
        http_status=response.status_code,
    )


def forbidden(response: httpx.Response) -> ChorusForbidden:
    """A 403 carrying Chorus's own answer is a refusal for this account. PISTE's — empty, or anything but a
    Chorus answer (OCA issues #410, #349: ``structures/v1/rechercher`` answered 403 with an empty body on a fresh
    token) — means pdp's PISTE application may not call this API at all: it is not subscribed to it, or its terms
    of use (CGU) were not accepted for this environment (each API exists once for sandbox, once for production)."""
    envelope = _chorus_answer(response.content)
    if envelope is not None and (envelope.code_retour != SUCCESS or envelope.libelle):
        return ChorusForbidden(
            envelope.libelle or "Chorus Pro does not allow this call for this account",
            chorus_code=str(envelope.code_retour),
            http_status=response.status_code,
        )
    path, host = _where(response)
    segment = path.removeprefix("/cpro/").split("/", 1)[0]
    api = PISTE_APIS.get(segment, segment or "Chorus Pro")
    environment = PISTE_ENVIRONMENTS.get(host, f"the environment of {host or 'this API host'}")
    body = "an empty body" if not response.content.strip() else "no Chorus Pro answer"
    return ChorusApiNotSubscribed(
        f"PISTE refused {path or 'the call'} with HTTP 403 and {body}: pdp's PISTE application is not subscribed "
        f"to the {api} API, or has not accepted its terms of use (CGU), for {environment}. On PISTE, accept the CGU "
        f"of the Factures, Structures, Utilisateurs and Transverses APIs for {environment}, select these APIs on "
        "the application, then retry.",
        http_status=response.status_code,
    )


def _chorus_answer(content: bytes) -> Response | None:
    try:
        return msgspec.json.decode(content, type=Response)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def _where(response: httpx.Response) -> tuple[str, str]:
    """The path and host the answer came from, when httpx knows the request (a hand-built response does not)."""
    try:
        url = response.request.url
    except RuntimeError:
        return "", ""
    return url.path, url.host
