"""The archive as a supplier reads it on the portal: the documents of its providers, by period and kind, each one
downloadable byte-identical, and a period's documents as one zip with its manifest. Callers own the transaction.

What a caller reads is its session's scope (the repositories and row-level security); the providers given here
only narrow it further (the one the user chose to look at). A period is a range of days in Paris time — the
days of the suppliers and of Chorus Pro — on the date each document was archived.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.db.repository import Page
from pdp.platform.errors import ValidationFailed
from pdp.tenants.accounts.shell import ProviderNames
from pdp.tenants.archive.export import ExportPlan, plan
from pdp.tenants.archive.models import KINDS, ArchivedDocument
from pdp.tenants.archive.repository import DocumentRepository
from pdp.tenants.common import finding

PARIS = ZoneInfo("Europe/Paris")
PAGE_SIZE = 50
# One export covers at most a year: the stream holds one document at a time, but a request that runs for hours
# would hold a worker of the web server as long; a longer history is a few exports.
EXPORT_MAX_DAYS = 366


@dataclass(frozen=True, slots=True)
class ArchiveFilter:
    first_day: date | None = None
    last_day: date | None = None  # included
    kind: str | None = None

    @property
    def kinds(self) -> tuple[str, ...]:
        return (self.kind,) if self.kind else ()

    @property
    def archived_from(self) -> datetime | None:
        return datetime.combine(self.first_day, time(), PARIS) if self.first_day else None

    @property
    def archived_before(self) -> datetime | None:
        return datetime.combine(self.last_day + timedelta(days=1), time(), PARIS) if self.last_day else None

    @property
    def days(self) -> int | None:
        if self.first_day is None or self.last_day is None:
            return None
        return (self.last_day - self.first_day).days + 1


def _day(value: str | None, path: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            "A day is written YYYY-MM-DD.",
            code="period_invalid",
            errors=[finding("PDP-PERIOD", "Write the day as YYYY-MM-DD.", "Date invalide (AAAA-MM-JJ).", path)],
        ) from None


def archive_filter(first_day: str | None, last_day: str | None, kind: str | None) -> ArchiveFilter:
    """The filter of the page's form (every field optional), or 422 ``period_invalid`` / ``kind_unknown``."""
    chosen = ArchiveFilter(_day(first_day, "$.du"), _day(last_day, "$.au"), kind or None)
    if chosen.kind is not None and chosen.kind not in KINDS:
        raise ValidationFailed(f"Unknown document kind {chosen.kind!r}.", code="kind_unknown")
    if chosen.first_day and chosen.last_day and chosen.last_day < chosen.first_day:
        backwards = "The period ends before it starts."
        raise ValidationFailed(
            backwards,
            code="period_invalid",
            errors=[finding("PDP-PERIOD", backwards, "La période finit avant de commencer.", "$.au")],
        )
    return chosen


async def browse(
    session: AsyncSession, providers: Collection[str], chosen: ArchiveFilter, *, starting_after: str | None = None
) -> Page[ArchivedDocument]:
    """A page of the providers' documents, newest first."""
    return await DocumentRepository(session).search(
        providers,
        kinds=chosen.kinds,
        archived_from=chosen.archived_from,
        archived_before=chosen.archived_before,
        limit=PAGE_SIZE,
        starting_after=starting_after,
    )


async def document(session: AsyncSession, document_id: str) -> ArchivedDocument:
    """One document the session's caller may read (404 otherwise: another provider's is not found)."""
    return await DocumentRepository(session).get(document_id)


async def plan_period_export(session: AsyncSession, providers: Collection[str], chosen: ArchiveFilter) -> ExportPlan:
    """The list of a period's documents for :func:`pdp.tenants.archive.export.zip_chunks`: both days given, at
    most ``EXPORT_MAX_DAYS`` apart (422 ``period_invalid``)."""
    days = chosen.days
    if days is None or days > EXPORT_MAX_DAYS:
        raise ValidationFailed(
            f"An export covers a period of at most {EXPORT_MAX_DAYS} days, with its first and last day.",
            code="period_invalid",
            errors=[
                finding(
                    "PDP-PERIOD",
                    f"Choose a period of at most {EXPORT_MAX_DAYS} days.",
                    f"Choisissez une période d'au plus {EXPORT_MAX_DAYS} jours, avec sa date de début et de fin.",
                    "$.du",
                )
            ],
        )
    assert chosen.archived_from is not None and chosen.archived_before is not None
    shown = [p for p in await ProviderNames(session).in_scope() if p.id in providers]
    head = {
        "tenant_id": DocumentRepository(session).tenant_id,
        "providers": [{"id": p.id, "siret": p.siret, "name": p.name} for p in shown],
        "period": {"first_day": chosen.first_day, "last_day": chosen.last_day, "time_zone": "Europe/Paris"},
        "kind": chosen.kind,
    }
    found = await DocumentRepository(session).in_period(
        [p.id for p in shown],
        kinds=chosen.kinds,
        archived_from=chosen.archived_from,
        archived_before=chosen.archived_before,
    )
    return plan(head, found)
