"""The portal's languages: French first, English on request.

Templates call ``{{ _("Texte français") }}``: the French text is the message id, so a page reads in French as it
is written and a missing translation shows French rather than a key. English translations live in one small dict
per area of the portal (``i18n/<area>.py`` exporting ``EN: dict[str, str]``), owned by whoever owns those pages,
merged here; ``tests/unit/test_portal_i18n.py`` fails when a template uses a text no dict translates.

Placeholders are named, ``_("{count} factures", count=n)``, so a translation may move them.

The language of a request is the signed-in user's (``portal_users.locale``), else the ``pdp_lang`` cookie the
switch sets, else the browser's ``Accept-Language``, else French.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import pass_context
from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from sqlalchemy.orm.base import instance_state

from pdp.web.portal.i18n import account, dashboard, errors, invitation, invoices, layout, sign_in, statuses
from pdp.web.portal.i18n import archive as archive_area
from pdp.web.portal.i18n import mandates as mandates_area
from pdp.web.portal.i18n import notifications as notifications_area
from pdp.web.portal.i18n import users as users_area
from pdp.web.portal.i18n.formats import format_amount, format_date, format_datetime

LOCALES = ("fr", "en")
DEFAULT = "fr"
COOKIE = "pdp_lang"
STATE_KEY = "pdp.locale"
COOKIE_MAX_AGE = 365 * 24 * 3600

# Every area's English texts; an area added by another page is one import and one entry here.
AREAS: dict[str, Mapping[str, str]] = {
    "layout": layout.EN,
    "errors": errors.EN,
    "sign_in": sign_in.EN,
    "account": account.EN,
    "dashboard": dashboard.EN,
    "statuses": statuses.EN,
    "invitation": invitation.EN,
    "invoices": invoices.EN,
    "archive": archive_area.EN,
    "mandates": mandates_area.EN,
    "notifications": notifications_area.EN,
    "users": users_area.EN,
}


def _merged() -> dict[str, str]:
    merged: dict[str, str] = {}
    for area in AREAS.values():
        merged.update(area)
    return merged


EN: dict[str, str] = _merged()


def translate(text: str, locale: str, **values: Any) -> str:
    """``text`` (French) in ``locale``, its ``{placeholders}`` filled with ``values``."""
    translated = EN.get(text, text) if locale == "en" else text
    return translated.format(**values) if values else translated


def from_accept_language(header: str | None) -> str | None:
    """The first of our languages the browser accepts, by its q-values (RFC 9110 §12.5.4); None: neither."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        language = tag.strip().lower().split("-")[0]
        if language not in LOCALES:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and (best is None or (quality, -position) > (best[0], best[1])):
            best = (quality, -position, language)
    return best[2] if best else None


def locale_of(request: Request[Any, Any, Any]) -> str:
    """The language of this request's pages (computed once per request)."""
    scope: Any = request.scope
    cached: str | None = scope.get(STATE_KEY)
    if cached is not None:
        return cached
    locale = (
        _user_locale(request) or _cookie_locale(request) or from_accept_language(request.headers.get("accept-language"))
    )
    scope[STATE_KEY] = locale = locale or DEFAULT
    return locale


def _user_locale(request: Request[Any, Any, Any]) -> str | None:
    from pdp.web.portal.auth import STATE_KEY as ACCOUNT_KEY  # auth knows nothing of languages: no cycle

    account = request.scope.get("state", {}).get(ACCOUNT_KEY)
    if account is None:
        return None
    # Read without loading: after a rollback the row is expired, and an error page must not query to render.
    locale = instance_state(account.resumed.user).dict.get("locale")
    return locale if locale in LOCALES else None


def _cookie_locale(request: Request[Any, Any, Any]) -> str | None:
    value = request.cookies.get(COOKIE)
    return value if value in LOCALES else None


def remember(request: Request[Any, Any, Any], locale: str) -> None:
    """This request's pages are now in ``locale`` (the switch changed it mid-request)."""
    request.scope[STATE_KEY] = locale  # type: ignore[literal-required]


@pass_context
def _gettext(context: Mapping[str, Any], text: str, **values: Any) -> str:
    return translate(text, locale_of(context["request"]), **values)


@pass_context
def _page_locale(context: Mapping[str, Any]) -> str:
    return locale_of(context["request"])


@pass_context
def _amount(context: Mapping[str, Any], value: Any, currency: str = "EUR") -> str:
    return format_amount(value, currency, locale_of(context["request"]))


@pass_context
def _date(context: Mapping[str, Any], value: Any) -> str:
    return format_date(value, locale_of(context["request"]))


@pass_context
def _datetime(context: Mapping[str, Any], value: Any) -> str:
    return format_datetime(value, locale_of(context["request"]))


def register_template_globals(engine: JinjaTemplateEngine) -> None:
    """``_``, ``page_locale``, ``amount``, ``day`` and ``moment`` for every template."""
    engine.engine.globals.update(
        {"_": _gettext, "page_locale": _page_locale, "amount": _amount, "day": _date, "moment": _datetime}
    )
