"""English of the dashboard (dashboard.html.jinja2)."""

EN = {
    "SIRET": "SIRET",
    "au {date}": "on {date}",
    "Votre compte n'est rattaché à aucun fournisseur pour l'instant.": "Your account belongs to no supplier yet.",
    "Paiements": "Payments",
    "En attente de paiement ({invoices})": "Awaiting payment ({invoices})",
    "Paiements attendus dans les {days} jours ({invoices})": "Payments due in the next {days} days ({invoices})",
    "En retard de paiement ({invoices})": "Overdue ({invoices})",
    "Intérêts de retard et indemnités dus": "Late interest and indemnities owed",
    "Factures par statut ({count} au total)": "Invoices by status ({count} in all)",
    "Aucune facture déposée pour l'instant.": "No invoice deposited yet.",
    "Factures à traiter ({count})": "Invoices to act on ({count})",
    "Suspendues, à recycler, rejetées sans facture rectificative, ou non déposées : elles attendent une action de "
    "votre part ou de {tenant}.": (
        "Suspended, to recycle, rejected and not replaced, or not deposited: they wait for you or {tenant} to act."
    ),
    "Numéro": "Number",
    "Statut": "Status",
    "Destinataire (SIRET)": "Recipient (SIRET)",
    "Montant dû": "Amount due",
    "Aucune facture n'attend d'action.": "No invoice waits for an action.",
    "Retards de paiement ({count})": "Late payments ({count})",
    "Passé le délai légal, l'acheteur public doit des intérêts moratoires (taux de la BCE + 8 points) et une "
    "indemnité forfaitaire de 40 € par facture.": (
        "Past the legal delay, the public buyer owes late interest (the ECB rate + 8 points) and a flat €40 "
        "indemnity per invoice."
    ),
    "Paiement attendu le": "Payment due on",
    "Jours de retard": "Days late",
    "Intérêts": "Interest",
    "Indemnité": "Indemnity",
    "Aucune facture en retard de paiement.": "No invoice is paid late.",
}
