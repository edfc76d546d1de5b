"""The archive page (archive/index.html.jinja2): the kinds of archived documents as the portal names them, and its
English. Templates write ``{{ _(kind_label(document.kind)) }}``."""

from __future__ import annotations

from pdp.tenants.archive.browse import EXPORT_MAX_DAYS

KINDS = {
    "invoice_original": "Facture telle que déposée",
    "invoice_facturx": "Factur-X produit par pdp",
    "validation_report": "Rapport de validation",
    "mandate": "Mandat (PDF)",
    "mandate_evidence": "Preuve d'acceptation du mandat",
    "chorus_receipt": "Accusé de Chorus Pro",
    "attachment": "Pièce jointe",
    "chorus_copy": "Copie de Chorus Pro",
}


def kind_label(kind: str) -> str:
    """The French name of a document kind (a message id: translate it with ``_``)."""
    return KINDS.get(kind, kind)


EN = {
    "Facture telle que déposée": "Invoice as deposited",
    "Factur-X produit par pdp": "Factur-X written by pdp",
    "Rapport de validation": "Validation report",
    "Mandat (PDF)": "Mandate (PDF)",
    "Preuve d'acceptation du mandat": "Mandate acceptance evidence",
    "Accusé de Chorus Pro": "Chorus Pro receipt",
    "Pièce jointe": "Attachment",
    "Copie de Chorus Pro": "Chorus Pro's copy",
    "Archive": "Archive",
    "Chaque document est conservé sous verrouillage (WORM) jusqu'à la date indiquée : personne, pas même pdp, ne "
    "peut le modifier ni l'effacer avant. Le fichier téléchargé est identique, octet pour octet, à celui archivé ; "
    "son empreinte SHA-256 permet de le vérifier.": (
        "Each document is kept under a lock (WORM) until the date shown: nobody, not even pdp, can change or delete it "
        "before. The file you download is byte-for-byte the one archived; its SHA-256 fingerprint lets you check it."
    ),
    "Filtrer l'archive": "Filter the archive",
    "Archivé du": "Archived from",
    "au": "to",
    "Type de document": "Kind of document",
    "Tous les types": "All kinds",
    "Filtrer": "Filter",
    "Effacer les filtres": "Clear the filters",
    "Date d'archivage": "Archived on",
    "Type": "Kind",
    "Fichier": "File",
    "Fournisseur": "Supplier",
    "Se rapporte à": "Belongs to",
    "Empreinte SHA-256": "SHA-256 fingerprint",
    "Conservé jusqu'au": "Kept until",
    "Télécharger": "Download",
    "Télécharger {name}": "Download {name}",
    "{size} octets": "{size} bytes",
    "Aucun document archivé pour ces critères.": "No archived document matches.",
    "Documents suivants": "Next documents",
    "Revenir au début": "Back to the newest",
    "Exporter une période": "Export a period",
    "Un fichier zip avec chaque document de la période et un manifeste (manifest.json) qui donne, pour chacun, son "
    "empreinte SHA-256, sa taille, sa date de conservation et sa version dans l'archive. Au plus {days} jours par "
    "export.": (
        "A zip file with every document of the period and a manifest (manifest.json) giving, for each one, its "
        "SHA-256 fingerprint, its size, how long it is kept and its version in the archive. At most {days} days per "
        "export."
    ),
    "Premier jour": "First day",
    "Dernier jour": "Last day",
    "Télécharger le zip": "Download the zip",
    "Le filtre n'a pas été appliqué :": "The filter was not applied:",
    "L'export n'a pas été lancé :": "The export did not start:",
    "Date invalide (AAAA-MM-JJ).": "Invalid date (YYYY-MM-DD).",
    "La période finit avant de commencer.": "The period ends before it starts.",
    # The service's own words (pdp.tenants.archive.browse), shown on the page.
    f"Choisissez une période d'au plus {EXPORT_MAX_DAYS} jours, avec sa date de début et de fin.": (
        f"Choose a period of at most {EXPORT_MAX_DAYS} days, with its first and last day."
    ),
    "{count} documents affichés": "{count} documents shown",
}
