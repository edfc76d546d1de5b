"""The mandates pages (mandates/*.html.jinja2): states, identity channels, invoice types as the portal names
them, and their English."""

from __future__ import annotations

# pdp.tenants.mandates.overview.MandateLine.state → (French label, badge).
STATES = {
    "pending": ("En attente d'acceptation", "info"),
    "active": ("Actif", "ok"),
    "refused": ("Refusé", "neutral"),
    "revoked": ("Révoqué", "bad"),
    "expired": ("Expiré", "neutral"),
}
CHANNELS = {
    "proconnect": "ProConnect",
    "chorus_account": "le compte Chorus Pro de l'entreprise",
    "postal_code": "un code envoyé par courrier à l'adresse de l'établissement",
}
INVOICE_TYPES = {"invoice": "Factures", "credit_note": "Avoirs"}

EN = {
    "Mandats": "Mandates",
    "En attente d'acceptation": "Awaiting acceptance",
    "Actif": "Active",
    "Refusé": "Refused",
    "Révoqué": "Revoked",
    "Expiré": "Expired",
    "ProConnect": "ProConnect",
    "le compte Chorus Pro de l'entreprise": "the company's Chorus Pro account",
    "un code envoyé par courrier à l'adresse de l'établissement": "a code posted to the establishment's address",
    "Factures": "Invoices",
    "Avoirs": "Credit notes",
    "Le mandat de facturation autorise une plateforme à émettre et déposer sur Chorus Pro, en votre nom, vos "
    "factures aux acheteurs publics. Vous pouvez le révoquer à tout moment : les dépôts s'arrêtent aussitôt.": (
        "The billing mandate lets a platform issue and file your invoices to public buyers on Chorus Pro, in your "
        "name. You can revoke it at any time: deposits stop at once."
    ),
    "Vos mandats donnés à {tenant}": "Your mandates given to {tenant}",
    "Aucun mandat demandé par {tenant} pour ce fournisseur.": "{tenant} has asked this supplier for no mandate.",
    "Mandat demandé le {date}": "Mandate asked on {date}",
    "Validité": "Validity",
    "du {start} au {end}": "from {start} to {end}",
    "à partir du {start}, sans date de fin": "from {start}, with no end date",
    "Destinataires": "Recipients",
    "Tous les acheteurs publics": "All public buyers",
    "Types de documents": "Kinds of documents",
    "Factures et avoirs": "Invoices and credit notes",
    "Délai de contestation": "Time to contest",
    "{days} jours": "{days} days",
    "Empreinte SHA-256 du mandat": "SHA-256 fingerprint of the mandate",
    "Acceptation": "Acceptance",
    "Accepté par {name} le {date}.": "Accepted by {name} on {date}.",
    "Identité vérifiée avec {channel} ({who}) le {date}.": "Identity checked with {channel} ({who}) on {date}.",
    "Accepté avant la vérification d'identité : la preuve d'acceptation en donne le détail.": (
        "Accepted before identity checks: the acceptance evidence gives the details."
    ),
    "Invitation envoyée le {date} à l'adresse de contact du fournisseur ; à accepter avant le {deadline}.": (
        "Invitation sent on {date} to the supplier's contact address; to accept before {deadline}."
    ),
    "À accepter avant le {deadline}, depuis le lien de l'invitation envoyée à l'adresse de contact du fournisseur.": (
        "To accept before {deadline}, through the link of the invitation sent to the supplier's contact address."
    ),
    "Refusé le {date} par votre entreprise.": "Refused on {date} by your company.",
    "Révoqué le {date} par votre entreprise.": "Revoked on {date} by your company.",
    "Révoqué le {date} par {tenant}.": "Revoked on {date} by {tenant}.",
    "Motif : {reason}": "Reason: {reason}",
    "Arrivé à échéance le {date}.": "Expired on {date}.",
    "Télécharger le mandat (PDF)": "Download the mandate (PDF)",
    "Télécharger la preuve d'acceptation (JSON)": "Download the acceptance evidence (JSON)",
    "Révoquer ce mandat": "Revoke this mandate",
    "Refuser ce mandat": "Refuse this mandate",
    "Autres plateformes": "Other platforms",
    "Les autres plateformes qui détiennent ou demandent un mandat pour le SIRET {siret}. Pour refuser ou révoquer "
    "l'un de ces mandats, connectez-vous au portail de cette plateforme (par exemple avec ProConnect) : ce portail-ci "
    "n'agit que sur les mandats donnés à {tenant}, chaque plateforme gardant seule la main sur les siens.": (
        "The other platforms that hold or ask for a mandate for SIRET {siret}. To refuse or revoke one of these "
        "mandates, sign in to that platform's portal (with ProConnect, say): this portal acts only on the mandates "
        "given to {tenant}, each platform alone having a hand on its own."
    ),
    "Aucune autre plateforme ne détient ni ne demande de mandat pour ce SIRET.": (
        "No other platform holds or asks for a mandate for this SIRET."
    ),
    "demandé le {date}": "asked on {date}",
    "accepté le {date}": "accepted on {date}",
    "Ouvrir le portail de {name}": "Open {name}'s portal",
    "Mandat refusé : {tenant} ne peut pas déposer de factures en votre nom avec lui.": (
        "Mandate refused: {tenant} cannot deposit invoices in your name with it."
    ),
    "Mandat révoqué : les dépôts de {tenant} en votre nom s'arrêtent dès maintenant.": (
        "Mandate revoked: {tenant}'s deposits in your name stop now."
    ),
    "Ce mandat n'est plus ni en attente ni actif : il n'y a plus rien à refuser.": (
        "This mandate is neither pending nor active any more: there is nothing left to refuse."
    ),
    # The confirmation page
    "Refuser le mandat demandé par {tenant} ?": "Refuse the mandate {tenant} asks for?",
    "Révoquer le mandat donné à {tenant} ?": "Revoke the mandate given to {tenant}?",
    "{tenant} ne pourra pas déposer de factures en votre nom avec ce mandat. Le refus est définitif : pour un "
    "nouveau mandat, {tenant} devra en demander un autre.": (
        "{tenant} will not be able to deposit invoices in your name with this mandate. The refusal is final: for a "
        "new mandate, {tenant} will have to ask for another one."
    ),
    "{tenant} ne pourra plus déposer de factures en votre nom, y compris celles déjà en attente d'envoi à Chorus "
    "Pro. Les factures déjà déposées restent dans Chorus Pro et dans votre archive.": (
        "{tenant} will no longer be able to deposit invoices in your name, those already waiting to be sent to "
        "Chorus Pro included. Invoices already deposited stay in Chorus Pro and in your archive."
    ),
    "Motif (facultatif)": "Reason (optional)",
    "Transmis à {tenant} avec le refus ou la révocation ; 500 caractères au plus.": (
        "Passed on to {tenant} with the refusal or revocation; 500 characters at most."
    ),
    "Confirmer le refus": "Confirm the refusal",
    "Confirmer la révocation": "Confirm the revocation",
    "Annuler": "Cancel",
}
