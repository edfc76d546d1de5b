"""SIRENE: the address a SIRET is registered at, read from the public API Recherche d'entreprises.

The provider portal proves that a supplier acts for a SIRET by posting a code to the address SIRENE holds for it
(:mod:`pdp.connectors.letters`). This package reads that address:

- :mod:`.client`: :class:`~.client.SireneClient`, whose ``registered_establishment(siret)`` answers an
  :class:`~.schemas.Establishment` or ``None``, throttled under the API's published rate (7 requests/s per IP);
  failures are the errors of :mod:`.errors`.
- :mod:`.schemas`: the part of the API's answer pdp reads, and how it becomes an establishment.
- :mod:`.fake`: a stand-in answering ``/search`` with the same JSON, seeded from ``fake_seed.json``; the Chorus Pro
  emulator serves it under ``/sirene`` (``pdp sandbox``, hence ``pdp dev``).

The API is documented at https://recherche-entreprises.api.gouv.fr/docs/ (OpenAPI description:
https://recherche-entreprises.api.gouv.fr/openapi.json); it needs no key.
"""
