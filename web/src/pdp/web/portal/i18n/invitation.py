"""English of the invitation to accept a mandate and of the proofs of identity (pdp.web.portal.invitation and
pdp.web.portal.proconnect: their templates, their messages, and their error pages)."""

from pdp.tenants.mandates.invitations import CONSENT_TEXT

_ASK_TENANT_EN = "Ask the platform that wants this mandate to send you the invitation again."

EN = {
    # The invitation page.
    "Mandat de facturation": "Billing mandate",
    "{tenant} demande à {provider} (SIRET {siret}) l'autorisation d'émettre et de déposer ses factures sur Chorus "
    "Pro en son nom.": "{tenant} asks {provider} (SIRET {siret}) for the authorisation to issue and file its invoices "
    "on Chorus Pro in its name.",
    "Ce lien vous a été envoyé par e-mail à {email}. Il fonctionne jusqu'au {date}.": (
        "This link was e-mailed to {email}. It works until {date}."
    ),
    "1. Prouvez que vous agissez pour ce SIRET": "1. Prove that you act for this SIRET",
    "Seule une personne qui agit pour {provider} peut accepter ce mandat. Choisissez un moyen de le prouver :": (
        "Only a person who acts for {provider} may accept this mandate. Choose how to prove it:"
    ),
    "Avec ProConnect": "With ProConnect",
    "L'identité des professionnels, reconnue par l'État. Votre compte doit être rattaché au SIRET {siret}.": (
        "The professionals' identity, recognised by the French State. Your account must be attached to SIRET {siret}."
    ),
    "S'identifier avec ProConnect": "Sign in with ProConnect",
    "Avec le compte Chorus Pro de votre entreprise": "With your company's Chorus Pro account",
    "pdp demande à Chorus Pro à quelles structures ce compte est rattaché ; le mot de passe n'est ni conservé ni "
    "transmis à {tenant}.": "pdp asks Chorus Pro which structures this account is attached to; the password is "
    "neither kept nor passed on to {tenant}.",
    "Identifiant Chorus Pro": "Chorus Pro login",
    "Vérifier avec Chorus Pro": "Check with Chorus Pro",
    "Avec un code reçu par courrier": "With a code received by post",
    "Un courrier (référence {reference}) a été envoyé le {date} à l'adresse de l'établissement connue du répertoire "
    "SIRENE :": "A letter (reference {reference}) was sent on {date} to the establishment's address known to the "
    "SIRENE register:",
    "Code à 8 caractères": "8-character code",
    "Valable jusqu'au {date}.": "Valid until {date}.",
    "Valider le code": "Check the code",
    "pdp envoie un code par la poste à l'adresse que le répertoire SIRENE connaît pour le SIRET {siret}. Comptez "
    "quelques jours.": "pdp posts a code to the address the SIRENE register holds for SIRET {siret}. Allow a few days.",
    "Recevoir un code par courrier": "Receive a code by post",
    "Aucun moyen de prouver votre identité n'est disponible pour le moment. Réessayez plus tard.": (
        "No way of proving your identity is available at the moment. Try again later."
    ),
    "Identité vérifiée ({channel}) : vous agissez pour le SIRET {siret}.": (
        "Identity verified ({channel}): you act for SIRET {siret}."
    ),
    "ProConnect": "ProConnect",
    "compte Chorus Pro": "Chorus Pro account",
    "code par courrier": "code by post",
    "2. Lisez le mandat": "2. Read the mandate",
    "Le mandat est rédigé en français : c'est ce texte qui vous engage.": (
        "The mandate is written in French: that text is what binds you."
    ),
    "Article {number}": "Article {number}",
    "Document :": "Document:",
    "le mandat au format PDF": "the mandate as a PDF",
    "Empreinte SHA-256 du document :": "SHA-256 digest of the document:",
    "3. Acceptez-le": "3. Accept it",
    "Vos nom et prénom (signataire pour {provider}, SIRET {siret})": (
        "Your full name (signatory for {provider}, SIRET {siret})"
    ),
    CONSENT_TEXT: "I have read the mandate above, whose SHA-256 digest is shown, and I accept it on the principal's "
    "behalf.",
    "J'accepte le mandat": "I accept the mandate",
    "Ou refusez-le": "Or refuse it",
    "Pourquoi ? (facultatif, transmis à {tenant})": "Why? (optional, passed on to {tenant})",
    "Je refuse le mandat": "I refuse the mandate",
    "Mandat refusé": "Mandate refused",
    "Vous avez refusé le mandat {mandate}. Aucune facture ne peut être déposée en votre nom au titre de ce mandat ; "
    "la plateforme qui le demandait en est informée.": "You refused mandate {mandate}. No invoice can be filed in "
    "your name under it; the platform that asked for it is told.",
    "Votre motif :": "Your reason:",
    # The forms' messages.
    "Saisissez vos nom et prénom.": "Type your full name.",
    "Cochez la case d'accord.": "Tick the consent box.",
    "Prouvez d'abord que vous agissez pour ce SIRET.": "First prove that you act for this SIRET.",
    "Chorus Pro refuse cet identifiant ou ce mot de passe.": "Chorus Pro refuses this login or password.",
    "Ce compte Chorus Pro n'est pas rattaché au SIRET {siret}.": "This Chorus Pro account is not attached to SIRET "
    "{siret}.",
    "Trop de tentatives. Patientez {minutes} minutes, puis réessayez.": (
        "Too many attempts. Wait {minutes} minutes, then try again."
    ),
    "Le SIRET {siret} est inconnu du répertoire SIRENE : aucun courrier ne peut lui être envoyé.": (
        "The SIRENE register does not know SIRET {siret}: no letter can be sent to it."
    ),
    "L'établissement {siret} est fermé selon le répertoire SIRENE : aucun courrier ne peut lui être envoyé.": (
        "The SIRENE register records establishment {siret} as closed: no letter can be sent to it."
    ),
    "Le répertoire SIRENE ne publie pas d'adresse postale en France pour le SIRET {siret} : aucun courrier ne peut "
    "lui être envoyé.": "The SIRENE register publishes no postal address in France for SIRET {siret}: no letter can "
    "be sent to it.",
    "Trois courriers ont déjà été envoyés récemment pour ce fournisseur : choisissez un autre moyen de prouver "
    "votre identité.": "Three letters were sent for this supplier recently already: choose another way of proving "
    "your identity.",
    "Code incorrect. Il vous reste {left} essai(s).": "Wrong code. {left} attempt(s) left.",
    "Code incorrect, et c'était le dernier essai : ce courrier ne peut plus servir. Demandez-en un nouveau, ou "
    "choisissez un autre moyen.": "Wrong code, and that was the last attempt: this letter cannot be used any more. "
    "Ask for a new one, or choose another way.",
    "Le code de ce courrier a expiré : demandez-en un nouveau.": "This letter's code has expired: ask for a new one.",
    "Aucun courrier en attente de code pour ce mandat : demandez-en un.": (
        "No letter awaits its code for this mandate: ask for one."
    ),
    # ProConnect's return.
    "Identité non rattachée à ce SIRET": "Identity not attached to this SIRET",
    "Votre compte ProConnect est rattaché au SIRET {vouched}, pas à celui de {provider} ({siret}). Connectez-vous "
    "avec le compte de cet établissement, ou choisissez un autre moyen de prouver votre identité.": "Your ProConnect "
    "account is attached to SIRET {vouched}, not to that of {provider} ({siret}). Sign in with this establishment's "
    "account, or choose another way of proving your identity.",
    "Aucun compte pour cette identité": "No account for this identity",
    "Aucun compte de cet espace fournisseur n'est lié à votre identité ProConnect ({email}). Connectez-vous "
    "autrement, ou demandez une invitation à un administrateur de votre entreprise.": "No account of this supplier "
    "portal is linked to your ProConnect identity ({email}). Sign in another way, or ask an administrator of your "
    "company for an invitation.",
    "Connexion ProConnect interrompue": "ProConnect sign-in interrupted",
    "ProConnect n'a pas confirmé votre identité ({error}). Vous pouvez recommencer, ou choisir un autre moyen.": (
        "ProConnect did not confirm your identity ({error}). You may start again, or choose another way."
    ),
    "Revenir en arrière": "Go back",
    # Error pages (pdp.web.portal.pages).
    "Ce lien d'invitation ne correspond à aucun mandat : vérifiez qu'il a été copié en entier. Demandez à la "
    "plateforme qui souhaite ce mandat de vous renvoyer une invitation.": "This invitation link matches no mandate: "
    f"check that it was copied whole. {_ASK_TENANT_EN}",
    "Invitation expirée": "Invitation expired",
    "Le délai pour accepter ce mandat est dépassé. Demandez à la plateforme qui souhaite ce mandat de vous renvoyer "
    "une invitation.": f"The time to accept this mandate is over. {_ASK_TENANT_EN}",
    "Ce mandat a déjà été accepté ou refusé : ce lien ne peut plus servir.": (
        "This mandate was already accepted or refused: this link cannot be used any more."
    ),
    "Mandat clos": "Mandate closed",
    "Ce mandat n'attend plus de réponse : il a été accepté, retiré par la plateforme, ou il est arrivé à échéance.": (
        "This mandate awaits no answer any more: it was accepted, withdrawn by the platform, or has ended."
    ),
    "Lien retiré": "Link retired",
    "Les mandats ne s'acceptent plus par ce lien : pdp envoie au fournisseur une invitation par e-mail. Suivez-la, "
    "ou demandez à la plateforme de vous la renvoyer.": "Mandates are no longer accepted through this link: pdp "
    "e-mails the supplier an invitation. Follow it, or ask the platform to send it again.",
    "Moyen indisponible": "Not available",
    "Ce moyen de prouver votre identité n'est pas proposé ici. Revenez à l'invitation et choisissez-en un autre.": (
        "This way of proving your identity is not offered here. Go back to the invitation and choose another."
    ),
    "Connexion ProConnect expirée": "ProConnect sign-in expired",
    "Cette connexion ProConnect n'a pas été commencée dans ce navigateur, ou il y a trop longtemps. Recommencez "
    "depuis la page d'où vous veniez.": "This ProConnect sign-in was not started in this browser, or too long ago. "
    "Start again from the page you came from.",
    "Connexion ProConnect refusée": "ProConnect sign-in refused",
    "ProConnect n'a pas confirmé votre identité. Recommencez, ou choisissez un autre moyen.": (
        "ProConnect did not confirm your identity. Start again, or choose another way."
    ),
    "ProConnect indisponible": "ProConnect unavailable",
    "ProConnect ne répond pas pour le moment. Réessayez dans quelques instants, ou choisissez un autre moyen.": (
        "ProConnect does not answer at the moment. Try again in a moment, or choose another way."
    ),
}
