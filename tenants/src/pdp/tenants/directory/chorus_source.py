"""Reads one recipient from Chorus Pro's Structures API: rechercher → consulter → rechercher/services →
consulter/service (the nominal sequence of the official Swagger, docs/chorus-pro-api.md §3.3)."""

from __future__ import annotations

import asyncio

from pdp.connectors.chorus_pro.schemas.structures import Adresse, ParametresStructure, ServiceResume
from pdp.tenants.chorus_gateway import ChorusGateway
from pdp.tenants.directory.schemas import RecipientSnapshot, ServiceSnapshot

# consulter/service is one call per service: a ministry has hundreds, so fan out, but politely.
SERVICE_CALLS_AT_ONCE = 4
ACTIVE = "ACTIVE"


class ChorusDirectorySource:
    def __init__(self, gateway: ChorusGateway) -> None:
        self._client = gateway.client
        self._account = gateway.platform_account

    async def fetch(self, siret: str) -> RecipientSnapshot | None:
        """The structure with this SIRET and its services, or ``None`` when Chorus does not know it."""
        found = await self._client.find_structure(self._account, siret)
        if found is None or found.id_structure_cpp is None:
            return None
        structure_id = found.id_structure_cpp
        detail = await self._client.get_structure(self._account, structure_id)
        flags = detail.parametres or ParametresStructure()
        services = [one async for one in self._client.iter_services(self._account, structure_id)]
        gate = asyncio.Semaphore(SERVICE_CALLS_AT_ONCE)
        snapshots = await asyncio.gather(*(self._service(structure_id, one, gate) for one in services))
        general = detail.information_generales
        address = detail.adresse_postale_du_siege or Adresse()
        name = (general and (general.raison_sociale_structure or general.libelle_structure)) or (
            found.designation_structure or ""
        )
        return RecipientSnapshot(
            siret=siret,
            name=name,
            active=found.statut == ACTIVE,
            service_code_required=flags.code_service_doit_etre_renseigne,
            engagement_required=flags.numero_ej_doit_etre_renseigne,
            engagement_or_service_required=flags.gestion_numero_ej_ou_code_service,
            payment_status_hidden=flags.statut_mise_en_paiement_nest_pas_remonte,
            chorus_id=structure_id,
            address_line=address.adresse,
            postal_code=address.code_postal,
            city=address.ville,
            country_code=_country(address.pays),
            services=tuple(one for one in snapshots if one is not None),
        )

    async def _service(
        self, structure_id: int, service: ServiceResume, gate: asyncio.Semaphore
    ) -> ServiceSnapshot | None:
        if not service.code_service:
            return None
        engagement_required = False
        # Only an active service can receive invoices, so only its EJ flag matters (and saves calls).
        if service.est_actif and service.id_service is not None:
            async with gate:
                detail = await self._client.get_service(self._account, structure_id, service.id_service)
            engagement_required = bool(detail.parametres and detail.parametres.numero_engagement)
        return ServiceSnapshot(
            code=service.code_service,
            name=service.libelle_service or "",
            active=bool(service.est_actif),
            engagement_required=engagement_required,
            chorus_id=service.id_service,
        )


def _country(value: str | None) -> str | None:
    """An ISO 3166 alpha-2 code, or None: Chorus may spell a country out ("FRANCE") where BT-55 wants "FR"."""
    if not value:
        return None
    code = value.strip().upper()
    return code if len(code) == 2 and code.isalpha() else ("FR" if code == "FRANCE" else None)
