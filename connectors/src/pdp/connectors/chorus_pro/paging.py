"""Walking Chorus Pro's paged answers (docs/chorus-pro-api.md §2, §3.1): searches and the status history.

A search that finds nothing is answered with ``codeRetour`` 20000 (or 20007), with HTTP 200 or 400 depending
on the call: either way it is an empty result here. The status history pages with keys of its own
(``paramRechercheHistoStatuts`` in, ``pagesHistoStatut`` out, GO ``PaginationHistoStatutsOptions``); its pages
are merged into one answer, newest first, as a single page would have been.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import TypeVar

import msgspec

from pdp.connectors.chorus_pro.errors import ChorusRejected
from pdp.connectors.chorus_pro.schemas import factures as f
from pdp.connectors.chorus_pro.schemas.common import Paged

P = TypeVar("P", bound=Paged)
T = TypeVar("T")


async def every_page(fetch: Callable[[int], Awaitable[P]], items: Callable[[P], Sequence[T]]) -> AsyncIterator[T]:
    """The items of page 1, 2… of a search until its last page; none when Chorus finds nothing."""
    page = 1
    while True:
        try:
            answer = await fetch(page)
        except ChorusRejected as exc:
            if exc.no_result:
                return
            raise
        listed = items(answer)
        for item in listed:
            yield item
        if page >= answer.pages or not listed:
            return
        page += 1


async def whole_history(
    fetch: Callable[[int], Awaitable[f.ConsulterHistoriqueResponse]],
) -> f.ConsulterHistoriqueResponse:
    """Page 1 of ``consulter/historique`` with the statuses of every later page added, newest first.

    A status reached between two page requests shifts the older ones down a page, so an entry may come twice:
    it is kept once (by ``histoStatutId``). A page that brings nothing new ends the walk, so a service that
    ignored the page asked for cannot loop."""
    first = await fetch(1)
    merged = list(first.statuses)
    seen = {_key(entry) for entry in merged}
    pages = first.historiques_des_statuts.pages_histo_statut if first.historiques_des_statuts else None
    for page in range(2, (pages or 1) + 1):
        fresh = [entry for entry in (await fetch(page)).statuses if _key(entry) not in seen]
        if not fresh:
            break
        merged += fresh
        seen.update(_key(entry) for entry in fresh)
    whole = f.HistoriquesDesStatuts(
        histo_statut=merged,
        nb_resultats_par_page_histo_statut=len(merged),
        page_courante_histo_statut=1,
        pages_histo_statut=1,
        total_histo_statut=len(merged),
    )
    return msgspec.structs.replace(first, historiques_des_statuts=whole)


def _key(entry: f.HistoStatut) -> object:
    if entry.histo_statut_id is not None:
        return entry.histo_statut_id
    return (entry.histo_statut_code, entry.histo_statut_date_passage, entry.histo_statut_commentaire)
