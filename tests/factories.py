"""Valid test data. SIRETs are generated with a correct Luhn key so tests never collide on them."""

from __future__ import annotations

import secrets

from stdnum import luhn


def siret() -> str:
    # A SIRET is a valid SIREN (9 digits, Luhn) followed by 5 digits that make all 14 Luhn-valid.
    siren = _digits(8)
    siren += luhn.calc_check_digit(siren)
    body = siren + _digits(4)
    return body + luhn.calc_check_digit(body)


def _digits(count: int) -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(count))


def provider_payload(**overrides: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "siret": siret(),
        "name": "Atelier Dupont SARL",
        "email": "compta@dupont.fr",
        "address": {"line1": "12 rue des Artisans", "postal_code": "69002", "city": "Lyon"},
    }
    payload.update(overrides)
    return payload
