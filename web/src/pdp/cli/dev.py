"""``pdp dev``: the whole platform on one machine, from wheels, in one command.

Boots (or reuses, if ``PDP_DATABASE_URL``, ``PDP_REDIS_URL`` and ``PDP_S3_ENDPOINT`` are all set) PostgreSQL,
Redis and S3 with Object Lock, migrates, then runs the API, one worker, the Chorus Pro sandbox emulator (unless
``PDP_CHORUS_CLIENT_ID`` points pdp at a real PISTE), an SMTP catcher keeping providers' e-mails in
``.pdp/mail/`` (unless ``PDP_SMTP_HOST`` is set) and a local ProConnect stand-in (oidc-provider-mock, unless
``PDP_PROCONNECT_ISSUER`` is set) as child processes. Everything it
needs to reach them goes to ``.pdp/dev.json``, which the other ``pdp`` commands read. Data stays in ``.pdp/``
across restarts. Ctrl-C or SIGTERM stops children then engines, leaving no process behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from pdp.cli.config import dev_dir
from pdp.cli.dev_demo import DemoPlatform, ensure_demo_platform
from pdp.platform.db import admin
from pdp.platform.devstack import DevStack, EngineInfo, ensure_bucket
from pdp.platform.devstack.ports import free_port
from pdp.platform.security.envelope import generate_master_key
from pdp.platform.settings import load_settings

BUCKET = "pdp-archive"
DATABASE = "pdp"
CHILD_STOP_SECONDS = 25
# The emulator's buyer needs about a week of virtual time to pay; at this speed a demo sees `delivered` within
# seconds and `payment_sent` within a few minutes.
DEMO_CLOCK_SPEED = 3000


def _secrets(data_dir: Path) -> dict[str, str]:
    """Generated once per data directory, so restarts keep the same keys and passwords."""
    path = data_dir / "secrets.json"
    if path.is_file():
        stored: dict[str, str] = json.loads(path.read_text())
        return stored
    values = {
        "master_keys": generate_master_key("dev1"),
        "owner_password": secrets.token_urlsafe(18),
        "app_password": secrets.token_urlsafe(18),
    }
    path.write_text(json.dumps(values, indent=2))
    path.chmod(0o600)
    return values


def _external_environment() -> dict[str, str] | None:
    names = ("PDP_DATABASE_URL", "PDP_REDIS_URL", "PDP_S3_ENDPOINT")
    if all(os.environ.get(n) for n in names):
        return {k: v for k, v in os.environ.items() if k.startswith("PDP_")}
    if any(os.environ.get(n) for n in names):
        raise click.UsageError(f"set all of {', '.join(names)} to use your own engines, or none of them")
    return None


def _embedded_environment(info: EngineInfo, data_dir: Path) -> dict[str, str]:
    stored = _secrets(data_dir)
    plan = admin.DatabasePlan(DATABASE, owner_password=stored["owner_password"], app_password=stored["app_password"])
    app_url, owner_url = asyncio.run(admin.ensure_database(info.postgres_admin_url, plan))
    ensure_bucket(info, BUCKET)
    return {
        "PDP_DATABASE_URL": app_url,
        "PDP_DATABASE_OWNER_URL": owner_url,
        "PDP_REDIS_URL": info.redis_url,
        "PDP_S3_ENDPOINT": info.s3_endpoint,
        "PDP_S3_ACCESS_KEY": info.s3_access_key,
        "PDP_S3_SECRET_KEY": info.s3_secret_key,
        "PDP_S3_REGION": info.s3_region,
        "PDP_S3_BUCKET": BUCKET,
        "PDP_MASTER_KEYS": stored["master_keys"],
    }


def _die_with_parent() -> None:
    # Children receive SIGTERM if `pdp dev` itself is killed (even with SIGKILL), so none is orphaned.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _spawn(command: str, env: dict[str, str], log_dir: Path, *args: str) -> subprocess.Popen[bytes]:
    return _spawn_module("pdp.cli.main", command, env, log_dir, command, *args)


def _spawn_module(module: str, name: str, env: dict[str, str], log_dir: Path, *args: str) -> subprocess.Popen[bytes]:
    log = (log_dir / f"{name}.log").open("ab")
    # A fixed argv of our own interpreter; preexec_fn is safe here because the supervisor runs no threads.
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", module, *args],
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=_die_with_parent,  # noqa: PLW1509
    )


def _wait_http(url: str, process: subprocess.Popen[bytes], timeout: float = 30, *, name: str = "serve") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise click.ClickException(f"{name} exited with code {process.returncode}; see .pdp/logs/{name}.log")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310
            if response.status == 200:  # our own loopback URL
                return
        time.sleep(0.1)
    raise click.ClickException(f"{name} did not answer {url} within {timeout:.0f} s")


def _sandbox_environment(info: dict[str, Any]) -> dict[str, str]:
    """Point pdp at the emulator with the platform account it seeds, and at the SIRENE stand-in it serves, on a
    polling schedule fit for a demo."""
    account = next(a for a in info["technical_accounts"] if a.get("deposits_for_others"))
    return {
        "PDP_CHORUS_API_URL": info["api_url"],
        "PDP_CHORUS_TOKEN_URL": info["token_url"],
        "PDP_CHORUS_CLIENT_ID": info["piste"]["client_id"],
        "PDP_CHORUS_CLIENT_SECRET": info["piste"]["client_secret"],
        "PDP_CHORUS_LOGIN": account["login"],
        "PDP_CHORUS_PASSWORD": account["password"],
        "PDP_SIRENE_API_URL": os.environ.get("PDP_SIRENE_API_URL") or info["sirene_api_url"],
        # A demo's pace; the operator's own values win.
        "PDP_CHORUS_RECONCILE_AFTER_SECONDS": os.environ.get("PDP_CHORUS_RECONCILE_AFTER_SECONDS", "60"),
        "PDP_TRACKING_INTERVALS_SECONDS": os.environ.get("PDP_TRACKING_INTERVALS_SECONDS", "5,10,20,30"),
    }


def demo_signatory(sandbox_info: dict[str, Any] | None) -> dict[str, str]:
    """The person the ProConnect stand-in offers with one click: the signatory of the emulator's demo supplier
    (its first one, Atelier Dupont, SIRET 73282932000074), so a mandate asked of it can be proved and accepted."""
    supplier = next(
        (a for a in (sandbox_info or {}).get("technical_accounts", []) if not a.get("deposits_for_others")),
        {"siret": "73282932000074"},
    )
    return {
        "sub": f"demo-signataire-{supplier['siret']}",
        "email": "jeanne.dupont@atelier-dupont.example",
        "given_name": "Jeanne",
        "usual_name": "Dupont",
        "siret": supplier["siret"],
        "idp_id": "pdp-dev",
    }


def _demo_platform(
    env: dict[str, str], data_dir: Path, names: list[str], sandbox_info: dict[str, Any] | None
) -> DemoPlatform | None:
    """The demo platform, when pdp dev runs the stand-ins its making needs (the mail catcher it reads the
    invitation from, the ProConnect stand-in its signatory proves with); a failure is reported, not fatal."""
    if "mailcatcher" not in names or "proconnect" not in names:
        return None
    click.echo("Preparing the demo platform (a mandate accepted through the invitation and ProConnect)…")
    try:
        return asyncio.run(ensure_demo_platform(load_settings(env), data_dir, demo_signatory(sandbox_info)))
    except Exception as exc:  # the platform runs without its demo: say why, carry on
        click.echo(f"  the demo platform could not be prepared: {exc}", err=True)
        return None


def _stand_in_lines(env: dict[str, str], sandbox_info: dict[str, Any] | None, names: list[str]) -> str:
    lines = f"  Chorus   {sandbox_info['api_url']} (sandbox emulator)\n" if sandbox_info else ""
    if "proconnect" in names:
        lines += f"  ProConnect {env['PDP_PROCONNECT_ISSUER']} (local stand-in)\n"
    return lines


def _portal_lines(demo: DemoPlatform | None) -> str:
    if demo is None:
        return ""
    return (
        f"Provider portal of the demo platform « Marketplace démo »:\n  {demo.portal_url}\n"
        "  sign in with « Se connecter avec ProConnect », then Jeanne Dupont on the local stand-in\n\n"
    )


def _demo_staff(env: dict[str, str], data_dir: Path) -> dict[str, Any] | None:
    """The support staff account of ``pdp dev`` (password and TOTP secret kept in .pdp/staff.json, 0600)."""
    from pdp.cli.staff_tasks import ensure_demo_staff

    path = data_dir / "staff.json"
    saved = json.loads(path.read_text()) if path.is_file() else None
    try:
        staff = asyncio.run(ensure_demo_staff(load_settings(env), saved))
    except Exception as exc:  # the platform runs without it: say why, carry on
        click.echo(f"  the demo staff account could not be prepared: {exc}", err=True)
        return None
    path.write_text(json.dumps(staff, indent=2))
    path.chmod(0o600)
    return staff


def _staff_lines(staff: dict[str, Any] | None, api_url: str) -> str:
    if staff is None:
        return ""
    return (
        f"Support console: {api_url}/console/\n"
        f"  {staff['email']}, password and TOTP secret in dev.json → demo_staff (or: pdp staff sign-in)\n\n"
    )


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + CHILD_STOP_SECONDS
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _start_children(
    env: dict[str, str], log_dir: Path, api_url: str, children: list[subprocess.Popen[bytes]]
) -> tuple[list[str], dict[str, Any] | None]:
    """Start the sandbox (unless a real PISTE is configured), the API and a worker; ``children`` collects them
    as they start, so the caller stops whatever did start if a later one fails."""
    names: list[str] = []
    sandbox_info: dict[str, Any] | None = None
    if not (env.get("PDP_CHORUS_CLIENT_ID") or os.environ.get("PDP_CHORUS_CLIENT_ID")):
        from pdp.cli.sandbox import sandbox_info_for

        sandbox_port = free_port(8090)
        sandbox_info = sandbox_info_for(f"http://127.0.0.1:{sandbox_port}")
        speed = os.environ.get("PDP_DEV_CLOCK_SPEED", str(DEMO_CLOCK_SPEED))
        # Its state lives with pdp's data: invoices pdp still follows must stay known to it after a restart.
        state_dir = str(log_dir.parent / "chorus-sandbox")
        children.append(
            _spawn("sandbox", env, log_dir, "--port", str(sandbox_port), "--speed", speed, "--state-dir", state_dir)
        )
        names.append("sandbox")
        _wait_http(f"{sandbox_info['control_url']}/info", children[-1], name="sandbox")
        env |= _sandbox_environment(sandbox_info)
    if not (env.get("PDP_SMTP_HOST") or os.environ.get("PDP_SMTP_HOST")):
        mail_port = free_port(1025)
        mail_dir = log_dir.parent / "mail"
        children.append(_spawn("mailcatcher", env, log_dir, "--port", str(mail_port), "--dir", str(mail_dir)))
        names.append("mailcatcher")
        env |= {"PDP_SMTP_HOST": "127.0.0.1", "PDP_SMTP_PORT": str(mail_port)}
    if not (env.get("PDP_PROCONNECT_ISSUER") or os.environ.get("PDP_PROCONNECT_ISSUER")):
        proconnect_port = free_port(9400)
        issuer = f"http://127.0.0.1:{proconnect_port}"
        children.append(
            _spawn_module(
                "oidc_provider_mock",
                "proconnect",
                env,
                log_dir,
                *("--port", str(proconnect_port), "--require-nonce"),
                *("--user-claims", json.dumps(demo_signatory(sandbox_info))),
            )
        )
        names.append("proconnect")
        _wait_http(f"{issuer}/.well-known/openid-configuration", children[-1], name="proconnect")
        # The stand-in takes any client and secret; these only have to be the same on both sides.
        env |= {
            "PDP_PROCONNECT_ISSUER": issuer,
            "PDP_PROCONNECT_CLIENT_ID": "pdp-dev",
            "PDP_PROCONNECT_CLIENT_SECRET": "pdp-dev-secret",
        }
    for command, name in (("serve", "api"), ("worker", "worker")):
        children.append(_spawn(command, env, log_dir))
        names.append(name)
    _wait_http(f"{api_url}/healthz", children[names.index("api")])
    return names, sandbox_info


def run_dev(data_dir_option: str | None, port_option: int | None) -> int:
    started = time.perf_counter()
    data_dir = Path(data_dir_option) if data_dir_option else dev_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "logs").mkdir(exist_ok=True)
    stop_requested = False

    def request_stop(signum: int, _frame: Any) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    external = _external_environment()
    stack = None if external else DevStack(data_dir / "engines", log=lambda line: click.echo(f"  {line}"))
    children: list[subprocess.Popen[bytes]] = []
    try:
        if stack is not None:
            click.echo("Starting PostgreSQL, Redis and S3 (Object Lock)…")
            env = _embedded_environment(stack.start(), data_dir)
        else:
            assert external is not None
            env = external
        if port_option is not None:
            port = port_option or free_port(0)  # --port 0: any free port
        else:
            port = int(os.environ.get("PDP_PORT", "0")) or free_port(8000)
        api_url = f"http://127.0.0.1:{port}"
        env |= {
            "PDP_PORT": str(port),
            "PDP_HOST": "127.0.0.1",
            "PDP_PUBLIC_URL": api_url,
            "PDP_ENVIRONMENT": "development",
            "PDP_LETTERS_DIR": os.environ.get("PDP_LETTERS_DIR") or str(data_dir / "letters"),
        }
        click.echo("Migrating the database…")
        admin.upgrade(env.get("PDP_DATABASE_OWNER_URL") or env["PDP_DATABASE_URL"], env["PDP_DATABASE_URL"])
        names, sandbox_info = _start_children(env, data_dir / "logs", api_url, children)
        demo = _demo_platform(env, data_dir, names, sandbox_info)
        staff = _demo_staff(env, data_dir)
        info = {
            "api_url": api_url,
            "docs_url": f"{api_url}/api/docs",
            "openapi_url": f"{api_url}/api/openapi.json",
            "health_url": f"{api_url}/readyz",
            "data_dir": str(data_dir.resolve()),
            "database_url": env["PDP_DATABASE_URL"],
            "database_owner_url": env.get("PDP_DATABASE_OWNER_URL"),
            "redis_url": env["PDP_REDIS_URL"],
            "s3": {
                "endpoint": env["PDP_S3_ENDPOINT"],
                "bucket": env.get("PDP_S3_BUCKET", BUCKET),
                "access_key": env.get("PDP_S3_ACCESS_KEY"),
                "secret_key": env.get("PDP_S3_SECRET_KEY"),
                "region": env.get("PDP_S3_REGION", "us-east-1"),
            },
            "chorus_sandbox": sandbox_info,
            "mail": {
                "smtp": f"{env.get('PDP_SMTP_HOST')}:{env.get('PDP_SMTP_PORT')}",
                "mailbox_dir": str((data_dir / "mail").resolve()),
            },
            "proconnect": {
                "issuer": env.get("PDP_PROCONNECT_ISSUER"),
                "demo_signatory": demo_signatory(sandbox_info) if "proconnect" in names else None,
            },
            "demo_platform": asdict(demo) if demo else None,
            "demo_staff": staff,
            "pids": {
                "supervisor": os.getpid(),
                **{name: child.pid for name, child in zip(names, children, strict=True)},
                **(stack.pids() if stack else {}),
            },
            "environment": env,
        }
        (data_dir / "dev.json").write_text(json.dumps(info, indent=2))
        (data_dir / "dev.json").chmod(0o600)
        chorus_line = _stand_in_lines(env, sandbox_info, names)
        click.echo(
            f"\npdp is up in {time.perf_counter() - started:.1f} s\n"
            f"  API      {api_url}\n  Docs     {info['docs_url']}\n  Ready    {info['health_url']}\n{chorus_line}"
            f"  Details  {data_dir / 'dev.json'}   Logs {data_dir / 'logs'}/\n\n{_portal_lines(demo)}"
            f"{_staff_lines(staff, api_url)}"
            f'Create a tenant:  pdp tenant create --name "My platform"\nStop: Ctrl-C'
        )
        while not stop_requested:
            for name, child in zip(names, children, strict=True):
                if child.poll() is not None:
                    click.echo(f"{name} exited with code {child.returncode}; stopping.", err=True)
                    return 1
            time.sleep(0.2)
        return 0
    finally:
        click.echo("\nStopping…")
        _stop(children)
        if stack is not None:
            stack.stop()
        with contextlib.suppress(FileNotFoundError):
            (data_dir / "dev.json").unlink()
        click.echo("Stopped.")
