"""What pdp's client relies on to read back what Chorus Pro holds: telecharger/groupe, the account's files,
recuperer/modedepot, corriger/valideur/facture — against whichever Chorus Pro the target is."""

from __future__ import annotations

import base64
import uuid
from xml.etree import ElementTree as ET

import httpx
import pytest

from pdp.connectors.chorus_pro.errors import ChorusRejected
from pdp.connectors.chorus_pro.schemas import documents as d
from pdp.connectors.chorus_pro.schemas import factures as f
from pdp.connectors.chorus_pro.schemas import transverses as t
from tests.contract.chorus_pro.conftest import Target
from tests.sandbox.harness import deposit_request, ubl


async def test_deposit_modes_are_listed(target: Target, http: httpx.AsyncClient) -> None:
    modes = await target.client(http).deposit_modes(target.account)
    assert modes.code_retour == 0 and modes.liste_mode_depot
    assert all(one.mode_depot for one in modes.liste_mode_depot)


async def test_an_invoice_the_account_cannot_see_is_not_downloaded(target: Target, http: httpx.AsyncClient) -> None:
    request = d.TelechargerGroupeRequest(liste_facture=[d.IdFacture(id_facture=1)], format="PIVOT")
    with pytest.raises(ChorusRejected):
        await target.client(http).download_invoices(target.account, request)


async def test_an_uploaded_file_is_found_among_the_accounts_files(target: Target, http: httpx.AsyncClient) -> None:
    client = target.client(http)
    name = f"pdp-{uuid.uuid4().hex[:12]}.txt"
    uploaded = await client.upload_file(
        target.account,
        t.AjouterFichierRequest(
            piece_jointe_fichier=base64.b64encode(b"contract test").decode(),
            piece_jointe_nom=name,
            piece_jointe_type_mime="text/plain",
            piece_jointe_extension="TXT",
        ),
    )
    found = await client.search_my_attachments(
        target.account, d.RechercherPiecesJointesRequest(piece_jointe_designation=name)
    )
    assert uploaded.piece_jointe_id in {one.piece_jointe_id for one in found.liste_pieces_jointes}


@pytest.mark.emulator_only
async def test_an_integrated_invoice_downloads_as_pivot_and_pdf(target: Target, http: httpx.AsyncClient) -> None:
    assert target.sandbox is not None
    client = target.client(http)
    answer = await client.deposit_flux(target.account, deposit_request(ubl("CT-DL-1")))
    target.sandbox.control("POST", "clock/advance", {"minutes": 1})
    request = f.RechercherFournisseurRequest(numero_flux_depot=answer.numero_flux_depot)
    [invoice] = [one async for one in client.iter_supplier_invoices(target.account, request)]
    ids = [d.IdFacture(id_facture=invoice.identifiant_facture_cpp or 0)]
    pivot = await client.download_invoices(
        target.account, d.TelechargerGroupeRequest(liste_facture=ids, format="PIVOT")
    )
    root = ET.fromstring(base64.b64decode(pivot.fichier_resultat or ""))
    assert root.findtext("CPPFactures/CPPFacturePivotUnitaire/DonneesFacture/Id") == "CT-DL-1"
    pdf = await client.download_invoices(target.account, d.TelechargerGroupeRequest(liste_facture=ids, format="PDF"))
    assert base64.b64decode(pdf.fichier_resultat or "").startswith(b"%PDF")
    with pytest.raises(ChorusRejected) as not_in_error:
        await client.correct_validator(
            target.account, f.CorrigerValideurRequest(id_facture=ids[0].id_facture, identifiant_structure="1")
        )
    assert not_in_error.value.chorus_code == "20002"
