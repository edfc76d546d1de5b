"""Answers in Chorus Pro's shape (docs/chorus-pro-api.md §2, §5): ``codeRetour``/``libelle``, paging, errors.

Which HTTP status carries a non-zero ``codeRetour`` depends on the answer:
- a search that finds nothing (20000) comes with HTTP 200, its empty list and ``parametresRetour`` (total 0):
  PASTELL only reads bodies of HTTP 200 and still meets 20000 there (``rechercheFactureParRecipiendaire``), and
  OCA reads an empty ``listeStructures`` or ``listeEngagementJuridique`` from bodies its ``chorus_post`` only
  returns for HTTP 200;
- every other refusal comes with HTTP 400, as the GO client expects (``parseError`` on 400); no client shows
  one with 200, and 400 is the status a client must handle anyway.
The control API's ``business_status`` fault sends either kind with the other status (faults.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import msgspec

from pdp.connectors.chorus_pro.sandbox.directory import Account, Structure
from pdp.connectors.chorus_pro.sandbox.ledger import LedgerEntry
from pdp.connectors.chorus_pro.sandbox.state import SandboxState
from pdp.connectors.chorus_pro.schemas.common import Pagination
from pdp.connectors.chorus_pro.schemas.shapes import blanks_as_absent, raw_json

T = TypeVar("T")

GCU_OK = "GCU_MSG_01_000"  # deposits and soumettre
TRA_OK = "TRA_MSG_00.000"  # transverses, structures, searches
NO_RESULT = 20000
NO_RESULT_LABEL = "TRA_MSG_00.015 - La recherche n'a retourné aucun résultat"
UNKNOWN_FLUX = 20001
UNKNOWN_FLUX_LABEL = "POQ_MSG_01.003 - Flux introuvable."
# Not documented: the code and text the emulator uses for an invoice or structure the caller cannot see. The
# invoice text is Chorus's own (GDP_MSG_11.008, seen in PASTELL's fixtures in a retourFonctionnel object).
UNKNOWN_OBJECT = 20001
UNKNOWN_INVOICE_LABEL = "GDP_MSG_11.008 - La demande de paiement est inconnue du systéme."
UNKNOWN_STRUCTURE_LABEL = "GDP_MSG_11.010 - La structure est inconnue du système."
BAD_STATUS = 20002
BAD_STATUS_LABEL = "Incohérence au niveau du statut d'origine ou de destination de la facture."
FILE_TOO_LARGE = 20003
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 10_000  # OCA asks 10000 services per page; Chorus accepts it

_encoder = msgspec.json.Encoder(decimal_format="number")
JSON = [(b"content-type", b"application/json;charset=utf-8")]


@dataclass(slots=True)
class Reply:
    status: int
    body: bytes
    headers: list[tuple[bytes, bytes]] = field(default_factory=lambda: list(JSON))
    code_retour: int | None = None
    client_id: str | None = None  # the PISTE client a token request named, for the ledger


class ChorusFailure(Exception):
    """Raised by a handler to answer a business refusal (non-zero ``codeRetour``)."""

    def __init__(self, code: int, libelle: str, *, http_status: int = 400) -> None:
        super().__init__(libelle)
        self.code = code
        self.libelle = libelle
        self.http_status = http_status


class BadRequest(Exception):
    """Malformed JSON or wrong field types: HTTP 400 without a codeRetour (Swagger: "Requête mal formulée")."""


@dataclass(slots=True)
class Call:
    """One authenticated ``/cpro`` call: the caller's account and supplier structure, and the raw body."""

    state: SandboxState
    account: Account
    supplier: Structure
    body: bytes
    entry: LedgerEntry

    def decode(self, kind: type[T]) -> T:
        """The body as ``kind``, read as leniently as Chorus reads it, on every call alike: a number sent as a
        numeric string (OCA sends ``str(id)`` for ``structureReceptriceEngagementJuridique``, PASTELL an
        ``idServiceFournisseur`` it did not cast), a boolean as ``"true"``/``"false"``, and ``""`` for an
        optional value that is not text (PASTELL's default ``restreindreStructuresPrivees``), read as absent.
        Anything else that does not fit — a word for a number, a blank required value — stays a 400."""
        body = self.body or b"{}"
        try:
            return msgspec.json.decode(body, type=kind, strict=False)
        except msgspec.ValidationError:
            pass  # perhaps blanks: read again below
        except msgspec.DecodeError as exc:
            raise BadRequest(str(exc)) from None
        try:
            return msgspec.convert(blanks_as_absent(raw_json(body), kind), kind, strict=False)
        except msgspec.ValidationError as exc:
            raise BadRequest(str(exc)) from None


Handler = Callable[[Call], Reply]


def json_reply(status: int, payload: Any, *, code_retour: int | None = None) -> Reply:
    return Reply(status, _encoder.encode(payload), code_retour=code_retour)


def ok(payload: dict[str, Any], libelle: str = TRA_OK) -> Reply:
    return json_reply(200, {"codeRetour": 0, "libelle": libelle, **payload}, code_retour=0)


def failure(error: ChorusFailure) -> Reply:
    body = {"codeRetour": error.code, "libelle": error.libelle}
    return json_reply(error.http_status, body, code_retour=error.code)


def bad_request(detail: str) -> Reply:
    return json_reply(400, {"libelle": f"Requête mal formulée : {detail}"})


def paged(items: Sequence[T], paging: Pagination | None) -> tuple[Sequence[T], dict[str, int]]:
    """One page of ``items`` and the ``parametresRetour`` describing it (``total`` 0 when there is none)."""
    size = min(max(paging.nb_resultats_par_page, 1), MAX_PAGE_SIZE) if paging else DEFAULT_PAGE_SIZE
    page = max(paging.page_resultat_demandee, 1) if paging else 1
    pages = math.ceil(len(items) / size)
    chunk = items[(page - 1) * size : page * size]
    return chunk, {"nbResultatsParPage": size, "pageCourante": page, "pages": pages, "total": len(items)}


def search_answer(key: str, listed: list[Any], returned: dict[str, int]) -> Reply:
    """A search's answer: ``listed`` under ``key`` with its ``parametresRetour``. A search that found nothing
    at all is still HTTP 200, with codeRetour 20000, the empty list and ``total`` 0 (module docstring)."""
    if listed or returned["total"]:
        return ok({key: listed, "parametresRetour": returned})
    payload = {"codeRetour": NO_RESULT, "libelle": NO_RESULT_LABEL, key: listed, "parametresRetour": returned}
    return json_reply(200, payload, code_retour=NO_RESULT)


def sort_by(items: list[T], paging: Pagination | None, keys: dict[str, Any]) -> list[T]:
    """Sort on ``triColonne`` when it names a known column, ``triSens`` ``Descendant`` reversing."""
    if paging is None or not paging.tri_colonne or paging.tri_colonne not in keys:
        return items
    return sorted(items, key=keys[paging.tri_colonne], reverse=paging.tri_sens == "Descendant")
