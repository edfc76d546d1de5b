"""The answer of ``GET /search`` as far as pdp reads it, and how it becomes an :class:`Establishment`.

The shape is the API's OpenAPI description (https://recherche-entreprises.api.gouv.fr/docs/; its source is
``app/doc/open-api.yml`` of https://github.com/annuaire-entreprises-data-gouv-fr/search-api, whose
``app/models/unite_legale.py`` serialises ``siege`` and ``matching_etablissements`` with one establishment model):

- ``results[]``: one legal unit each, with ``siren``, ``nom_complet``, ``nom_raison_sociale``,
  ``etat_administratif`` (``A`` active, ``C`` cessée), ``siege`` (its head office) and ``matching_etablissements``;
- an establishment: ``siret``, ``etat_administratif`` (``A`` active, ``F`` fermé),
  ``statut_diffusion_etablissement`` (``O``, or ``P`` for a person who objected to publication) and SIRENE's
  address fields: ``complement_adresse``, ``numero_voie``, ``indice_repetition``, ``type_voie``, ``libelle_voie``,
  ``distribution_speciale``, ``code_postal``, ``libelle_commune``, ``cedex``, ``libelle_cedex``, the ``…_etranger``
  fields of an address abroad, and ``adresse``, all of them joined on one line.

For ``q`` of exactly 14 digits the API looks the SIRET up directly and ``matching_etablissements`` holds that
establishment alone; for 9 digits (a SIREN) it is empty. Any other ``q`` is a full-text search, which is why the
client sends nothing else and this module accepts only an establishment whose SIRET is the one asked for.

Every field is optional: the API leaves out or nulls what SIRENE does not know, and an establishment whose person
objected to publication has its address replaced by the text ``[NON-DIFFUSIBLE]`` (only ``commune``,
``libelle_commune`` and ``departement`` stay): such an address is reported withheld, never printed on a letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import msgspec

NON_DIFFUSIBLE = "[NON-DIFFUSIBLE]"
WITHHELD_STATUS = "P"  # statut_diffusion_etablissement: partial publication, the address is not public
_SPACES = re.compile(r"\s+")


class SearchEstablishment(msgspec.Struct, kw_only=True):
    siret: str | None = None
    etat_administratif: str | None = None
    statut_diffusion_etablissement: str | None = None
    adresse: str | None = None
    complement_adresse: str | None = None
    numero_voie: str | None = None
    dernier_numero_voie: str | None = None
    indice_repetition: str | None = None
    type_voie: str | None = None
    libelle_voie: str | None = None
    distribution_speciale: str | None = None
    code_postal: str | None = None
    libelle_commune: str | None = None
    cedex: str | None = None
    libelle_cedex: str | None = None
    code_pays_etranger: str | None = None
    libelle_pays_etranger: str | None = None
    libelle_commune_etranger: str | None = None


class SearchResult(msgspec.Struct, kw_only=True):
    siren: str | None = None
    nom_complet: str | None = None
    nom_raison_sociale: str | None = None
    etat_administratif: str | None = None
    siege: SearchEstablishment | None = None
    matching_etablissements: list[SearchEstablishment] | None = None


class SearchAnswer(msgspec.Struct, kw_only=True):
    results: list[SearchResult] = msgspec.field(default_factory=list)
    total_results: int | None = None


@dataclass(frozen=True, slots=True)
class Establishment:
    """A SIRET as SIRENE registers it: who, whether it is active, and where its mail goes.

    ``address_lines`` are the lines between the name and the last line of a French postal address (NF Z10-011:
    building or complement, number and street, special delivery such as a BP), in SIRENE's capitals, street types
    abbreviated as SIRENE and La Poste write them (``AV``, ``BD``); ``postcode`` and ``city`` make the last line
    (a CEDEX code and its label when SIRENE gives one). ``country_code`` is ``FR``, or empty for an address abroad
    (SIRENE names the country with INSEE's code, not ISO's). ``address_withheld``: the person objected to the
    publication of the address, so the public API does not give it (lines and postcode empty, ``city`` kept).
    """

    siret: str
    name: str
    active: bool
    address_lines: list[str]
    postcode: str
    city: str
    country_code: str = "FR"
    address_withheld: bool = False

    @property
    def mailable(self) -> bool:
        """Whether a letter can be posted to it: active, in France, and an address SIRENE publishes."""
        return (
            self.active
            and not self.address_withheld
            and self.country_code == "FR"
            and bool(self.address_lines and self.postcode and self.city)
        )


_decoder = msgspec.json.Decoder(SearchAnswer)


def decode_answer(body: bytes) -> SearchAnswer:
    """The answer's JSON; ``msgspec.ValidationError`` when it is JSON of another shape, ``msgspec.DecodeError``
    when it is not JSON at all."""
    return _decoder.decode(body)


def read_search_answer(body: bytes, siret: str) -> Establishment | None:
    """The establishment ``siret`` in an answer to ``/search?q=<siret>``; ``None`` when the answer does not hold
    it (an unknown SIRET is an empty ``results``). Raises as :func:`decode_answer`."""
    return find_establishment(decode_answer(body), siret)


def find_establishment(answer: SearchAnswer, siret: str) -> Establishment | None:
    for result in answer.results:
        for candidate in [*(result.matching_etablissements or []), result.siege]:
            if candidate is not None and candidate.siret == siret:
                return _establishment(result, candidate, siret)
    return None


def _clean(value: str | None) -> str:
    return _SPACES.sub(" ", value).strip() if value else ""


def _public(value: str | None) -> str:
    text = _clean(value)
    return "" if text.upper() == NON_DIFFUSIBLE else text


def _name(result: SearchResult) -> str:
    # The registered name: nom_complet adds the acronym in brackets, and is all an individual entrepreneur has.
    return _public(result.nom_raison_sociale) or _public(result.nom_complet)


def _withheld(one: SearchEstablishment) -> bool:
    if one.statut_diffusion_etablissement == WITHHELD_STATUS:
        return True
    fields = (one.adresse, one.code_postal, one.libelle_voie, one.numero_voie, one.complement_adresse)
    return any(_clean(value).upper() == NON_DIFFUSIBLE for value in fields)


def _street(one: SearchEstablishment) -> str:
    number = _clean(one.numero_voie)
    last = _clean(one.dernier_numero_voie)
    if number and last and last != number:
        number = f"{number}-{last}"  # a range of numbers: "9-10 RUE …"
    # The repetition index stays as SIRENE codes it ("12 B RUE …"): La Poste reads it, and a letter or digit may
    # also name a building, which expanding B to BIS would get wrong.
    parts = (number, _clean(one.indice_repetition), _clean(one.type_voie), _clean(one.libelle_voie))
    return " ".join(part for part in parts if part)


def _establishment(result: SearchResult, one: SearchEstablishment, siret: str) -> Establishment:
    active = one.etat_administratif == "A" and result.etat_administratif != "C"
    name = _name(result)
    if _withheld(one):
        return Establishment(siret, name, active, [], "", _public(one.libelle_commune), address_withheld=True)
    abroad = bool(_clean(one.code_pays_etranger) or _clean(one.libelle_pays_etranger))
    if abroad:
        lines = [line for line in (_clean(one.complement_adresse), _street(one)) if line]
        return Establishment(siret, name, active, lines, "", _clean(one.libelle_commune_etranger), country_code="")
    if _clean(one.cedex):
        postcode, city = _clean(one.cedex), _clean(one.libelle_cedex) or _clean(one.libelle_commune)
    else:
        postcode, city = _clean(one.code_postal), _clean(one.libelle_commune)
    street = _street(one)
    lines = [line for line in (_clean(one.complement_adresse), street, _clean(one.distribution_speciale)) if line]
    if not street and not one.complement_adresse and one.adresse:
        lines = _lines_from_adresse(_clean(one.adresse), postcode, city)
    return Establishment(siret, name, active, lines, postcode, city)


def _lines_from_adresse(adresse: str, postcode: str, city: str) -> list[str]:
    """When only the one-line ``adresse`` came: it without its last line (postcode and city) as one line."""
    tail = f"{postcode} {city}".strip()
    if tail and adresse.endswith(tail):
        adresse = adresse[: -len(tail)].strip()
    return [adresse] if adresse else []
