"""Sending e-mail over SMTP (aiosmtplib), built from settings at startup; off when no SMTP host is configured."""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib

from pdp.platform.errors import AppError
from pdp.platform.settings import Settings

SECURITY_MODES = ("none", "starttls", "tls")


class MailTransientError(AppError):
    """The server could not take the message now (unreachable, timeout, 4xx): retry later."""

    default_code = "mail_unavailable"
    status = 503
    title = "The mail server is unavailable"
    transient = True


class MailRejected(AppError):
    """The server refused the message for good (5xx): retrying would be refused again."""

    default_code = "mail_rejected"
    status = 502
    title = "The mail server refused the message"


class Mailer:
    def __init__(self, settings: Settings) -> None:
        if settings.smtp_security not in SECURITY_MODES:
            raise ValueError(f"PDP_SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}")
        self.sender = settings.mail_from
        self._host, self._port = settings.smtp_host, settings.smtp_port
        self._security = settings.smtp_security
        self._username, self._password = settings.smtp_username or None, settings.smtp_password or None

    async def send(self, message: EmailMessage) -> None:
        if "From" not in message:
            message["From"] = self.sender
        try:
            await aiosmtplib.send(
                message,
                hostname=self._host,
                port=self._port,
                username=self._username,
                password=self._password,
                use_tls=self._security == "tls",
                start_tls=self._security == "starttls",
                timeout=15,
            )
        except aiosmtplib.SMTPResponseException as exc:
            if 400 <= exc.code < 500:
                raise MailTransientError(f"SMTP {exc.code}: {exc.message}") from exc
            raise MailRejected(f"SMTP {exc.code}: {exc.message}") from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise MailTransientError(f"SMTP: {exc}") from exc


def open_mailer(settings: Settings) -> Mailer | None:
    return Mailer(settings) if settings.smtp_host else None
