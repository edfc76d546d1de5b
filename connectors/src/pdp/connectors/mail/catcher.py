"""A local SMTP catcher (aiosmtpd) for ``pdp dev`` and tests: every message is kept, nothing is relayed.

Messages go to a directory as ``.eml`` files (``pdp mailcatcher --dir``, read them with any mail client) and to an
in-memory list tests can read.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class Mailbox:
    """The aiosmtpd handler: stores each message it is given."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self.messages: list[EmailMessage] = []
        self._numbers = itertools.count(1)
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        if self.directory is not None:
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{next(self._numbers):05d}.eml"
            (self.directory / name).write_bytes(raw)
        return "250 Message accepted for delivery"


def start_catcher(host: str, port: int, directory: Path | None = None) -> tuple[Controller, Mailbox]:
    """Start a catcher in a background thread; stop it with ``controller.stop()``."""
    mailbox = Mailbox(directory)
    controller = Controller(mailbox, hostname=host, port=port)
    controller.start()
    return controller, mailbox
