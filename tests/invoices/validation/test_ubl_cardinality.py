"""The UBL binding's cardinality rules (UBL-SR-xx): pdp refuses a repeated term where the CEN UBL artefact does."""

from __future__ import annotations

import pytest

from pdp.einvoice.validation.engine import validate_document
from pdp.einvoice.validation.ubl_cardinality import _RULES
from tests.invoices.differential.generate import document
from tests.invoices.validation.test_artefact_readings import NO_CHORUS, _document
from tests.invoices.validation.test_existence_readings_as_the_artefacts import ORACLE, needs_artefacts

CHECKED = frozenset(rule.rule for rule in _RULES)
DELIVERY = "<cac:Delivery><cbc:ActualDeliveryDate>2026-11-19</cbc:ActualDeliveryDate></cac:Delivery>"


def _pdp(xml: bytes) -> set[str]:
    return {f.rule for f in validate_document(xml, options=NO_CHORUS).errors if f.rule in CHECKED}


def _official(xml: bytes) -> set[str]:
    return set(ORACLE.judge(xml, "ubl").errors) & CHECKED


@needs_artefacts
def test_a_second_delivery_is_refused_as_the_artefact_refuses_it() -> None:
    xml = _document("ubl", [("<cac:PaymentMeans>", f"{DELIVERY}{DELIVERY}<cac:PaymentMeans>")])
    report = validate_document(xml, options=NO_CHORUS)
    assert [(f.rule, f.severity) for f in report.errors if f.rule in CHECKED] == [("UBL-SR-24", "fatal")]
    assert not report.valid
    assert _official(xml) == {"UBL-SR-24"}
    one = _document("ubl", [("<cac:PaymentMeans>", f"{DELIVERY}<cac:PaymentMeans>")])
    assert _pdp(one) == _official(one) == set()


@needs_artefacts
@pytest.mark.parametrize("seed", [31])
def test_pdp_and_the_artefact_name_the_same_cardinality_rules_on_generated_documents(seed: int) -> None:
    """The fuzzer's documents (its 'duplicate' mutations repeat elements of every kind): the UBL-SR rules pdp
    implements fire on the same documents as in the artefact."""
    differing = []
    for index in range(600):  # about 25 of them repeat a term (seed 31), across 15 of the rules
        doc = document(seed, "ubl", index)
        try:
            official = _official(doc.xml)
        except Exception:  # the XSLT stopped on the document: nothing to compare with
            continue
        if _pdp(doc.xml) != official:
            differing.append((doc.name, sorted(_pdp(doc.xml)), sorted(official)))
    assert differing == []
