"""Each Chorus check on a deposited flux lands in listeErreurDP (or listeErreurTechnique) with Chorus's words."""

from __future__ import annotations

import io
import tarfile
import zipfile
from typing import Any

import httpx
import pytest

from tests.sandbox import harness as h
from tests.sandbox.flows import deposit_and_integrate

CHECKS: list[tuple[str, dict[str, Any], str]] = [
    ("unknown-supplier", {"supplier": "35600000000048"}, "n'est pas reference dans notre systeme"),
    ("foreign-supplier", {"supplier": h.SUPPLIER_2}, "n'est pas la structure du compte technique"),
    ("unknown-recipient", {"recipient": "11111111111111"}, "introuvable ou inactif"),
    ("inactive-recipient", {"recipient": h.INACTIVE}, "introuvable ou inactif"),
    ("service-required", {"recipient": h.SERVICE_REQUIRED}, "code du service exécutant est obligatoire"),
    ("ej-required", {"recipient": h.EJ_REQUIRED}, "engagement juridique est obligatoire pour ce destinataire"),
    ("ej-or-service", {"recipient": h.EJ_OR_SERVICE}, "engagement juridique ou le code du service"),
    ("unknown-service", {"service": "SERVICE_INCONNU"}, "n'existe pas pour le destinataire"),
    ("inactive-service", {"service": "SERVICE_DESTINATAIRE2"}, "est inactif"),
    ("service-needs-ej", {"service": "SERVICE_EJ"}, "obligatoire pour le service exécutant SERVICE_EJ"),
    ("no-iban", {"iban": None}, "IBAN"),
    ("no-means", {"means": None}, "PaymentMeans.PaymentMeansCode.value est obligatoire"),
    ("credit-note-with-means", {"credit_note": True, "means": "30"}, "Un avoir ne doit pas comporter"),
]


@pytest.mark.parametrize(("case", "options", "message"), CHECKS, ids=[c[0] for c in CHECKS])
async def test_each_check_rejects_with_its_message(
    sandbox: h.RunningSandbox, http: httpx.AsyncClient, case: str, options: dict[str, Any], message: str
) -> None:
    client, account = sandbox.client(http), sandbox.account()
    _, report = await deposit_and_integrate(sandbox, client, account, h.ubl(f"F-{case[:12]}", **options))
    assert report.etat_courant_depot_flux == "IN_REJETE"
    [error] = report.errors_dp
    assert error.numero_dp == f"F-{case[:12]}"
    assert message in (error.libelle_erreur_dp or ""), error.libelle_erreur_dp


async def test_routing_given_integrates(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    for number, options in [
        ("F-OK-S", {"recipient": h.SERVICE_REQUIRED, "service": "SERVICE_DESTINATAIRE1"}),
        ("F-OK-E", {"recipient": h.EJ_REQUIRED, "engagement": "EJ0030000001"}),
        ("F-OK-O", {"recipient": h.EJ_OR_SERVICE, "engagement": "EJ0040000001"}),
        ("F-OK-AVOIR", {"credit_note": True, "means": None}),
    ]:
        _, report = await deposit_and_integrate(sandbox, client, account, h.ubl(number, **options))
        assert report.etat_courant_depot_flux == "IN_INTEGRE", (number, report.errors_dp)


async def test_invoice_number_rules_and_duplicates(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    _, report = await deposit_and_integrate(sandbox, client, account, h.ubl("F-" + "9" * 19))
    assert "G1.05" in (report.errors_dp[0].libelle_erreur_dp or "")
    _, report = await deposit_and_integrate(sandbox, client, account, h.ubl("F 2026 1"))
    assert "n'est pas conforme" in (report.errors_dp[0].libelle_erreur_dp or "")
    _, first = await deposit_and_integrate(sandbox, client, account, h.ubl("F-DUP-1"))
    _, again = await deposit_and_integrate(sandbox, client, account, h.ubl("F-DUP-1"))
    assert first.etat_courant_depot_flux == "IN_INTEGRE"
    assert "doublon" in (again.errors_dp[0].libelle_erreur_dp or "")
    summary = sandbox.control("GET", "ledger/summary")
    assert summary["duplicate_deposits"][0]["number"] == "F-DUP-1"


async def test_syntax_must_match_syntaxe_flux(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    _, as_cii = await deposit_and_integrate(sandbox, client, account, h.ubl("F-SYN-1"), "IN_DP_E1_CII_16B")
    assert as_cii.etat_courant_depot_flux == "IN_REJETE"
    [error] = as_cii.technical_errors
    assert error.code_erreur == "ERR_XSD_001" and (error.libelle_erreur or "").startswith("IRRECEVABILITE: ")
    _, cii = await deposit_and_integrate(sandbox, client, account, h.cii("F-SYN-2"), "IN_DP_E1_CII_16B")
    assert cii.etat_courant_depot_flux == "IN_INTEGRE", cii.errors_dp
    _, garbage = await deposit_and_integrate(sandbox, client, account, b"not an invoice", "IN_DP_E1_UBL_INVOICE")
    assert garbage.etat_courant_depot_flux == "IN_REJETE" and garbage.technical_errors
    _, facturx = await deposit_and_integrate(sandbox, client, account, h.cii("F-SYN-3"), "IN_DP_E2_CII_FACTURX")
    assert facturx.technical_errors[0].code_erreur == "ERR_FORMAT_002"


async def test_schema_error_is_technical(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    broken = h.ubl("F-XSD-1").replace(b"<cbc:IssueDate>", b"<cbc:Inconnu>x</cbc:Inconnu><cbc:IssueDate>")
    _, report = await deposit_and_integrate(sandbox, client, account, broken)
    assert report.etat_courant_depot_flux == "IN_REJETE"
    assert report.technical_errors[0].code_erreur == "ERR_XSD_001"


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _targz(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


@pytest.mark.parametrize("pack", [_zip, _targz], ids=["zip", "tar.gz"])
async def test_archive_integrates_partially(sandbox: h.RunningSandbox, http: httpx.AsyncClient, pack: Any) -> None:
    client, account = sandbox.client(http), sandbox.account()
    files = {
        "a.xml": h.ubl("F-LOT-1"),
        "b.xml": h.ubl("F-LOT-2"),
        "c.xml": h.ubl("F-LOT-3", recipient=h.INACTIVE),
    }
    flux, report = await deposit_and_integrate(sandbox, client, account, pack(files), name="lot.tar.gz")
    assert report.etat_courant_depot_flux == "IN_INTEGRE_PARTIEL"
    assert [error.numero_dp for error in report.errors_dp] == ["F-LOT-3"]
    numbers = [i.numero_facture async for i in client.iter_supplier_invoices(account, _by_flux(flux))]
    assert sorted(numbers) == ["F-LOT-1", "F-LOT-2"]


def _by_flux(flux: str) -> Any:
    from pdp.connectors.chorus_pro.schemas import factures as f

    return f.RechercherFournisseurRequest(numero_flux_depot=flux)


def _ubl_with(number: str, change: Any) -> bytes:
    from pdp.einvoice.formats.json_input import to_invoice
    from pdp.einvoice.formats.ubl_write import write_ubl

    invoice = to_invoice(h.invoice_json(number))
    change(invoice)
    return write_ubl(invoice)


def _long_engagement(invoice: Any) -> None:
    invoice.purchase_order_ref = "E" * 51
    invoice.routing.engagement_number = None


def _attachments(invoice: Any) -> None:
    from pdp.einvoice.model import Attachment

    invoice.attachments = [
        Attachment(id="1", filename="bon_de_livraison.exe", content=b"MZ", mime_code="application/pdf"),
        Attachment(id="2", filename="x" * 60 + ".pdf", content=b"%PDF-", mime_code="application/pdf"),
    ]


def _siren_recipient(invoice: Any) -> None:
    invoice.routing.recipient_siret = None
    invoice.buyer.legal_id = None
    invoice.buyer.identifiers = []


async def test_engagement_attachment_and_identifier_checks(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    cases = [
        (_long_engagement, "dépasse 50 caractères"),
        (_attachments, "L'extension de la pièce jointe bon_de_livraison.exe n'est pas autorisée"),
        (_siren_recipient, "L'identifiant du destinataire de la demande de paiement est obligatoire"),
    ]
    for n, (change, message) in enumerate(cases):
        _, report = await deposit_and_integrate(sandbox, client, account, _ubl_with(f"F-MORE-{n}", change))
        assert report.etat_courant_depot_flux == "IN_REJETE", (message, report.technical_errors)
        assert message in (report.errors_dp[0].libelle_erreur_dp or ""), report.errors_dp
    framed = h.ubl("F-FRAME-1").replace(b"<cbc:ProfileID>A1</cbc:ProfileID>", b"<cbc:ProfileID>A99</cbc:ProfileID>")
    _, report = await deposit_and_integrate(sandbox, client, account, framed)
    assert "Le cadre de facturation A99 n'est pas valide" in (report.errors_dp[0].libelle_erreur_dp or "")
    several = _ubl_with("F-MORE-9", lambda invoice: (_attachments(invoice), _long_engagement(invoice)))
    _, report = await deposit_and_integrate(sandbox, client, account, several)
    message = report.errors_dp[0].libelle_erreur_dp or ""
    assert " | " in message and len(message) <= 200  # concatenated and cut, as Chorus does


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.7\n garbage", b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'><cbc:ID", b""],
    ids=["broken-pdf", "truncated-xml", "empty"],
)
async def test_unreadable_files_are_rejected_not_crashed(
    sandbox: h.RunningSandbox, http: httpx.AsyncClient, content: bytes
) -> None:
    client, account = sandbox.client(http), sandbox.account()
    _, report = await deposit_and_integrate(sandbox, client, account, content)
    assert report.etat_courant_depot_flux == "IN_REJETE"
    assert (report.technical_errors[0].libelle_erreur or "").startswith("IRRECEVABILITE: ")
