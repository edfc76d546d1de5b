"""Letters posted to providers: a code sent to the address SIRENE registers for a SIRET proves, when typed back
into the portal, that whoever types it receives that establishment's mail.

- :mod:`.document`: :class:`~.document.Letter` and :func:`~.document.render_pdf`, an A4 page laid out for a French
  DL window envelope (the recipient's address shows through the window, whichever way the folded sheet slides).
- :mod:`.senders`: the :class:`~.senders.LetterSender` protocol and its one implementation,
  :class:`~.senders.FolderLetterSender`, which writes each letter as ``<reference>.pdf`` in a folder: ``pdp dev``'s
  ``.pdp/letters/``, or a folder someone prints and posts from (``PDP_LETTERS_DIR``).

No postal service is connected yet. A sender posting through a hybrid-mail API (La Poste's e-lettre, Maileva, …:
they take a PDF and an address, print, fold, stamp and post) is a second implementation of the protocol, chosen
in :func:`~.senders.open_letter_sender` by its own settings.
"""
