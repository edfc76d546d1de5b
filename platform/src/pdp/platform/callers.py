"""Who is calling: the one notion of caller that every edge builds and every repository query is scoped by.

A caller always belongs to one tenant. What it may read inside that tenant is its *provider scope*: ``None`` for
callers that see the whole tenant (an API key, a job), or the set of providers a portal user belongs to. The
scope is applied twice: by the repositories' statements (:meth:`pdp.platform.db.repository.TenantRepository.readable`)
and by PostgreSQL's row-level security (``app.provider_ids``, bound by :mod:`pdp.platform.db.tenancy`), so a query
that forgets the filter returns nothing for a portal user rather than another provider's rows.

Support staff (the console) will be a caller too; it is left out until the console exists, so that nothing can
build one by accident before its scoping is designed.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from pdp.platform.audit import Actor


class PortalRole(enum.StrEnum):
    """A portal user's role on one provider, as Chorus Pro users know them: Administrateur, Déposant, Gestionnaire."""

    ADMIN = "admin"  # administrateur: users, mandates, everything
    DEPOSITOR = "depositor"  # déposant: deposit and act on invoices
    VIEWER = "viewer"  # gestionnaire: read and download


@dataclass(frozen=True, slots=True)
class ApiKeyCaller:
    """A tenant's software calling the Partner API with one of its keys: the whole tenant, within its scopes."""

    tenant_id: str
    api_key_id: str
    mode: str  # "test" or "live"
    scopes: frozenset[str]

    @property
    def provider_scope(self) -> frozenset[str] | None:
        return None

    @property
    def actor(self) -> Actor:
        return Actor("api_key", self.api_key_id)


@dataclass(frozen=True, slots=True)
class PortalUserCaller:
    """A person signed in to the provider portal: only the providers they belong to, with a role on each."""

    tenant_id: str
    user_id: str
    roles: Mapping[str, PortalRole] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        # Frozen means the mapping too: a caller's scope must not grow after its session was bound.
        object.__setattr__(self, "roles", MappingProxyType(dict(self.roles)))

    @property
    def provider_scope(self) -> frozenset[str]:
        return frozenset(self.roles)

    def role_on(self, provider_id: str) -> PortalRole | None:
        return self.roles.get(provider_id)

    @property
    def actor(self) -> Actor:
        return Actor("portal_user", self.user_id)


@dataclass(frozen=True, slots=True)
class SystemCaller:
    """pdp itself in one tenant: a job, an operator's command, a link token once it has named its tenant."""

    tenant_id: str
    name: str = "system"

    @property
    def provider_scope(self) -> frozenset[str] | None:
        return None

    @property
    def actor(self) -> Actor:
        return Actor("system", self.name)


Caller = ApiKeyCaller | PortalUserCaller | SystemCaller
