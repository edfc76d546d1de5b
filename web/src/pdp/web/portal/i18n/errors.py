"""English of the portal's error pages (pdp.web.portal.pages: titles and texts by code and by status)."""

_ASK_AGAIN_FR = "Demandez un nouveau lien à la plateforme qui vous a envoyé celui-ci."
_ASK_AGAIN_EN = "Ask the platform that sent you this link for a new one."

EN = {
    "Code :": "Code:",
    "référence :": "reference:",
    "Lien inconnu": "Unknown link",
    f"Ce lien d'acceptation ne correspond à aucun mandat : vérifiez qu'il a été copié en entier. {_ASK_AGAIN_FR}": (
        f"This acceptance link matches no mandate: check that it was copied whole. {_ASK_AGAIN_EN}"
    ),
    "Lien expiré": "Link expired",
    f"Ce lien d'acceptation a dépassé sa durée de validité de 14 jours. {_ASK_AGAIN_FR}": (
        f"This acceptance link was valid for 14 days, which have passed. {_ASK_AGAIN_EN}"
    ),
    "Lien déjà utilisé": "Link already used",
    "Ce mandat a déjà été accepté, révoqué, ou il est arrivé à échéance : ce lien ne peut plus servir.": (
        "This mandate was already accepted, revoked, or has ended: this link cannot be used any more."
    ),
    "Ce lien ne correspond à rien : vérifiez qu'il a été copié en entier, ou demandez-en un nouveau.": (
        "This link matches nothing: check that it was copied whole, or ask for a new one."
    ),
    "Ce lien a dépassé sa durée de validité. Demandez-en un nouveau depuis la page de connexion.": (
        "This link has expired. Ask for a new one on the sign-in page."
    ),
    "Ce lien ne fonctionne qu'une fois. Demandez-en un nouveau depuis la page de connexion.": (
        "This link works only once. Ask for a new one on the sign-in page."
    ),
    "Portail introuvable": "Portal not found",
    "Cette adresse ne correspond à aucun portail.": "This address matches no portal.",
    "Plateforme suspendue": "Platform suspended",
    "pdp a suspendu cette plateforme : son espace fournisseur est fermé le temps de la suspension. Vos factures "
    "déjà transmises à Chorus Pro restent suivies par Chorus Pro ; pour la suite, contactez la plateforme.": (
        "pdp has suspended this platform: its supplier portal is closed while it is suspended. Your invoices "
        "already sent to Chorus Pro are still followed by Chorus Pro; for what comes next, contact the platform."
    ),
    "Accès refusé": "Access denied",
    "Votre rôle auprès de ce fournisseur ne permet pas cette action. Un administrateur du fournisseur peut vous "
    "donner ce droit.": (
        "Your role with this supplier does not allow this action. An administrator of the supplier can give you "
        "this right."
    ),
    "Trop de demandes": "Too many requests",
    "Vous avez fait trop de demandes en peu de temps. Patientez une minute, puis réessayez.": (
        "You made too many requests in a short time. Wait a minute, then try again."
    ),
    "Requête invalide": "Invalid request",
    "Le formulaire envoyé est illisible. Rechargez la page, puis recommencez.": (
        "The form sent cannot be read. Reload the page, then try again."
    ),
    "Formulaire expiré": "Form expired",
    "Le jeton de sécurité du formulaire manque ou n'est plus valable (cookies bloqués, ou page ouverte depuis trop "
    "longtemps). Rechargez la page, puis validez à nouveau : rien n'a été enregistré.": (
        "The form's security token is missing or no longer valid (cookies blocked, or the page was open for too "
        "long). Reload the page, then submit again: nothing was saved."
    ),
    "Page introuvable": "Page not found",
    "Cette adresse ne correspond à aucune page.": "This address matches no page.",
    "Action impossible": "Action not possible",
    "Cette page ne permet pas cette action.": "This page does not allow this action.",
    "Envoi trop volumineux": "Too large",
    "Le formulaire envoyé est trop volumineux.": "The form sent is too large.",
    "Service momentanément indisponible": "Service temporarily unavailable",
    "Réessayez dans quelques instants : rien n'a été enregistré.": "Try again in a moment: nothing was saved.",
    "Erreur interne": "Internal error",
    "Une erreur est survenue de notre côté ; réessayez plus tard.": (
        "Something went wrong on our side; try again later."
    ),
}
