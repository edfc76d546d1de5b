"""The Chorus Pro client: typed calls over an injected ``httpx.AsyncClient`` (docs/chorus-pro-api.md §1 to §3).

Every call sends the PISTE bearer token and the ``cpro-account`` header of the technical account it acts for
(a provider may have its own account while its tenant uses a platform account, so the account is a per-call
argument). Answers are decoded into the structs of :mod:`.schemas`; failures become the typed errors of
:mod:`.errors`. The client never retries a business call by itself: whether a retry is safe (a deposit is not
idempotent on Chorus's side) is the caller's decision. The one exception is a 401 from the gateway, whatever its
wording: the bearer token is replaced once and the call repeated (a 401 means the request was refused, not
processed); a second 401 decides.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

import httpx
import msgspec

from pdp.connectors.chorus_pro import exchanges, paths
from pdp.connectors.chorus_pro.answers import read_answer
from pdp.connectors.chorus_pro.auth import PisteTokens, TechnicalAccount
from pdp.connectors.chorus_pro.errors import (
    ChorusBadRequest,
    ChorusConnectionError,
    ChorusError,
    ChorusNotFound,
    ChorusPayloadTooLarge,
    ChorusRateLimited,
    ChorusRejected,
    ChorusTimeout,
    ChorusTransientError,
)
from pdp.connectors.chorus_pro.gateway import forbidden, unauthorized
from pdp.connectors.chorus_pro.paging import every_page, whole_history
from pdp.connectors.chorus_pro.schemas import documents as d
from pdp.connectors.chorus_pro.schemas import factures as f
from pdp.connectors.chorus_pro.schemas import structures as s
from pdp.connectors.chorus_pro.schemas import transverses as t
from pdp.connectors.chorus_pro.schemas.common import (
    SUCCESS,
    Empty,
    HealthCheck,
    Pagination,
    Request,
    Response,
)

R = TypeVar("R", bound=Response)

JSON_UTF8 = "application/json;charset=utf-8"
MAX_PAGE_SIZE = 100
HISTORY_PAGE_SIZE = 100
# 503 and 429 mean "not processed"; other 5xx may come after Chorus acted, so a deposit must be reconciled.
_UNPROCESSED_STATUSES = frozenset({429, 503})

_encoder = msgspec.json.Encoder(decimal_format="number")


# Whose budget a call spends: set by the caller (the tenant an invoice belongs to) around its Chorus calls.
_rate_key: ContextVar[str] = ContextVar("chorus_rate_key", default="platform")
Throttle = Callable[[str], Awaitable[None]]


@contextmanager
def spending(key: str) -> Iterator[None]:
    """Charge the Chorus calls made in this block to ``key`` (a tenant) in the shared rate limiter."""
    token = _rate_key.set(key)
    try:
        yield
    finally:
        _rate_key.reset(token)


class ChorusProClient:
    """One instance per process, built in the app or worker lifespan, shared by every tenant.

    ``throttle`` is awaited before every HTTP request to Chorus (a retry after a refused token included), with the
    key set by :func:`spending`: the shared rate limit then holds per call, not per piece of work.
    """

    def __init__(
        self, http: httpx.AsyncClient, *, api_url: str, tokens: PisteTokens, throttle: Throttle | None = None
    ) -> None:
        self._http = http
        self._api_url = api_url.rstrip("/")
        self._tokens = tokens
        self._throttle = throttle

    # -- transport ------------------------------------------------------------------------------------------

    async def call(self, path: str, body: Request, answer: type[R], account: TechnicalAccount) -> R:
        """POST ``body`` to ``path`` and decode the answer; raise a :class:`ChorusError` on any failure."""
        content = _encoder.encode(body)
        for attempt in (1, 2):
            token = await self._tokens.token()
            if self._throttle is not None:
                await self._throttle(_rate_key.get())
            with exchanges.noted(path, content) as noting:
                response = await self._send(path, content, token, account)
                noting.answered(response.status_code, response.content)
                if response.status_code == 401 and attempt == 1:
                    # Any 401, whatever its challenge says (PISTE's text for a refused token is not documented):
                    # the token may have expired or been revoked early. Only a 401 on a fresh token blames the
                    # account.
                    self._tokens.invalidate(token)
                    continue
                return _decode_answer(response, answer)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    async def _send(self, path: str, content: bytes, token: str, account: TechnicalAccount) -> httpx.Response:
        headers = {
            "Authorization": f"Bearer {token}",
            "cpro-account": account.header,
            "Content-Type": JSON_UTF8,
            "Accept": JSON_UTF8,
        }
        try:
            return await self._http.post(self._api_url + path, content=content, headers=headers)
        except httpx.ConnectTimeout as exc:
            raise ChorusTimeout(f"connecting to Chorus Pro timed out on {path}", ambiguous=False) from exc
        except httpx.TimeoutException as exc:
            raise ChorusTimeout(f"Chorus Pro did not answer {path} in time", ambiguous=True) from exc
        except httpx.ConnectError as exc:
            raise ChorusConnectionError(f"cannot connect to Chorus Pro for {path}", ambiguous=False) from exc
        except httpx.TransportError as exc:
            # The request left: Chorus may have acted on it before the connection broke.
            raise ChorusConnectionError(f"connection lost during {path}: {exc!r}", ambiguous=True) from exc

    # -- factures ------------------------------------------------------------------------------------------

    async def deposit_flux(self, account: TechnicalAccount, request: f.DeposerFluxRequest) -> f.DeposerFluxResponse:
        """``deposer/flux``: deposit a UBL, CII or Factur-X file; integration then runs asynchronously."""
        return await self.call(paths.DEPOSER_FLUX, request, f.DeposerFluxResponse, account)

    async def deposit_pdf(self, account: TechnicalAccount, request: f.DeposerPdfRequest) -> f.DeposerPdfResponse:
        """``deposer/pdf``: upload a plain PDF; the invoice is created by :meth:`submit_invoice`."""
        return await self.call(paths.DEPOSER_PDF, request, f.DeposerPdfResponse, account)

    async def submit_invoice(self, account: TechnicalAccount, request: f.SoumettreRequest) -> f.SoumettreResponse:
        """``soumettre``: create an invoice from structured data and a deposited PDF."""
        return await self.call(paths.SOUMETTRE, request, f.SoumettreResponse, account)

    async def search_supplier_invoices(
        self, account: TechnicalAccount, request: f.RechercherFournisseurRequest
    ) -> f.RechercherFournisseurResponse:
        """``rechercher/fournisseur``: one page of the supplier's invoices."""
        return await self.call(paths.RECHERCHER_FOURNISSEUR, request, f.RechercherFournisseurResponse, account)

    async def iter_supplier_invoices(
        self, account: TechnicalAccount, request: f.RechercherFournisseurRequest, *, page_size: int = MAX_PAGE_SIZE
    ) -> AsyncIterator[f.FactureFournisseur]:
        """Every matching invoice, across all pages (Chorus pages by 10 unless told otherwise); none when
        Chorus answers "no result" (20000), with HTTP 200 or 400."""

        async def page(number: int) -> f.RechercherFournisseurResponse:
            paging = Pagination(nb_resultats_par_page=page_size, page_resultat_demandee=number)
            paged = msgspec.structs.replace(request, recherche_facture_par_fournisseur=paging)
            return await self.search_supplier_invoices(account, paged)

        async for invoice in every_page(page, lambda answer: answer.liste_factures):
            yield invoice

    async def get_supplier_invoice(self, account: TechnicalAccount, invoice_id: int) -> f.ConsulterFournisseurResponse:
        """``consulter/fournisseur``: one issued invoice."""
        request = f.ConsulterFournisseurRequest(identifiant_facture_cpp=invoice_id)
        return await self.call(paths.CONSULTER_FOURNISSEUR, request, f.ConsulterFournisseurResponse, account)

    async def invoice_history(self, account: TechnicalAccount, invoice_id: int) -> f.ConsulterHistoriqueResponse:
        """``consulter/historique``: current status and the *whole* status history, newest first — every page
        of it, asked with the history's own paging keys (``paramRechercheHistoStatuts``) and merged."""

        async def page(number: int) -> f.ConsulterHistoriqueResponse:
            paging = f.PaginationHistoStatuts(
                nb_resultats_par_page_liste_histo_statut=HISTORY_PAGE_SIZE,
                page_resultat_demandee_liste_histo_statut=number,
            )
            request = f.ConsulterHistoriqueRequest(id_facture=invoice_id, param_recherche_histo_statuts=paging)
            return await self.call(paths.CONSULTER_HISTORIQUE, request, f.ConsulterHistoriqueResponse, account)

        return await whole_history(page)

    async def recycle_invoice(self, account: TechnicalAccount, request: f.RecyclerRequest) -> f.RecyclerResponse:
        """``recycler``: new routing data for an ``A_RECYCLER`` invoice, same number."""
        return await self.call(paths.RECYCLER, request, f.RecyclerResponse, account)

    async def complete_invoice(self, account: TechnicalAccount, request: f.CompleterRequest) -> f.CompleterResponse:
        """``completer``: add attachments to a ``SUSPENDUE`` invoice."""
        return await self.call(paths.COMPLETER, request, f.CompleterResponse, account)

    # -- transverses ---------------------------------------------------------------------------------------

    async def flux_report(self, account: TechnicalAccount, flux_number: str) -> t.ConsulterCRDetailleResponse:
        """``consulterCRDetaille``: the integration state of a flux and its rejected invoices."""
        request = t.ConsulterCRDetailleRequest(numero_flux_depot=flux_number)
        return await self.call(paths.CONSULTER_CR_DETAILLE, request, t.ConsulterCRDetailleResponse, account)

    async def flux_report_pdf(self, account: TechnicalAccount, flux_number: str) -> t.ConsulterCRResponse:
        """``consulterCR``: the older report, with a PDF receipt (``fichierCR``)."""
        request = t.ConsulterCRRequest(numero_flux_depot=flux_number)
        return await self.call(paths.CONSULTER_CR, request, t.ConsulterCRResponse, account)

    async def upload_file(
        self, account: TechnicalAccount, request: t.AjouterFichierRequest
    ) -> t.AjouterFichierResponse:
        """``ajouter/fichier``: an attachment (≤ 10 MB) whose id ``soumettre`` or ``completer`` refers to."""
        return await self.call(paths.AJOUTER_FICHIER, request, t.AjouterFichierResponse, account)

    async def bank_accounts(self, account: TechnicalAccount, structure_id: int) -> t.CoordonneesBancairesResponse:
        """``recuperer/coordbanc/valides``: a supplier's valid bank details (their ids go into ``soumettre``)."""
        request = t.CoordonneesBancairesRequest(id_structure=structure_id)
        return await self.call(paths.COORDONNEES_BANCAIRES, request, t.CoordonneesBancairesResponse, account)

    async def vat_rates(self, account: TechnicalAccount, language: str = "FR") -> t.TauxTvaResponse:
        return await self.call(paths.TAUX_TVA, t.CodeLangue(code_langue=language), t.TauxTvaResponse, account)

    async def payment_modes(self, account: TechnicalAccount) -> t.ModesPaiementResponse:
        return await self.call(paths.MODES_PAIEMENT, Empty(), t.ModesPaiementResponse, account)

    async def billing_frames(self, account: TechnicalAccount, kind: str = "FACTURE") -> t.CadresFacturationResponse:
        request = t.CadreFacturationRequest(type_demande_paiement=kind)
        return await self.call(paths.CADRES_FACTURATION, request, t.CadresFacturationResponse, account)

    async def currencies(self, account: TechnicalAccount, language: str = "FR") -> t.DevisesResponse:
        return await self.call(paths.DEVISES, t.CodeLangue(code_langue=language), t.DevisesResponse, account)

    async def flux_formats(self, account: TechnicalAccount) -> t.FormatsFluxResponse:
        return await self.call(paths.FORMATS_FLUX, Empty(), t.FormatsFluxResponse, account)

    async def vat_exemption_reasons(self, account: TechnicalAccount) -> t.MotifsExonerationResponse:
        return await self.call(paths.MOTIFS_EXONERATION, Empty(), t.MotifsExonerationResponse, account)

    async def health_check(self) -> HealthCheck:
        """``GET health-check``: needs the bearer token only."""
        for attempt in (1, 2):
            token = await self._tokens.token()
            if self._throttle is not None:
                await self._throttle(_rate_key.get())
            try:
                response = await self._http.get(
                    self._api_url + paths.HEALTH_CHECK, headers={"Authorization": f"Bearer {token}"}
                )
            except httpx.TransportError as exc:
                raise ChorusConnectionError(f"health check: {exc!r}") from exc
            if response.status_code == 401 and attempt == 1:
                self._tokens.invalidate(token)  # the same one refresh as :meth:`call`
                continue
            break
        if response.status_code == 401:
            raise unauthorized(response, account_sent=False)
        _raise_for_http(response)
        try:
            return msgspec.json.decode(response.content, type=HealthCheck)
        except msgspec.DecodeError as exc:
            raise ChorusTransientError("Chorus Pro answered the health check with an unreadable body") from exc

    # -- structures, users, commitments --------------------------------------------------------------------

    async def search_structures(
        self, account: TechnicalAccount, request: s.RechercherStructureRequest
    ) -> s.RechercherStructureResponse:
        return await self.call(paths.STRUCTURES_RECHERCHER, request, s.RechercherStructureResponse, account)

    async def find_structure(self, account: TechnicalAccount, siret: str) -> s.StructureResume | None:
        """The structure identified by this SIRET, public or not, active or not; ``None`` when unknown (an empty
        list, ``parametresRetour.total`` 0, or "no result" with HTTP 200 or 400)."""
        request = s.RechercherStructureRequest(
            structure=s.StructureCriteres(identifiant_structure=siret, type_identifiant_structure="SIRET"),
            restreindre_structures_privees=False,
        )
        try:
            answer = await self.search_structures(account, request)
        except ChorusRejected as exc:
            if exc.no_result:
                return None
            raise
        matches = [one for one in answer.liste_structures if one.identifiant_structure == siret]
        return matches[0] if matches else None

    async def get_structure(self, account: TechnicalAccount, structure_id: int) -> s.ConsulterStructureResponse:
        """``structures/v1/consulter``: identity and the flags saying what an invoice to it must carry."""
        request = s.ConsulterStructureRequest(id_structure_cpp=structure_id, code_langue="FR")
        return await self.call(paths.STRUCTURES_CONSULTER, request, s.ConsulterStructureResponse, account)

    async def iter_services(
        self, account: TechnicalAccount, structure_id: int, *, page_size: int = MAX_PAGE_SIZE
    ) -> AsyncIterator[s.ServiceResume]:
        """``rechercher/services``, every page; none when Chorus answers "no result"."""

        async def page(number: int) -> s.RechercherServicesResponse:
            paging = Pagination(nb_resultats_par_page=page_size, page_resultat_demandee=number)
            request = s.RechercherServicesRequest(
                id_structure=structure_id, parametres_rechercher_services_structure=paging
            )
            return await self.call(paths.SERVICES_RECHERCHER, request, s.RechercherServicesResponse, account)

        async for service in every_page(page, lambda answer: answer.liste_services):
            yield service

    async def get_service(
        self, account: TechnicalAccount, structure_id: int, service_id: int
    ) -> s.ConsulterServiceResponse:
        request = s.ConsulterServiceRequest(id_structure=structure_id, id_service=service_id, code_langue="FR")
        return await self.call(paths.SERVICE_CONSULTER, request, s.ConsulterServiceResponse, account)

    async def my_structures(self, account: TechnicalAccount) -> s.RattachementsResponse:
        """``monCompte/recuperer/rattachements``: the cheap way to check a technical account's credentials."""
        return await self.call(paths.RATTACHEMENTS, s.RattachementsRequest(), s.RattachementsResponse, account)

    async def search_engagements(
        self, account: TechnicalAccount, request: s.RechercherEngagementRequest
    ) -> s.RechercherEngagementResponse:
        return await self.call(paths.ENGAGEMENTS_RECHERCHER, request, s.RechercherEngagementResponse, account)

    # -- what Chorus holds: downloads, attachments, validator correction -----------------------------------

    async def download_invoices(
        self, account: TechnicalAccount, request: d.TelechargerGroupeRequest
    ) -> d.TelechargerGroupeResponse:
        """``telecharger/groupe``: invoices as Chorus holds them (over 120 MB: 413, ChorusPayloadTooLarge)."""
        return await self.call(paths.TELECHARGER_GROUPE, request, d.TelechargerGroupeResponse, account)

    async def download_attachments(
        self, account: TechnicalAccount, request: d.TelechargerPieceJointeRequest
    ) -> d.TelechargerPieceJointeResponse:
        return await self.call(paths.TELECHARGER_PIECE_JOINTE, request, d.TelechargerPieceJointeResponse, account)

    async def search_my_attachments(
        self, account: TechnicalAccount, request: d.RechercherPiecesJointesRequest
    ) -> d.RechercherPiecesJointesResponse:
        """``rechercher/pj/moncompte``: the files this account uploaded with ``ajouter/fichier``."""
        return await self.call(paths.PIECES_JOINTES_MON_COMPTE, request, d.RechercherPiecesJointesResponse, account)

    async def correct_validator(
        self, account: TechnicalAccount, request: f.CorrigerValideurRequest
    ) -> f.CorrigerValideurResponse:
        """``corriger/valideur/facture``: name the right validator of an invoice refused for a wrong one."""
        return await self.call(paths.CORRIGER_VALIDEUR, request, f.CorrigerValideurResponse, account)

    async def deposit_modes(self, account: TechnicalAccount) -> t.ModesDepotResponse:
        return await self.call(paths.MODES_DEPOT, Empty(), t.ModesDepotResponse, account)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    when = email.utils.parsedate_to_datetime(value) if value else None
    return max(0.0, when.timestamp() - time.time()) if when else None


class _Envelope(Response):
    """Just ``codeRetour``/``libelle``: what an error body carries."""


def _raise_for_http(response: httpx.Response) -> None:
    status = response.status_code
    if status < 400:
        return
    if status == 400:
        envelope = _try_decode(response.content, _Envelope)
        if envelope is not None and envelope.code_retour != SUCCESS:
            raise ChorusRejected(
                envelope.libelle or "Chorus Pro rejected the request",
                chorus_code=str(envelope.code_retour),
                http_status=status,
            )
        raise ChorusBadRequest(_text(response) or None, http_status=status)
    if status == 401:
        raise unauthorized(response)
    if status == 403:
        raise forbidden(response)
    kinds: dict[int, type[ChorusError]] = {404: ChorusNotFound, 413: ChorusPayloadTooLarge}
    if status in kinds:
        raise kinds[status](_text(response) or None, http_status=status)
    if status == 429:
        raise ChorusRateLimited(http_status=status, retry_after=_retry_after(response), ambiguous=False)
    if status >= 500:
        raise ChorusTransientError(
            _text(response) or None,
            http_status=status,
            retry_after=_retry_after(response),
            ambiguous=status not in _UNPROCESSED_STATUSES,
        )
    raise ChorusBadRequest(_text(response) or None, http_status=status)


def _decode_answer(response: httpx.Response, answer: type[R]) -> R:
    _raise_for_http(response)
    return read_answer(response, answer)  # a non-zero codeRetour with HTTP 200 is a ChorusRejected too


def _try_decode(content: bytes, kind: type[R]) -> R | None:
    try:
        return msgspec.json.decode(content, type=kind)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def _text(response: httpx.Response) -> str:
    return response.text[:500].strip()
