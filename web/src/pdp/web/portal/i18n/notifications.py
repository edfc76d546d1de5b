"""The notifications page (notifications/index.html.jinja2): the e-mail groups as the page names them, and its
English."""

from __future__ import annotations

# pdp.tenants.notifications.preferences.GROUPS: (name, what it covers), French message ids.
GROUP_WORDS = {
    "progress": (
        "Factures déposées et mises à disposition",
        "Chorus Pro a intégré la facture, puis l'a mise à disposition de l'acheteur public.",
    ),
    "action": (
        "Factures qui demandent une action",
        "Suspendue (pièces demandées), à recycler, rejetée, non déposée, ou sans nouvelles de Chorus Pro.",
    ),
    "payment": ("Mises en paiement", "L'acheteur public a ordonné le paiement."),
}

EN = {
    "Notifications": "Notifications",
    "Factures déposées et mises à disposition": "Invoices deposited and delivered",
    "Chorus Pro a intégré la facture, puis l'a mise à disposition de l'acheteur public.": (
        "Chorus Pro took the invoice in, then made it available to the public buyer."
    ),
    "Factures qui demandent une action": "Invoices that need an action",
    "Suspendue (pièces demandées), à recycler, rejetée, non déposée, ou sans nouvelles de Chorus Pro.": (
        "Suspended (documents asked for), to recycle, rejected, not deposited, or no news from Chorus Pro."
    ),
    "Mises en paiement": "Payments sent",
    "L'acheteur public a ordonné le paiement.": "The public buyer ordered the payment.",
    "Vos choix sont enregistrés.": "Your choices are saved.",
    "Vous recevez de nouveau les e-mails prévus pour votre rôle.": "You get the e-mails of your role again.",
    "Les e-mails que vous recevez à {email} sur les factures et les mandats de vos fournisseurs.": (
        "The e-mails you get at {email} about your suppliers' invoices and mandates."
    ),
    "L'adresse de contact que {tenant} a déclarée pour chaque fournisseur reçoit dans tous les cas chaque e-mail "
    "de statut ; vos choix ne concernent que vous.": (
        "The contact address {tenant} declared for each supplier gets every status e-mail in any case; your choices "
        "are about you only."
    ),
    "Vous avez fait vos propres choix.": "You made your own choices.",
    "Vous recevez les e-mails prévus pour le rôle {role}.": "You get the e-mails of the {role} role.",
    "Factures : un e-mail à chaque changement de statut": "Invoices: an e-mail at each change of status",
    "Mandats": "Mandates",
    "Mandat accepté, révoqué ou arrivé à échéance": "Mandate accepted, revoked or expired",
    "Quand un mandat de facturation d'un de vos fournisseurs change d'état.": (
        "When a billing mandate of one of your suppliers changes state."
    ),
    "Enregistrer mes choix": "Save my choices",
    "Revenir aux e-mails prévus pour votre rôle ({role}) : ils suivront ensuite votre rôle s'il change.": (
        "Go back to the e-mails of your role ({role}): they will then follow your role if it changes."
    ),
    "Revenir aux réglages de mon rôle": "Back to my role's settings",
}
