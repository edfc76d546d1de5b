"""English of « Mon compte » (pdp.web.portal.account, account.html.jinja2)."""

EN = {
    "Identité": "Identity",
    "Mot de passe actuel": "Current password",
    "Nouveau mot de passe": "New password",
    "Au moins 12 caractères. Une phrase facile à retenir fait un bon mot de passe.": (
        "At least 12 characters. A sentence you easily remember makes a good password."
    ),
    "Confirmez le nouveau mot de passe": "Confirm the new password",
    "Enregistrer le mot de passe": "Save the password",
    "Activée depuis le {date}.": "On since {date}.",
    "Désactiver": "Turn off",
    "Obligatoire pour un administrateur.": "Required for an administrator.",
    "Désactivée. Un code de votre téléphone vous sera demandé en plus du mot de passe.": (
        "Off. Once on, a code from your phone is asked for besides the password."
    ),
    "Activer la validation en deux étapes": "Turn on two-step verification",
    "Sessions": "Sessions",
    "Un appareil perdu, un ordinateur partagé ? Fermez toutes vos sessions, celle-ci comprise.": (
        "A lost device, a shared computer? Close all your sessions, this one included."
    ),
    "Se déconnecter partout": "Sign out everywhere",
    "Accès du support pdp": "pdp support's access",
    "Le support de pdp ne lit vos données qu'après avoir ouvert un accès, motivé et limité dans le temps.": (
        "pdp's support reads your data only after opening an access, with a reason and for a limited time."
    ),
    "Ouvert le": "Opened on",
    "Par": "By",
    "Motif": "Reason",
    "Pages lues": "Pages read",
    "Aucun accès du support à ce jour.": "No support access so far.",
    "Le mot de passe actuel est incorrect.": "The current password is wrong.",
    "Votre mot de passe est enregistré. Vos autres sessions sont fermées.": (
        "Your password is saved. Your other sessions are closed."
    ),
    "La validation en deux étapes est activée.": "Two-step verification is on.",
    "La validation en deux étapes est désactivée.": "Two-step verification is off.",
    "Un administrateur garde la validation en deux étapes.": "An administrator keeps two-step verification.",
    # pdp.tenants.accounts.passwords.check_new_password's French messages
    "Les deux mots de passe ne sont pas identiques.": "The two passwords differ.",
    "Choisissez au moins 12 caractères.": "Use at least 12 characters.",
    "Choisissez au plus 256 caractères.": "Use at most 256 characters.",
    "Votre adresse e-mail n'est pas un mot de passe.": "Your e-mail address is not a password.",
}
