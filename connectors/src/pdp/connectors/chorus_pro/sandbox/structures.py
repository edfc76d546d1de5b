"""``/cpro/structures/v1/…``, ``utilisateurs``, ``engagementsJuridiques`` (docs/chorus-pro-api.md §3.3 to §3.5)."""

from __future__ import annotations

from typing import Any

from pdp.connectors.chorus_pro import paths
from pdp.connectors.chorus_pro.sandbox.directory import Structure
from pdp.connectors.chorus_pro.sandbox.piste import password_expiry_of
from pdp.connectors.chorus_pro.sandbox.replies import (
    UNKNOWN_OBJECT,
    UNKNOWN_STRUCTURE_LABEL,
    Call,
    ChorusFailure,
    Handler,
    Reply,
    ok,
    paged,
    search_answer,
    sort_by,
)
from pdp.connectors.chorus_pro.schemas import structures as s

# Services' validity dates as real answers show them (docs/chorus-pro-api.md §3.3): no service here has an end in sight.
SERVICE_START = "2016-10-25 17:42"
SERVICE_END = "2050-12-31 00:00"


def _structure(call: Call, structure_id: int) -> Structure:
    structure = call.state.directory.structures.get(structure_id)
    if structure is None:
        raise ChorusFailure(UNKNOWN_OBJECT, UNKNOWN_STRUCTURE_LABEL)
    return structure


def _status(structure: Structure) -> str:
    return "ACTIVE" if structure.active else "INACTIVE"


def rechercher(call: Call) -> Reply:
    request = call.decode(s.RechercherStructureRequest)
    wanted = request.structure
    found = list(call.state.directory.structures.values())
    if request.restreindre_structures_privees is not False:
        # Absent, true or "" (PASTELL's default, read as absent): every public structure, and only the private
        # ones the user is attached to (Swagger).
        found = [one for one in found if one.public or one.id == call.supplier.id]
    if wanted.identifiant_structure:
        found = [one for one in found if one.siret == wanted.identifiant_structure]
    if wanted.type_identifiant_structure not in (None, "SIRET"):
        found = []
    if wanted.raison_sociale_structure or wanted.libelle_structure:
        needle = (wanted.raison_sociale_structure or wanted.libelle_structure or "").casefold()
        found = [one for one in found if needle in one.name.casefold()]
    if wanted.statut_structure:
        found = [one for one in found if one.active == (wanted.statut_structure == "ACTIF")]
    if wanted.type_structure:
        found = [one for one in found if one.public == (wanted.type_structure == "PUBLIQUE")]
    columns = {
        "IdentifiantStructure": lambda one: one.siret,
        "DesignationStructure": lambda one: one.name,
        "TypeIdentifiantStructure": lambda one: "SIRET",
        "Statut": _status,
    }
    chunk, returned = paged(sort_by(found, request.parametres, columns), request.parametres)
    listed = [
        {
            "idStructureCPP": one.id,
            "identifiantStructure": one.siret,
            "designationStructure": one.name,
            "typeIdentifiantStructure": "SIRET",
            "statut": _status(one),
        }
        for one in chunk
    ]
    # An unknown SIRET is no error: HTTP 200, an empty list and parametresRetour.total 0 (replies.search_answer).
    return search_answer("listeStructures", listed, returned)


def consulter(call: Call) -> Reply:
    request = call.decode(s.ConsulterStructureRequest)
    one = _structure(call, request.id_structure_cpp)
    return ok(
        {
            "informationGenerales": {
                "idStructureCPP": one.id,
                "identifiantStructure": one.siret,
                "typeIdentifiantStructure": "SIRET",
                "raisonSocialeStructure": one.name,
                "libelleStructure": one.name,
                "emailStructure": None,
                "numeroTVA": None,
                "structurePriveePublique": "PUBLIQUE" if one.public else "PRIVEE",
                "dateExpirationMotPasseCompteTech": password_expiry_of(call.state, call.account, one.id),
            },
            "adressePostaleDuSiege": {
                "adresse": "1 rue de la Sandbox",
                "codePostal": "75001",
                "ville": "Paris",
                "pays": "FR",
            },
            "parametres": {
                "codeServiceDoitEtreRenseigne": one.service_code_required,
                "numeroEJDoitEtreRenseigne": one.engagement_required,
                "gestionNumeroEJOuCodeService": one.engagement_or_service_required,
                "connexionEDI": False,
                "recevoirDonneesViaEDI": False,
                "estMoaUniquement": False,
                "estValideurDelegue": False,
                "getaMoa": False,
                "nonDiffusibleInsee": False,
                "statutMiseEnPaiementNestPasRemonte": one.payment_status_not_reported,
            },
        }
    )


def rechercher_services(call: Call) -> Reply:
    request = call.decode(s.RechercherServicesRequest)
    one = _structure(call, request.id_structure)
    paging = request.parametres_rechercher_services_structure
    columns: dict[str, Any] = {
        "CodeService": lambda service: service.code,
        "LibelleService": lambda service: service.name,
        "EstActif": lambda service: service.active,
    }
    chunk, returned = paged(sort_by(list(one.services), paging, columns), paging)
    listed = [
        {
            "idService": service.id,
            "codeService": service.code,
            "libelleService": service.name,
            "estActif": service.active,
            "statutService": "ACTIF" if service.active else "INACTIF",
            "dateDbtService": SERVICE_START,
            "dateFinService": SERVICE_END,
        }
        for service in chunk
    ]
    return search_answer("listeServices", listed, returned)


def consulter_service(call: Call) -> Reply:
    request = call.decode(s.ConsulterServiceRequest)
    one = _structure(call, request.id_structure)
    service = next((candidate for candidate in one.services if candidate.id == request.id_service), None)
    if service is None:
        raise ChorusFailure(UNKNOWN_OBJECT, UNKNOWN_STRUCTURE_LABEL)
    return ok(
        {
            "informationsGenerales": {
                "codeService": service.code,
                "nomService": service.name,
                "descriptionService": service.name,
            },
            "adressePostale": None,
            "parametres": {
                "numeroEngagement": service.engagement_required,
                "miseEnPaiement": not one.payment_status_not_reported,
                "dateCreation": SERVICE_START[:10],
                "dateModification": None,
                "dateDebutValidite": SERVICE_START[:10],
                "dateFinValidite": SERVICE_END[:10] if service.active else SERVICE_START[:10],
            },
        }
    )


def rattachements(call: Call) -> Reply:
    request = call.decode(s.RattachementsRequest)
    supplier = call.supplier
    attached = [
        {
            "idStructure": supplier.id,
            "identifiantStructure": supplier.siret,
            "designationStructure": supplier.name,
            "roleUtilisateur": "FOURNISSEUR",
            "statutRattachementStructure": "ACTIF",
            "listeServicesRattache": [{"idService": one.id, "codeService": one.code} for one in supplier.services],
        }
    ]
    chunk, returned = paged(attached, request.parametres_recherche)
    return search_answer("listeStructureRattachement", list(chunk), returned)


def engagements(call: Call) -> Reply:
    request = call.decode(s.RechercherEngagementRequest)
    found: list[dict[str, Any]] = []
    for recipient in call.state.directory.structures.values():
        for engagement in recipient.engagements:
            if request.numero_engagement_juridique not in (None, engagement.number):
                continue
            if request.etat_courant_engagement_juridique not in (None, engagement.state):
                continue
            found.append(
                {
                    "numeroEngagementJuridique": engagement.number,
                    "etatCourantEngagementJuridique": engagement.state,
                    "structureReceptriceEngagementJuridique": call.supplier.id,
                    "identifiantStructureEmettrice": recipient.siret,
                }
            )
    chunk, returned = paged(found, None)
    # Nothing found is HTTP 200: OCA reads the empty list to say "commitment not found" (replies.search_answer).
    return search_answer("listeEngagementJuridique", list(chunk), returned)


HANDLERS: dict[str, Handler] = {
    paths.STRUCTURES_RECHERCHER: rechercher,
    paths.STRUCTURES_CONSULTER: consulter,
    paths.SERVICES_RECHERCHER: rechercher_services,
    paths.SERVICE_CONSULTER: consulter_service,
    paths.RATTACHEMENTS: rattachements,
    paths.ENGAGEMENTS_RECHERCHER: engagements,
}
