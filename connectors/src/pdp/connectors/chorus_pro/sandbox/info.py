"""What a developer (or ``pdp dev``) needs to talk to the emulator: URLs, PISTE client, accounts, SIRETs.

A pure function of the base URL and the seed, so ``pdp dev`` can write it to ``.pdp/dev.json`` without
starting the emulator or parsing its output.
"""

from __future__ import annotations

from typing import Any

from pdp.connectors.chorus_pro import paths
from pdp.connectors.chorus_pro.sandbox.directory import Directory, Seed, Structure

CONTROL_PATH = "/_sandbox"


def _requires(recipient: Structure) -> str:
    # OCA's reading of the three flags (docs/chorus-pro-api.md §3.3).
    if recipient.engagement_or_service_required:
        return "service_or_engagement"
    if recipient.service_code_required and recipient.engagement_required:
        return "service_and_engagement"
    if recipient.service_code_required:
        return "service"
    if recipient.engagement_required:
        return "engagement"
    return "nothing"


def sandbox_info(base_url: str, seed: Seed, *, rate_limit: int = 0) -> dict[str, Any]:
    """The JSON object ``pdp sandbox`` prints: everything needed to configure a client against the emulator."""
    base = base_url.rstrip("/")
    directory = Directory.from_seed(seed)
    application = seed.applications[0] if seed.applications else None
    suppliers = [one for one in directory.structures.values() if not one.public]
    recipients = [one for one in directory.structures.values() if one.public]
    return {
        "api_url": base,
        "token_url": base + paths.TOKEN,
        "control_url": base + CONTROL_PATH,
        "piste": {"client_id": application.client_id, "client_secret": application.client_secret}
        if application
        else None,
        "rate_limit_per_second": rate_limit,
        "technical_accounts": [
            {
                "login": account.login,
                "password": account.password,
                "siret": directory.structures[account.structure_id].siret,
                "id_structure_cpp": account.structure_id,
                "role": "FOURNISSEUR",
                "deposits_for_others": directory.structures[account.structure_id].deposits_for_others,
            }
            for account in directory.accounts.values()
        ],
        "suppliers": [
            {
                "siret": one.siret,
                "name": one.name,
                "id_structure_cpp": one.id,
                "bank_accounts": [{"id": bank.id, "iban": bank.iban} for bank in one.bank_accounts],
            }
            for one in suppliers
        ],
        "recipients": [
            {
                "siret": one.siret,
                "name": one.name,
                "id_structure_cpp": one.id,
                "active": one.active,
                "requires": _requires(one),
                "scenario": one.scenario,
                "services": [
                    {"code": s.code, "active": s.active, "engagement_required": s.engagement_required}
                    for s in one.services
                ],
                "engagements": [engagement.number for engagement in one.engagements],
            }
            for one in recipients
        ],
    }
