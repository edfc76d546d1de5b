"""English of the portal's frame: base.html.jinja2, layout.html.jinja2, the navigation and the switches."""

EN = {
    "Aller au contenu": "Skip to content",
    "Espace fournisseur de {tenant}, opéré par pdp.": "{tenant} supplier space, operated by pdp.",
    "Afficher": "Show",
    "Fournisseur": "Supplier",
    "Se déconnecter": "Sign out",
    "Tous mes fournisseurs ({count})": "All my suppliers ({count})",
    "Navigation principale": "Main navigation",
    "{tenant} — tableau de bord": "{tenant} — dashboard",
    # The navigation (pdp.web.portal.shell.NAVIGATION)
    "Tableau de bord": "Dashboard",
    "Factures": "Invoices",
    "Déposer": "Deposit",
    "Mandats": "Mandates",
    "Archive": "Archive",
    "Utilisateurs": "Users",
    "Notifications": "Notifications",
    "Mon compte": "My account",
}
