"""The frame around every portal page: the tenant's brand, who is signed in, their providers, the navigation.

A signed-in handler takes ``shell: Shell`` (a dependency of the signed-in router) and answers
``shell.page("portal/….html.jinja2", key=value…)``; its template extends ``portal/layout.html.jinja2``. A public
page takes ``shell: Shell`` too (no user, no navigation) and its template extends ``portal/base.html.jinja2``.

The provider switcher: a person who works for several providers sees them all at once (``current_provider`` is
None) or one of them, remembered in the ``pdp_provider`` cookie of this portal. The cookie only picks among the
caller's providers; what a page may read is the caller's scope, whatever the cookie says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import Request
from litestar.response import Template

from pdp.platform.callers import PortalRole, PortalUserCaller
from pdp.tenants.accounts.branding import Brand
from pdp.tenants.accounts.models import PortalUser
from pdp.tenants.accounts.shell import ProviderChoice

PROVIDER_COOKIE = "pdp_provider"
PATHS_KEY = "portal_paths"


@dataclass(frozen=True, slots=True)
class NavItem:
    key: str
    label: str  # French; the layout translates it
    path: str  # under the portal's base
    roles: frozenset[PortalRole] = frozenset(PortalRole)  # shown to a user with one of these roles somewhere


# The signed-in navigation. An item shows once its page exists (a route is registered for its path), so a page
# added by another slice appears in the menu without touching the layout.
NAVIGATION = (
    NavItem("dashboard", "Tableau de bord", "/"),
    NavItem("invoices", "Factures", "/factures"),
    NavItem("deposit", "Déposer", "/deposer", frozenset({PortalRole.ADMIN, PortalRole.DEPOSITOR})),
    NavItem("mandates", "Mandats", "/mandats"),
    NavItem("archive", "Archive", "/archive"),
    NavItem("users", "Utilisateurs", "/utilisateurs", frozenset({PortalRole.ADMIN})),
    NavItem("notifications", "Notifications", "/notifications"),
    NavItem("account", "Mon compte", "/compte"),
)


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str
    current: bool


def portal_paths(request: Request[Any, Any, Any]) -> frozenset[str]:
    """The paths under ``/portal/{tenant_id}`` the app serves (computed once per app)."""
    state = request.app.state
    paths: frozenset[str] | None = state.get(PATHS_KEY)
    if paths is None:
        prefix = "/portal/{tenant_id:str}"
        paths = frozenset(
            route.path[len(prefix) :] or "/" for route in request.app.routes if route.path.startswith(prefix)
        )
        state[PATHS_KEY] = paths
    return paths


@dataclass
class Shell:
    request: Request[Any, Any, Any]
    brand: Brand
    user: PortalUser | None = None
    caller: PortalUserCaller | None = None
    providers: list[ProviderChoice] = field(default_factory=list)

    @property
    def tenant_id(self) -> str:
        return self.brand.tenant_id

    @property
    def base(self) -> str:
        return f"/portal/{self.tenant_id}"

    def url(self, path: str = "/") -> str:
        """A portal URL: ``shell.url("/factures")`` → ``/portal/ten_…/factures``."""
        return self.base + (path if path.startswith("/") else "/" + path)

    @property
    def current_provider(self) -> ProviderChoice | None:
        """The provider the pages show, or None for all of the user's providers."""
        if len(self.providers) == 1:
            return self.providers[0]
        chosen = self.request.cookies.get(PROVIDER_COOKIE)
        return next((p for p in self.providers if p.id == chosen), None)

    @property
    def providers_in_view(self) -> frozenset[str]:
        """The ids of the providers the pages show (the current one, or all)."""
        current = self.current_provider
        return frozenset({current.id}) if current else frozenset(p.id for p in self.providers)

    def has_role(self, *roles: PortalRole) -> bool:
        """Whether the user has one of ``roles`` on at least one provider."""
        return any(p.role in roles for p in self.providers)

    @property
    def navigation(self) -> list[Link]:
        if self.user is None:
            return []
        served = portal_paths(self.request)
        here = self.request.url.path
        links = []
        for item in NAVIGATION:
            if item.path not in served or not self.has_role(*item.roles):
                continue
            url = self.url(item.path)
            at_home = item.path == "/"
            current = here.rstrip("/") == self.base if at_home else here == url or here.startswith(url + "/")
            links.append(Link(item.label, url, current))
        return links

    def swapping(self, target: str) -> bool:
        """Whether htmx asks for the element ``target`` alone (``HX-Target``), to swap it in place: the page then
        answers that part, not the whole page."""
        headers = self.request.headers
        return headers.get("hx-request") == "true" and headers.get("hx-target") == target

    def page(self, template: str, *, status: int = 200, **context: Any) -> Template:
        return Template(template, context={"shell": self, **context}, status_code=status)
