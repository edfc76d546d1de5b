"""The e-mails pdp sends, caught by a local SMTP server (the ``mailbox`` fixture of tests/conftest.py), and the
links in them as their recipients follow them.

No worker runs in tests: a test runs the mail jobs its changes staged itself (:func:`run_staged`), given what the
worker would give them (:meth:`CaughtMail.job_context`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from email.message import EmailMessage
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.connectors.mail.catcher import Mailbox
from pdp.platform import jobs
from pdp.platform.settings import Settings
from pdp.workers.registry import REGISTRY, JobContext
from pdp.workers.tasks import load_all
from tests.stored import staged_jobs

# The links in caught e-mails start with this public URL, not the test client's: they come from the setting.
PUBLIC_URL = "https://pdp.example"


class NoQueue:
    """The queue a mail job is given: sending an e-mail enqueues nothing, so a job that tries fails the test."""

    async def send(self, job: jobs.JobRequest) -> bool:
        raise AssertionError("sending an e-mail enqueues nothing")


@dataclass(frozen=True)
class CaughtMail:
    """A catcher's messages, and ``settings`` (the session's) that send to it, their links on :data:`PUBLIC_URL`."""

    box: Mailbox
    settings: Settings

    @property
    def messages(self) -> list[EmailMessage]:
        return self.box.messages

    def sending(self, settings: Settings, **changes: Any) -> Settings:
        """Other ``settings`` (a Chorus Pro emulator's, a real server's…) sending to this catcher, with ``changes``."""
        return replace(settings, smtp_host=self.settings.smtp_host, smtp_port=self.settings.smtp_port, **changes)

    def job_context(
        self, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings | None = None
    ) -> JobContext:
        """What the worker gives a mail job: :attr:`settings`, or other ``settings`` as they are."""
        return JobContext(settings or self.settings, sessionmaker, NoQueue(), "test", 1)

    def last_link(self, page: str) -> str:
        """The link to ``page`` (``/invitation-utilisateur/``…) in the last message caught."""
        assert self.messages, "no e-mail was sent"
        return link_in(self.messages[-1], page)


def link_in(message: EmailMessage, page: str) -> str:
    """The absolute link to ``page`` (a path fragment such as ``/invitation/``) in ``message``'s text."""
    found = re.search(rf"https?://\S+{re.escape(page)}\S+", message.get_content())
    assert found, f"no link to {page} in:\n{message.get_content()}"
    return found.group(0)


async def run_staged(ctx: JobContext, owner_engine: AsyncEngine, tenant_id: str, job_name: str) -> list[Any]:
    """Run every ``job_name`` job the tenant staged, oldest first, as the outbox relay has the worker run it
    (``job(tenant_id=…, **payload)``); their results."""
    load_all()
    job = REGISTRY[job_name].fn
    return [
        await job(ctx, tenant_id=tenant_id, **payload)
        for payload in await staged_jobs(owner_engine, tenant_id, job_name)
    ]
