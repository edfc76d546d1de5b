"""Who posts a letter: the :class:`LetterSender` protocol, and :class:`FolderLetterSender`, which writes PDFs.

A letter carries a code that proves access to an establishment's mail, so its file is readable by its owner only,
and a letter is never written over another: a second letter whose reference names the same file gets a suffix.
"""

from __future__ import annotations

import asyncio
import os
import re
import unicodedata
from pathlib import Path
from typing import Protocol

from pdp.connectors.letters.document import Letter, render_pdf
from pdp.platform.settings import Settings

MAX_NAME = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class LetterSender(Protocol):
    async def send(self, letter: Letter) -> str:
        """Hand ``letter`` over for posting; return the sender's id for it (to find it again, or to trace it)."""
        ...


def safe_name(reference: str) -> str:
    """A file name stem from ``reference``: ASCII letters, digits, ``.``, ``_`` and ``-`` only, not starting
    with a dot or a dash, at most :data:`MAX_NAME` characters; ``letter`` when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", reference).encode("ascii", "ignore").decode()
    name = _UNSAFE.sub("-", ascii_text).lstrip(".-")[:MAX_NAME].rstrip(".-")
    return name or "letter"


class FolderLetterSender:
    """Writes each letter as ``<reference>.pdf`` in ``directory`` (created on first use) and returns the file's
    name as its id. Posts nothing: for ``pdp dev`` (``.pdp/letters/``), or for someone who prints and posts them."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    async def send(self, letter: Letter) -> str:
        return await asyncio.to_thread(self._write, letter)

    def path_of(self, letter_id: str) -> Path:
        """Where the letter ``send`` answered ``letter_id`` for was written."""
        if letter_id != Path(letter_id).name or not letter_id.endswith(".pdf"):
            raise ValueError(f"not a letter id: {letter_id!r}")
        return self.directory / letter_id

    def _write(self, letter: Letter) -> str:
        content = render_pdf(letter)
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        stem = safe_name(letter.reference)
        for attempt in range(1, 1000):
            name = f"{stem}.pdf" if attempt == 1 else f"{stem}-{attempt}.pdf"
            try:
                # O_EXCL: never replace another letter, even one written by another process at the same moment.
                descriptor = os.open(self.directory / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            with os.fdopen(descriptor, "wb") as file:
                file.write(content)
            return name
        raise FileExistsError(f"too many letters named {stem!r} in {self.directory}")


def open_letter_sender(settings: Settings) -> LetterSender | None:
    """The sender ``PDP_LETTERS_DIR`` configures; ``None`` when it is empty (no letter can be sent)."""
    return FolderLetterSender(settings.letters_dir) if settings.letters_dir else None
