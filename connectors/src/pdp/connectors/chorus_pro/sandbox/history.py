"""``consulter/historique``'s answer, paged as Chorus pages it (docs/chorus-pro-api.md §3.1).

The status history has paging keys of its own (GO ``ConsulterHistoriqueFactureOptions`` and
``HistoriquesDesStatuts``): ``paramRechercheHistoStatuts {nbResultatsParPageListeHistoStatut,
pageResultatDemandeeListeHistoStatut, triColonneListeHistoStatut, triSensListeHistoStatut}`` in, and
``historiquesDesStatuts {histoStatut[], nbResultatsParPageHistoStatut, pageCouranteHistoStatut, pagesHistoStatut,
totalHistoStatut}`` out, newest first (PASTELL's fixture). Without it, PASTELL's ``nbResultatsMaximum`` sizes the
one page asked; without either, a page holds 10 entries, like every other search of Chorus. The two other
histories (user actions, complementary events) are empty here, in the same shape.
"""

from __future__ import annotations

import math
from typing import Any

from pdp.connectors.chorus_pro.sandbox.clock import minute
from pdp.connectors.chorus_pro.sandbox.replies import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from pdp.connectors.chorus_pro.sandbox.state import Invoice, StatusEntry
from pdp.connectors.chorus_pro.schemas import factures as f


def history_answer(invoice: Invoice, request: f.ConsulterHistoriqueRequest) -> dict[str, Any]:
    """The answer's fields for ``invoice``: its current status and the page of its history ``request`` asks."""
    paging = request.param_recherche_histo_statuts
    size = paging.nb_resultats_par_page_liste_histo_statut if paging else request.nb_resultats_maximum
    size = min(max(size or DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE)
    page = max(paging.page_resultat_demandee_liste_histo_statut, 1) if paging else 1
    ordered = list(invoice.history)  # oldest first
    if not (paging and paging.tri_sens_liste_histo_statut == "Ascendant"):
        ordered.reverse()
    shown = ordered[(page - 1) * size : page * size]
    return {
        "idFacture": invoice.id,
        "numeroFacture": invoice.number,
        "modeDepot": invoice.deposit_mode,
        "statutCourantCode": invoice.status.code,
        "derniereAction": {"derniereActionCode": None, "derniereActionId": None},
        "historiquesDesStatuts": {
            "histoStatut": [_entry(one) for one in shown],
            "nbResultatsParPageHistoStatut": size,
            "pageCouranteHistoStatut": page,
            "pagesHistoStatut": math.ceil(len(ordered) / size),
            "totalHistoStatut": len(ordered),
        },
        "historiquesDesActionsUtilisateurs": {"histoAction": [], **_no_page("HistoAction")},
        "historiquesDesEvenementsComplementaires": {"evenement": [], **_no_page("Evenement")},
    }


def _entry(entry: StatusEntry) -> dict[str, Any]:
    return {
        "histoStatutId": entry.id,
        "histoStatutCode": entry.code,
        "histoStatutDatePassage": minute(entry.at),
        "histoStatutCommentaire": entry.comment,
        "histoStatutUtilisateurNom": "Service facturier" if entry.by_buyer else None,
        "histoStatutUtilisateurPrenom": None,
        "histoStatutUtilisateurEmail": None,
        "histoStatutUtilisateurTelephone": None,
    }


def _no_page(suffix: str) -> dict[str, int]:
    return {
        f"nbResultatsParPage{suffix}": DEFAULT_PAGE_SIZE,
        f"pageCourante{suffix}": 1,
        f"pages{suffix}": 0,
        f"total{suffix}": 0,
    }
