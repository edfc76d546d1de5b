"""OpenAPI request bodies of the endpoints that read their body themselves.

Litestar documents a body only from a handler's ``data`` parameter, but the invoice endpoints take the raw request
so that one path serves both ``multipart/form-data`` and ``application/json`` (and the form's ``metadata`` part is
JSON inside a form). Their bodies are declared here instead, from the same msgspec structs the service decodes,
and attached with an ``operation_class`` so that a client can be written from ``/api/docs`` alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar.openapi.spec import (
    Encoding,
    Example,
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    Reference,
    RequestBody,
    Schema,
)

from pdp.einvoice.formats.json_input import JsonInvoice

SIRET = r"^[0-9]{14}$"
BILLING_FRAME = "^A([1-9]|1[0-9]|2[0-5])$"


class DepositMetadata(msgspec.Struct, kw_only=True):
    """The `metadata` part beside an invoice file: for whom it is deposited, and the routing the file lacks."""

    provider_id: Annotated[str, msgspec.Meta(description="The provider (prv_…) the invoice is deposited for")]
    recipient_siret: Annotated[str, msgspec.Meta(pattern=SIRET, description="The public buyer's SIRET")] | None = None
    service_code: Annotated[str, msgspec.Meta(max_length=100, description="The buyer's service code")] | None = None
    engagement_number: (
        Annotated[str, msgspec.Meta(max_length=50, description="Engagement (purchase order) number")] | None
    ) = None
    billing_frame: (
        Annotated[str, msgspec.Meta(pattern=BILLING_FRAME, description="Chorus Pro billing frame, A1 to A25")] | None
    ) = None
    validator_siret: (
        Annotated[
            str,
            msgspec.Meta(
                pattern=SIRET,
                description="For a plain PDF of billing frame A9 or A12: the SIRET of the structure that validates "
                "it (the main contractor, the co-contractors' representative); Chorus's codeStructureValideur",
            ),
        ]
        | None
    ) = None
    credits_invoice_id: (
        Annotated[str, msgspec.Meta(description="For a credit note: the invoice (inv_…) it credits")] | None
    ) = None
    replaces_invoice_id: (
        Annotated[str, msgspec.Meta(description="The rejected invoice (inv_…) this one corrects")] | None
    ) = None


PROVIDER_ID = "prv_01JM8Z3Q4R5S6T7V8W9X0Y1Z2A"
METADATA_EXAMPLE: dict[str, Any] = {"provider_id": PROVIDER_ID, "recipient_siret": "11001011300014"}
JSON_INVOICE_EXAMPLE: dict[str, Any] = {
    "provider_id": PROVIDER_ID,
    "number": "F-2026-0042",
    "issue_date": "2026-11-20",
    "due_date": "2026-12-20",
    "recipient": {
        "siret": "11001011300014",
        "name": "Ministère de l'Exemple",
        "address": {"line1": "20 avenue de Ségur", "postal_code": "75007", "city": "Paris"},
    },
    "lines": [
        {"name": "Conseil", "quantity": "3", "unit_price": "400.00", "vat_rate": "20.00", "unit": "HUR"},
        {"name": "Déplacement", "quantity": "1", "unit_price": "85.50", "vat_rate": "20.00"},
    ],
    "payment": {"means_code": "30", "iban": "FR7630006000011234567890189"},
}


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", key).lower()


_SCHEMA_MAPS = frozenset({"properties", "pattern_properties", "dependent_schemas"})
_SCHEMA_LISTS = frozenset({"any_of", "all_of", "one_of", "prefix_items"})
_SCHEMA_VALUES = frozenset({"items", "additional_properties", "contains", "property_names"})


def _spec(node: dict[str, Any], defs: dict[str, Any]) -> Schema:
    """A Litestar schema object for a JSON Schema from msgspec, its ``$ref``\\ s inlined (Litestar rebuilds the
    components section from its own registry, so references to msgspec's definitions would dangle)."""
    if "$ref" in node:
        return _spec(defs[node["$ref"].rsplit("/", 1)[1]], defs)
    fields: dict[str, Any] = {}
    for key, value in node.items():
        name = _snake(key)
        if name in _SCHEMA_MAPS:
            fields[name] = {k: _spec(v, defs) for k, v in value.items()}
        elif name in _SCHEMA_LISTS:
            fields[name] = [_spec(v, defs) for v in value]
        elif name in _SCHEMA_VALUES and isinstance(value, dict):
            fields[name] = _spec(value, defs)
        else:
            fields[name] = value
    return Schema(**fields)


def schema_of(struct: type[msgspec.Struct], *, required: tuple[str, ...] = ()) -> Schema:
    """The OpenAPI schema of ``struct``, with ``required`` added to the fields it requires."""
    (root,), defs = msgspec.json.schema_components([struct])
    schema = _spec(root, defs)
    schema.required = [*(schema.required or []), *(name for name in required if name not in (schema.required or []))]
    return schema


def _file(description: str | None = None) -> Schema:
    return Schema(
        type=OpenAPIType.STRING,
        format=OpenAPIFormat.BINARY,
        content_media_type="application/octet-stream",
        description=description,
    )


def _files(description: str) -> Schema:
    return Schema(type=OpenAPIType.ARRAY, items=_file(), min_items=1, description=description)


def _metadata(*, whole_invoice: bool) -> Schema:
    routing = schema_of(DepositMetadata)
    if not whole_invoice:
        routing.examples = [METADATA_EXAMPLE]
        return routing
    plain_pdf = schema_of(JsonInvoice, required=("provider_id",))
    plain_pdf.description = "For a plain PDF (no XML inside): the whole invoice, as in the JSON body."
    return Schema(
        description="A JSON object (sent as a text field or an application/json part): `provider_id` and the routing "
        "the file does not carry; for a plain PDF, the invoice's fields.",
        any_of=[routing, plain_pdf],
        examples=[METADATA_EXAMPLE],
    )


def _form(
    properties: dict[str, Schema | Reference], required: list[str], *, json_parts: tuple[str, ...] = ()
) -> OpenAPIMediaType:
    return OpenAPIMediaType(
        schema=Schema(type=OpenAPIType.OBJECT, properties=properties, required=required),
        encoding={part: Encoding(content_type="application/json") for part in json_parts} or None,
    )


def _json_invoice(*, provider_required: bool) -> OpenAPIMediaType:
    required = ("provider_id",) if provider_required else ()
    return OpenAPIMediaType(
        schema=schema_of(JsonInvoice, required=required),
        examples={"invoice": Example(summary="Two lines at 20% VAT, totals computed", value=JSON_INVOICE_EXAMPLE)},
    )


_INVOICE_FILE = "The invoice: UBL 2.1 or CII D16B XML, a Factur-X / ZUGFeRD PDF, or a plain PDF (≤ 10 MB)"


def invoice_body(*, deposit: bool) -> RequestBody:
    """``POST /v1/invoices`` (``deposit``) and ``POST /v1/invoices/validate``: a file with metadata, or JSON."""
    metadata = _metadata(whole_invoice=True)
    form = _form(
        {"file": _file(_INVOICE_FILE), "metadata": metadata},
        ["file", "metadata"] if deposit else ["file"],
        json_parts=("metadata",),
    )
    return RequestBody(
        required=True,
        description="multipart/form-data: the invoice file and its metadata; or application/json: a structured "
        "invoice from which pdp writes the Factur-X.",
        content={"multipart/form-data": form, "application/json": _json_invoice(provider_required=deposit)},
    )


def batch_body(max_items: int) -> RequestBody:
    files = _files(f"One part per invoice file (as for POST /v1/invoices), or a single zip of at most {max_items}")
    form = _form(
        {"files": files, "metadata": _metadata(whole_invoice=False)}, ["files", "metadata"], json_parts=("metadata",)
    )
    return RequestBody(required=True, content={"multipart/form-data": form})


def completion_body() -> RequestBody:
    files = _files("Supporting documents Chorus Pro asked for (≤ 10 MB each, names ≤ 50 characters)")
    comment = Schema(type=OpenAPIType.STRING, description="A comment for the buyer")
    return RequestBody(
        required=True, content={"multipart/form-data": _form({"files": files, "comment": comment}, ["files"])}
    )


def with_body(body: RequestBody) -> type[Operation]:
    """An ``operation_class`` whose operations document ``body``."""

    @dataclass
    class OperationWithBody(Operation):
        def __post_init__(self) -> None:
            self.request_body = body

    return OperationWithBody
