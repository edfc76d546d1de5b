"""What pdp writes to people is correct French and English, and promises only what the product does."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pdp.platform.errors import ValidationFailed
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.french import de
from pdp.tenants.mandates.document import MandateTerms, clauses
from pdp.tenants.notifications.emails import status_email
from pdp.tenants.providers.identifiers import normalize_iban, parse_siret
from pdp.tenants.providers.models import Provider


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Acme", "d'Acme"),
        ("Dupont & Fils", "de Dupont & Fils"),
        ("Éco Services", "d'Éco Services"),
        ("Île Verte", "d'Île Verte"),
        ("Hermès", "d'Hermès"),
        ("Yvelines Conseil", "d'Yvelines Conseil"),
        ("Yaka", "de Yaka"),
        ("3M", "de 3M"),
    ],
)
def test_de_elides_before_a_vowel_sound(name: str, expected: str) -> None:
    assert de(name) == expected


def test_the_status_email_names_the_tenant_with_elision() -> None:
    invoice = InvoiceRecord(
        id="inv_01JM8Z3Q4R5S6T7V8W9X0Y1Z2A",
        number="F-1",
        issue_date=date(2026, 11, 20),
        total_incl_tax=Decimal("1542.60"),
        currency="EUR",
        recipient_siret="11001011300014",
        expected_payment_date=None,
    )
    message = status_email(
        invoice, Provider(email="compta@dupont.fr"), tenant_name="Acme", status="deposited", detail={}
    )
    body = message.get_content()
    assert "pour le compte d'Acme," in body and "de Acme" not in body


def _terms() -> MandateTerms:
    return MandateTerms("mdt_1", "Acme", "Atelier Dupont", "73282932000074", None, None, date(2026, 1, 1), None, 30)


def test_the_mandate_promises_only_what_exists() -> None:
    text = dict(clauses(_terms()))
    assert "espace" not in " ".join(text.values())  # providers have no space of their own on pdp yet
    assert "en écrivant au mandataire" in text["Révocation"]
    assert "en écrivant au mandataire" in text["Contestation"] and "30 jours" in text["Contestation"]


def test_library_messages_end_with_one_full_stop() -> None:
    for check, value in ((parse_siret, "73282932000075"), (normalize_iban, "FR7630006000011234567890180")):
        with pytest.raises(ValidationFailed) as refused:
            check(value)
        message = refused.value.errors[0]["message"]
        assert message.endswith(".") and not message.endswith(".."), message
