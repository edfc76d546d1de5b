"""The emulator's directory: PISTE applications, suppliers with technical accounts, public recipients.

Seeded from a JSON file shaped like :class:`Seed` (the package's ``seed.json`` mirrors the qualification
"matelas de données": a recipient per combination of ``codeServiceDoitEtreRenseigne``,
``numeroEJDoitEtreRenseigne`` and ``gestionNumeroEJOuCodeService``, an inactive one, scenario recipients, and
suppliers with ``TECH_1_<SIRET>@cpro.fr`` accounts and IBANs). More can be merged at run time.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Literal

import msgspec
from stdnum.fr import siret as siret_number

from pdp.connectors.chorus_pro.dates import PARIS

Scenario = Literal["normal", "suspend", "recycle", "reject", "slow_payment"]
SCENARIOS: tuple[Scenario, ...] = ("normal", "suspend", "recycle", "reject", "slow_payment")

# Magnitudes of real qualification ids (docs/chorus-pro-api.md §8), so logs look familiar.
FIRST_STRUCTURE_ID = 26_300_001
FIRST_SERVICE_ID = 10_657_001
FIRST_BANK_ACCOUNT_ID = 41_001


class _SeedItem(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Seed entries refuse unknown keys: a typo in a demo's seed must fail loudly, not seed a wrong recipient."""


class SeedService(_SeedItem):
    code: str
    name: str | None = None
    active: bool = True
    engagement_required: bool = False  # consulter/service ``parametres.numeroEngagement``


class SeedEngagement(_SeedItem):
    number: str
    state: str = "COMMANDE"


class SeedRecipient(_SeedItem):
    siret: str
    name: str
    active: bool = True
    service_code_required: bool = False  # codeServiceDoitEtreRenseigne
    engagement_required: bool = False  # numeroEJDoitEtreRenseigne
    engagement_or_service_required: bool = False  # gestionNumeroEJOuCodeService
    payment_status_not_reported: bool = False  # statutMiseEnPaiementNestPasRemonte
    scenario: Scenario = "normal"
    services: list[SeedService] = msgspec.field(default_factory=list)
    engagements: list[SeedEngagement] = msgspec.field(default_factory=list)


class SeedAccount(_SeedItem):
    login: str
    password: str
    # When the password expires (virtual clock; a time without offset is Paris time). None: it does not, so a
    # sped-up demo never loses its accounts; a test sets one here or through POST /_sandbox/accounts/{login}/password.
    password_expires: datetime | None = None


class SeedIban(_SeedItem):
    iban: str
    label: str = "IBAN SANDBOX"


class SeedSupplier(_SeedItem):
    siret: str
    name: str
    # A platform depositing for the suppliers it serves. Chorus lets an API depositor submit invoices for other
    # structures without specific authorisation (communaute.chorus-pro.gouv.fr "monitoring flows"); the
    # platform, not Chorus, enforces the mandates. Other accounts may deposit for their own structure only.
    deposits_for_others: bool = False
    technical_accounts: list[SeedAccount] = msgspec.field(default_factory=list)
    ibans: list[SeedIban] = msgspec.field(default_factory=list)
    services: list[SeedService] = msgspec.field(default_factory=list)


class SeedApplication(_SeedItem):
    client_id: str
    client_secret: str
    name: str = "APP_SANDBOX"
    # The PISTE APIs the application is subscribed to, with their terms of use accepted (``factures``,
    # ``structures``, ``utilisateurs``, ``transverses``, ``engagementsJuridiques``); None: all of them.
    apis: list[str] | None = None


class Seed(_SeedItem):
    applications: list[SeedApplication] = msgspec.field(default_factory=list)
    suppliers: list[SeedSupplier] = msgspec.field(default_factory=list)
    recipients: list[SeedRecipient] = msgspec.field(default_factory=list)


def load_seed(source: bytes | str | Path | None = None) -> Seed:
    """The seed in ``source`` (JSON bytes or a file path), or the packaged default seed when ``None``."""
    if source is None:
        raw = resources.files(__package__).joinpath("seed.json").read_bytes()
    elif isinstance(source, bytes):
        raw = source
    else:
        raw = Path(source).read_bytes()
    seed = msgspec.json.decode(raw, type=Seed)
    for siret in [*(s.siret for s in seed.suppliers), *(r.siret for r in seed.recipients)]:
        if not siret_number.is_valid(siret):
            raise ValueError(f"seed: {siret!r} is not a valid SIRET (14 digits, Luhn)")
    return seed


@dataclass(slots=True)
class Service:
    id: int
    code: str
    name: str
    active: bool
    engagement_required: bool


@dataclass(slots=True)
class BankAccount:
    id: int
    iban: str
    label: str


@dataclass(slots=True)
class Structure:
    """A Chorus structure: a public recipient (``PUBLIQUE``) or a supplier (``PRIVEE``)."""

    id: int
    siret: str
    name: str
    public: bool
    active: bool = True
    service_code_required: bool = False
    engagement_required: bool = False
    engagement_or_service_required: bool = False
    payment_status_not_reported: bool = False
    scenario: Scenario = "normal"
    services: list[Service] = field(default_factory=list)
    engagements: list[SeedEngagement] = field(default_factory=list)
    bank_accounts: list[BankAccount] = field(default_factory=list)
    deposits_for_others: bool = False

    def service(self, code: str) -> Service | None:
        return next((one for one in self.services if one.code == code), None)


@dataclass(frozen=True, slots=True)
class Account:
    login: str
    password: str
    structure_id: int


class Directory:
    """Every structure, account and PISTE application the emulator knows; ids are stable per SIRET."""

    def __init__(self) -> None:
        self.structures: dict[int, Structure] = {}
        self.by_siret: dict[str, Structure] = {}
        self.accounts: dict[str, Account] = {}
        self.applications: dict[str, SeedApplication] = {}
        self.password_expiry: dict[str, datetime] = {}  # login → when its password expires, if it does
        self._structure_ids = itertools.count(FIRST_STRUCTURE_ID)
        self._service_ids = itertools.count(FIRST_SERVICE_ID)
        self._bank_ids = itertools.count(FIRST_BANK_ACCOUNT_ID)

    @classmethod
    def from_seed(cls, seed: Seed) -> Directory:
        directory = cls()
        directory.merge(seed)
        return directory

    def merge(self, seed: Seed) -> None:
        """Add the seed's entries; an entry whose SIRET (or client id) is known replaces the old one, same id."""
        for app in seed.applications:
            self.applications[app.client_id] = app
        for supplier in seed.suppliers:
            structure = self._put(supplier.siret, supplier.name, public=False, services=supplier.services)
            structure.bank_accounts = [BankAccount(next(self._bank_ids), b.iban, b.label) for b in supplier.ibans]
            structure.deposits_for_others = supplier.deposits_for_others
            for account in supplier.technical_accounts:
                self.accounts[account.login] = Account(account.login, account.password, structure.id)
                self.set_password_expiry(account.login, account.password_expires)
        for recipient in seed.recipients:
            structure = self._put(recipient.siret, recipient.name, public=True, services=recipient.services)
            structure.active = recipient.active
            structure.service_code_required = recipient.service_code_required
            structure.engagement_required = recipient.engagement_required
            structure.engagement_or_service_required = recipient.engagement_or_service_required
            structure.payment_status_not_reported = recipient.payment_status_not_reported
            structure.scenario = recipient.scenario
            structure.engagements = list(recipient.engagements)

    def _put(self, siret: str, name: str, *, public: bool, services: list[SeedService]) -> Structure:
        known = self.by_siret.get(siret)
        structure = Structure(
            id=known.id if known else next(self._structure_ids), siret=siret, name=name, public=public
        )
        structure.services = [
            Service(next(self._service_ids), s.code, s.name or s.code, s.active, s.engagement_required)
            for s in services
        ]
        self.structures[structure.id] = structure
        self.by_siret[siret] = structure
        return structure

    def set_password_expiry(self, login: str, expires: datetime | None) -> None:
        if expires is None:
            self.password_expiry.pop(login, None)
        else:
            self.password_expiry[login] = expires if expires.tzinfo else expires.replace(tzinfo=PARIS)

    def account(self, login: str, password: str) -> Account | None:
        """The technical account for these credentials, or ``None`` (Chorus says which half was wrong to no one)."""
        account = self.accounts.get(login)
        return account if account is not None and account.password == password else None

    def supplier_of(self, account: Account) -> Structure:
        return self.structures[account.structure_id]
