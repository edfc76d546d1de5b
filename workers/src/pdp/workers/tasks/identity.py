"""The letter carrying a postal code, rendered and sent after the request for it committed."""

from __future__ import annotations

from pdp.platform.db.session import unit_of_work
from pdp.platform.security.envelope import Envelope
from pdp.tenants.identity import postal_code
from pdp.workers.registry import JobContext, task


@task(postal_code.SEND_LETTER_JOB, max_tries=8)
async def send_letter(ctx: JobContext, tenant_id: str, proof_id: str, code: str) -> str:
    """``code`` arrives sealed (envelope, bound to the proof): it is in clear only on the letter."""
    async with unit_of_work(ctx.sessionmaker, tenant_id=tenant_id) as session:
        return await postal_code.send_letter(session, ctx.settings, Envelope(ctx.settings.master_keys), proof_id, code)
