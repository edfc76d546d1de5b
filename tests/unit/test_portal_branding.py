"""The tenant's brand on the portal: its text colour always contrasts at 4.5:1 or more (WCAG 2.1 AA), and its
logo is a PNG or a JPEG of at most 200 KB, recognised by its bytes."""

from __future__ import annotations

import itertools

import pytest

from pdp.platform.errors import ValidationFailed
from pdp.tenants.accounts.branding import (
    LOGO_MAX_BYTES,
    contrast_ratio,
    logo_type,
    normalise_colour,
    relative_luminance,
    text_colour_on,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def test_luminance_and_contrast_match_the_wcag_definitions() -> None:
    assert relative_luminance("#000000") == 0 and relative_luminance("#FFFFFF") == pytest.approx(1)
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic just-failing grey


@pytest.mark.parametrize(
    ("colour", "text"), [("#1f4fd1", "#ffffff"), ("#ffd700", "#000000"), ("#777777", "#000000"), ("#000000", "#ffffff")]
)
def test_the_text_colour_is_the_one_that_contrasts_more(colour: str, text: str) -> None:
    assert text_colour_on(colour) == text


def test_every_brand_colour_gets_a_text_colour_of_at_least_4_5_to_1() -> None:
    # Every colour on a grid of 17 steps per channel (4,913 colours, the extremes and the mid-greys included).
    steps = [min(255, 16 * i) for i in range(17)]
    worst = min(
        contrast_ratio(colour, text_colour_on(colour))
        for colour in (f"#{r:02x}{g:02x}{b:02x}" for r, g, b in itertools.product(steps, repeat=3))
    )
    assert worst >= 4.5


def test_a_colour_is_six_hex_digits() -> None:
    assert normalise_colour("#1F4FD1") == "#1f4fd1" and normalise_colour(" 1f4fd1 ") == "#1f4fd1"
    for bad in ("#fff", "blue", "#1f4fd1; background: url(x)", "", "#gggggg"):
        with pytest.raises(ValidationFailed) as refused:
            normalise_colour(bad)
        assert refused.value.code == "brand_colour_invalid"


def test_a_logo_is_recognised_by_its_bytes_not_its_name() -> None:
    assert logo_type(PNG) == "image/png" and logo_type(JPEG) == "image/jpeg"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    gif = b"GIF89a" + b"\x00" * 16
    for bad in (svg, gif, b"", b"%PDF-1.7", PNG[:7]):
        with pytest.raises(ValidationFailed) as refused:
            logo_type(bad)
        assert refused.value.code == "brand_logo_invalid"


def test_a_logo_is_at_most_200_kb() -> None:
    assert logo_type(PNG[:8] + b"\x00" * (LOGO_MAX_BYTES - 8)) == "image/png"
    with pytest.raises(ValidationFailed, match="at most 204800"):
        logo_type(PNG[:8] + b"\x00" * (LOGO_MAX_BYTES - 7))
