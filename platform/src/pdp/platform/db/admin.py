"""Database administration: create the roles and database (local/test stacks), and run migrations.

Two roles, as row-level security requires: the *owner* runs migrations and owns the schema (BYPASSRLS, so the
few SECURITY DEFINER entry points can reach across tenants); the *app* role is what the API and workers use —
LOGIN, NOSUPERUSER, NOBYPASSRLS, and not the owner of anything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import asyncpg

from pdp.platform.db.migration_helpers import staff_role_for


@dataclass(frozen=True, slots=True)
class DatabasePlan:
    database: str
    owner_role: str = "pdp_owner"
    # Defaults serve throwaway test clusters only; `pdp dev` generates and keeps its own passwords.
    owner_password: str = "pdp_owner"  # noqa: S105
    app_role: str = "pdp_app"
    app_password: str = "pdp_app"  # noqa: S105


def with_credentials(server_url: str, user: str, password: str, database: str) -> str:
    """``postgresql+asyncpg://user:password@host:port/database`` on the server of ``server_url``."""
    parts = urlsplit(server_url)
    netloc = f"{quote(user)}:{quote(password)}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(("postgresql+asyncpg", netloc, "/" + database, parts.query, ""))


def plain_url(url: str) -> str:
    """asyncpg wants ``postgresql://``; SQLAlchemy wants ``postgresql+asyncpg://``."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unsafe identifier {name!r}")
    return '"' + name + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def ensure_database(admin_url: str, plan: DatabasePlan) -> tuple[str, str]:
    """Create the roles and database of ``plan`` if missing; return (app_url, owner_url). Idempotent."""
    conn = await asyncpg.connect(plain_url(admin_url))
    try:
        for role, password, attributes in (
            (plan.owner_role, plan.owner_password, "LOGIN NOSUPERUSER BYPASSRLS"),
            (plan.app_role, plan.app_password, "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"),
        ):
            exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
            verb = "ALTER" if exists else "CREATE"
            await conn.execute(f"{verb} ROLE {_ident(role)} {attributes} PASSWORD {_literal(password)}")
        await _ensure_staff_role(conn, plan.app_role)
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", plan.database):
            await conn.execute(f"CREATE DATABASE {_ident(plan.database)} OWNER {_ident(plan.owner_role)}")
    finally:
        await conn.close()
    db = await asyncpg.connect(plain_url(admin_url).rsplit("/", 1)[0] + "/" + plan.database)
    try:
        await db.execute(f"ALTER SCHEMA public OWNER TO {_ident(plan.owner_role)}")
    finally:
        await db.close()
    return (
        with_credentials(admin_url, plan.app_role, plan.app_password, plan.database),
        with_credentials(admin_url, plan.owner_role, plan.owner_password, plan.database),
    )


async def _ensure_staff_role(conn: asyncpg.Connection, app_role: str) -> None:
    """The role a staff session reads as (no login): the app role may switch to it for one transaction, and does not
    inherit it — its row-level security policies (a valid access grant) must not apply to the app's own work."""
    staff = staff_role_for(app_role)
    if not await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", staff):
        await conn.execute(f"CREATE ROLE {_ident(staff)} NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT")
    if int(await conn.fetchval("SHOW server_version_num")) >= 160000:
        await conn.execute(f"GRANT {_ident(staff)} TO {_ident(app_role)} WITH INHERIT FALSE, SET TRUE")
    else:  # before PostgreSQL 16 a membership inherits unless the member role itself does not
        await conn.execute(f"ALTER ROLE {_ident(app_role)} NOINHERIT")
        await conn.execute(f"GRANT {_ident(staff)} TO {_ident(app_role)}")


async def drop_database(admin_url: str, database: str) -> None:
    conn = await asyncpg.connect(plain_url(admin_url))
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {_ident(database)} WITH (FORCE)")
    finally:
        await conn.close()


@dataclass(frozen=True, slots=True)
class RoleAttributes:
    name: str
    superuser: bool
    bypass_rls: bool
    owned_tables: int  # tables of the public schema it owns (an owner may turn row-level security off)


async def role_attributes(url: str) -> RoleAttributes:
    """What the role of ``url`` may do beyond its grants, asked of the server it connects to."""
    conn = await asyncpg.connect(plain_url(url), timeout=10)
    try:
        row = await conn.fetchrow(
            """
            SELECT r.rolname, r.rolsuper, r.rolbypassrls,
                   (SELECT count(*) FROM pg_class c
                     WHERE c.relowner = r.oid AND c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p'))
              FROM pg_roles r WHERE r.rolname = current_user
            """
        )
    finally:
        await conn.close()
    assert row is not None, "current_user is always a role"
    return RoleAttributes(str(row[0]), bool(row[1]), bool(row[2]), int(row[3]))


def migrations_dir() -> Path:
    """``infra/migrations`` of the checkout (``PDP_MIGRATIONS_DIR`` overrides, e.g. in a container image)."""
    if override := os.environ.get("PDP_MIGRATIONS_DIR"):
        return Path(override)
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "infra" / "migrations"
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("infra/migrations not found; set PDP_MIGRATIONS_DIR")


def app_role_of(app_url: str) -> str:
    user = urlsplit(app_url).username
    if not user:
        raise ValueError("the application database URL names no role")
    return user


def _alembic_config(owner_url: str, app_url: str):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["url"] = owner_url
    config.attributes["app_role"] = app_role_of(app_url)
    return config


def upgrade(owner_url: str, app_url: str, revision: str = "head") -> None:
    """Run migrations up to ``revision`` (blocking: call from a thread inside an event loop)."""
    from alembic import command

    command.upgrade(_alembic_config(owner_url, app_url), revision)


def current_heads() -> set[str]:
    from alembic.script import ScriptDirectory

    config = _alembic_config("postgresql+asyncpg://x@localhost/x", "postgresql+asyncpg://x@localhost/x")
    return set(ScriptDirectory.from_config(config).get_heads())
