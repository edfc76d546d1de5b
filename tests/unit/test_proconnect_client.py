"""The ProConnect relying party refuses every token that does not check: another issuer, another audience, a
stale nonce, an expired token, a foreign or missing signature, userinfo about someone else. The identity
provider is played by an httpx transport holding its own keys (ProConnect is not ours to run in a unit test);
the happy path against a real OpenID provider is in the integration tests (pdp dev's stand-in)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from pdp.connectors.proconnect.client import Identity, LoginRequest, ProConnectClient
from pdp.connectors.proconnect.errors import ProConnectError, ProConnectUnavailable

ISSUER = "https://proconnect.example/api/v2"
CLIENT = "pdp-client"
REDIRECT = "https://pdp.example/portal/proconnect/callback"
NOW = 1_800_000_000


class Provider:
    """An OpenID provider over httpx: discovery, JWKS, token and userinfo, with claims a test can spoil."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self.sub = "user-1"
        self.userinfo_as_jwt = True
        self.spoil: dict[str, Any] = {}
        self.userinfo_sub = self.sub
        self.signing_key: Any = self.key
        self.algorithm = "RS256"
        self.discovered_issuer = ISSUER
        self.token_status = 200
        self.nonce = ""
        self.seen: dict[str, Any] = {}

    def _jwt(self, claims: dict[str, Any]) -> str:
        return jwt.encode({"alg": self.algorithm, "kid": "k1"}, claims, self.signing_key)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/.well-known/openid-configuration"):
            return httpx.Response(
                200,
                json={
                    "issuer": self.discovered_issuer,
                    "authorization_endpoint": f"{ISSUER}/authorize",
                    "token_endpoint": f"{ISSUER}/token",
                    "userinfo_endpoint": f"{ISSUER}/userinfo",
                    "jwks_uri": f"{ISSUER}/jwks",
                },
            )
        if path.endswith("/jwks"):
            return httpx.Response(200, json={"keys": [self.key.as_dict(private=False)]})
        if path.endswith("/token"):
            self.seen = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
            if self.token_status != 200:
                return httpx.Response(self.token_status, json={"error": "invalid_grant"})
            claims = {"iss": ISSUER, "aud": CLIENT, "sub": self.sub, "exp": NOW + 60, "iat": NOW, "nonce": self.nonce}
            claims |= {"idp_id": "idp-1", **self.spoil}
            return httpx.Response(
                200, json={"access_token": "at", "token_type": "Bearer", "id_token": self._jwt(claims)}
            )
        if path.endswith("/userinfo"):
            info = {"sub": self.userinfo_sub, "email": "jeanne@dupont.fr", "siret": "73282932000074"}
            info |= {"given_name": "Jeanne", "usual_name": "Dupont"}
            if self.userinfo_as_jwt:
                signed = jwt.encode({"alg": "RS256", "kid": "k1"}, {"iss": ISSUER, "aud": CLIENT, **info}, self.key)
                return httpx.Response(200, content=signed, headers={"content-type": "application/jwt"})
            return httpx.Response(200, json=info)
        return httpx.Response(404)


async def _identify(provider: Provider, **changes: Any) -> Identity:
    for name, value in changes.items():
        setattr(provider, name, value)
    async with httpx.AsyncClient(transport=httpx.MockTransport(provider)) as http:
        client = ProConnectClient(ISSUER, CLIENT, "secret", http, now=lambda: NOW)
        login = LoginRequest()
        provider.nonce = provider.nonce or login.nonce
        url = await client.authorization_url(login, REDIRECT)
        query = parse_qs(urlsplit(url).query)
        assert query["state"] == [login.state] and query["nonce"] == [login.nonce]
        assert query["code_challenge_method"] == ["S256"] and query["code_challenge"] == [login.code_challenge]
        assert query["scope"] == ["openid email given_name usual_name siret"]
        identity = await client.identify("the-code", login, REDIRECT)
        assert provider.seen["code_verifier"] == login.code_verifier and provider.seen["client_id"] == CLIENT
        return identity


async def test_a_checked_identity_carries_the_siret_and_keeps_no_exchange_secret() -> None:
    identity = await _identify(Provider())
    assert (identity.subject, identity.siret, identity.email) == ("user-1", "73282932000074", "jeanne@dupont.fr")
    assert identity.full_name == "Jeanne Dupont" and identity.claims["idp_id"] == "idp-1"
    assert "nonce" not in identity.evidence() and identity.evidence()["siret"] == "73282932000074"


async def test_userinfo_as_plain_json_is_read_too() -> None:
    assert (await _identify(Provider(), userinfo_as_jwt=False)).siret == "73282932000074"


@pytest.mark.parametrize(
    ("spoil", "words"),
    [
        ({"iss": "https://evil.example"}, "iss"),
        ({"aud": "another-client"}, "aud"),
        ({"exp": NOW - 120}, "exp"),
        ({"nonce": "a-nonce-from-another-sign-in"}, "nonce"),
    ],
)
async def test_an_id_token_for_another_party_or_time_is_refused(spoil: dict[str, Any], words: str) -> None:
    with pytest.raises(ProConnectError, match=words):
        await _identify(Provider(), spoil=spoil)


@pytest.mark.parametrize(
    "forge",
    [
        lambda p: {"signing_key": RSAKey.generate_key(2048, parameters={"kid": "k1"})},  # not the issuer's key
        lambda p: {"signing_key": OctKey.import_key(b"secret" * 6), "algorithm": "HS256"},  # our own secret's kind
    ],
)
async def test_a_token_the_issuer_did_not_sign_is_refused(forge: Callable[[Provider], dict[str, Any]]) -> None:
    provider = Provider()
    with pytest.raises(ProConnectError, match="signature"):
        await _identify(provider, **forge(provider))


async def test_userinfo_about_another_person_is_refused() -> None:
    with pytest.raises(ProConnectError, match="another person"):
        await _identify(Provider(), userinfo_sub="user-2")


async def test_a_discovery_document_of_another_issuer_is_refused() -> None:
    with pytest.raises(ProConnectError, match="names issuer"):
        await _identify(Provider(), discovered_issuer="https://evil.example")


async def test_a_refused_code_and_an_unavailable_provider_are_told_apart() -> None:
    with pytest.raises(ProConnectError, match="invalid_grant") as refused:
        await _identify(Provider(), token_status=400)
    assert not isinstance(refused.value, ProConnectUnavailable)
    with pytest.raises(ProConnectUnavailable):
        await _identify(Provider(), token_status=503)


def test_the_pkce_challenge_is_the_verifier_s_s256() -> None:
    # RFC 7636 appendix B.
    login = LoginRequest(state="s" * 43, nonce="n" * 43, code_verifier="dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
    assert login.code_challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
