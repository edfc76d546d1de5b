"""When a technical account's password expires (docs/chorus-pro-api.md §1, §3.3).

Chorus Pro makes a technical account's password expire (it must be renewed every 424 days, by the structure's
main manager) and tells when in ``structures/v1/consulter``'s ``dateExpirationMotPasseCompteTech``. The account
reads it for its own structure, found through ``monCompte/recuperer/rattachements``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pdp.connectors.chorus_pro.auth import TechnicalAccount
from pdp.connectors.chorus_pro.client import ChorusProClient

# Chorus Pro writes its times in French local time.
PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True, slots=True)
class PasswordExpiry:
    structure_id: int
    siret: str | None
    expires_at: datetime | None  # None: Chorus gave no date


async def read_password_expiry(
    client: ChorusProClient, account: TechnicalAccount, *, siret: str | None = None
) -> PasswordExpiry | None:
    """The account's password expiry, read on its structure (the one of ``siret``, else the first it is attached
    to); ``None`` when the account is attached to no such structure. Chorus's errors propagate."""
    attached = await client.my_structures(account)
    mine = [
        one
        for one in attached.liste_structure_rattachement
        if one.id_structure is not None and (siret is None or one.identifiant_structure == siret)
    ]
    if not mine or mine[0].id_structure is None:
        return None
    structure = await client.get_structure(account, mine[0].id_structure)
    general = structure.information_generales
    expires = parse_chorus_time(general.date_expiration_mot_passe_compte_tech if general else None)
    return PasswordExpiry(mine[0].id_structure, mine[0].identifiant_structure, expires)


def parse_chorus_time(value: str | int | None) -> datetime | None:
    """An aware datetime from what Chorus may send for a ``date-time``: ISO 8601 with or without offset, the
    ``YYYY-MM-DD HH:MM`` of its histories, a bare date (start of that day), or epoch milliseconds. Without an
    offset the time is Paris time. Anything else is ``None``: an unreadable date must not fail the call."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return datetime.fromtimestamp(value / 1000, UTC)
    try:
        # Python 3.11 reads every one of these shapes (a space for the "T", a bare date, "Z" for UTC).
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=PARIS)
