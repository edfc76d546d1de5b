"""``/cpro/factures/v1/…``: deposit, submit, search, read, history, recycle, complete (docs/chorus-pro-api.md §3.1)."""

from __future__ import annotations

from decimal import Decimal

import msgspec

from pdp.connectors.chorus_pro.schemas.common import Paged, Pagination, Request, Response


class DeposerFluxRequest(Request):
    fichier_flux: str  # base64 of the file (XML, Factur-X PDF, zip or tar.gz of several)
    nom_fichier: str
    syntaxe_flux: str
    avec_signature: bool | None = None
    id_utilisateur_courant: int | None = None


class DeposerFluxResponse(Response):
    numero_flux_depot: str | None = None
    date_depot: str | None = None
    syntaxe_flux: str | None = None


class DeposerPdfRequest(Request):
    fichier_facture: str
    nom_fichier: str
    format_depot: str = "PDF_NON_SIGNE"
    id_utilisateur_courant: int | None = None


class DeposerPdfResponse(Response):
    """What Chorus read from the PDF (each may be null) and the attachment id ``soumettre`` reuses."""

    piece_jointe_id: int | None = None
    numero_facture: str | None = None
    date_facture: str | None = None
    code_destinataire: str | None = None
    code_service_executant: str | None = None
    code_fournisseur: str | None = None
    code_devise_facture: str | None = None
    type_facture: str | None = None
    type_tva: str | None = None
    numero_bon_commande: str | None = None
    montant_ttc_avant_remise_global_ttc: Decimal | None = msgspec.field(
        default=None, name="montantTtcAvantRemiseGlobalTTC"
    )
    montant_a_payer: Decimal | None = None
    montant_ht_total: Decimal | None = None
    montant_tva: Decimal | None = msgspec.field(default=None, name="montantTVA")


class Destinataire(Request):
    code_destinataire: str
    code_service_executant: str | None = None


class FournisseurSoumission(Request):
    id_fournisseur: int  # the supplier's idStructureCPP
    id_service_fournisseur: int | None = None
    code_coordonnees_bancaires_fournisseur: int | None = None


class CadreDeFacturation(Request):
    code_cadre_facturation: str = "A1_FACTURE_FOURNISSEUR"
    code_structure_valideur: str | None = None
    code_service_valideur: str | None = None


class References(Request):
    devise_facture: str = "EUR"
    type_facture: str = "FACTURE"
    type_tva: str = "TVA_SUR_DEBIT"
    motif_exoneration_tva: str | None = None
    numero_marche: str | None = None
    numero_bon_commande: str | None = None
    numero_facture_origine: str | None = None
    mode_paiement: str | None = None


class LignePoste(Request):
    ligne_poste_numero: int
    ligne_poste_reference: str | None = None
    ligne_poste_denomination: str | None = None
    ligne_poste_quantite: Decimal | None = None
    ligne_poste_unite: str | None = None
    ligne_poste_montant_unitaire_ht: Decimal | None = msgspec.field(default=None, name="lignePosteMontantUnitaireHT")
    ligne_poste_montant_remise_ht: Decimal | None = msgspec.field(default=None, name="lignePosteMontantRemiseHT")
    ligne_poste_taux_tva: str | None = None
    ligne_poste_taux_tva_manuel: Decimal | None = None


class LigneTva(Request):
    ligne_tva_taux: str | None = None
    ligne_tva_taux_manuel: Decimal | None = None
    ligne_tva_montant_base_ht_par_taux: Decimal | None = None
    ligne_tva_montant_tva_par_taux: Decimal | None = None


class MontantTotal(Request):
    montant_ht_total: Decimal
    montant_tva: Decimal = msgspec.field(name="montantTVA")
    montant_ttc_total: Decimal
    montant_a_payer: Decimal
    montant_remise_globale_ttc: Decimal | None = msgspec.field(default=None, name="montantRemiseGlobaleTTC")
    motif_remise_globale_ttc: str | None = msgspec.field(default=None, name="motifRemiseGlobaleTTC")


class PieceJointePrincipale(Request):
    piece_jointe_principale_designation: str
    piece_jointe_principale_id: int


class PieceJointeComplementaire(Request):
    piece_jointe_complementaire_designation: str
    piece_jointe_complementaire_id: int
    piece_jointe_complementaire_type: str | None = None
    piece_jointe_complementaire_numero_ligne_facture: int | None = None
    piece_jointe_complementaire_id_liaison: int | None = None


class SoumettreRequest(Request):
    mode_depot: str
    numero_facture_saisi: str
    destinataire: Destinataire
    fournisseur: FournisseurSoumission
    cadre_de_facturation: CadreDeFacturation
    references: References
    montant_total: MontantTotal
    # Chorus takes the date read from the deposited PDF when none is sent (PASTELL may send none).
    date_facture: str | None = None
    piece_jointe_principale: list[PieceJointePrincipale] = msgspec.field(default_factory=list)
    piece_jointe_complementaire: list[PieceJointeComplementaire] = msgspec.field(default_factory=list)
    ligne_poste: list[LignePoste] = msgspec.field(default_factory=list)
    ligne_tva: list[LigneTva] = msgspec.field(default_factory=list)
    commentaire: str | None = None
    id_utilisateur_courant: int | None = None


class SoumettreResponse(Response):
    identifiant_facture_cpp: int | None = msgspec.field(default=None, name="identifiantFactureCPP")
    numero_facture: str | None = None
    statut_facture: str | None = None
    date_depot: str | None = None
    identifiant_structure: str | None = None
    empreinte_certificat_depot: str | None = None


class RechercherFournisseurRequest(Request):
    numero_flux_depot: str | None = None
    numero_facture: str | None = None
    id_fournisseur: int | None = None
    id_service_fournisseur: int | None = None
    statut_courant: list[str] | None = None
    type_facture: str | None = None
    cadre_facturation: str | None = None
    mode_depot: str | None = None
    numero_bon_commande: str | None = None
    numero_marche: str | None = None
    periode_date_depot_du: str | None = None
    periode_date_depot_au: str | None = None
    periode_date_facture_du: str | None = None
    periode_date_facture_au: str | None = None
    # Invoices whose current status changed in this period: the change feed Pastell follows (its
    # rechercheFactureParRecipiendaire), typed as date-times by go-choruspro.
    periode_date_heure_etat_courant_du: str | None = None
    periode_date_heure_etat_courant_au: str | None = None
    recherche_facture_par_fournisseur: Pagination | None = None


class FactureFournisseur(msgspec.Struct, rename="camel", kw_only=True):
    identifiant_facture_cpp: int | None = msgspec.field(default=None, name="identifiantFactureCPP")
    numero_facture: str | None = None
    statut: str | None = None
    numero_flux_depot: str | None = None
    date_depot: str | None = None
    date_facture: str | None = None
    date_heure_etat_courant: str | None = None
    id_destinataire: int | None = None
    code_destinataire: str | None = None
    designation_destinataire: str | None = None
    code_service_executant: str | None = None
    id_fournisseur: int | None = None
    code_fournisseur: str | None = None
    designation_fournisseur: str | None = None  # GO FactureParFournisseur, PASTELL's fixtures
    montant_ht: Decimal | None = msgspec.field(default=None, name="montantHT")
    montant_ttc: Decimal | None = msgspec.field(default=None, name="montantTTC")
    montant_a_payer: Decimal | None = None
    devise: str | None = None
    type_facture: str | None = None
    mode_depot: str | None = None
    commentaire_etat_courant: str | None = None


class RechercherFournisseurResponse(Paged):
    liste_factures: list[FactureFournisseur] = msgspec.field(default_factory=list)


class ConsulterFournisseurRequest(Request):
    identifiant_facture_cpp: int = msgspec.field(name="identifiantFactureCPP")
    code_langue: str | None = None
    id_utilisateur_courant: int | None = None


class FactureReferences(msgspec.Struct, rename="camel", kw_only=True):
    date_facture: str | None = None
    date_depot: str | None = None
    date_echeance_paiement: str | None = None
    code_devise_facture: str | None = None
    type_facture: str | None = None
    type_tva: str | None = None
    mode_paiement: str | None = None
    numero_bon_commande: str | None = None
    numero_marche: str | None = None
    numero_facture_origine: str | None = None


class FactureMontants(msgspec.Struct, rename="camel", kw_only=True):
    montant_ht_total: Decimal | None = None
    montant_tva: Decimal | None = msgspec.field(default=None, name="montantTVA")
    montant_ttc_total: Decimal | None = None
    montant_a_payer: Decimal | None = None


class FactureDestinataire(msgspec.Struct, rename="camel", kw_only=True):
    """``facture.destinataire`` (GO ``Destinataire``)."""

    id_destinataire: int | None = None
    code_destinataire: str | None = None
    libelle_destinataire: str | None = None
    code_service_executant: str | None = None


class FactureFournisseurPartie(msgspec.Struct, rename="camel", kw_only=True):
    """``facture.fournisseur`` (GO ``Fournisseur``: the name is ``designationFournisseur``)."""

    id_fournisseur: int | None = None
    code_fournisseur: str | None = None
    designation_fournisseur: str | None = None
    type_identifiant_fournisseur: str | None = None


class FactureCadre(msgspec.Struct, rename="camel", kw_only=True):
    code_cadre_facturation: str | None = None
    code_structure_valideur: str | None = None


class FactureDetail(msgspec.Struct, rename="camel", kw_only=True):
    identifiant_facture_cpp: int | None = msgspec.field(default=None, name="identifiantFactureCPP")
    numero_facture: str | None = None
    statut_facture: str | None = None
    mode_depot: str | None = None
    commentaire: str | None = None
    cadre_de_facturation: FactureCadre | None = None
    destinataire: FactureDestinataire | None = None
    fournisseur: FactureFournisseurPartie | None = None
    references: FactureReferences | None = None
    montant_total: FactureMontants | None = None


class ConsulterFournisseurResponse(Response):
    facture: FactureDetail | None = None


class PaginationHistoStatuts(Request):
    """``paramRechercheHistoStatuts``: the status history's own paging keys (GO ``PaginationHistoStatutsOptions``)."""

    nb_resultats_par_page_liste_histo_statut: int = 10
    page_resultat_demandee_liste_histo_statut: int = 1
    tri_colonne_liste_histo_statut: str | None = None
    tri_sens_liste_histo_statut: str | None = None


class ConsulterHistoriqueRequest(Request):
    id_facture: int
    id_espace: int | None = None
    nb_resultats_maximum: int | None = None  # PASTELL's older way to size the answer (50)
    param_recherche_histo_statuts: PaginationHistoStatuts | None = None
    id_utilisateur_courant: int | None = None


class HistoStatut(msgspec.Struct, rename="camel", kw_only=True):
    histo_statut_id: int | None = None
    histo_statut_code: str | None = None
    histo_statut_date_passage: str | None = None  # "YYYY-MM-DD HH:MM"
    histo_statut_commentaire: str | None = None
    histo_statut_utilisateur_nom: str | None = None
    histo_statut_utilisateur_prenom: str | None = None
    histo_statut_utilisateur_email: str | None = None
    histo_statut_utilisateur_telephone: str | None = None


class HistoriquesDesStatuts(msgspec.Struct, rename="camel", kw_only=True):
    histo_statut: list[HistoStatut] = msgspec.field(default_factory=list)
    nb_resultats_par_page_histo_statut: int | None = None
    page_courante_histo_statut: int | None = None
    pages_histo_statut: int | None = None
    total_histo_statut: int | None = None


class DerniereAction(msgspec.Struct, rename="camel", kw_only=True):
    derniere_action_code: str | None = None
    derniere_action_id: int | None = None


class ConsulterHistoriqueResponse(Response):
    id_facture: int | None = None
    numero_facture: str | None = None
    mode_depot: str | None = None
    statut_courant_code: str | None = None
    derniere_action: DerniereAction | None = None
    historiques_des_statuts: HistoriquesDesStatuts | None = None

    @property
    def statuses(self) -> list[HistoStatut]:
        """Newest first, as Chorus sends them (every page, once read by ``ChorusProClient.invoice_history``)."""
        return self.historiques_des_statuts.histo_statut if self.historiques_des_statuts else []


class CompleterRequest(Request):
    identifiant_facture_cpp: int = msgspec.field(name="identifiantFactureCPP")
    commentaire: str | None = None
    piece_jointe_complementaire: list[PieceJointeComplementaire] = msgspec.field(default_factory=list)
    id_utilisateur_courant: int | None = None


class CompleterResponse(Response):
    identifiant_facture_cpp: int | None = msgspec.field(default=None, name="identifiantFactureCPP")
    numero_facture: str | None = None
    date_traitement: str | None = None


class RecyclerRequest(Request):
    identifiant_facture_cpp: int = msgspec.field(name="identifiantFactureCPP")
    destinataire: Destinataire
    commentaire: str | None = None
    reference: References | None = None
    id_utilisateur_courant: int | None = None


class RecyclerResponse(Response):
    identifiant_facture_cpp: int | None = msgspec.field(default=None, name="identifiantFactureCPP")
    numero_facture: str | None = None
    statut_facture: str | None = None
    date_depot: str | None = None


class CorrigerValideurRequest(Request):
    """``corriger/valideur/facture``: the right validator for an invoice sent back for a wrong one (GO
    ``CorrigerValideurFactureOptions``); the structure is named by its id or by its identifier and type."""

    id_facture: int
    id_structure: int | None = None
    identifiant_structure: str | None = None
    type_identifiant_structure: str | None = None


class CorrigerValideurResponse(Response):
    id_facture: int | None = None
