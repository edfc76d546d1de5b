"""The console's sign-in (``/console/connexion``): outside the shared unit of work, since nobody is signed in
yet; the handler opens its own transaction (:func:`pdp.tenants.staff.auth.sign_in`)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from pdp.platform.db.session import unit_of_work
from pdp.platform.errors import RateLimited
from pdp.tenants.staff import auth
from pdp.web.console.auth import BASE, address_of, set_cookie
from pdp.web.portal.routing import Form
from pdp.web.resources import Resources

SIGN_IN = f"{BASE}/connexion"


def _sign_in_page(error: str | None = None, email: str = "") -> Template:
    return Template("console/sign_in.html.jinja2", context={"error": error, "email": email})


@get(SIGN_IN, sync_to_thread=False)
def sign_in_form() -> Template:
    return _sign_in_page()


@post(SIGN_IN, status_code=303)
async def sign_in(request: Request[Any, Any, Any], data: Form, resources: NamedDependency[Resources]) -> Response[Any]:
    email = data.get("email", "")
    try:
        async with unit_of_work(resources.sessionmaker) as session:
            token = await auth.sign_in(
                session,
                auth.StaffGuards.on(resources.redis),
                resources.require_envelope(),
                email=email,
                password=data.get("password", ""),
                code=data.get("code", ""),
                address=address_of(request, resources.settings),
            )
    except RateLimited:
        return _sign_in_page("Trop de tentatives : patientez quinze minutes.", email)
    except auth.SignInRefused:
        return _sign_in_page("Adresse, mot de passe ou code non reconnus.", email)
    response: Response[Any] = Redirect(BASE, status_code=303)
    set_cookie(response, token, resources.settings)
    return response
