"""``/cpro/transverses/v1/…``: flux reports, attachments, reference lists (docs/chorus-pro-api.md §3.2)."""

from __future__ import annotations

from decimal import Decimal

import msgspec

from pdp.connectors.chorus_pro.schemas.common import Request, Response

FLUX_TERMINAL = frozenset({"IN_INTEGRE", "IN_INTEGRE_PARTIEL", "IN_REJETE"})


class ConsulterCRDetailleRequest(Request):
    numero_flux_depot: str
    syntaxe_flux: str | None = None


class ErreurDP(msgspec.Struct, rename="camel", kw_only=True):
    """One rejected invoice (demande de paiement) of a flux; ``numeroDP`` is its invoice number."""

    identifiant_fournisseur: str | None = None
    identifiant_destinataire: str | None = None
    numero_dp: str | None = msgspec.field(default=None, name="numeroDP")
    libelle_erreur_dp: str | None = msgspec.field(default=None, name="libelleErreurDP")


class ErreurTechnique(msgspec.Struct, rename="camel", kw_only=True):
    code_erreur: str | None = None
    libelle_erreur: str | None = None
    nature_erreur: str | None = None


class ConsulterCRDetailleResponse(Response):
    code_interface_depot_flux: str | None = None
    date_depot_flux: str | None = None
    date_heure_etat_courant_flux: str | None = None
    etat_courant_depot_flux: str | None = None
    nom_fichier: str | None = None
    # The published example renders a single error as an object: the client reads it as a one-item list
    # (schemas/shapes.py), like every list of an answer.
    liste_erreur_dp: list[ErreurDP] = msgspec.field(default_factory=list, name="listeErreurDP")
    liste_erreur_technique: list[ErreurTechnique] = msgspec.field(default_factory=list)

    @property
    def errors_dp(self) -> list[ErreurDP]:
        return self.liste_erreur_dp

    @property
    def technical_errors(self) -> list[ErreurTechnique]:
        return self.liste_erreur_technique

    @property
    def finished(self) -> bool:
        return self.etat_courant_depot_flux in FLUX_TERMINAL


class ConsulterCRRequest(Request):
    numero_flux_depot: str
    date_depot: str | None = None
    syntaxe_flux: str | None = None


class ConsulterCRResponse(Response):
    numero_flux_depot: str | None = None
    etat_courant_flux: str | None = None
    date_depot_flux: str | None = None
    date_heure_etat_courant_flux: str | None = None
    code_interface_flux: str | None = None
    code_appli_partenaire: str | None = None
    designation_partenaire: str | None = None
    nom_fichier_flux: str | None = None
    fichier_cr: str | None = msgspec.field(default=None, name="fichierCR")  # base64 PDF report


class AjouterFichierRequest(Request):
    piece_jointe_fichier: str
    piece_jointe_nom: str
    piece_jointe_type_mime: str
    piece_jointe_extension: str
    id_utilisateur_courant: int | None = None


class AjouterFichierResponse(Response):
    piece_jointe_id: int | None = None


class CodeLangue(Request):
    code_langue: str = "FR"


class TauxTva(msgspec.Struct, rename="camel", kw_only=True):
    code_taux_tva: str | None = None
    libelle_taux_tva: str | None = None
    valeur_taux_tva: Decimal | None = None


class TauxTvaResponse(Response):
    liste_taux_tva: list[TauxTva] = msgspec.field(default_factory=list)


class ModePaiement(msgspec.Struct, rename="camel", kw_only=True):
    mode_paiement: str | None = None


class ModesPaiementResponse(Response):
    liste_mode_paiement: list[ModePaiement] = msgspec.field(default_factory=list)


class CadreFacturationRequest(Request):
    type_demande_paiement: str = "FACTURE"


class CadreFacturation(msgspec.Struct, rename="camel", kw_only=True):
    code_cadre_facturation: str | None = None


class CadresFacturationResponse(Response):
    # Field name not in any cited source; chosen to follow the other lists' pattern.
    liste_cadre_facturation: list[CadreFacturation] = msgspec.field(default_factory=list)


class Devise(msgspec.Struct, rename="camel", kw_only=True):
    code_devise: str | None = None
    libelle_devise: str | None = None


class DevisesResponse(Response):
    liste_devises: list[Devise] = msgspec.field(default_factory=list)


class FormatFlux(msgspec.Struct, rename="camel", kw_only=True):
    format_flux: str | None = None


class FormatsFluxResponse(Response):
    liste_format_flux: list[FormatFlux] = msgspec.field(default_factory=list)


class MotifExoneration(msgspec.Struct, rename="camel", kw_only=True):
    code_motif_exoneration_tva: str | None = None
    libelle_motif_exoneration_tva: str | None = None


class MotifsExonerationResponse(Response):
    liste_motifs_exoneration_tva: list[MotifExoneration] = msgspec.field(default_factory=list)


class CoordonneesBancairesRequest(Request):
    id_structure: int


class CoordonneeBancaire(msgspec.Struct, rename="camel", kw_only=True):
    id_coordonnee_bancaire: int | None = None
    nom_coordonnee_bancaire: str | None = None


class CoordonneesBancairesResponse(Response):
    """``recuperer/coordbanc/valides``: the supplier's valid bank details, whose id ``soumettre`` refers to."""

    liste_coordonnee_bancaire: list[CoordonneeBancaire] = msgspec.field(default_factory=list)


class ModeDepot(msgspec.Struct, rename="camel", kw_only=True):
    mode_depot: str | None = None


class ModesDepotResponse(Response):
    """``recuperer/modedepot``: every way an invoice can enter Chorus (GO ``ListeModesDepot``)."""

    liste_mode_depot: list[ModeDepot] = msgspec.field(default_factory=list)
