"""English of the sign-in pages: password, e-mailed link, code step (pdp.web.portal.sign_in, second_factor)."""

EN = {
    "Connexion": "Sign in",
    "Connexion à votre espace fournisseur": "Sign in to your supplier space",
    "{tenant} dépose vos factures sur Chorus Pro. Suivez-les ici.": (
        "{tenant} deposits your invoices on Chorus Pro. Follow them here."
    ),
    "Adresse e-mail": "E-mail address",
    "Mot de passe": "Password",
    "Se connecter": "Sign in",
    "ou": "or",
    "Recevoir un lien de connexion": "Get a sign-in link",
    "Recevoir un lien": "Send me a link",
    "Un lien valable une seule fois vous sera envoyé : sans mot de passe.": (
        "We will e-mail you a link that works once: no password needed."
    ),
    "Se connecter avec ProConnect": "Sign in with ProConnect",
    "ProConnect : l'identité des professionnels, reconnue par l'État.": (
        "ProConnect: the professionals' identity, recognised by the French State."
    ),
    "Adresse e-mail ou mot de passe incorrect.": "Wrong e-mail address or password.",
    "Trop de tentatives. Patientez {minutes} minutes, puis réessayez.": (
        "Too many attempts. Wait {minutes} minutes, then try again."
    ),
    "Saisissez une adresse e-mail valide.": "Enter a valid e-mail address.",
    "Vérifiez votre messagerie": "Check your inbox",
    "Si un compte existe pour cette adresse, un lien de connexion vient de lui être envoyé. Il fonctionne une fois, "
    "pendant {minutes} minutes.": (
        "If an account exists for this address, a sign-in link has just been sent to it. It works once, for "
        "{minutes} minutes."
    ),
    "Retour à la connexion": "Back to sign-in",
    "Connexion par lien": "Sign in by link",
    "Ce lien vous connecte à votre espace fournisseur. Il ne sert qu'une fois.": (
        "This link signs you in to your supplier space. It works only once."
    ),
    "Me connecter": "Sign me in",
    "Validation en deux étapes": "Two-step verification",
    "Activez la validation en deux étapes": "Turn on two-step verification",
    "Votre compte demande un code à six chiffres en plus du mot de passe ou du lien. Ajoutez ce compte dans une "
    "application d'authentification (Google Authenticator, Microsoft Authenticator, FreeOTP…), puis saisissez le "
    "code qu'elle affiche.": (
        "Your account asks for a six-digit code besides the password or the link. Add this account to an "
        "authenticator app (Google Authenticator, Microsoft Authenticator, FreeOTP…), then enter the code it shows."
    ),
    "Saisissez le code à six chiffres affiché par votre application d'authentification.": (
        "Enter the six-digit code your authenticator app shows."
    ),
    "Code à six chiffres": "Six-digit code",
    "Valider": "Confirm",
    "Annuler et se déconnecter": "Cancel and sign out",
    "Impossible de scanner ? Saisissez cette clé dans l'application :": "Cannot scan? Enter this key in the app:",
    "QR code à scanner avec votre application d'authentification": "QR code to scan with your authenticator app",
    "Ce code n'est pas valable (ou a déjà servi). Saisissez le code affiché maintenant par votre application.": (
        "This code is not valid (or was used already). Enter the code your app shows now."
    ),
    "Trop de codes erronés. Patientez {minutes} minutes, puis réessayez.": (
        "Too many wrong codes. Wait {minutes} minutes, then try again."
    ),
}
