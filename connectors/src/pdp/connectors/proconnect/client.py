"""The ProConnect relying party: authorization code flow with PKCE, over an injected ``httpx.AsyncClient``.

What ProConnect asks of a service provider (https://partenaires.proconnect.gouv.fr/docs/fournisseur-service/implementation_technique):
a random ``state`` and ``nonce`` of at least 32 characters kept in the browser's session; the code exchanged at
the token endpoint with ``client_id`` and ``client_secret`` in the body; the ID token's signature, issuer,
audience, expiry and nonce checked; the claims read at the userinfo endpoint, which ProConnect answers as a
signed JWT (``application/jwt``; a plain JSON answer, as local stand-ins give, is read too). PKCE (S256) is sent
as well: the federation accepts it, and it makes a stolen code useless without the verifier.

Scopes and claims (https://partenaires.proconnect.gouv.fr/docs/fournisseur-service/donnees_fournies): ``openid``
(``sub``, the person's identifier at ProConnect, specific to their identity provider), ``email``, ``given_name``,
``usual_name`` and ``siret`` (the establishment, 14 digits, the person signed in for); ProConnect adds
``idp_id`` (which identity provider authenticated them) and ``organization_label`` unasked.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from pdp.connectors.proconnect.errors import ProConnectError, ProConnectUnavailable

SCOPES = ("openid", "email", "given_name", "usual_name", "siret")
# Asymmetric signatures only: an HS256 token is signed with our own client secret, and "none" with nothing.
ALGORITHMS = ("RS256", "ES256")
METADATA_TTL_SECONDS = 3600.0
CLOCK_LEEWAY_SECONDS = 60
# Kept out of the evidence: they only tie the token to this one exchange, and say nothing of the person.
_EXCHANGE_CLAIMS = frozenset({"nonce", "at_hash", "c_hash", "sid", "jti"})


def _random() -> str:
    return secrets.token_urlsafe(32)  # 43 characters: ProConnect wants at least 32 for state and nonce


@dataclass(frozen=True, slots=True)
class LoginRequest:
    """What one sign-in must find again when ProConnect sends the browser back: kept by the caller, server-side
    or sealed, never in the URL."""

    state: str = field(default_factory=_random)
    nonce: str = field(default_factory=_random)
    code_verifier: str = field(default_factory=lambda: secrets.token_urlsafe(48))

    @property
    def code_challenge(self) -> str:
        digest = hashlib.sha256(self.code_verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True, slots=True)
class Identity:
    """A person as ProConnect vouches for them: ``sub`` and the claims of the ID token and userinfo."""

    subject: str
    claims: dict[str, Any]

    def claim(self, name: str) -> str | None:
        value = self.claims.get(name)
        return str(value) if value not in (None, "") else None

    @property
    def siret(self) -> str | None:
        siret = self.claim("siret")
        return "".join(siret.split()) if siret else None

    @property
    def email(self) -> str | None:
        return self.claim("email")

    @property
    def full_name(self) -> str | None:
        return " ".join(part for part in (self.claim("given_name"), self.claim("usual_name")) if part) or None

    def evidence(self) -> dict[str, Any]:
        """The claims worth keeping as evidence: who, for which SIRET, authenticated by whom, when."""
        return {name: value for name, value in sorted(self.claims.items()) if name not in _EXCHANGE_CLAIMS}


@dataclass(frozen=True, slots=True)
class Metadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str


def _same_issuer(left: str, right: str) -> bool:
    return left.rstrip("/") == right.rstrip("/")


class ProConnectClient:
    """One registered client of one ProConnect issuer. ``now`` gives Unix seconds (tests move it)."""

    def __init__(
        self,
        issuer: str,
        client_id: str,
        client_secret: str,
        http: httpx.AsyncClient,
        *,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self._client_secret = client_secret
        self._http = http
        self._now = now
        self._metadata: tuple[float, Metadata] | None = None
        self._keys: KeySet | None = None

    # --- the provider's configuration --------------------------------------------------------------------------

    async def metadata(self) -> Metadata:
        """The issuer's discovery document (kept an hour): endpoints are read, never assumed."""
        if self._metadata is not None and self._now() - self._metadata[0] < METADATA_TTL_SECONDS:
            return self._metadata[1]
        document = await self._json("GET", f"{self.issuer}/.well-known/openid-configuration")
        try:
            found = Metadata(
                issuer=str(document["issuer"]),
                authorization_endpoint=str(document["authorization_endpoint"]),
                token_endpoint=str(document["token_endpoint"]),
                userinfo_endpoint=str(document["userinfo_endpoint"]),
                jwks_uri=str(document["jwks_uri"]),
            )
        except KeyError as missing:
            raise ProConnectUnavailable(f"ProConnect's configuration lacks {missing}.") from None
        if not _same_issuer(found.issuer, self.issuer):
            # OpenID Connect Discovery §4.3: a document naming another issuer is not this issuer's.
            raise ProConnectError(f"The discovery document names issuer {found.issuer}, not {self.issuer}.")
        self._metadata = (self._now(), found)
        return found

    async def _key_set(self, *, refresh: bool = False) -> KeySet:
        if self._keys is None or refresh:
            metadata = await self.metadata()
            document = await self._json("GET", metadata.jwks_uri)
            try:
                self._keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
            except (JoseError, ValueError, TypeError, KeyError) as exc:
                raise ProConnectUnavailable(f"ProConnect's signing keys cannot be read: {exc}") from exc
        return self._keys

    # --- the flow ----------------------------------------------------------------------------------------------

    async def authorization_url(self, request: LoginRequest, redirect_uri: str) -> str:
        """Where to send the browser: ProConnect's sign-in, which returns it to ``redirect_uri``."""
        metadata = await self.metadata()
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "scope": " ".join(SCOPES),
            "state": request.state,
            "nonce": request.nonce,
            "code_challenge": request.code_challenge,
            "code_challenge_method": "S256",
        }
        separator = "&" if "?" in metadata.authorization_endpoint else "?"
        return f"{metadata.authorization_endpoint}{separator}{urlencode(query)}"

    async def identify(self, code: str, request: LoginRequest, redirect_uri: str) -> Identity:
        """Exchange the code ProConnect returned for the person's identity, every token checked."""
        metadata = await self.metadata()
        tokens = await self._json(
            "POST",
            metadata.token_endpoint,
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": self.client_id,
                "client_secret": self._client_secret,
                "code_verifier": request.code_verifier,
            },
        )
        id_token, access_token = tokens.get("id_token"), tokens.get("access_token")
        if not isinstance(id_token, str) or not isinstance(access_token, str):
            raise ProConnectError("ProConnect's token answer has no ID token or access token.")
        claims = await self._verified(id_token, nonce=request.nonce)
        userinfo = await self._userinfo(metadata.userinfo_endpoint, access_token)
        if userinfo.get("sub") != claims["sub"]:
            # OpenID Connect Core §5.3.2: userinfo about another subject must not be used.
            raise ProConnectError("ProConnect's userinfo is about another person than its ID token.")
        return Identity(subject=str(claims["sub"]), claims={**claims, **userinfo})

    async def _verified(self, token: str, *, nonce: str | None) -> dict[str, Any]:
        """The claims of a JWT signed by the issuer for this client: signature, issuer, audience, expiry, and the
        nonce of this sign-in when one is given."""
        options: dict[str, Any] = {
            "iss": {"essential": True, "value": self.issuer},
            "aud": {"essential": True, "value": self.client_id},
            "sub": {"essential": True},
        }
        if nonce is not None:
            options |= {"exp": {"essential": True}, "nonce": {"essential": True, "value": nonce}}
        decoded = await self._decode(token)
        claims = dict(decoded.claims)
        if isinstance(claims.get("iss"), str):
            claims["iss"] = claims["iss"].rstrip("/")  # "https://x/" and "https://x" name one issuer
        audiences = claims.get("aud")
        if isinstance(audiences, list) and len(audiences) > 1 and claims.get("azp") != self.client_id:
            raise ProConnectError("The ID token names several audiences but was not issued to pdp (azp).")
        try:
            jwt.JWTClaimsRegistry(now=lambda: int(self._now()), leeway=CLOCK_LEEWAY_SECONDS, **options).validate(claims)
        except JoseError as exc:
            raise ProConnectError(f"ProConnect's token does not check: {exc}") from exc
        return claims

    async def _decode(self, token: str) -> jwt.Token:
        try:
            return jwt.decode(token, await self._key_set(), algorithms=list(ALGORITHMS))
        except (JoseError, ValueError):
            pass  # perhaps signed with a key published since: look the keys up again, once
        try:
            return jwt.decode(token, await self._key_set(refresh=True), algorithms=list(ALGORITHMS))
        except (JoseError, ValueError) as exc:
            raise ProConnectError(f"ProConnect's token signature does not check: {exc}") from exc

    async def _userinfo(self, endpoint: str, access_token: str) -> dict[str, Any]:
        response = await self._send("GET", endpoint, headers={"Authorization": f"Bearer {access_token}"})
        if response.headers.get("content-type", "").split(";")[0].strip() == "application/jwt":
            return await self._verified(response.text.strip(), nonce=None)
        return self._decoded_json(response)

    # --- HTTP --------------------------------------------------------------------------------------------------

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http.request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            raise ProConnectUnavailable(f"ProConnect did not answer in time ({url}).") from exc
        except httpx.HTTPError as exc:
            raise ProConnectUnavailable(f"ProConnect cannot be reached ({url}): {exc}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise ProConnectUnavailable(f"ProConnect answered {response.status_code} ({url}).")
        if response.status_code >= 400:
            raise ProConnectError(f"ProConnect refused: {response.status_code} {_error_of(response)} ({url}).")
        return response

    async def _json(self, method: str, url: str, **kwargs: Any) -> Mapping[str, Any]:
        return self._decoded_json(await self._send(method, url, **kwargs))

    @staticmethod
    def _decoded_json(response: httpx.Response) -> dict[str, Any]:
        try:
            document = response.json()
        except ValueError as exc:
            raise ProConnectUnavailable(f"ProConnect's answer is not JSON ({response.url}).") from exc
        if not isinstance(document, dict):
            raise ProConnectUnavailable(f"ProConnect's answer is not a JSON object ({response.url}).")
        return document


def _error_of(response: httpx.Response) -> str:
    """The OAuth ``error`` of a refusal (``invalid_grant``…), never the whole body."""
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("error", "")) if isinstance(body, dict) else ""
