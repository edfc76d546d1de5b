"""French that depends on the words it joins: the preposition "de" elides before a vowel sound."""

from __future__ import annotations

import unicodedata

_VOWELS = frozenset("aeiouy")


def _base_letter(char: str) -> str:
    return unicodedata.normalize("NFD", char)[0].lower()


def de(name: str) -> str:
    """ "de Dupont", "d'Acme", "d'Éco", "d'Hermès", "d'Yvelines" but "de Yaka".

    A name starting with h is elided as before a mute h, the common case: whether an h is aspirated cannot be read
    from its spelling. A y elides only before a consonant, where it is a vowel.
    """
    letters = [_base_letter(char) for char in name.lstrip()[:2]]
    if not letters:
        return "de"
    first = letters[0]
    second = letters[1] if len(letters) > 1 else ""
    vowel_sound = first in _VOWELS - {"y"} or first == "h" or (first == "y" and second not in _VOWELS)
    return f"d'{name.lstrip()}" if vowel_sound else f"de {name.lstrip()}"
