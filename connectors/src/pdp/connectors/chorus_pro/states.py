"""Every state Chorus Pro reports, as public clients list them (docs/chorus-pro-api.md §4.2, §4.3).

Shared by pdp's pipeline (which maps each one to its lifecycle) and by the emulator (whose control API can force
each one), so a code added here is both reachable in tests and checked for a mapping.
"""

from __future__ import annotations

# The invoice statuses (``statut``, ``statutFacture``, ``statutCourantCode``, ``histoStatutCode``): the full list
# of the piste-gouv-fr PHP client (``IStatutFacture``), in its order.
INVOICE_STATUSES = (
    "BROUILLON",
    "A_VALIDER_1",
    "ERREUR_FOURNISSEUR_SUR_VALIDEUR",
    "REFUSEE_1",
    "VALIDEE_1",
    "ABSENCE_VALIDATION_1_HORS_DELAI",
    "A_VALIDER_2",
    "ERREUR_COTRAITANT_SUR_VALIDEUR",
    "REFUSEE_2",
    "VALIDEE_2",
    "ABSENCE_VALIDATION_2_HORS_DELAI",
    "DEPOSEE",
    "ERREUR_FOURNISSEUR_SUR_MOE",
    "EN_COURS_ACHEMINEMENT",
    "MISE_A_DISPOSITION",
    "A_RECYCLER",
    "SUSPENDUE",
    "REJETEE",
    "MANDATEE",
    "MISE_EN_PAIEMENT",
    "COMPTABILISEE",
    "MISE_A_DISPOSITION_COMPTABLE",
    "ABANDONNEE",
    "SUPPRIMEE",
    "ASSOCIEE",
    "EN_COURS_TRAITEMENT_PIVOT_S",
    "A_VALIDER_MOE",
    "REFUSEE_MOE",
    "EN_ATTENTE_RECYCLAGE_FOURNISSEUR",
    "ERREUR_MOE_SUR_FOURNISSEUR",
    "ERREUR_MOA_SUR_FOURNISSEUR",
    "INTERPRETEE_OCR",
    "COMPLETEE",
    "ERREUR_FOURNISSEUR_SUR_MOA",
    "ERREUR_MOE_SUR_MOA",
    "ERREUR_DESTINATAIRE_PD",
    "ERREUR_DESTINATAIRE_EA",
    "SERVICE_FAIT",
    "NON_CONFORME",
    "A_ASSOCIER_MOE",
    "ERREUR_DE_MOE",
    "MISE_A_DISPOSITION_MOE",
    "PRISE_EN_COMPTE_MOE",
    "A_ASSOCIER_MOA",
    "ERREUR_DE_MOA",
    "REFUSEE_MOA",
    "A_ASSOCIER_FOURNISSEUR",
    "REFUSEE_FOURNISSEUR",
    "A_COMPLETER",
    "TRANSMISE_MOA",
    "PRISE_EN_COMPTE_DESTINATAIRE",
    "REMPLACEE_PAR_A22",
    "DUPLIQUE_APRES_REFUS",
    "MISE_A_DISPOSITION_MOA",
    "PRISE_EN_COMPTE_MOA",
    "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE",
    "TECHNIQUE_INCONNU",
)

# The flux states (``etatCourantDepotFlux``): chorus-piste's ``IStatus`` with its French labels, plus the portal
# deposit state OCA colours in its flow list.
FLUX_STATES = {
    "IN_RECU": "Reçu",
    "IN_EN_ATTENTE_TRAITEMENT_CPP": "En attente de traitement",
    "IN_EN_COURS_TRAITEMENT_CPP": "En cours de traitement",
    "IN_EN_ATTENTE_RETRAITEMENT_CPP": "En attente de retraitement",
    "IN_TRAITE_SE_CPP": "Traité",
    "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP": "Dépôt portail en attente de traitement",
    "IN_INTEGRE": "Intégré",
    "IN_INTEGRE_PARTIEL": "Intégré partiellement",
    "IN_REJETE": "Rejeté",
    "IN_INCIDENTE": "Incidenté",
    "QP_RECEVABLE": "Recevable",
    "QP_RECEVABLE_AVEC_ERREUR": "Recevable avec erreur",
    "QP_IRRECEVABLE": "Irrecevable",
}
