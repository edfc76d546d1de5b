"""Conventions shared by every Chorus Pro call (docs/chorus-pro-api.md §2)."""

from __future__ import annotations

import msgspec

SUCCESS = 0
CODE_LANGUES = ("FR", "EN")
TRI_SENS = ("Ascendant", "Descendant")


class Request(msgspec.Struct, rename="camel", omit_defaults=True, kw_only=True):
    """A request body: unset optional fields are left out, as the reference clients do."""


class Response(msgspec.Struct, rename="camel", kw_only=True):
    """Every answer carries ``codeRetour`` (0 = OK) and ``libelle``, whatever the HTTP status."""

    code_retour: int = SUCCESS
    libelle: str | None = None


class Pagination(Request):
    """The paging object; its key differs per operation (``rechercheFactureParFournisseur``, ``parametres``…)."""

    nb_resultats_par_page: int = 10
    page_resultat_demandee: int = 1
    tri_colonne: str | None = None
    tri_sens: str | None = None


class ParametresRetour(msgspec.Struct, rename="camel", kw_only=True):
    nb_resultats_par_page: int | None = None
    page_courante: int | None = None
    pages: int | None = None
    total: int | None = None


class Paged(Response):
    parametres_retour: ParametresRetour | None = None

    @property
    def pages(self) -> int:
        return (self.parametres_retour.pages or 1) if self.parametres_retour else 1


class HealthCheck(msgspec.Struct, rename="camel", kw_only=True):
    """``GET /cpro/transverses/v1/health-check`` answers a Spring ``ResponseEntity``, not a codeRetour."""

    status_code_value: int | None = None
    status_code: str | None = None
    body: str | None = None


class Empty(Request):
    """Calls without parameters send ``{}``."""
