"""Who is calling: the one notion of caller that every edge builds and every repository query is scoped by.

A caller always belongs to one tenant. What it may read inside that tenant is its *provider scope*: ``None`` for
callers that see the whole tenant (an API key, a job), or the set of providers a portal user belongs to. The
scope is applied twice: by the repositories' statements (:meth:`pdp.platform.db.repository.TenantRepository.readable`)
and by PostgreSQL's row-level security (``app.provider_ids``, bound by :mod:`pdp.platform.db.tenancy`), so a query
that forgets the filter returns nothing for a portal user rather than another provider's rows.

Support staff are a caller only under an access grant they opened (:class:`StaffCaller`): the grant names the
tenant, and PostgreSQL checks it again on every row (migration 0024), so staff never read a tenant silently.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from pdp.platform.audit import Actor


class PortalRole(enum.StrEnum):
    """A portal user's role on one provider, as Chorus Pro users know them: Administrateur, Déposant, Gestionnaire."""

    ADMIN = "admin"  # administrateur: users, mandates, everything
    DEPOSITOR = "depositor"  # déposant: deposit and act on invoices
    VIEWER = "viewer"  # gestionnaire: read and download


class _WholeTenant:
    """A caller that sees every provider of its tenant."""

    __slots__ = ()

    @property
    def provider_scope(self) -> frozenset[str] | None:
        return None


@dataclass(frozen=True, slots=True)
class ApiKeyCaller(_WholeTenant):
    """A tenant's software calling the Partner API with one of its keys: the whole tenant, within its scopes."""

    tenant_id: str
    api_key_id: str
    mode: str  # "test" or "live"
    scopes: frozenset[str]

    @property
    def actor(self) -> Actor:
        return Actor("api_key", self.api_key_id)


@dataclass(frozen=True, slots=True)
class PortalUserCaller:
    """A person signed in to the provider portal: only the providers they belong to, with a role on each."""

    tenant_id: str
    user_id: str
    roles: Mapping[str, PortalRole] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A copy, typed read-only: the scope a session was bound to must not grow with the mapping it was built
        # from. (A plain dict rather than a MappingProxyType: callers are copied and pickled with requests.)
        object.__setattr__(self, "roles", dict(self.roles))

    @property
    def provider_scope(self) -> frozenset[str]:
        return frozenset(self.roles)

    def role_on(self, provider_id: str) -> PortalRole | None:
        return self.roles.get(provider_id)

    @property
    def actor(self) -> Actor:
        return Actor("portal_user", self.user_id)


@dataclass(frozen=True, slots=True)
class SystemCaller(_WholeTenant):
    """pdp itself in one tenant: a job, an operator's command, a link token once it has named its tenant."""

    tenant_id: str
    name: str = "system"

    @property
    def actor(self) -> Actor:
        return Actor("system", self.name)


@dataclass(frozen=True, slots=True)
class StaffCaller:
    """A support staff member reading one tenant under an access grant (narrowed to a provider when it is).

    Its transactions run as the staff database role, whose policies let a row through only while the grant is
    open, unexpired and the staff member's own: the grant is checked by the database, not only by the code."""

    tenant_id: str
    staff_id: str
    grant_id: str
    provider_id: str | None = None

    @property
    def provider_scope(self) -> frozenset[str] | None:
        return None if self.provider_id is None else frozenset({self.provider_id})

    @property
    def actor(self) -> Actor:
        return Actor("staff", self.staff_id)


@dataclass(frozen=True, slots=True)
class StaffMember:
    """A signed-in staff member outside any grant (the console's search and queue): bound to no tenant, so a
    repository refuses to run and row-level security shows no tenant row. Reading a tenant takes a grant and a
    :class:`StaffCaller`; searching across tenants goes through ``pdp_staff_search``, which returns routing data
    only."""

    staff_id: str
    role: str
    tenant_id: str = ""  # none: the empty tenant binds nothing (pdp.platform.db.tenancy)

    @property
    def provider_scope(self) -> frozenset[str]:
        return frozenset()

    @property
    def actor(self) -> Actor:
        return Actor("staff", self.staff_id)


Caller = ApiKeyCaller | PortalUserCaller | SystemCaller | StaffCaller | StaffMember
