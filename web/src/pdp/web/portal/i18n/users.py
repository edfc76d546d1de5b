"""The users pages (users/*.html.jinja2, the invitation page included): what each role may do, the refusals the
page shows, and their English."""

from __future__ import annotations

from pdp.platform.errors import AppError

# What a role may do, as the page explains it (French message ids).
ROLE_DUTIES = {
    "admin": "Gère les utilisateurs et les mandats ; dépose, suit et télécharge les factures.",
    "depositor": "Dépose et suit les factures ; consulte et télécharge l'archive.",
    "viewer": "Consulte et télécharge les factures et l'archive, sans rien déposer ni modifier.",
}
REFUSALS = {
    "last_admin": "Ce fournisseur doit garder au moins un administrateur : nommez-en un autre d'abord.",
    "portal_user_already_member": "Cette personne fait déjà partie des utilisateurs de ce fournisseur.",
    "too_many_invitations": "Trop d'invitations attendent une réponse : retirez-en une, ou attendez qu'elles expirent.",
    "role_unknown": "Choisissez un rôle : administrateur, déposant ou gestionnaire.",
    "portal_user_inactive": "Le compte de cette adresse e-mail est désactivé.",
}
UNEXPLAINED = "Cette action n'a pas pu être faite."


def refusal_text(error: AppError) -> str:
    """The French words of a refusal (a message id), by its code, else its first finding's."""
    if error.code in REFUSALS:
        return REFUSALS[error.code]
    found = [e.get("message_fr") for e in error.errors if e.get("message_fr")]
    return str(found[0]) if found else UNEXPLAINED


EN = {
    "Utilisateurs": "Users",
    "Gère les utilisateurs et les mandats ; dépose, suit et télécharge les factures.": (
        "Manages users and mandates; deposits, follows and downloads invoices."
    ),
    "Dépose et suit les factures ; consulte et télécharge l'archive.": (
        "Deposits and follows invoices; reads and downloads the archive."
    ),
    "Consulte et télécharge les factures et l'archive, sans rien déposer ni modifier.": (
        "Reads and downloads invoices and the archive, without depositing or changing anything."
    ),
    "Ce fournisseur doit garder au moins un administrateur : nommez-en un autre d'abord.": (
        "This supplier keeps at least one administrator: make someone else one first."
    ),
    "Cette personne fait déjà partie des utilisateurs de ce fournisseur.": (
        "This person is already a user of this supplier."
    ),
    "Trop d'invitations attendent une réponse : retirez-en une, ou attendez qu'elles expirent.": (
        "Too many invitations await an answer: withdraw one, or wait for them to expire."
    ),
    "Choisissez un rôle : administrateur, déposant ou gestionnaire.": (
        "Choose a role: administrator, depositor or viewer."
    ),
    "Le compte de cette adresse e-mail est désactivé.": "The account of this e-mail address is disabled.",
    "Cette action n'a pas pu être faite.": "This action could not be done.",
    "Adresse e-mail invalide.": "Invalid e-mail address.",
    "Invitation envoyée : elle est valable 7 jours.": "Invitation sent: it is valid for 7 days.",
    "Invitation retirée : son lien ne fonctionne plus.": "Invitation withdrawn: its link no longer works.",
    "Rôle modifié.": "Role changed.",
    "Utilisateur retiré du fournisseur.": "User removed from the supplier.",
    "Les rôles": "The roles",
    "Les personnes qui utilisent ce portail pour {provider}. Chacune se connecte avec son propre compte.": (
        "The people who use this portal for {provider}. Each one signs in with their own account."
    ),
    "SIRET {siret}": "SIRET {siret}",
    "Nom": "Name",
    "Adresse e-mail": "E-mail address",
    "Rôle": "Role",
    "Dernière connexion": "Last sign-in",
    "Jamais": "Never",
    "vous": "you",
    "Rôle de {name}": "Role of {name}",
    "Changer": "Change",
    "Retirer {name}": "Remove {name}",
    "Retirer": "Remove",
    "Désactivé": "Disabled",
    "Invitations en attente": "Pending invitations",
    "Valable jusqu'au": "Valid until",
    "Retirer l'invitation de {email}": "Withdraw the invitation of {email}",
    "Retirer l'invitation": "Withdraw the invitation",
    "Inviter un utilisateur": "Invite a user",
    "La personne reçoit un lien, valable 7 jours et une seule fois, pour choisir son mot de passe.": (
        "The person gets a link, valid once for 7 days, to choose their password."
    ),
    "Envoyer l'invitation": "Send the invitation",
    "Retirer {name} de {provider} ?": "Remove {name} from {provider}?",
    "{name} ({email}) n'aura plus accès aux factures, à l'archive ni aux mandats de {provider}. Son compte reste, "
    "avec ses autres fournisseurs s'il en a.": (
        "{name} ({email}) will no longer reach {provider}'s invoices, archive or mandates. Their account stays, "
        "with their other suppliers if they have any."
    ),
    "Vous vous retirez vous-même : vous n'aurez plus accès à ce fournisseur.": (
        "You are removing yourself: you will no longer reach this supplier."
    ),
    "Confirmer le retrait": "Confirm the removal",
    "Annuler": "Cancel",
    # The invitation page (public)
    "Invitation": "Invitation",
    "Rejoindre {provider}": "Join {provider}",
    "Vous êtes invité(e) à rejoindre l'espace fournisseur de {provider} (SIRET {siret}) sur le portail de "
    "{tenant}, avec le rôle {role}.": (
        "You are invited to {provider}'s supplier space (SIRET {siret}) on {tenant}'s portal, with the {role} role."
    ),
    "Invitation adressée à {email}.": "Invitation sent to {email}.",
    "Nom et prénom": "Full name",
    "Mot de passe": "Password",
    "Au moins 12 caractères. Une phrase facile à retenir fait un bon mot de passe.": (
        "At least 12 characters. A sentence easy to remember makes a good password."
    ),
    "Confirmez le mot de passe": "Confirm the password",
    "Créer mon compte et rejoindre": "Create my account and join",
    "Vous avez déjà un compte sur ce portail : rejoignez ce fournisseur avec lui.": (
        "You already have an account on this portal: join this supplier with it."
    ),
    "Rejoindre": "Join",
    "Saisissez vos nom et prénom.": "Type your full name.",
    "Invitation inutilisable": "Invitation unusable",
    "Cette invitation a déjà servi, a été retirée ou a expiré. Demandez à un administrateur du fournisseur de "
    "vous inviter à nouveau.": (
        "This invitation was used already, withdrawn or has expired. Ask an administrator of the supplier to invite "
        "you again."
    ),
    "Invitation inconnue": "Unknown invitation",
    "Ce lien d'invitation ne correspond à rien : vérifiez qu'il a été copié en entier.": (
        "This invitation link matches nothing: check that it was copied in full."
    ),
    "Aller à la page de connexion": "Go to the sign-in page",
}
