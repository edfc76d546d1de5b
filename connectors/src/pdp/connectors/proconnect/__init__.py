"""ProConnect, the State's OpenID Connect federation for professionals: who a person is, and for which SIRET.

- :mod:`.client`: :class:`~.client.ProConnectClient`, the relying party (authorization code flow with PKCE,
  ``state`` and ``nonce``; ID token and userinfo checked against the issuer's JWKS).
- :mod:`.errors`: what can go wrong, and whether trying again can help.

ProConnect's documentation for service providers: https://partenaires.proconnect.gouv.fr/docs/fournisseur-service
"""
