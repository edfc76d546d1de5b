"""English of the invoice pages (templates/portal/invoices/), of the texts their Python chooses (advice, refusals,
notices, form problems) and of the CSV export's headers."""

EN = {
    # The list
    "Filtrer les factures": "Filter the invoices",
    "Numéro de facture": "Invoice number",
    "Tous les statuts": "All statuses",
    "Destinataire (SIRET ou nom)": "Recipient (SIRET or name)",
    "Date d'émission": "Issue date",
    "du": "from",
    "au": "to",
    "Montant TTC (€)": "Amount incl. VAT (€)",
    "minimum": "minimum",
    "maximum": "maximum",
    "Filtrer": "Filter",
    "Effacer les filtres": "Clear the filters",
    "Mise à jour…": "Updating…",
    "Aucune facture ne correspond.": "No invoice matches.",
    "1 facture": "1 invoice",
    "{count} factures": "{count} invoices",
    "Exporter en CSV": "Export as CSV",
    "Factures, les plus récentes d'abord": "Invoices, newest first",
    "Émise le": "Issued on",
    "Destinataire": "Recipient",
    "Montant TTC": "Amount incl. VAT",
    "Paiement attendu": "Payment expected",
    "Pages de résultats": "Result pages",
    "Revenir aux plus récentes": "Back to the newest",
    "Factures plus anciennes": "Older invoices",
    "Avoir": "Credit note",
    "Facture": "Invoice",
    "Ce statut n'existe pas : le filtre par statut est ignoré.": (
        "There is no such status: the status filter is ignored."
    ),
    "La date « du » n'est pas une date : ce filtre est ignoré.": (
        "The 'from' date is not a date: this filter is ignored."
    ),
    "La date « au » n'est pas une date : ce filtre est ignoré.": "The 'to' date is not a date: this filter is ignored.",
    "Le montant minimum n'est pas un montant : ce filtre est ignoré.": (
        "The minimum is not an amount: this filter is ignored."
    ),
    "Le montant maximum n'est pas un montant : ce filtre est ignoré.": (
        "The maximum is not an amount: this filter is ignored."
    ),
    # The CSV export
    "Numéro": "Number",
    "Type": "Type",
    "Fournisseur": "Supplier",
    "Date d'échéance": "Due date",
    "Destinataire (SIRET)": "Recipient (SIRET)",
    "Code service": "Service code",
    "Numéro d'engagement": "Commitment number",
    "Montant HT": "Amount excl. VAT",
    "TVA": "VAT",
    "Montant dû": "Amount due",
    "Devise": "Currency",
    "Statut": "Status",
    "Statut Chorus Pro": "Chorus Pro status",
    "Paiement attendu le": "Payment due on",
    "Déposée le": "Deposited on",
    "Référence pdp": "pdp reference",
    # An invoice
    "Message reçu de Chorus Pro ou de l'acheteur :": "Message from Chorus Pro or the buyer:",
    "Ce que cela veut dire": "What it means",
    "Que faire ?": "What to do?",
    "Actions": "Actions",
    "Compléter la facture": "Complete the invoice",
    "Recycler la facture": "Recycle the invoice",
    "Créer la facture rectificative": "Create the corrected invoice",
    "Déposer la facture rectificative (fichier)": "Deposit the corrected invoice (file)",
    "Créer un avoir sur cette facture": "Create a credit note for this invoice",
    "Retirer la facture": "Withdraw the invoice",
    "La facture": "The invoice",
    "Nom inconnu de l'annuaire": "Name unknown to the directory",
    "Service : {code}": "Service: {code}",
    "Engagement : {number}": "Commitment: {number}",
    "Échéance": "Due",
    "Numéro Chorus Pro": "Chorus Pro number",
    "Environnement": "Environment",
    "Chorus Pro (production)": "Chorus Pro (production)",
    "Chorus Pro qualification (test)": "Chorus Pro qualification (test)",
    "Paiement": "Payment",
    "Paiement attendu au plus tard le {date} (délai légal de paiement).": (
        "Payment expected by {date} at the latest (the legal payment delay)."
    ),
    "En retard de {days} jours.": "{days} days late.",
    "L'acheteur public doit, en plus du montant de la facture, des intérêts moratoires au taux de {rate} % par an "
    "et une indemnité forfaitaire de recouvrement :": (
        "On top of the invoice's amount, the public buyer owes late-payment interest at {rate}% a year and a flat "
        "recovery indemnity:"
    ),
    "intérêts moratoires : {amount}": "late-payment interest: {amount}",
    "indemnité forfaitaire : {amount}": "flat indemnity: {amount}",
    "Ils sont dus de plein droit, sans que vous ayez à les demander (Code de la commande publique, article "
    "L2192-13).": ("They are owed by law, without your asking for them (French public procurement code, L2192-13)."),
    "Factures liées": "Linked invoices",
    "Crédite la facture": "Credits the invoice",
    "Remplace la facture rejetée": "Replaces the rejected invoice",
    "Remplacée par la facture rectificative": "Replaced by the corrected invoice",
    "Créditée par l'avoir": "Credited by the credit note",
    "Suivi": "History",
    "Chorus Pro : {status}": "Chorus Pro: {status}",
    "recyclée avec de nouvelles données d'acheminement": "recycled with new routing data",
    "pièces envoyées : {names}": "documents sent: {names}",
    "Commentaires de l'acheteur et de Chorus Pro": "Comments of the buyer and Chorus Pro",
    "Documents archivés": "Archived documents",
    "Conservés à l'identique dans une archive qui interdit de les modifier ou de les supprimer avant la date "
    "indiquée.": "Kept unchanged in an archive that forbids changing or deleting them before the date shown.",
    "Conservé jusqu'au": "Kept until",
    "Plus de filtres : destinataire, dates, montants": "More filters: recipient, dates, amounts",
    "Document": "Document",
    "Fichier": "File",
    "Taille": "Size",
    "Empreinte SHA-256": "SHA-256 digest",
    "{size} Ko": "{size} KB",
    "Facture déposée (original)": "Deposited invoice (original)",
    "Factur-X écrit par pdp": "Factur-X written by pdp",
    "Pièce justificative": "Supporting document",
    "Accusé de Chorus Pro": "Chorus Pro receipt",
    "Rapport de validation": "Validation report",
    "Copie de Chorus Pro": "Chorus Pro's copy",
    # Notices after an action
    "La facture est retirée : elle ne sera pas déposée sur Chorus Pro.": (
        "The invoice is withdrawn: it will not be deposited on Chorus Pro."
    ),
    "La facture est recyclée : Chorus Pro la renvoie vers l'acheteur avec les nouvelles données.": (
        "The invoice is recycled: Chorus Pro sends it back to the buyer with the new data."
    ),
    "Les pièces sont envoyées : l'acheteur public peut reprendre le traitement de la facture.": (
        "The documents are sent: the public buyer can resume handling the invoice."
    ),
    "La facture est déposée : pdp l'envoie à Chorus Pro et vous tiendra informé de son avancement.": (
        "The invoice is deposited: pdp sends it to Chorus Pro and will keep you informed of its progress."
    ),
    # Actions
    "Facture {number} du {date}, {total} TTC, destinataire {siret}.": (
        "Invoice {number} of {date}, {total} incl. VAT, recipient {siret}."
    ),
    "Retirer la facture {number}": "Withdraw invoice {number}",
    "Chorus Pro n'a pas reçu cette facture : la retirer l'arrête définitivement. Elle reste archivée, et son numéro "
    "ne pourra plus servir.": (
        "Chorus Pro has not received this invoice: withdrawing it stops it for good. It stays archived, and its "
        "number cannot be used again."
    ),
    "Oui, retirer la facture": "Yes, withdraw the invoice",
    "Non, revenir à la facture": "No, back to the invoice",
    "Cette facture ne peut plus être retirée : Chorus Pro l'a reçue, ou elle est en cours de dépôt.": (
        "This invoice can no longer be withdrawn: Chorus Pro has it, or it is being deposited."
    ),
    "Revenir à la facture": "Back to the invoice",
    "Recycler la facture {number}": "Recycle invoice {number}",
    "Vérifiez avant d'envoyer": "Check before sending",
    "La facture garde son numéro et repart vers l'acheteur public avec ces données d'acheminement :": (
        "The invoice keeps its number and goes back to the public buyer with this routing data:"
    ),
    "SIRET du destinataire": "Recipient's SIRET",
    "aucun": "none",
    "Commentaire": "Comment",
    "Confirmer et recycler": "Confirm and recycle",
    "Modifier": "Change",
    "Corrigez ce que l'acheteur public a signalé : le destinataire, son code service ou le numéro d'engagement.": (
        "Correct what the public buyer pointed out: the recipient, its service code or the commitment number."
    ),
    "Laissez vide si le destinataire n'en demande pas.": "Leave empty if the recipient asks for none.",
    "Numéro d'engagement juridique": "Legal commitment number",
    "Commentaire pour l'acheteur (facultatif)": "Comment for the buyer (optional)",
    "Continuer": "Continue",
    "Compléter la facture {number}": "Complete invoice {number}",
    "Ces pièces seront archivées puis envoyées à l'acheteur public par Chorus Pro :": (
        "These documents will be archived, then sent to the public buyer by Chorus Pro:"
    ),
    "Commentaire : {comment}": "Comment: {comment}",
    "Confirmer et envoyer les pièces": "Confirm and send the documents",
    "Choisir d'autres pièces": "Choose other documents",
    "Joignez les pièces que l'acheteur public demande (bon de livraison, attestation…) : PDF, images ou documents "
    "bureautiques, 10 Mo au plus chacune, un nom de 50 caractères au plus.": (
        "Attach the documents the public buyer asks for (delivery note, certificate…): PDFs, images or office "
        "documents, 10 MB at most each, names of 50 characters at most."
    ),
    "Pièces justificatives": "Supporting documents",
    "La facture a changé d'état entre-temps : cette action n'est plus possible.": (
        "The invoice's status changed meanwhile: this action is no longer possible."
    ),
    "Le SIRET du destinataire n'est pas valide : 14 chiffres, clé de contrôle comprise.": (
        "The recipient's SIRET is not valid: 14 digits, check digit included."
    ),
    "Joignez au moins une pièce.": "Attach at least one document.",
    "Certaines pièces ne peuvent pas être envoyées à Chorus Pro :": "Some documents cannot be sent to Chorus Pro:",
    "Chorus Pro n'est pas joignable depuis ce service pour le moment : réessayez plus tard.": (
        "Chorus Pro cannot be reached from this service for now: try again later."
    ),
    "L'archive est momentanément indisponible : rien n'a été envoyé. Réessayez.": (
        "The archive is unavailable for a moment: nothing was sent. Try again."
    ),
    "L'espace d'archivage de {tenant} est plein : prévenez {tenant}.": (
        "{tenant}'s archive space is full: tell {tenant}."
    ),
    "Les pièces choisies ne sont plus conservées (30 minutes au plus, ou déjà envoyées) : choisissez-les à nouveau.": (
        "The chosen documents are no longer held (30 minutes at most, or already sent): choose them again."
    ),
    "Chorus Pro a refusé la demande ; rien n'a changé. Son message :": (
        "Chorus Pro refused the request; nothing changed. Its message:"
    ),
    "L'action n'a pas pu aboutir ; rien n'a changé.": "The action could not be completed; nothing changed.",
    # Depositing files
    "Déposer des factures": "Deposit invoices",
    "Choisissez au moins un fichier de facture.": "Choose at least one invoice file.",
    "Déposez au plus {count} fichiers, et 50 Mo en tout, à la fois.": (
        "Deposit at most {count} files, and 50 MB in all, at a time."
    ),
    "Les factures déposées ici partent vers Chorus Pro, pour de vrai : elles arrivent chez l'acheteur public.": (
        "Invoices deposited here go to Chorus Pro for real: they reach the public buyer."
    ),
    "Environnement de test : les factures déposées ici partent vers la qualification de Chorus Pro et n'arrivent "
    "chez aucun acheteur réel.": (
        "Test environment: invoices deposited here go to Chorus Pro's qualification environment and reach no real "
        "buyer."
    ),
    "Facture rectificative de la facture {number}, rejetée : elle la remplacera.": (
        "Corrected invoice for invoice {number}, rejected: it will replace it."
    ),
    "Avoir sur la facture {number} : il la créditera.": "Credit note for invoice {number}: it will credit it.",
    "Voir la facture d'origine": "See the original invoice",
    "Fichiers de factures": "Invoice files",
    "Factur-X (PDF), UBL ou CII (XML) : {count} fichiers au plus, 10 Mo chacun. Glissez-les dans le cadre, ou "
    "cliquez pour les choisir.": (
        "Factur-X (PDF), UBL or CII (XML): {count} files at most, 10 MB each. Drop them in the frame, or click to "
        "choose them."
    ),
    "pdp vérifie chaque fichier comme Chorus Pro le fera, et vous montre le résultat avant tout dépôt.": (
        "pdp checks each file as Chorus Pro will, and shows you the result before anything is deposited."
    ),
    "Vérifier les factures": "Check the invoices",
    "Pas de fichier de facture ?": "No invoice file?",
    "Remplissez le formulaire : pdp écrit la facture au format Factur-X, la vérifie et vous la montre avant de la "
    "déposer.": (
        "Fill in the form: pdp writes the invoice as Factur-X, checks it and shows it to you before depositing it."
    ),
    "Créer une facture": "Create an invoice",
    "Vérification des factures": "Checking the invoices",
    "Tous les fichiers peuvent être déposés ({count}).": "Every file can be deposited ({count}).",
    "{passed} fichiers sur {count} peuvent être déposés ; les autres sont à corriger.": (
        "{passed} files out of {count} can be deposited; the others need correcting."
    ),
    "Aucun fichier ne peut être déposé en l'état : corrigez-les, puis déposez-les à nouveau.": (
        "No file can be deposited as it is: correct them, then deposit them again."
    ),
    "Pour le fournisseur {name} (SIRET {siret}).": "For the supplier {name} (SIRET {siret}).",
    "Prête à déposer": "Ready to deposit",
    "À corriger": "To correct",
    "Facture {number}": "Invoice {number}",
    "destinataire {siret}": "recipient {siret}",
    "TTC": "incl. VAT",
    "Règle {rule}": "Rule {rule}",
    "où : {path}": "where: {path}",
    "Avertissements (le dépôt reste possible)": "Warnings (the deposit remains possible)",
    "Un PDF simple ne contient pas les données de la facture que Chorus Pro exige. Exportez-la au format Factur-X "
    "depuis votre logiciel, ou créez-la avec le formulaire de pdp.": (
        "A plain PDF does not carry the invoice data Chorus Pro requires. Export the invoice as Factur-X from your "
        "software, or create it with pdp's form."
    ),
    "Déposer la facture valide": "Deposit the valid invoice",
    "Déposer les {count} factures valides": "Deposit the {count} valid invoices",
    "Recommencer avec d'autres fichiers": "Start again with other files",
    "Les fichiers vérifiés sont gardés 30 minutes, le temps de confirmer.": (
        "The checked files are kept for 30 minutes, time to confirm."
    ),
    "Déposer des fichiers corrigés": "Deposit corrected files",
    "Dépôt des factures": "Depositing the invoices",
    "Ces fichiers ne sont plus conservés (30 minutes au plus, ou déjà déposés) : déposez-les à nouveau.": (
        "These files are no longer held (30 minutes at most, or already deposited): deposit them again."
    ),
    "Le dépôt n'a pas pu se faire : le service est momentanément indisponible, rien n'a été déposé. Réessayez dans "
    "un instant.": (
        "The deposit could not be made: the service is unavailable for a moment, nothing was deposited. Try again "
        "in a moment."
    ),
    "1 facture déposée.": "1 invoice deposited.",
    "{count} factures déposées.": "{count} invoices deposited.",
    "pdp les envoie à Chorus Pro et vous tiendra informé de leur avancement.": (
        "pdp sends them to Chorus Pro and will keep you informed of their progress."
    ),
    "Refusée": "Refused",
    "Déposer d'autres factures": "Deposit other invoices",
    "Voir mes factures": "See my invoices",
    # Why a file would be refused (pdp.tenants.deposits.hand_deposit.REFUSALS)
    "Aucun mandat actif ne couvre ce dépôt : le mandat que vous avez donné à {tenant} est absent, révoqué, expiré, "
    "ou ne couvre pas ce destinataire ou ce type de facture. Demandez à {tenant} un mandat qui le couvre, puis "
    "déposez à nouveau.": (
        "No active mandate covers this deposit: the mandate you gave {tenant} is missing, revoked, expired, or does "
        "not cover this recipient or this type of invoice. Ask {tenant} for a mandate that covers it, then deposit "
        "again."
    ),
    "Ce numéro de facture a déjà été déposé pour ce fournisseur : Chorus Pro refuse un numéro déjà utilisé, même "
    "après un rejet. Donnez un nouveau numéro à la facture.": (
        "This invoice number was already deposited for this supplier: Chorus Pro refuses a number used before, "
        "even after a rejection. Give the invoice a new number."
    ),
    "Le SIRET du vendeur inscrit dans la facture n'est pas celui du fournisseur choisi : choisissez le bon "
    "fournisseur, ou corrigez le SIRET du vendeur (BT-30).": (
        "The seller's SIRET in the invoice is not the chosen supplier's: choose the right supplier, or correct the "
        "seller's SIRET (BT-30)."
    ),
    "Le lien avec la facture d'origine est refusé : seule une facture rejetée est remplacée, et un avoir crédite "
    "une facture que Chorus Pro a reçue et dont il cite le numéro (BT-25).": (
        "The link to the original invoice is refused: only a rejected invoice is replaced, and a credit note "
        "credits an invoice Chorus Pro received, whose number it cites (BT-25)."
    ),
    "Ce fournisseur est désactivé : {tenant} doit le réactiver avant tout dépôt.": (
        "This supplier is deactivated: {tenant} must reactivate it before any deposit."
    ),
    "L'archive est momentanément indisponible : rien n'a été déposé. Réessayez dans un instant.": (
        "The archive is unavailable for a moment: nothing was deposited. Try again in a moment."
    ),
    "Les informations jointes au fichier sont illisibles.": "The information sent with the file cannot be read.",
    "Le fichier ne peut pas être lu comme une facture.": "The file cannot be read as an invoice.",
    "La facture n'est plus valide depuis sa vérification (l'annuaire de Chorus Pro a pu changer) : vérifiez-la à "
    "nouveau.": (
        "The invoice is no longer valid since it was checked (Chorus Pro's directory may have changed): check it again."
    ),
    "Un autre fichier de ce dépôt porte déjà ce numéro de facture : un numéro ne sert qu'une fois.": (
        "Another file of this deposit already has this invoice number: a number is used once."
    ),
    "Ce fichier ne peut pas être déposé.": "This file cannot be deposited.",
    # The invoice form
    "Fournisseur (le vendeur)": "Supplier (the seller)",
    "Unique, 20 caractères au plus : lettres, chiffres, - _ / +.": (
        "Unique, 20 characters at most: letters, digits, - _ / +."
    ),
    "Facture créditée (numéro)": "Credited invoice (number)",
    "L'acheteur public": "The public buyer",
    "Rechercher dans l'annuaire": "Look up in the directory",
    "Le SIRET de la structure publique qui a passé la commande (sur le bon de commande).": (
        "The SIRET of the public body that placed the order (on the purchase order)."
    ),
    "Chorus Pro connaît ce destinataire : {name}.": "Chorus Pro knows this recipient: {name}.",
    "Il exige un numéro d'engagement ou un code service.": "It requires a commitment number or a service code.",
    "Il exige un code service.": "It requires a service code.",
    "Il exige un numéro d'engagement juridique.": "It requires a legal commitment number.",
    "Nom du destinataire": "Recipient's name",
    "Adresse de l'acheteur (si l'annuaire de Chorus Pro ne la donne pas)": (
        "The buyer's address (if Chorus Pro's directory does not give it)"
    ),
    "Adresse": "Address",
    "Code postal": "Postal code",
    "Ville": "City",
    "Lignes": "Lines",
    "Désignation (ligne {number})": "Description (line {number})",
    "Quantité": "Quantity",
    "Unité": "Unit",
    "Prix unitaire HT (€)": "Unit price excl. VAT (€)",
    "Supprimer la ligne {number}": "Remove line {number}",
    "Ajouter une ligne": "Add a line",
    "IBAN du fournisseur": "Supplier's IBAN",
    "BIC (facultatif)": "BIC (optional)",
    "Conditions de paiement (facultatif)": "Payment terms (optional)",
    "Note sur la facture (facultatif)": "Note on the invoice (optional)",
    "pdp ajoute lui-même les mentions obligatoires : pénalités de retard, indemnité forfaitaire de 40 €, escompte.": (
        "pdp adds the mandatory mentions itself: late-payment penalties, the €40 flat indemnity, discount."
    ),
    "Vérifier et prévisualiser": "Check and preview",
    "Totaux calculés par pdp": "Totals computed by pdp",
    "TVA {rate} % sur {base}": "VAT {rate}% on {base}",
    "Total HT": "Total excl. VAT",
    "Total TVA": "Total VAT",
    "Total TTC": "Total incl. VAT",
    "Les totaux s'affichent dès qu'une ligne a une désignation, une quantité et un prix.": (
        "The totals show as soon as a line has a description, a quantity and a price."
    ),
    "unité": "unit",
    "heure": "hour",
    "jour": "day",
    "mois": "month",
    "forfait": "lump sum",
    "kilogramme": "kilogram",
    "mètre": "metre",
    "20 %": "20%",
    "10 %": "10%",
    "5,5 %": "5.5%",
    "2,1 %": "2.1%",
    "0 % — TVA non applicable (art. 293 B du CGI)": "0% — VAT not applicable (art. 293 B of the CGI)",
    "Ligne {number} : indiquez ce qui est facturé (désignation).": "Line {number}: say what is invoiced (description).",
    "Ligne {number} : la quantité doit être un nombre.": "Line {number}: the quantity must be a number.",
    "Ligne {number} : le prix unitaire doit être un montant (par exemple 450,00).": (
        "Line {number}: the unit price must be an amount (for example 450.00)."
    ),
    "Ajoutez au moins une ligne : ce que vous facturez, sa quantité et son prix.": (
        "Add at least one line: what you invoice, its quantity and its price."
    ),
    "Indiquez le numéro de la facture.": "Give the invoice's number.",
    "Indiquez la date d'émission de la facture.": "Give the invoice's issue date.",
    "Indiquez le SIRET du destinataire.": "Give the recipient's SIRET.",
    "La date d'émission n'est pas une date.": "The issue date is not a date.",
    "La date d'échéance n'est pas une date.": "The due date is not a date.",
    "Ce SIRET n'est pas valide : 14 chiffres, clé de contrôle comprise.": (
        "This SIRET is not valid: 14 digits, check digit included."
    ),
    "Chorus Pro ne connaît aucune structure publique avec ce SIRET.": (
        "Chorus Pro knows no public body with this SIRET."
    ),
    "L'annuaire de Chorus Pro n'a pas pu être consulté : saisissez le nom et l'adresse vous-même.": (
        "Chorus Pro's directory could not be consulted: type the name and the address yourself."
    ),
    "Aperçu de la facture": "Invoice preview",
    "La facture peut être déposée.": "The invoice can be deposited.",
    "La facture ne peut pas être déposée en l'état : corrigez ce qui est indiqué.": (
        "The invoice cannot be deposited as it is: correct what is shown."
    ),
    "Vendeur et acheteur": "Seller and buyer",
    "Vendeur": "Seller",
    "Acheteur": "Buyer",
    "Désignation": "Description",
    "Prix unitaire HT": "Unit price excl. VAT",
    "Modifier la facture": "Edit the invoice",
    "Voir le PDF Factur-X (nouvel onglet)": "See the Factur-X PDF (new tab)",
    "Déposer la facture": "Deposit the invoice",
    # What stopped an invoice, and what to do (pdp.tenants.deposits.advice)
    "Refusée par Chorus Pro": "Refused by Chorus Pro",
    "Chorus Pro a refusé le fichier de la facture dès sa réception : l'acheteur public ne l'a jamais reçue.": (
        "Chorus Pro refused the invoice's file on reception: the public buyer never received it."
    ),
    "Corrigez la facture comme indiqué.": "Correct the invoice as shown.",
    "Déposez une facture rectificative, sous un nouveau numéro, qui remplace celle-ci : pdp les relie.": (
        "Deposit a corrected invoice, under a new number, that replaces this one: pdp links them."
    ),
    "Dans votre comptabilité, annulez la facture rejetée par un avoir interne : Chorus Pro ne l'a pas mise en "
    "paiement, il n'a pas besoin de cet avoir.": (
        "In your books, cancel the rejected invoice with an internal credit note: Chorus Pro did not put it up for "
        "payment and does not need that credit note."
    ),
    "Si vous ne savez pas quoi corriger, écrivez à {tenant}, qui dépose vos factures pour vous.": (
        "If you do not know what to correct, write to {tenant}, who deposits your invoices for you."
    ),
    "Rejetée par l'acheteur public": "Rejected by the public buyer",
    "L'acheteur public a rejeté la facture : il ne la paiera pas en l'état.": (
        "The public buyer rejected the invoice: it will not pay it as it is."
    ),
    "Lisez le motif de l'acheteur ; s'il n'est pas clair, contactez le service qui a passé la commande.": (
        "Read the buyer's reason; if it is unclear, contact the service that placed the order."
    ),
    "Suspendue par l'acheteur public": "Suspended by the public buyer",
    "L'acheteur public a suspendu le traitement de la facture : il demande des pièces justificatives.": (
        "The public buyer suspended the handling of the invoice: it asks for supporting documents."
    ),
    "Joignez les pièces demandées (PDF, images…) avec le bouton « Compléter la facture » : le délai de paiement "
    "reprend quand l'acheteur les a reçues.": (
        "Attach the documents asked for (PDFs, images…) with the 'Complete the invoice' button: the payment delay "
        "resumes once the buyer has them."
    ),
    "À recycler : données d'acheminement erronées": "To recycle: wrong routing data",
    "L'acheteur public a renvoyé la facture : elle n'est pas adressée au bon destinataire, service ou engagement.": (
        "The public buyer sent the invoice back: it is not addressed to the right recipient, service or commitment."
    ),
    "Recyclez la facture avec le bon SIRET de destinataire, code service ou numéro d'engagement : elle garde son "
    "numéro et repart vers l'acheteur.": (
        "Recycle the invoice with the right recipient SIRET, service code or commitment number: it keeps its number "
        "and goes back to the buyer."
    ),
    "Non déposée": "Not deposited",
    "Retirez cette facture, puis déposez-la à nouveau sous un nouveau numéro une fois la cause corrigée : pdp garde "
    "chaque numéro déposé, comme Chorus Pro.": (
        "Withdraw this invoice, then deposit it again under a new number once the cause is corrected: pdp keeps "
        "every number deposited, as Chorus Pro does."
    ),
    "En attente": "Waiting",
    "pdp n'a pas encore pu déposer la facture sur Chorus Pro ; il réessaie de lui-même.": (
        "pdp could not deposit the invoice on Chorus Pro yet; it tries again by itself."
    ),
    "Aucun mandat actif ne couvrait cette facture quand pdp allait la déposer (mandat révoqué, expiré, ou qui ne "
    "couvre pas ce destinataire).": (
        "No active mandate covered this invoice when pdp was about to deposit it (mandate revoked, expired, or not "
        "covering this recipient)."
    ),
    "Chorus Pro ne connaît pas le SIRET du fournisseur : il doit y être inscrit (structure fournisseur) avant "
    "qu'une facture PDF soit déposée pour lui.": (
        "Chorus Pro does not know the supplier's SIRET: it must be registered there (supplier structure) before a "
        "PDF invoice is deposited for it."
    ),
    "Chorus Pro a accepté le fichier mais n'a ni créé ni refusé la facture : {tenant} doit vérifier sur Chorus Pro "
    "ce qu'elle est devenue avant toute nouvelle tentative.": (
        "Chorus Pro accepted the file but neither created nor refused the invoice: {tenant} must check on Chorus Pro "
        "what became of it before any new attempt."
    ),
    "Chorus Pro a refusé le compte technique utilisé pour le dépôt : {tenant} doit vérifier ce compte.": (
        "Chorus Pro refused the technical account used for the deposit: {tenant} must check that account."
    ),
    "Chorus Pro a refusé le dépôt de la facture.": "Chorus Pro refused the deposit of the invoice.",
    "L'application de {tenant} n'a pas accès à ce service de Chorus Pro (abonnement ou conditions "
    "d'utilisation sur PISTE) : {tenant} doit le corriger.": (
        "{tenant}'s application has no access to this Chorus Pro service (subscription or terms of use on PISTE): "
        "{tenant} must correct it."
    ),
    "Chorus Pro a perdu le fichier de la facture à trois reprises (flux « incidenté ») : {tenant} doit "
    "vérifier auprès du support de Chorus Pro avant toute nouvelle tentative.": (
        "Chorus Pro lost the invoice's file three times (flux in incident): {tenant} must check with Chorus Pro's "
        "support before any new attempt."
    ),
    "Bloquée : sans nouvelles de Chorus Pro": "Stalled: no news from Chorus Pro",
    "La facture n'a pas changé d'état depuis bien plus longtemps que d'habitude : le support de la "
    "plateforme est prévenu et la suit.": (
        "The invoice has not changed state for far longer than usual: the platform's support knows and follows it."
    ),
    "Rien à faire de votre côté pour l'instant : dès que Chorus Pro la fait avancer, son suivi reprend.": (
        "Nothing to do on your side for now: as soon as Chorus Pro moves it on, its follow-up resumes."
    ),
    "En attente de validation": "Awaiting validation",
    "La facture attend la validation du titulaire du marché (ou du mandataire des cotraitants) avant "
    "d'être transmise à l'acheteur public.": (
        "The invoice awaits the validation of the main contractor (or the co-contractors' representative) before "
        "it goes to the public buyer."
    ),
    "Si la validation tarde, contactez la structure valideuse indiquée sur la facture.": (
        "If the validation takes long, contact the validating structure named on the invoice."
    ),
    "Le compte Chorus Pro qui a déposé la facture n'est pas autorisé à déposer pour ce fournisseur : {tenant} doit "
    "faire rattacher son compte de dépôt à votre structure sur Chorus Pro.": (
        "The Chorus Pro account that deposited the invoice may not deposit for this supplier: {tenant} must have its "
        "deposit account attached to your structure on Chorus Pro."
    ),
    "Le SIRET du fournisseur n'est pas inscrit sur Chorus Pro : créez la structure du fournisseur sur "
    "chorus-pro.gouv.fr (ou demandez-le à {tenant}), puis déposez la facture à nouveau.": (
        "The supplier's SIRET is not registered on Chorus Pro: create the supplier's structure on chorus-pro.gouv.fr "
        "(or ask {tenant} to), then deposit the invoice again."
    ),
    "Ce numéro de facture a déjà été utilisé sur Chorus Pro : chaque facture doit avoir un numéro unique.": (
        "This invoice number was already used on Chorus Pro: every invoice needs a number of its own."
    ),
    "Le numéro de facture ne suit pas la règle de Chorus Pro : 20 caractères au plus, lettres, chiffres et - _ / + "
    "uniquement.": (
        "The invoice number breaks Chorus Pro's rule: 20 characters at most, letters, digits and - _ / + only."
    ),
    "Ce destinataire exige un numéro d'engagement juridique (bon de commande) ou un code service : demandez-les à "
    "l'acheteur public et indiquez-les sur la facture.": (
        "This recipient requires a legal commitment number (purchase order) or a service code: ask the public buyer "
        "for them and put them on the invoice."
    ),
    "Le code service indiqué n'existe pas, ou plus, chez ce destinataire : vérifiez-le auprès de l'acheteur ou dans "
    "l'annuaire de Chorus Pro.": (
        "The service code given does not exist, or no longer, at this recipient: check it with the buyer or in "
        "Chorus Pro's directory."
    ),
    "Ce destinataire exige un code service (le service qui a passé la commande) : demandez-le à l'acheteur public "
    "et indiquez-le sur la facture.": (
        "This recipient requires a service code (the service that placed the order): ask the public buyer for it "
        "and put it on the invoice."
    ),
    "Ce destinataire exige un numéro d'engagement juridique (souvent le numéro du bon de commande) : demandez-le à "
    "l'acheteur public et indiquez-le sur la facture.": (
        "This recipient requires a legal commitment number (often the purchase order's number): ask the public "
        "buyer for it and put it on the invoice."
    ),
    "Le numéro d'engagement juridique est trop long (50 caractères au plus).": (
        "The legal commitment number is too long (50 characters at most)."
    ),
    "Le SIRET du destinataire n'est pas celui d'une structure publique active sur Chorus Pro : vérifiez-le auprès "
    "de l'acheteur ou dans l'annuaire de Chorus Pro.": (
        "The recipient's SIRET is not that of an active public body on Chorus Pro: check it with the buyer or in "
        "Chorus Pro's directory."
    ),
    "La facture n'indique pas le SIRET du destinataire public.": (
        "The invoice does not give the public recipient's SIRET."
    ),
    "Le cadre de facturation n'est pas l'un de ceux de Chorus Pro (A1 à A25 ; A1 pour une facture ordinaire).": (
        "The billing frame is not one of Chorus Pro's (A1 to A25; A1 for an ordinary invoice)."
    ),
    "Un paiement par virement demande l'IBAN du fournisseur sur la facture.": (
        "A payment by credit transfer needs the supplier's IBAN on the invoice."
    ),
    "Un avoir ne doit pas indiquer de moyen de paiement.": "A credit note must not give a means of payment.",
    "La facture doit indiquer son moyen de paiement (30 ou 58 pour un virement).": (
        "The invoice must give its means of payment (30 or 58 for a credit transfer)."
    ),
    "Une pièce jointe ne convient pas à Chorus Pro : 10 Mo au plus chacune, 120 Mo en tout, un nom de 50 caractères "
    "au plus et une extension autorisée (PDF, JPG, PNG…).": (
        "An attachment does not suit Chorus Pro: 10 MB at most each, 120 MB in all, a name of 50 characters at most "
        "and an accepted extension (PDF, JPG, PNG…)."
    ),
    "Chorus Pro n'a pas pu lire le fichier : il doit être une facture UBL, CII ou Factur-X conforme.": (
        "Chorus Pro could not read the file: it must be a conforming UBL, CII or Factur-X invoice."
    ),
}
