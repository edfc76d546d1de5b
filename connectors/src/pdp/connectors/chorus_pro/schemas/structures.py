"""``/cpro/structures/v1/…`` (official Swagger "Structures" v1.0.0), users and legal commitments
(docs/chorus-pro-api.md §3.3, §3.4, §3.5)."""

from __future__ import annotations

import msgspec

from pdp.connectors.chorus_pro.schemas.common import Paged, Pagination, Request, Response


class StructureCriteres(Request):
    identifiant_structure: str | None = None
    type_identifiant_structure: str | None = None
    raison_sociale_structure: str | None = None
    libelle_structure: str | None = None
    adresse_code_postal: str | None = None
    adresse_ville: str | None = None
    est_moa: bool | None = msgspec.field(default=None, name="estMOA")
    statut_structure: str | None = None  # ACTIF | INACTIF
    type_structure: str | None = None  # PRIVEE | PUBLIQUE


class RechercherStructureRequest(Request):
    structure: StructureCriteres
    parametres: Pagination | None = None
    restreindre_structures_privees: bool | None = None


class StructureResume(msgspec.Struct, rename="camel", kw_only=True):
    id_structure_cpp: int | None = msgspec.field(default=None, name="idStructureCPP")
    identifiant_structure: str | None = None
    designation_structure: str | None = None
    type_identifiant_structure: str | None = None
    statut: str | None = None  # ACTIVE | INACTIVE


class RechercherStructureResponse(Paged):
    liste_structures: list[StructureResume] = msgspec.field(default_factory=list)


class ConsulterStructureRequest(Request):
    id_structure_cpp: int = msgspec.field(name="idStructureCPP")
    code_langue: str | None = None


class InformationGenerales(msgspec.Struct, rename="camel", kw_only=True):
    id_structure_cpp: int | None = msgspec.field(default=None, name="idStructureCPP")
    identifiant_structure: str | None = None
    type_identifiant_structure: str | None = None
    raison_sociale_structure: str | None = None
    libelle_structure: str | None = None
    email_structure: str | None = None
    numero_tva: str | None = None
    structure_privee_publique: str | None = None
    # The technical account's password expiry: Swagger ``date-time``; read leniently (passwords.parse_chorus_time).
    date_expiration_mot_passe_compte_tech: str | int | None = None


class Adresse(msgspec.Struct, rename="camel", kw_only=True):
    adresse: str | None = None
    code_postal: str | None = None
    ville: str | None = None
    pays: str | None = None


class ParametresStructure(msgspec.Struct, rename="camel", kw_only=True):
    code_service_doit_etre_renseigne: bool = False
    numero_ej_doit_etre_renseigne: bool = msgspec.field(default=False, name="numeroEJDoitEtreRenseigne")
    gestion_numero_ej_ou_code_service: bool = msgspec.field(default=False, name="gestionNumeroEJOuCodeService")
    connexion_edi: bool = msgspec.field(default=False, name="connexionEDI")
    recevoir_donnees_via_edi: bool = msgspec.field(default=False, name="recevoirDonneesViaEDI")
    est_moa_uniquement: bool = False
    est_valideur_delegue: bool = False
    geta_moa: bool = False
    non_diffusible_insee: bool = False
    statut_mise_en_paiement_nest_pas_remonte: bool = False


class ConsulterStructureResponse(Response):
    information_generales: InformationGenerales | None = None
    adresse_postale_du_siege: Adresse | None = None
    parametres: ParametresStructure | None = None


class RechercherServicesRequest(Request):
    id_structure: int
    parametres_rechercher_services_structure: Pagination | None = None


class ServiceResume(msgspec.Struct, rename="camel", kw_only=True):
    id_service: int | None = None
    code_service: str | None = None
    libelle_service: str | None = None
    est_actif: bool | None = None
    statut_service: str | None = None
    date_dbt_service: str | None = None
    date_fin_service: str | None = None


class RechercherServicesResponse(Paged):
    liste_services: list[ServiceResume] = msgspec.field(default_factory=list)


class ConsulterServiceRequest(Request):
    id_structure: int
    id_service: int
    code_langue: str | None = None


class InformationsService(msgspec.Struct, rename="camel", kw_only=True):
    code_service: str | None = None
    nom_service: str | None = None
    description_service: str | None = None


class ParametresService(msgspec.Struct, rename="camel", kw_only=True):
    numero_engagement: bool = False  # a legal-commitment number is required for this service
    mise_en_paiement: bool = False
    date_creation: str | None = None
    date_modification: str | None = None
    date_debut_validite: str | None = None
    date_fin_validite: str | None = None


class ConsulterServiceResponse(Response):
    informations_generales: InformationsService | None = None
    adresse_postale: Adresse | None = None
    parametres: ParametresService | None = None


class RattachementsRequest(Request):
    parametres_recherche: Pagination | None = None


class Rattachement(msgspec.Struct, rename="camel", kw_only=True):
    id_structure: int | None = None
    identifiant_structure: str | None = None
    designation_structure: str | None = None
    role_utilisateur: str | None = None
    statut_rattachement_structure: str | None = None


class RattachementsResponse(Paged):
    liste_structure_rattachement: list[Rattachement] = msgspec.field(default_factory=list)


class RechercherEngagementRequest(Request):
    structure_receptrice_engagement_juridique: int | None = None
    numero_engagement_juridique: str | None = None
    etat_courant_engagement_juridique: str | None = None


class EngagementJuridique(msgspec.Struct, rename="camel", kw_only=True):
    # Only the criteria are documented (docs/chorus-pro-api.md §3.5); the item fields follow them and are unverified.
    numero_engagement_juridique: str | None = None
    etat_courant_engagement_juridique: str | None = None
    structure_receptrice_engagement_juridique: int | None = None


class RechercherEngagementResponse(Paged):
    liste_engagement_juridique: list[EngagementJuridique] = msgspec.field(default_factory=list)
