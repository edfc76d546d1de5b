"""The portal's failures as pages: sign-in redirects, and error pages in the visitor's language.

Every failure on a portal route — the service's errors, the CSRF middleware's refusal, an unexpected error — is
first turned into the problem the API would answer (so it is logged the same way), then:

- a dead session (401 ``portal_session_invalid``, ``portal_user_inactive``) sends the browser to the sign-in
  page, which brings it back afterwards (``?suite=``, a path of this portal only: :mod:`pdp.web.portal.redirects`);
- a session that still owes its TOTP code (401 ``second_factor_required``) sends it to the code page;
- anything else is a page whose words are chosen by its ``code`` (and the link's ``reason``), or by its status,
  written in French and translated by ``i18n/errors.py``.

An htmx request gets ``HX-Redirect`` instead of a 303, which its XMLHttpRequest would follow and swap in.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.response import Template

from pdp.platform.errors import AppError
from pdp.web.errors import problem_for
from pdp.web.portal import redirects
from pdp.web.portal.auth import clear_session_cookie
from pdp.web.portal.i18n import locale_of

_ASK_AGAIN = "Demandez un nouveau lien à la plateforme qui vous a envoyé celui-ci."
_ASK_TENANT = "Demandez à la plateforme qui souhaite ce mandat de vous renvoyer une invitation."

# (code, reason) → (title, text), in French (the message ids of i18n/errors.py); reason None matches any.
BY_CODE: dict[tuple[str, str | None], tuple[str, str]] = {
    ("invitation_unknown", None): (
        "Lien inconnu",
        f"Ce lien d'invitation ne correspond à aucun mandat : vérifiez qu'il a été copié en entier. {_ASK_TENANT}",
    ),
    ("invitation_gone", "expired"): (
        "Invitation expirée",
        f"Le délai pour accepter ce mandat est dépassé. {_ASK_TENANT}",
    ),
    ("invitation_gone", None): (
        "Lien déjà utilisé",
        "Ce mandat a déjà été accepté ou refusé : ce lien ne peut plus servir.",
    ),
    ("mandate_not_pending", None): (
        "Mandat clos",
        "Ce mandat n'attend plus de réponse : il a été accepté, retiré par la plateforme, ou il est arrivé à échéance.",
    ),
    ("acceptance_link_retired", None): (
        "Lien retiré",
        "Les mandats ne s'acceptent plus par ce lien : pdp envoie au fournisseur une invitation par e-mail. "
        "Suivez-la, ou demandez à la plateforme de vous la renvoyer.",
    ),
    ("identity_channel_unavailable", None): (
        "Moyen indisponible",
        "Ce moyen de prouver votre identité n'est pas proposé ici. Revenez à l'invitation et choisissez-en un autre.",
    ),
    ("proconnect_state_invalid", None): (
        "Connexion ProConnect expirée",
        "Cette connexion ProConnect n'a pas été commencée dans ce navigateur, ou il y a trop longtemps. "
        "Recommencez depuis la page d'où vous veniez.",
    ),
    ("proconnect_refused", None): (
        "Connexion ProConnect refusée",
        "ProConnect n'a pas confirmé votre identité. Recommencez, ou choisissez un autre moyen.",
    ),
    ("proconnect_unavailable", None): (
        "ProConnect indisponible",
        "ProConnect ne répond pas pour le moment. Réessayez dans quelques instants, ou choisissez un autre moyen.",
    ),
    ("link_unknown", None): (
        "Lien inconnu",
        "Ce lien ne correspond à rien : vérifiez qu'il a été copié en entier, ou demandez-en un nouveau.",
    ),
    ("link_gone", "expired"): (
        "Lien expiré",
        "Ce lien a dépassé sa durée de validité. Demandez-en un nouveau depuis la page de connexion.",
    ),
    ("link_gone", None): (
        "Lien déjà utilisé",
        "Ce lien ne fonctionne qu'une fois. Demandez-en un nouveau depuis la page de connexion.",
    ),
    ("portal_unknown", None): ("Portail introuvable", "Cette adresse ne correspond à aucun portail."),
    ("tenant_suspended", None): (
        "Plateforme suspendue",
        "pdp a suspendu cette plateforme : son espace fournisseur est fermé le temps de la suspension. Vos factures "
        "déjà transmises à Chorus Pro restent suivies par Chorus Pro ; pour la suite, contactez la plateforme.",
    ),
    ("portal_role_required", None): (
        "Accès refusé",
        "Votre rôle auprès de ce fournisseur ne permet pas cette action. Un administrateur du fournisseur peut "
        "vous donner ce droit.",
    ),
    ("rate_limited", None): (
        "Trop de demandes",
        "Vous avez fait trop de demandes en peu de temps. Patientez une minute, puis réessayez.",
    ),
}
BY_STATUS: dict[int, tuple[str, str]] = {
    400: ("Requête invalide", "Le formulaire envoyé est illisible. Rechargez la page, puis recommencez."),
    # On the portal the other refusals are the role's (by code, above): a bare 403 is the CSRF check of a form.
    403: (
        "Formulaire expiré",
        "Le jeton de sécurité du formulaire manque ou n'est plus valable (cookies bloqués, ou page ouverte depuis "
        "trop longtemps). Rechargez la page, puis validez à nouveau : rien n'a été enregistré.",
    ),
    404: ("Page introuvable", "Cette adresse ne correspond à aucune page."),
    405: ("Action impossible", "Cette page ne permet pas cette action."),
    413: ("Envoi trop volumineux", "Le formulaire envoyé est trop volumineux."),
    429: BY_CODE[("rate_limited", None)],
    503: ("Service momentanément indisponible", "Réessayez dans quelques instants : rien n'a été enregistré."),
}
UNEXPECTED = ("Erreur interne", "Une erreur est survenue de notre côté ; réessayez plus tard.")

SIGN_IN_AGAIN = frozenset({"portal_session_invalid", "portal_user_inactive"})
SECOND_FACTOR = "second_factor_required"


def error_page(
    status: int, code: str, *, reason: str | None = None, reference: str | None = None, locale: str = "fr"
) -> Template:
    title, text = BY_CODE.get((code, reason)) or BY_CODE.get((code, None)) or BY_STATUS.get(status, UNEXPECTED)
    return Template(
        "portal/error.html.jinja2",
        context={"title": title, "detail": text, "code": code, "reference": reference, "locale": locale},
        status_code=status,
    )


def portal_error_page(request: Request[Any, Any, Any], exc: Exception) -> Template:
    """The error page of ``exc`` (the handler of the routes outside ``/portal/{tenant_id}``: the retired acceptance
    links and ProConnect's return)."""
    problem: dict[str, Any] = problem_for(request, exc).content
    reason = exc.extra.get("reason") if isinstance(exc, AppError) else None
    page = error_page(
        problem["status"], problem["code"], reason=reason, reference=problem.get("reference"), locale=locale_of(request)
    )
    if isinstance(exc, AppError) and exc.headers:
        page.headers.update(exc.headers)  # Retry-After of a rate limit
    if isinstance(exc, AppError) and exc.extra.get("why"):  # a suspension's reason, as pdp's staff wrote it
        page.context["detail"] = f"{page.context['detail']} Motif : {exc.extra['why']}"
    return page


def portal_exception_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Exception handler of the ``/portal/{tenant_id}`` routers (their middleware's failures included)."""
    tenant_id = str(request.scope.get("path_params", {}).get("tenant_id", ""))
    code = exc.code if isinstance(exc, AppError) else None
    if tenant_id and code in SIGN_IN_AGAIN:
        response = redirects.go(request, redirects.sign_in_url(tenant_id, redirects.here(request)))
        clear_session_cookie(response, tenant_id)  # it names a session that is over
        return response
    if tenant_id and code == SECOND_FACTOR:
        return redirects.go(request, redirects.second_factor_url(tenant_id, redirects.here(request)))
    return portal_error_page(request, exc)


def html_under_portal(handlers: dict[Any, Any]) -> dict[Any, Any]:
    """The app's exception handlers, answering a page instead of a problem under ``/portal/``: a path no portal
    route serves (404), or a method it does not take (405), fails before any portal router is chosen, so only
    the app's handlers see it — and a person who mistyped an address should read a page, not JSON."""

    def for_people(handler: Any) -> Any:
        def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
            if request.url.path.startswith("/portal/"):
                return portal_error_page(request, exc)
            response: Response[Any] = handler(request, exc)
            return response

        return handle

    return {kind: for_people(handler) for kind, handler in handlers.items()}
