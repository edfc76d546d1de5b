"""xmltext.base64_content decodes what ``b64decode("".join(text.split()), validate=True)`` decodes, and refuses
what it refuses: random texts of base64 digits, padding, ASCII and other whitespace, and characters outside the
alphabet, wrapped or not."""

from __future__ import annotations

import base64
import random

from pdp.einvoice.formats.xmltext import base64_content


def reference(text: str) -> bytes | None:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except ValueError:
        return None


def ours(text: str) -> bytes | None:
    try:
        return base64_content(text)
    except ValueError:
        return None


def random_text(rng: random.Random) -> str:
    encoded = base64.b64encode(rng.randbytes(rng.randrange(60))).decode()
    if rng.random() < 0.5:  # wrapped, as MIME writes it
        encoded = "\n".join(encoded[at : at + 76] for at in range(0, len(encoded), 76))
    characters = list(encoded)
    for _ in range(rng.randrange(3)):
        at = rng.randrange(len(characters) + 1)
        characters.insert(at, rng.choice(" \t\r\n\x0b\x0c\x1c\x1f\x85\xa0\u2003=!é-_"))
    return "".join(characters)


def test_the_same_as_b64decode() -> None:
    rng = random.Random(14)
    for _ in range(20000):
        text = random_text(rng)
        assert ours(text) == reference(text), repr(text)
