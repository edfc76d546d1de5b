"""French company identifiers and bank details, checked with python-stdnum and schwifty."""

from __future__ import annotations

from dataclasses import dataclass

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren, siret

from pdp.platform.errors import ValidationFailed
from pdp.tenants.common import finding


@dataclass(frozen=True, slots=True)
class Siret:
    siret: str
    siren: str
    vat_number: str


def _sentence(exc: Exception) -> str:
    """The library's message as the end of ours: one final full stop (stdnum's messages carry theirs)."""
    return str(exc).rstrip(".") + "."


def parse_siret(value: str, path: str = "$.siret") -> Siret:
    """Check a SIRET (14 digits, Luhn; La Poste's establishments are handled by stdnum) and derive the rest."""
    try:
        number = siret.validate(value)
    except StdnumError as exc:
        raise ValidationFailed(
            f"'{value}' is not a valid SIRET.",
            errors=[
                finding(
                    "PDP-SIRET-INVALID",
                    f"'{value}' is not a valid SIRET: {_sentence(exc)}",
                    f"'{value}' n'est pas un SIRET valide.",
                    path,
                )
            ],
        ) from exc
    company = siret.to_siren(number)
    return Siret(number, company, "FR" + siren.to_tva(company))


def normalize_iban(value: str, path: str = "$.iban") -> str:
    try:
        return IBAN(value).compact
    except SchwiftyException as exc:
        raise ValidationFailed(
            "The IBAN is not valid.",
            errors=[
                finding("PDP-IBAN-INVALID", f"The IBAN is not valid: {_sentence(exc)}", "L'IBAN est invalide.", path)
            ],
        ) from exc
