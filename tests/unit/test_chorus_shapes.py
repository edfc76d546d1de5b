"""The lenient reading of Chorus Pro bodies (schemas/shapes.py) and the merging of history pages (paging.py)."""

from __future__ import annotations

from decimal import Decimal

import msgspec

from pdp.connectors.chorus_pro.paging import whole_history
from pdp.connectors.chorus_pro.schemas import factures as f
from pdp.connectors.chorus_pro.schemas import structures as s
from pdp.connectors.chorus_pro.schemas.shapes import blanks_as_absent, one_as_list, raw_json


def test_single_objects_become_lists_at_any_depth() -> None:
    body = raw_json(
        b'{"codeRetour": 0, "historiquesDesStatuts": {'
        b'"histoStatut": {"histoStatutId": 7, "histoStatutCode": "DEPOSEE"}, "pagesHistoStatut": null}}'
    )
    answer = msgspec.convert(one_as_list(body, f.ConsulterHistoriqueResponse), f.ConsulterHistoriqueResponse)
    assert [entry.histo_statut_code for entry in answer.statuses] == ["DEPOSEE"]
    assert answer.historiques_des_statuts and answer.historiques_des_statuts.pages_histo_statut is None


def test_nulls_for_lists_are_absent_and_amounts_stay_exact() -> None:
    body = raw_json(b'{"listeFactures": null, "parametresRetour": null}')
    answer = msgspec.convert(one_as_list(body, f.RechercherFournisseurResponse), f.RechercherFournisseurResponse)
    assert answer.liste_factures == [] and answer.parametres_retour is None
    amounts = raw_json(b'{"listeFactures": {"montantTTC": 0.1, "montantHT": 120}}')
    [invoice] = msgspec.convert(
        one_as_list(amounts, f.RechercherFournisseurResponse), f.RechercherFournisseurResponse
    ).liste_factures
    assert invoice.montant_ttc == Decimal("0.1") and invoice.montant_ht == Decimal(120)


def test_blanks_are_absent_only_where_text_is_not_expected() -> None:
    body = raw_json(
        b'{"structure": {"identifiantStructure": "", "estMOA": ""}, "restreindreStructuresPrivees": "",'
        b' "parametres": {"nbResultatsParPage": 10}}'
    )
    request = msgspec.convert(blanks_as_absent(body, s.RechercherStructureRequest), s.RechercherStructureRequest)
    assert request.restreindre_structures_privees is None and request.structure.est_moa is None
    assert request.structure.identifiant_structure == ""  # text: a blank stays a blank
    required = blanks_as_absent(raw_json(b'{"idStructure": ""}'), s.RechercherServicesRequest)
    assert required == {"idStructure": ""}  # a required value is left for the decoder to refuse


def _page(entries: list[tuple[int | None, str]], pages: int) -> f.ConsulterHistoriqueResponse:
    statuses = [f.HistoStatut(histo_statut_id=one, histo_statut_code=code) for one, code in entries]
    return f.ConsulterHistoriqueResponse(
        statut_courant_code=statuses[0].histo_statut_code if statuses else None,
        historiques_des_statuts=f.HistoriquesDesStatuts(histo_statut=statuses, pages_histo_statut=pages),
    )


async def test_a_status_reached_between_pages_is_not_counted_twice() -> None:
    # Page 1 was read before SERVICE_FAIT (id 5) arrived; page 2, read after, starts with page 1's last entry.
    pages = {1: _page([(4, "SUSPENDUE"), (3, "MISE_A_DISPOSITION")], 2), 2: _page([(3, "MISE_A_DISPOSITION")], 2)}
    pages[2].statuses.append(f.HistoStatut(histo_statut_id=1, histo_statut_code="DEPOSEE"))

    async def fetch(number: int) -> f.ConsulterHistoriqueResponse:
        return pages[number]

    whole = await whole_history(fetch)
    assert [entry.histo_statut_id for entry in whole.statuses] == [4, 3, 1]
    assert whole.historiques_des_statuts and whole.historiques_des_statuts.total_histo_statut == 3


async def test_a_service_ignoring_the_page_asked_ends_the_walk() -> None:
    asked: list[int] = []

    async def fetch(number: int) -> f.ConsulterHistoriqueResponse:
        asked.append(number)
        return _page([(2, "MISE_A_DISPOSITION"), (1, "DEPOSEE")], 50)  # page 1 again, whatever the number

    whole = await whole_history(fetch)
    assert asked == [1, 2] and [entry.histo_statut_id for entry in whole.statuses] == [2, 1]
