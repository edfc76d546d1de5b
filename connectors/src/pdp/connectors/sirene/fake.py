"""A stand-in for the API Recherche d'entreprises: ``GET /search?q=`` over a seed, with the real answer's shape.

For ``pdp dev`` and tests, the way the Chorus Pro emulator stands in for PISTE; the emulator serves it under
``/sirene`` (``pdp.cli.sandbox``), so ``pdp dev`` starts nothing more. A plain ASGI app, like the emulator.

What it does as the real API does (https://recherche-entreprises.api.gouv.fr/docs/):
- ``q`` of 14 digits: the unit owning that SIRET, ``matching_etablissements`` holding that establishment alone;
  9 digits: the unit, ``matching_etablissements`` empty; an unknown number: ``results`` empty, still 200;
- other ``q``: a search on names (here a plain substring match, where the real one is a full-text engine);
- no ``q``: 400 ``{"erreur": …}``; ``per_page`` above 25: 400;
- more than 7 requests in a second from one client address: 429 with ``Retry-After``.

The seed (``fake_seed.json`` by default) holds results in the answer's shape, each with an extra
``etablissements`` list for its establishments other than the head office; ``adresse`` is built from the address
fields, as the API's indexer builds it, unless the seed gives one (a withheld address is ``[NON-DIFFUSIBLE]``).
"""

from __future__ import annotations

import copy
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import msgspec

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

RATE_LIMIT_PER_SECOND = 7  # the real API's published limit per IP address
MAX_PER_PAGE = 25
Unit = dict[str, Any]


def load_seed(source: bytes | str | Path | None = None) -> list[Unit]:
    """The units in ``source`` (JSON bytes or a file path), or the packaged seed when ``None``."""
    if source is None:
        raw = resources.files(__package__).joinpath("fake_seed.json").read_bytes()
    elif isinstance(source, bytes):
        raw = source
    else:
        raw = Path(source).read_bytes()
    units: list[Unit] = msgspec.json.decode(raw, type=dict[str, list[dict[str, Any]]])["results"]
    for unit in units:
        for one in _establishments(unit):
            if not str(one.get("siret", "")).startswith(unit["siren"]):
                raise ValueError(f"seed: establishment {one.get('siret')!r} is not of SIREN {unit['siren']}")
    return units


class SireneFake:
    """The ASGI callable. ``rate_limit`` requests per second per client address (0: unlimited)."""

    def __init__(
        self,
        units: list[Unit] | None = None,
        *,
        rate_limit: int = RATE_LIMIT_PER_SECOND,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.units = units if units is not None else load_seed()
        self.rate_limit = rate_limit
        self._clock = clock
        self._recent: dict[str, deque[float]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] != "/search":
            await _reply(send, 404, {"erreur": "Cette page n'existe pas."})
            return
        if scope["method"] != "GET":
            await _reply(send, 405, {"erreur": "Méthode non autorisée."})
            return
        if self._over_limit(scope):
            await _reply(send, 429, {"erreur": "Trop de requêtes : au plus 7 par seconde."}, retry_after=1)
            return
        params = {key: values[-1] for key, values in parse_qs(scope.get("query_string", b"").decode()).items()}
        status, payload = self.search(params)
        await _reply(send, status, payload)

    def search(self, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """The status and body ``/search`` answers for these query parameters."""
        q = "".join(params.get("q", "").split())
        if not q:
            return 400, {"erreur": "Veuillez indiquer au moins un paramètre de recherche."}
        try:
            page = int(params.get("page", "1"))
            per_page = int(params.get("per_page", "10"))
        except ValueError:
            return 400, {"erreur": "Veuillez indiquer un nombre entier pour page et per_page."}
        if not 1 <= per_page <= MAX_PER_PAGE or page < 1:
            return 400, {"erreur": f"Veuillez indiquer un per_page entre 1 et {MAX_PER_PAGE} et un page positif."}
        matches = self._matches(params.get("q", "").strip(), q)
        shown = matches[(page - 1) * per_page : page * per_page]
        return 200, {
            "results": shown,
            "total_results": len(matches),
            "page": page,
            "per_page": per_page,
            "total_pages": math.ceil(len(matches) / per_page),
        }

    def _matches(self, text: str, compact: str) -> list[Unit]:
        if compact.isdigit() and len(compact) == 14:
            return [
                _result(unit, [one])
                for unit in self.units
                for one in _establishments(unit)
                if one.get("siret") == compact
            ]
        if compact.isdigit() and len(compact) == 9:
            return [_result(unit, []) for unit in self.units if unit["siren"] == compact]
        wanted = text.casefold()
        return [
            _result(unit, [unit["siege"]])
            for unit in self.units
            if wanted in str(unit.get("nom_complet") or "").casefold()
        ]

    def _over_limit(self, scope: Scope) -> bool:
        if self.rate_limit <= 0:
            return False
        client = scope.get("client") or ("unknown", 0)
        now = self._clock()
        recent = self._recent.setdefault(str(client[0]), deque())
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        if len(recent) >= self.rate_limit:
            return True
        recent.append(now)
        return False


def _establishments(unit: Unit) -> list[dict[str, Any]]:
    return [unit["siege"], *unit.get("etablissements", [])]


def _result(unit: Unit, matching: list[dict[str, Any]]) -> Unit:
    """One ``results[]`` item, as the API shows it: no ``etablissements``, counts, ``adresse`` filled in."""
    result = {key: copy.deepcopy(value) for key, value in unit.items() if key != "etablissements"}
    everything = _establishments(unit)
    result["nombre_etablissements"] = len(everything)
    result["nombre_etablissements_ouverts"] = sum(1 for one in everything if one.get("etat_administratif") == "A")
    result["siege"] = _shown(unit["siege"])
    result["matching_etablissements"] = [_shown(one) for one in matching]
    return result


def _shown(establishment: dict[str, Any]) -> dict[str, Any]:
    shown = copy.deepcopy(establishment)
    shown.setdefault("adresse", _adresse(establishment))
    return shown


def _adresse(one: dict[str, Any]) -> str:
    """The one-line address, joined as the API's indexer joins it (search-infra's ``format_adresse_complete``)."""
    parts = [
        one.get(key)
        for key in (
            "complement_adresse",
            "numero_voie",
            "indice_repetition",
            "type_voie",
            "libelle_voie",
            "distribution_speciale",
        )
    ]
    if one.get("cedex"):
        parts += [one["cedex"], one.get("libelle_cedex")]
    elif one.get("code_postal"):
        parts += [one["code_postal"], one.get("libelle_commune")]
    parts += [one.get("libelle_commune_etranger"), one.get("libelle_pays_etranger")]
    return " ".join(str(part) for part in parts if part).upper()


async def _reply(send: Send, status: int, payload: dict[str, Any], *, retry_after: int | None = None) -> None:
    body = msgspec.json.encode(payload)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
