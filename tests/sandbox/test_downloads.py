"""What a supplier reads back from the emulator: telecharger/groupe (PIVOT and PDF), telecharger/pieceJointe,
rechercher/pj/moncompte, recuperer/modedepot, corriger/valideur/facture."""

from __future__ import annotations

import base64
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import httpx
import pytest

from pdp.connectors.chorus_pro.client import ChorusProClient
from pdp.connectors.chorus_pro.errors import ChorusBadRequest, ChorusPayloadTooLarge, ChorusRejected
from pdp.connectors.chorus_pro.sandbox import copies, lifecycle
from pdp.connectors.chorus_pro.sandbox.receipt import receipt_pdf
from pdp.connectors.chorus_pro.schemas import documents as d
from pdp.connectors.chorus_pro.schemas import factures as f
from pdp.connectors.chorus_pro.schemas import transverses as t
from tests.sandbox import harness as h
from tests.sandbox.flows import deposit_and_integrate, invoice_id


def _ids(*ids: int) -> list[d.IdFacture]:
    return [d.IdFacture(id_facture=one) for one in ids]


async def _download(
    client: ChorusProClient, account: h.TechnicalAccount, ids: list[int], kind: str, extras: str | None = None
) -> bytes:
    request = d.TelechargerGroupeRequest(
        liste_facture=_ids(*ids), format=kind, avec_pieces_jointes_complementaires=extras
    )
    answer = await client.download_invoices(account, request)
    assert answer.code_retour == 0 and answer.fichier_resultat
    return base64.b64decode(answer.fichier_resultat)


def _units(pivot: bytes) -> list[ET.Element]:
    root = ET.fromstring(pivot)
    assert root.tag == "CPPFacturePivot"
    factures = root.find("CPPFactures")
    assert factures is not None
    units = factures.findall("CPPFacturePivotUnitaire")
    assert factures.get("Compteur") == str(len(units))
    return units


def _files(unit: ET.Element) -> list[tuple[str, str, bytes]]:
    """(TypePJ, NomPJ, content) of each PJ of a pivot invoice."""
    return [
        (pj.findtext("TypePJ") or "", pj.findtext("NomPJ") or "", base64.b64decode(pj.findtext("Contenu") or ""))
        for pj in unit.findall("PJ")
    ]


async def _integrated(sandbox: h.RunningSandbox, client: ChorusProClient, number: str, **kwargs: str) -> int:
    flux, report = await deposit_and_integrate(sandbox, client, sandbox.account(), h.ubl(number, **kwargs))
    assert report.etat_courant_depot_flux == "IN_INTEGRE"
    return await invoice_id(client, sandbox.account(), flux)


async def test_pivot_of_one_invoice_holds_its_data_and_the_deposited_file(
    sandbox: h.RunningSandbox, http: httpx.AsyncClient
) -> None:
    client, account = sandbox.client(http), sandbox.account()
    invoice = await _integrated(sandbox, client, "F-DL-1")
    [unit] = _units(await _download(client, account, [invoice], "PIVOT"))
    assert unit.findtext("Fournisseur/Identifiant") == h.SUPPLIER
    assert unit.findtext("Debiteur/Identifiant") == h.NO_PARAMS
    assert unit.findtext("DonneesFacture/Id") == "F-DL-1"
    assert unit.findtext("DonneesFacture/Montants/MontantTTC") == "240.00"
    assert _files(unit) == [("01", "facture.xml", h.ubl("F-DL-1"))]


async def test_pivot_of_invoices_from_one_archive_gives_each_its_own_entry(
    sandbox: h.RunningSandbox, http: httpx.AsyncClient
) -> None:
    client, account = sandbox.client(http), sandbox.account()
    batch = io.BytesIO()
    with zipfile.ZipFile(batch, "w") as archive:
        archive.writestr("un.xml", h.ubl("F-LOT-1"))
        archive.writestr("deux.xml", h.ubl("F-LOT-2", amount="50.00"))
    flux, report = await deposit_and_integrate(sandbox, client, account, batch.getvalue(), name="lot.zip")
    assert report.etat_courant_depot_flux == "IN_INTEGRE"
    found = await client.search_supplier_invoices(account, f.RechercherFournisseurRequest(numero_flux_depot=flux))
    ids = {one.numero_facture: one.identifiant_facture_cpp or 0 for one in found.liste_factures}
    units = _units(await _download(client, account, [ids["F-LOT-2"], ids["F-LOT-1"]], "PIVOT"))
    assert [unit.findtext("DonneesFacture/Id") for unit in units] == ["F-LOT-2", "F-LOT-1"]  # the order asked
    assert _files(units[0]) == [("01", "deux.xml", h.ubl("F-LOT-2", amount="50.00"))]
    assert _files(units[1]) == [("01", "un.xml", h.ubl("F-LOT-1"))]


async def test_pdf_of_an_xml_invoice_is_chorus_rendering_and_several_are_a_zip_by_invoice(
    sandbox: h.RunningSandbox, http: httpx.AsyncClient
) -> None:
    client, account = sandbox.client(http), sandbox.account()
    first, second = await _integrated(sandbox, client, "F-PDF-A"), await _integrated(sandbox, client, "F-PDF-B")
    alone = await _download(client, account, [first], "PDF")
    assert alone.startswith(b"%PDF") and b"F-PDF-A" in alone
    with zipfile.ZipFile(io.BytesIO(await _download(client, account, [first, second], "PDF"))) as archive:
        assert sorted(archive.namelist()) == [f"{first}/facture.pdf", f"{second}/facture.pdf"]
        assert b"F-PDF-B" in archive.read(f"{second}/facture.pdf")


async def test_submitted_pdf_comes_back_as_deposited(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    pdf = base64.b64decode(receipt_pdf("Facture fournisseur", ["F-SOUM-1"]))
    deposited = await client.deposit_pdf(
        account, f.DeposerPdfRequest(fichier_facture=base64.b64encode(pdf).decode(), nom_fichier="soumise.pdf")
    )
    submitted = await client.submit_invoice(account, _submission(sandbox, deposited.piece_jointe_id or 0))
    invoice = submitted.identifiant_facture_cpp or 0
    assert await _download(client, account, [invoice], "PDF") == pdf
    [unit] = _units(await _download(client, account, [invoice], "PIVOT"))
    assert _files(unit) == [("01", "soumise.pdf", pdf)]


async def test_complementary_files_come_with_pdf_only_when_asked_and_always_with_pivot(
    sandbox: h.RunningSandbox, http: httpx.AsyncClient
) -> None:
    client, account = sandbox.client(http), sandbox.account()
    invoice = await _integrated(sandbox, client, "F-PJ-1", recipient=h.SUSPEND)
    sandbox.control("POST", "clock/advance", {"days": 2})
    note = await _upload(client, account, b"bon de livraison signe", "bon.txt")
    piece = f.PieceJointeComplementaire(
        piece_jointe_complementaire_designation="Bon de livraison", piece_jointe_complementaire_id=note
    )
    await client.complete_invoice(
        account, f.CompleterRequest(identifiant_facture_cpp=invoice, piece_jointe_complementaire=[piece])
    )
    assert (await _download(client, account, [invoice], "PDF", "Non")).startswith(b"%PDF")
    with zipfile.ZipFile(io.BytesIO(await _download(client, account, [invoice], "PDF", "OUI"))) as archive:
        assert sorted(archive.namelist()) == ["bon.txt", "facture.pdf"]
        assert archive.read("bon.txt") == b"bon de livraison signe"
    [unit] = _units(await _download(client, account, [invoice], "PIVOT", "Non"))
    assert [(kind, name) for kind, name, _ in _files(unit)] == [("01", "facture.xml"), ("02", "bon.txt")]


async def test_refusals_unknown_invoice_bad_format_too_large(
    sandbox: h.RunningSandbox, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, account = sandbox.client(http), sandbox.account()
    invoice = await _integrated(sandbox, client, "F-REF-1")
    other = await _integrated(sandbox, client, "F-REF-2")
    with pytest.raises(ChorusRejected) as unknown:  # another supplier's invoice, in a group with one's own
        await _download(client, sandbox.account(h.SUPPLIER_2), [invoice], "PIVOT")
    assert unknown.value.chorus_code == "20001" and "GDP_MSG_11.008" in (unknown.value.detail or "")
    with pytest.raises(ChorusBadRequest):
        await _download(client, account, [invoice], "XML")
    with pytest.raises(ChorusBadRequest):
        await _download(client, account, [invoice], "PDF", "peut-être")
    with pytest.raises(ChorusBadRequest):
        await _download(client, account, [], "PIVOT")
    one_invoice = len(h.ubl("F-REF-1"))
    monkeypatch.setattr(copies, "MAX_FOLDER_BYTES", one_invoice + 10)
    assert await _download(client, account, [invoice], "PIVOT")  # one fits
    with pytest.raises(ChorusPayloadTooLarge) as too_large:
        await _download(client, account, [invoice, other], "PIVOT")
    assert too_large.value.http_status == 413


async def test_attachments_download_and_my_files(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    invoice = await _integrated(sandbox, client, "F-TPJ-1")
    request = d.TelechargerPieceJointeRequest(
        objet_piece_jointe="DEMANDE_PAIEMENT",
        demande_paiement=d.DemandePaiementPieceJointe(
            liste_facture=_ids(invoice), format="PIVOT", avec_pieces_jointes_complementaires="Non"
        ),
    )
    answer = await client.download_attachments(account, request)
    [unit] = _units(base64.b64decode(answer.piece_jointe or ""))
    assert unit.findtext("DonneesFacture/Id") == "F-TPJ-1"
    with pytest.raises(ChorusRejected) as none:
        await client.download_attachments(account, d.TelechargerPieceJointeRequest(objet_piece_jointe="UTILISATEUR"))
    assert none.value.chorus_code == "20000"
    uploaded = await _upload(client, account, b"annexe", "Annexe technique.pdf")
    await _upload(client, sandbox.account(h.SUPPLIER_2), b"autre", "Annexe de quelqu'un d'autre.pdf")
    mine = await client.search_my_attachments(
        account, d.RechercherPiecesJointesRequest(piece_jointe_designation="annexe")
    )
    assert [(one.piece_jointe_id, one.piece_jointe_extension) for one in mine.liste_pieces_jointes] == [
        (uploaded, "PDF")
    ]
    with pytest.raises(ChorusRejected) as nothing:
        await client.search_my_attachments(account, d.RechercherPiecesJointesRequest(piece_jointe_designation="zzz"))
    assert nothing.value.chorus_code == "20000"


async def test_deposit_modes(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    modes = await sandbox.client(http).deposit_modes(sandbox.account())
    listed = [one.mode_depot for one in modes.liste_mode_depot]
    assert listed[:2] == ["SAISIE_WEB", "PORTAIL_PDF"] and {"UPLOAD_API", "SAISIE_API", "DEPOT_PDF_API"} <= set(listed)


async def test_validator_is_corrected_only_after_a_validator_error(
    sandbox: h.RunningSandbox, http: httpx.AsyncClient
) -> None:
    client, account = sandbox.client(http), sandbox.account()
    invoice = await _integrated(sandbox, client, "F-VAL-1")
    validator = h.SUPPLIER_2
    request = f.CorrigerValideurRequest(
        id_facture=invoice, identifiant_structure=validator, type_identifiant_structure="SIRET"
    )
    with pytest.raises(ChorusRejected) as not_now:
        await client.correct_validator(account, request)
    assert not_now.value.chorus_code == "20002"
    held = sandbox.app.state.invoices[invoice]  # until the validator circuit exists, the error is set in place
    lifecycle.record(sandbox.app.state, held, "ERREUR_FOURNISSEUR_SUR_VALIDEUR", "Valideur inconnu")
    with pytest.raises(ChorusRejected) as unknown:
        await client.correct_validator(account, f.CorrigerValideurRequest(id_facture=invoice, id_structure=1))
    assert unknown.value.chorus_code == "20001" and "GDP_MSG_11.010" in (unknown.value.detail or "")
    answer = await client.correct_validator(account, request)
    assert answer.id_facture == invoice
    history = await client.invoice_history(account, invoice)
    assert history.statut_courant_code == "A_VALIDER_1"
    assert held.validator is not None and held.validator.siret == validator
    with pytest.raises(ChorusRejected) as elsewhere:  # not the caller's invoice
        await client.correct_validator(sandbox.account(h.SUPPLIER_2), request)
    assert elsewhere.value.chorus_code == "20001"


async def test_kept_files_and_validator_survive_a_restart(tmp_path: Path, http: httpx.AsyncClient) -> None:
    first = h.start_sandbox(state_dir=tmp_path, reception_delay=1.0, integration_delay=2.0)
    try:
        client, account = first.client(http), first.account()
        from_flux = await _integrated(first, client, "F-KEEP-1")
        pdf = base64.b64decode(receipt_pdf("Facture", ["F-KEEP-2"]))
        piece = await client.deposit_pdf(
            account, f.DeposerPdfRequest(fichier_facture=base64.b64encode(pdf).decode(), nom_fichier="k.pdf")
        )
        submitted = await client.submit_invoice(account, _submission(first, piece.piece_jointe_id or 0, "F-KEEP-2"))
        held = first.app.state.invoices[from_flux]
        lifecycle.record(first.app.state, held, "ERREUR_FOURNISSEUR_SUR_VALIDEUR")
        await client.correct_validator(
            account, f.CorrigerValideurRequest(id_facture=from_flux, identifiant_structure=h.SUPPLIER_2)
        )
    finally:
        first.stop()
    second = h.start_sandbox(state_dir=tmp_path, reception_delay=1.0, integration_delay=2.0)
    try:
        client, account = second.client(http), second.account()
        [unit] = _units(await _download(client, account, [from_flux], "PIVOT"))
        assert _files(unit) == [("01", "facture.xml", h.ubl("F-KEEP-1"))]
        assert await _download(client, account, [submitted.identifiant_facture_cpp or 0], "PDF") == pdf
        restored = second.app.state.invoices[from_flux].validator
        assert restored is not None and restored.siret == h.SUPPLIER_2
    finally:
        second.stop()


async def _upload(client: ChorusProClient, account: h.TechnicalAccount, data: bytes, name: str) -> int:
    answer = await client.upload_file(
        account,
        t.AjouterFichierRequest(
            piece_jointe_fichier=base64.b64encode(data).decode(),
            piece_jointe_nom=name,
            piece_jointe_type_mime="application/octet-stream",
            piece_jointe_extension=name.rsplit(".", 1)[-1].upper(),
        ),
    )
    assert answer.piece_jointe_id
    return int(answer.piece_jointe_id)


def _submission(sandbox: h.RunningSandbox, piece_id: int, number: str = "F-SOUM-1") -> f.SoumettreRequest:
    return f.SoumettreRequest(
        mode_depot="DEPOT_PDF_API",
        numero_facture_saisi=number,
        date_facture="2026-11-27",
        destinataire=f.Destinataire(code_destinataire=h.NO_PARAMS),
        fournisseur=f.FournisseurSoumission(
            id_fournisseur=sandbox.supplier_id(),
            code_coordonnees_bancaires_fournisseur=sandbox.info["suppliers"][0]["bank_accounts"][0]["id"],
        ),
        cadre_de_facturation=f.CadreDeFacturation(),
        references=f.References(mode_paiement="VIREMENT"),
        montant_total=f.MontantTotal(
            montant_ht_total=Decimal("100.00"),
            montant_tva=Decimal("20.00"),
            montant_ttc_total=Decimal("120.00"),
            montant_a_payer=Decimal("120.00"),
        ),
        piece_jointe_principale=[
            f.PieceJointePrincipale(piece_jointe_principale_designation="Facture", piece_jointe_principale_id=piece_id)
        ],
    )
