"""The Chorus Pro paths pdp calls, relative to the API host (all under ``/cpro``); shared by client and sandbox."""

from __future__ import annotations

DEPOSER_FLUX = "/cpro/factures/v1/deposer/flux"
DEPOSER_PDF = "/cpro/factures/v1/deposer/pdf"
SOUMETTRE = "/cpro/factures/v1/soumettre"
RECHERCHER_FOURNISSEUR = "/cpro/factures/v1/rechercher/fournisseur"
CONSULTER_FOURNISSEUR = "/cpro/factures/v1/consulter/fournisseur"
CONSULTER_HISTORIQUE = "/cpro/factures/v1/consulter/historique"
RECYCLER = "/cpro/factures/v1/recycler"
COMPLETER = "/cpro/factures/v1/completer"
TELECHARGER_GROUPE = "/cpro/factures/v1/telecharger/groupe"
CORRIGER_VALIDEUR = "/cpro/factures/v1/corriger/valideur/facture"

CONSULTER_CR_DETAILLE = "/cpro/transverses/v1/consulterCRDetaille"
CONSULTER_CR = "/cpro/transverses/v1/consulterCR"
AJOUTER_FICHIER = "/cpro/transverses/v1/ajouter/fichier"
TAUX_TVA = "/cpro/transverses/v1/recuperer/tauxtva"
MODES_PAIEMENT = "/cpro/transverses/v1/recuperer/modereglements"
CADRES_FACTURATION = "/cpro/transverses/v1/recuperer/cadrefacturation"
DEVISES = "/cpro/transverses/v1/recuperer/devises"
FORMATS_FLUX = "/cpro/transverses/v1/recuperer/formatflux"
MOTIFS_EXONERATION = "/cpro/transverses/v1/recuperer/motifs/exonerationtva"
HEALTH_CHECK = "/cpro/transverses/v1/health-check"
COORDONNEES_BANCAIRES = "/cpro/transverses/v1/recuperer/coordbanc/valides"
MODES_DEPOT = "/cpro/transverses/v1/recuperer/modedepot"
TELECHARGER_PIECE_JOINTE = "/cpro/transverses/v1/telecharger/pieceJointe"
PIECES_JOINTES_MON_COMPTE = "/cpro/transverses/v1/rechercher/pj/moncompte"

STRUCTURES_RECHERCHER = "/cpro/structures/v1/rechercher"
STRUCTURES_CONSULTER = "/cpro/structures/v1/consulter"
SERVICES_RECHERCHER = "/cpro/structures/v1/rechercher/services"
SERVICE_CONSULTER = "/cpro/structures/v1/consulter/service"

RATTACHEMENTS = "/cpro/utilisateurs/v1/monCompte/recuperer/rattachements"
ENGAGEMENTS_RECHERCHER = "/cpro/engagementsJuridiques/v1/rechercher"

TOKEN = "/api/oauth/token"  # noqa: S105 - a path, not a secret
