"""What a supplier reads back from Chorus Pro (docs/chorus-pro-api.md §3.1, §3.2): its invoices as Chorus holds
them (``factures/v1/telecharger/groupe``), their files (``transverses/v1/telecharger/pieceJointe``) and the files
its account uploaded (``transverses/v1/rechercher/pj/moncompte``). Shapes from GO (``factures_misc.go``,
``transverses_pieces_jointes.go``) and the annex comments of CS; the files themselves are built by :mod:`.copies`.
"""

from __future__ import annotations

import base64

from pdp.connectors.chorus_pro import paths
from pdp.connectors.chorus_pro.sandbox import copies
from pdp.connectors.chorus_pro.sandbox.replies import (
    NO_RESULT,
    NO_RESULT_LABEL,
    UNKNOWN_INVOICE_LABEL,
    UNKNOWN_OBJECT,
    BadRequest,
    Call,
    ChorusFailure,
    Handler,
    Reply,
    ok,
    paged,
    search_answer,
)
from pdp.connectors.chorus_pro.sandbox.state import Invoice
from pdp.connectors.chorus_pro.schemas import documents as d

# The objects whose files telecharger/pieceJointe serves (GO ObjetPJ); the emulator holds invoices' only.
PIECE_OBJECTS = frozenset(
    {
        "DEMANDE_PAIEMENT",
        "ENGAGEMENT_JURIDIQUE",
        "SOLLICITATION",
        "STRUCTURE_PIECEJOINTE",
        "STRUCTURE_MANDAT",
        "STRUCTURE_COORDONNEE_BANCAIRE",
        "UTILISATEUR",
    }
)
_TOO_LARGE = b"Request Entity Too Large"


def _invoices(call: Call, wanted: list[d.IdFacture]) -> list[Invoice]:
    """The invoices asked for, once each, in order; one the account may not see makes the whole call fail, as
    ``consulter`` does for it (Chorus does not say which ids of a group it would have served)."""
    if not wanted:
        raise BadRequest("listeFacture : au moins une facture est attendue")
    found: dict[int, Invoice] = {}
    for one in wanted:
        invoice = call.state.invoices.get(one.id_facture)
        if invoice is None or not invoice.visible_to(call.supplier):
            raise ChorusFailure(UNKNOWN_OBJECT, UNKNOWN_INVOICE_LABEL)
        found.setdefault(invoice.id, invoice)
    return list(found.values())


def _yes(value: str | None) -> bool:
    """``avecPiecesJointesComplementaires``: Oui/Non in the annex, OUI/NON in GO; absent is no."""
    if value is None or value.strip().casefold() == "non":
        return False
    if value.strip().casefold() == "oui":
        return True
    raise BadRequest(f"avecPiecesJointesComplementaires : « {value[:20]} » n'est ni Oui ni Non")


def _folder(call: Call, wanted: list[d.IdFacture], kind: str, extras: str | None) -> copies.Folder | Reply:
    if kind not in d.FORMATS:
        raise BadRequest(f"format : « {kind[:20]} » n'est ni PDF ni PIVOT")
    complementary = _yes(extras)
    built = copies.folder(call.state, _invoices(call, wanted), kind, complementary=complementary)
    if built.size > copies.MAX_FOLDER_BYTES:
        # "Si le dossier récupéré dépasse cette taille, une erreur 413 sera remontée" (GO, CS); its body is not
        # published: the gateway's plain refusal, as for deposer/pdf.
        return Reply(413, _TOO_LARGE, [(b"content-type", b"text/plain")])
    return built


def telecharger_groupe(call: Call) -> Reply:
    request = call.decode(d.TelechargerGroupeRequest)
    built = _folder(call, request.liste_facture, request.format, request.avec_pieces_jointes_complementaires)
    if isinstance(built, Reply):
        return built
    return ok({"fichierResultat": base64.b64encode(built.data).decode("ascii")})


def telecharger_piece_jointe(call: Call) -> Reply:
    """An invoice's files (``DEMANDE_PAIEMENT``), built as ``telecharger/groupe`` builds them."""
    request = call.decode(d.TelechargerPieceJointeRequest)
    if request.objet_piece_jointe not in PIECE_OBJECTS:
        raise BadRequest(f"objetPieceJointe : « {request.objet_piece_jointe[:30]} » inconnu")
    wanted = request.demande_paiement
    if request.objet_piece_jointe != "DEMANDE_PAIEMENT" or wanted is None:
        raise ChorusFailure(NO_RESULT, NO_RESULT_LABEL)  # the emulator keeps no other object's files
    built = _folder(call, wanted.liste_facture, wanted.format, wanted.avec_pieces_jointes_complementaires)
    if isinstance(built, Reply):
        return built
    return ok({"pieceJointe": base64.b64encode(built.data).decode("ascii")})


def rechercher_pj_mon_compte(call: Call) -> Reply:
    """The files uploaded by the caller's structure (``ajouter/fichier``, ``deposer/pdf``), newest last."""
    request = call.decode(d.RechercherPiecesJointesRequest)
    state = call.state
    wanted = (request.piece_jointe_designation or "").casefold()
    found = [
        one for one in state.attachments.values() if one.owner == call.supplier.id and wanted in one.name.casefold()
    ]
    attached_to = {i: invoice.id for invoice in state.invoices.values() for i in invoice.attachment_ids}
    chunk, returned = paged(found, request.parametres_recherche)
    listed = [
        {
            "pieceJointeId": one.id,
            "pieceJointeDesignation": one.name,
            "pieceJointeExtension": one.name.rsplit(".", 1)[-1].upper() if "." in one.name else None,
            "pieceJointeObjetId": attached_to.get(one.id),
            "pieceJointeTypeCode": None,
            "pieceJointeTypeLibelle": None,
            "pieceJointeUtilisateurId": None,
        }
        for one in chunk
    ]
    return search_answer("listePiecesJointes", listed, returned)


HANDLERS: dict[str, Handler] = {
    paths.TELECHARGER_GROUPE: telecharger_groupe,
    paths.TELECHARGER_PIECE_JOINTE: telecharger_piece_jointe,
    paths.PIECES_JOINTES_MON_COMPTE: rechercher_pj_mon_compte,
}
