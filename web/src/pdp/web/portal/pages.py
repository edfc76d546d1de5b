"""The portal's error pages: HTML, in French like the pages they replace, with the status of the failure.

Every failure on a portal route — the service's errors, the CSRF middleware's refusal, an unexpected error — is
first turned into the problem the API would answer (so it is logged the same way), then shown as a page whose
words are chosen by its ``code`` (and the link's ``reason``), or by its status.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Template

from pdp.platform.errors import AppError
from pdp.web.errors import problem_for

_ASK_AGAIN = "Demandez un nouveau lien à la plateforme qui vous a envoyé celui-ci."

# (code, reason) → (title, text); reason None matches any.
_BY_CODE: dict[tuple[str, str | None], tuple[str, str]] = {
    ("acceptance_link_unknown", None): (
        "Lien inconnu",
        f"Ce lien d'acceptation ne correspond à aucun mandat : vérifiez qu'il a été copié en entier. {_ASK_AGAIN}",
    ),
    ("acceptance_link_gone", "expired"): (
        "Lien expiré",
        f"Ce lien d'acceptation a dépassé sa durée de validité de 14 jours. {_ASK_AGAIN}",
    ),
    ("acceptance_link_gone", None): (
        "Lien déjà utilisé",
        "Ce mandat a déjà été accepté, révoqué, ou il est arrivé à échéance : ce lien ne peut plus servir.",
    ),
}
_BY_STATUS: dict[int, tuple[str, str]] = {
    400: ("Requête invalide", "Le formulaire envoyé est illisible. Rechargez la page, puis recommencez."),
    # On the portal the only refusal is the CSRF check of the form.
    403: (
        "Formulaire expiré",
        "Le jeton de sécurité du formulaire manque ou n'est plus valable (cookies bloqués, ou page ouverte depuis "
        "trop longtemps). Rechargez la page du mandat, puis validez à nouveau : rien n'a été enregistré.",
    ),
    404: ("Page introuvable", "Cette adresse ne correspond à aucune page."),
    405: ("Action impossible", "Cette page ne permet pas cette action."),
    413: ("Envoi trop volumineux", "Le formulaire envoyé est trop volumineux."),
    503: ("Service momentanément indisponible", "Réessayez dans quelques instants : rien n'a été enregistré."),
}
_UNEXPECTED = ("Erreur interne", "Une erreur est survenue de notre côté ; réessayez plus tard.")


def error_page(status: int, code: str, *, reason: str | None = None, reference: str | None = None) -> Template:
    title, text = _BY_CODE.get((code, reason)) or _BY_CODE.get((code, None)) or _BY_STATUS.get(status, _UNEXPECTED)
    return Template(
        "portal/error.html.jinja2",
        context={"title": title, "detail": text, "code": code, "reference": reference},
        status_code=status,
    )


def portal_error_page(request: Request[Any, Any, Any], exc: Exception) -> Template:
    """Exception handler of the portal's routes (the CSRF middleware's too: Litestar resolves it per route)."""
    problem: dict[str, Any] = problem_for(request, exc).content
    reason = exc.extra.get("reason") if isinstance(exc, AppError) else None
    return error_page(problem["status"], problem["code"], reason=reason, reference=problem.get("reference"))
