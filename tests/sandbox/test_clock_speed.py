"""The emulator's clock can run faster than real time (``pdp sandbox --speed``, used by ``pdp dev`` demos)."""

from __future__ import annotations

import pytest

from pdp.connectors.chorus_pro.sandbox.clock import VirtualClock


class Wall:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_sped_up_clock_runs_speed_times_faster_and_still_jumps() -> None:
    wall = Wall()
    clock = VirtualClock(source=wall, speed=3000)
    start = clock.timestamp()
    wall.now += 2.0
    assert clock.timestamp() - start == pytest.approx(6000.0)  # 2 real seconds: 100 virtual minutes
    clock.advance(86_400)
    assert clock.timestamp() - start == pytest.approx(6000.0 + 86_400)
    clock.reset()
    assert clock.timestamp() == pytest.approx(wall.now)  # back on real time, from now
    with pytest.raises(ValueError, match="positive"):
        VirtualClock(source=wall, speed=0)


def test_real_speed_is_the_wall_clock() -> None:
    wall = Wall()
    clock = VirtualClock(source=wall)
    wall.now += 12.5
    assert clock.timestamp() == pytest.approx(wall.now)
