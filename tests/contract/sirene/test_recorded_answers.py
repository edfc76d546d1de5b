"""The decoder reads the real API's answers, and pdp's stand-in answers nothing the real API would not.

The files under ``recorded/`` were written by hand from the API's documented shape and examples
(https://recherche-entreprises.api.gouv.fr/docs/; the OpenAPI source and the response model of
github.com/annuaire-entreprises-data-gouv-fr/search-api): La Poste's head office searched by SIRET and by SIREN,
with every field the API documents, and a person's establishment whose address is withheld (its values as the API
masks them). With ``PDP_SIRENE_LIVE=1``, the contract suite checks the live API against the same expectations.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
import pytest

from pdp.connectors.sirene.fake import SireneFake
from pdp.connectors.sirene.schemas import Establishment, decode_answer, read_search_answer

RECORDED = Path(__file__).with_name("recorded")


def _recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


LA_POSTE = Establishment(
    siret="35600000000048",
    name="LA POSTE",
    active=True,
    address_lines=["DIRECTION GENERALE DE LA POSTE", "9 RUE DU COLONEL PIERRE AVIA"],
    postcode="75015",
    city="PARIS 15",
)


def test_a_siret_answer_is_read_into_the_registered_establishment() -> None:
    found = read_search_answer(_recorded("siret-35600000000048.json"), "35600000000048")
    assert found == LA_POSTE and found.mailable


def test_a_siren_answer_gives_the_head_office_through_siege() -> None:
    assert read_search_answer(_recorded("siren-356000000.json"), "35600000000048") == LA_POSTE


def test_an_establishment_the_answer_does_not_hold_is_none() -> None:
    assert read_search_answer(_recorded("siret-35600000000048.json"), "35600000000055") is None
    assert read_search_answer(b'{"results": [], "total_results": 0, "page": 1, "per_page": 10}', "1" * 14) is None


def test_a_withheld_address_is_never_taken_for_an_address() -> None:
    found = read_search_answer(_recorded("siret-withheld-81234567600017.json"), "81234567600017")
    assert found == Establishment(
        siret="81234567600017",
        name="",
        active=True,
        address_lines=[],
        postcode="",
        city="AIX-LES-BAINS",
        address_withheld=True,
    )
    assert not found.mailable


def test_a_closed_unit_makes_its_establishment_inactive() -> None:
    answer = json.loads(_recorded("siret-35600000000048.json"))
    answer["results"][0]["etat_administratif"] = "C"
    found = read_search_answer(json.dumps(answer).encode(), "35600000000048")
    assert found is not None and not found.active and not found.mailable


def test_only_the_one_line_adresse_still_gives_the_street() -> None:
    answer = json.loads(_recorded("siret-35600000000048.json"))
    one = answer["results"][0]["matching_etablissements"][0]
    for key in ("complement_adresse", "numero_voie", "type_voie", "libelle_voie"):
        del one[key]
    found = read_search_answer(json.dumps(answer).encode(), "35600000000048")
    assert found is not None
    assert found.address_lines == ["DIRECTION GENERALE DE LA POSTE 9 RUE DU COLONEL PIERRE AVIA"]


def test_an_address_abroad_has_no_french_country_code() -> None:
    answer = json.loads(_recorded("siret-35600000000048.json"))
    one = answer["results"][0]["matching_etablissements"][0]
    one |= {"code_postal": None, "libelle_commune": None, "code_pays_etranger": "99109",
            "libelle_pays_etranger": "ALLEMAGNE", "libelle_commune_etranger": "BERLIN"}  # fmt: skip
    found = read_search_answer(json.dumps(answer).encode(), "35600000000048")
    assert found is not None and found.country_code == "" and found.city == "BERLIN" and not found.mailable


def test_another_shape_is_a_validation_error() -> None:
    with pytest.raises(msgspec.ValidationError):
        decode_answer(b'{"results": "none"}')


def _keys(value: Any, path: str = "") -> set[str]:
    """Every key path in a JSON value, list items folded into ``[]``; maps of years are not followed."""
    if isinstance(value, dict):
        return {f"{path}.{key}" for key in value} | {
            sub for key, item in value.items() if key != "finances" for sub in _keys(item, f"{path}.{key}")
        }
    if isinstance(value, list):
        return {sub for item in value for sub in _keys(item, f"{path}[]")}
    return set()


def test_the_stand_in_answers_only_fields_the_real_api_has() -> None:
    real = _keys(json.loads(_recorded("siret-35600000000048.json")))
    real |= {key.replace(".siege.", ".matching_etablissements[].") for key in real}  # one establishment model
    status, body = SireneFake(rate_limit=0).search({"q": "73282932000074"})
    assert status == 200
    assert sorted(_keys(body) - real) == []
