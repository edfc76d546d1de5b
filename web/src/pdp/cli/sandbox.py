"""``pdp sandbox``: the Chorus Pro emulator, composed with pdp's invoice readers, served by uvicorn.

This is the composition root that injects ``pdp.tenants``' reader into the emulator (which lives in
``pdp.connectors`` and cannot import it). ``pdp dev`` uses :func:`sandbox_info_for` to describe the emulator in
``.pdp/dev.json`` and :func:`build_sandbox` to serve it. The SIRENE directory's stand-in
(:mod:`pdp.connectors.sirene.fake`) is served by the same process under ``/sirene``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pdp.connectors.chorus_pro.sandbox.app import SandboxApp, create_app
from pdp.connectors.chorus_pro.sandbox.directory import load_seed
from pdp.connectors.chorus_pro.sandbox.einvoice_reader import read_deposit
from pdp.connectors.chorus_pro.sandbox.info import sandbox_info
from pdp.connectors.sirene.fake import SireneFake

SIRENE_PREFIX = "/sirene"


def sandbox_info_for(base_url: str, seed_file: str | Path | None = None, *, rate_limit: int = 0) -> dict[str, Any]:
    """What ``pdp sandbox`` prints, for an emulator at ``base_url`` seeded from ``seed_file`` (default seed if None),
    with the URL of the SIRENE stand-in it serves (``PDP_SIRENE_API_URL``)."""
    info = sandbox_info(base_url, load_seed(seed_file), rate_limit=rate_limit)
    return info | {"sirene_api_url": base_url.rstrip("/") + SIRENE_PREFIX}


def build_sandbox(
    base_url: str,
    seed_file: str | Path | None = None,
    *,
    rate_limit: int = 0,
    reception_delay: float | None = None,
    integration_delay: float | None = None,
    speed: float = 1.0,
    state_dir: str | Path | None = None,
) -> SandboxApp:
    """The emulator's ASGI app, reading deposits with pdp's readers; XSD schemas are loaded now, not on a deposit.
    With ``state_dir``, it resumes the state kept there and keeps it there."""
    from pdp.einvoice.validation.xsd import warm_up

    warm_up()
    app = create_app(
        read_deposit,
        seed=load_seed(seed_file),
        base_url=base_url,
        speed=speed,
        state_dir=Path(state_dir) if state_dir is not None else None,
        mounts={SIRENE_PREFIX: SireneFake()},
    )
    settings = app.state.settings
    settings.rate_limit = rate_limit
    if reception_delay is not None:
        settings.reception_delay = reception_delay
    if integration_delay is not None:
        settings.integration_delay = integration_delay
    return app


def run_sandbox(
    host: str,
    port: int,
    seed_file: str | None,
    *,
    rate_limit: int,
    reception_delay: float | None,
    integration_delay: float | None,
    speed: float = 1.0,
    log_level: str = "warning",
    state_dir: str | None = None,
) -> None:
    """Print the info JSON on one line, then serve until interrupted."""
    import uvicorn

    from pdp.platform.logging import configure_logging

    # What the emulator says of its state directory (restored, or a file set aside) goes to stderr, as uvicorn's.
    configure_logging("info")

    base_url = f"http://{host}:{port}"
    app = build_sandbox(
        base_url,
        seed_file,
        rate_limit=rate_limit,
        reception_delay=reception_delay,
        integration_delay=integration_delay,
        speed=speed,
        state_dir=state_dir,
    )
    sys.stdout.write(
        json.dumps(sandbox_info_for(base_url, seed_file, rate_limit=rate_limit), ensure_ascii=False) + "\n"
    )
    sys.stdout.flush()
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False, lifespan="on")
