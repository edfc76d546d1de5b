"""Downloading what Chorus Pro holds: ``factures/v1/telecharger/groupe`` (invoices, as PDF or pivot XML) and the
attachments of ``transverses/v1`` (``telecharger/pieceJointe``, ``rechercher/pj/moncompte``); docs/chorus-pro-api.md
§3.1 and §3.2. Field names from GO (``factures_misc.go``, ``transverses_pieces_jointes.go``) and the AIFE annex
comments of the C# client (CS ``TelechargerGroupeFactureInput``).
"""

from __future__ import annotations

import msgspec

from pdp.connectors.chorus_pro.schemas.common import Paged, Pagination, Request, Response

FORMATS = ("PDF", "PIVOT")
# The annex writes "Oui"/"Non", GO "OUI"/"NON": Chorus reads either (the emulator ignores the case).
YES, NO = "Oui", "Non"


class IdFacture(Request):
    id_facture: int


class TelechargerGroupeRequest(Request):
    """``format`` PIVOT: one XML of every invoice with all their attachments; PDF: the invoices' PDFs, with the
    complementary attachments only when ``avecPiecesJointesComplementaires`` says so (CS)."""

    liste_facture: list[IdFacture]
    format: str  # required, never left out as a default would be (Request omits defaults)
    avec_pieces_jointes_complementaires: str | None = None
    id_espace: int | None = None
    id_utilisateur_courant: int | None = None


class TelechargerGroupeResponse(Response):
    fichier_resultat: str | None = None  # base64: a PDF, a zip, or the pivot XML


class DemandePaiementPieceJointe(Request):
    liste_facture: list[IdFacture]
    format: str
    avec_pieces_jointes_complementaires: str


class TelechargerPieceJointeRequest(Request):
    """``telecharger/pieceJointe``: the files of an object; pdp uses ``DEMANDE_PAIEMENT`` (an invoice's)."""

    objet_piece_jointe: str  # DEMANDE_PAIEMENT, ENGAGEMENT_JURIDIQUE, … (GO ObjetPJ)
    demande_paiement: DemandePaiementPieceJointe | None = None


class TelechargerPieceJointeResponse(Response):
    piece_jointe: str | None = None  # base64; GO's fixture answers this key alone, without a codeRetour


class RechercherPiecesJointesRequest(Request):
    """``rechercher/pj/moncompte``: the files uploaded by the technical account (``ajouter/fichier``)."""

    piece_jointe_designation: str | None = None
    piece_jointe_type_id: int | None = None
    code_langue: str | None = None
    parametres_recherche: Pagination | None = None


class PieceJointeMonCompte(msgspec.Struct, rename="camel", kw_only=True):
    piece_jointe_id: int | None = None
    piece_jointe_designation: str | None = None
    piece_jointe_extension: str | None = None
    piece_jointe_objet_id: int | None = None
    piece_jointe_type_code: str | None = None
    piece_jointe_type_libelle: str | None = None
    piece_jointe_utilisateur_id: int | None = None


class RechercherPiecesJointesResponse(Paged):
    liste_pieces_jointes: list[PieceJointeMonCompte] = msgspec.field(default_factory=list)
