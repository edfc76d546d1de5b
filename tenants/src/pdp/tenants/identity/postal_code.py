"""A code sent by post to the address SIRENE registers for the SIRET: typed back into the portal, it proves that
whoever types it receives that establishment's mail.

The person asks for a letter; pdp reads the registered address (a closed, unknown or unpublished establishment is
refused, saying why), draws a code, keeps only its keyed digest (HMAC under a key derived from
``PDP_MASTER_KEYS``: a copy of the database cannot test guesses offline) in a ``pending`` proof that expires after
``PDP_POSTAL_CODE_DAYS``, and stages the letter, which a job renders and sends. The code travels to that job
encrypted (envelope, bound to the proof): it is in clear only on the letter. Five wrong codes lock the proof; a
provider gets at most three letters per period, so guessing stays out of reach (32^8 codes, 15 tries).
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.connectors.letters.document import Letter
from pdp.connectors.letters.senders import open_letter_sender
from pdp.connectors.sirene.client import SireneClient, shared_throttle
from pdp.platform import clock, ids, outbox
from pdp.platform.audit import AuditRepository
from pdp.platform.errors import Conflict, ValidationFailed
from pdp.platform.security.derived_keys import DerivedKeys
from pdp.platform.security.envelope import Envelope
from pdp.platform.settings import Settings
from pdp.tenants.accounts.repository import TenantsRepository
from pdp.tenants.common import finding
from pdp.tenants.identity.models import IdentityProof
from pdp.tenants.identity.proofs import audit_verified, signatory
from pdp.tenants.identity.repository import IdentityProofRepository
from pdp.tenants.providers.models import Provider
from pdp.tenants.providers.repository import ProviderRepository

__all__ = ["SireneClient", "check_code", "open_sirene", "request_letter", "send_letter"]

SEND_LETTER_JOB = "identity.send_letter"
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0 or 1: a code read on paper is typed back right
CODE_LENGTH = 8
MAX_ATTEMPTS = 5
MAX_LETTERS = 3  # per provider and per PDP_POSTAL_CODE_DAYS
KEY_LABEL = "pdp/postal-code/v1"


def code_keys(settings: Settings) -> DerivedKeys:
    return DerivedKeys(settings.master_keys, KEY_LABEL)


def code_context(proof: IdentityProof) -> str:
    """Associated data of the code's ciphertext on its way to the letter job: it opens for this proof only."""
    return f"postal-code:{proof.tenant_id}:{proof.id}"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def printed(code: str) -> str:
    """The code as the letter shows it: two groups of four."""
    return f"{code[:4]}-{code[4:]}"


def normalized(typed: str) -> str:
    """What a person types, as the code is stored: capitals, without spaces or dashes."""
    return "".join(char for char in typed.upper() if char.isalnum())


def _digest(keys: DerivedKeys, proof_id: str, code: str) -> str:
    return keys.mac(f"{proof_id}:{code}")


def _refusal(code: str, message: str, message_fr: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, errors=[finding("PDP-POSTAL-ADDRESS", message, message_fr, "siret")])


@asynccontextmanager
async def open_sirene(settings: Settings, redis: Any) -> AsyncIterator[SireneClient]:
    """The process's SIRENE client, throttled with every other process behind the same address (Redis)."""
    async with httpx.AsyncClient(follow_redirects=False) as http:
        yield SireneClient(http, base_url=settings.sirene_api_url, throttle=shared_throttle(redis))


async def request_letter(
    session: AsyncSession,
    sirene: SireneClient,
    envelope: Envelope,
    settings: Settings,
    provider: Provider,
    *,
    mandate_id: str,
    ip: str | None,
) -> IdentityProof:
    """The letter for this mandate: the one already on its way if its code can still be entered, else a new one,
    addressed as SIRENE registers the provider's SIRET and sent by a job after the commit."""
    proofs = IdentityProofRepository(session)
    now = clock.now()
    already = await proofs.open_letter(mandate_id, now)
    if already is not None:
        return already
    days = settings.postal_code_days
    if await proofs.letters_since(provider.id, now - timedelta(days=days)) >= MAX_LETTERS:
        raise Conflict(
            f"{MAX_LETTERS} letters were sent for this provider in the last {days} days; use another way to prove "
            "your identity, or wait.",
            code="identity_letters_exceeded",
        )
    establishment = await sirene.registered_establishment(provider.siret)
    if establishment is None:
        raise _refusal(
            "identity_siret_unknown",
            f"SIRENE does not know SIRET {provider.siret}: no letter can be sent to it.",
            f"Le SIRET {provider.siret} est inconnu du répertoire SIRENE : aucun courrier ne peut lui être envoyé.",
        )
    if not establishment.active:
        raise _refusal(
            "identity_siret_closed",
            f"SIRENE records establishment {provider.siret} as closed: no letter can be sent to it.",
            f"L'établissement {provider.siret} est fermé selon le répertoire SIRENE : aucun courrier ne peut lui "
            "être envoyé.",
        )
    if not establishment.mailable:
        raise _refusal(
            "identity_address_unusable",
            f"SIRENE does not publish a French postal address for {provider.siret}.",
            f"Le répertoire SIRENE ne publie pas d'adresse postale en France pour {provider.siret}.",
        )
    proof_id, code = ids.new_id("identity_proof"), new_code()
    reference = f"PDP-{proof_id[-10:]}"
    proof = await proofs.add(
        IdentityProof(
            id=proof_id,
            provider_id=provider.id,
            siret=provider.siret,
            channel="postal_code",
            status="pending",
            attempts=0,
            mandate_id=mandate_id,
            subject=reference,
            letter_reference=reference,
            code_sha256=_digest(code_keys(settings), proof_id, code),
            claims={
                "addressee": establishment.name,
                "address_lines": establishment.address_lines,
                "postcode": establishment.postcode,
                "city": establishment.city,
            },
            expires_at=now + timedelta(days=days),
            ip=ip,
        )
    )
    outbox.add(session, SEND_LETTER_JOB, proof_id=proof.id, code=envelope.encrypt(code, context=code_context(proof)))
    await AuditRepository(session).append(
        signatory(provider.id),
        "identity.letter_requested",
        "identity_proof",
        proof.id,
        {"siret": provider.siret, "reference": reference, "mandate_id": mandate_id},
    )
    return proof


def _letter(proof: IdentityProof, code: str, *, provider: Provider, tenant_name: str) -> Letter:
    claims = proof.claims
    until = proof.expires_at
    return Letter(
        recipient_name=str(claims["addressee"]),
        address_lines=list(claims["address_lines"]),
        postcode=str(claims["postcode"]),
        city=str(claims["city"]),
        subject="Votre code de vérification pour un mandat de facturation",
        body_paragraphs=[
            "Madame, Monsieur,",
            f"{tenant_name} demande à {provider.name} (SIRET {provider.siret}) un mandat de facturation : "
            "l'autorisation d'émettre et de déposer sur Chorus Pro, en son nom, ses factures aux acheteurs publics. "
            "Une personne a demandé ce courrier pour prouver qu'elle agit pour votre établissement.",
            f"Si c'est vous, saisissez ce code sur la page de l'invitation que vous avez reçue par e-mail : "
            f"{printed(code)}" + (f" (valable jusqu'au {until:%d/%m/%Y})." if until else "."),
            "Si vous n'avez rien demandé, ne faites rien : sans ce code, personne ne peut accepter ce mandat en votre "
            "nom. Vous pouvez le signaler à pdp en citant la référence de ce courrier.",
        ],
        reference=proof.letter_reference or proof.id,
    )


async def send_letter(session: AsyncSession, settings: Settings, envelope: Envelope, proof_id: str, code: str) -> str:
    """The letter job: render and send the letter of a pending proof, once (a proof records the letter it sent;
    a crash between the sending and the commit may send it twice, with the same code)."""
    sender = open_letter_sender(settings)
    if sender is None:
        return "letters off"
    proof = await IdentityProofRepository(session).for_update(proof_id)
    if proof is None or proof.status != "pending":
        return "not pending"
    if proof.claims.get("letter_id"):
        return "sent already"
    provider = await ProviderRepository(session).get(proof.provider_id)
    tenant = await TenantsRepository(session).current()
    clear = envelope.decrypt(code, context=code_context(proof))
    letter_id = await sender.send(_letter(proof, clear, provider=provider, tenant_name=tenant.name))
    proof.claims = {**proof.claims, "letter_id": letter_id, "sent_at": clock.now().isoformat()}
    await session.flush()
    await AuditRepository(session).append(
        signatory(proof.provider_id), "identity.letter_sent", "identity_proof", proof.id, {"letter": letter_id}
    )
    return "sent"


class CodeOutcome(enum.StrEnum):
    VERIFIED = "verified"
    WRONG = "wrong"
    LOCKED = "locked"  # this entry was the last one allowed, or an earlier one was
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class CodeCheck:
    outcome: CodeOutcome
    proof: IdentityProof

    @property
    def attempts_left(self) -> int:
        return max(0, MAX_ATTEMPTS - self.proof.attempts)


async def check_code(
    session: AsyncSession, settings: Settings, proof: IdentityProof, typed: str, *, ip: str | None
) -> CodeCheck:
    """Hold ``typed`` against the letter's code (``proof`` locked by the caller). Every outcome is a change to keep
    — an attempt counted, a proof locked, expired or verified — so none of them is an error."""
    if proof.status == "failed":
        return CodeCheck(CodeOutcome.LOCKED, proof)
    if proof.status != "pending" or proof.code_sha256 is None:
        return CodeCheck(CodeOutcome.EXPIRED, proof)
    now = clock.now()
    if proof.expires_at is not None and proof.expires_at <= now:
        proof.status = "expired"
        await session.flush()
        return CodeCheck(CodeOutcome.EXPIRED, proof)
    code = normalized(typed)
    if len(code) == CODE_LENGTH and code_keys(settings).verify(f"{proof.id}:{code}", proof.code_sha256):
        proof.status, proof.verified_at, proof.ip = "verified", now, ip or proof.ip
        proof.code_sha256 = None  # used: nothing left to compare against
        await session.flush()
        await audit_verified(session, proof)
        return CodeCheck(CodeOutcome.VERIFIED, proof)
    proof.attempts += 1
    if proof.attempts >= MAX_ATTEMPTS:
        proof.status = "failed"
    await session.flush()
    await AuditRepository(session).append(
        signatory(proof.provider_id),
        "identity.code_refused",
        "identity_proof",
        proof.id,
        {"attempts": proof.attempts, "locked": proof.status == "failed"},
    )
    return CodeCheck(CodeOutcome.LOCKED if proof.status == "failed" else CodeOutcome.WRONG, proof)
