"""Reading a Chorus Pro answer once its HTTP status says it came from Chorus (docs/chorus-pro-api.md §2, §5).

- A non-zero ``codeRetour`` is a business refusal, :class:`ChorusRejected`, whatever the HTTP status carrying it:
  PASTELL and OCA only read bodies of HTTP 200 and still meet ``20000`` ("no result") there, while GO reads
  ``{codeRetour, libelle}`` from HTTP 400. The refusal is read before the rest of the body, so a refusal whose
  other fields are odd is still a refusal.
- A list Chorus sends as a single object is read as a one-item list (:func:`.schemas.shapes.one_as_list`).
- A body that is not JSON (a gateway page, a body cut short) is transient and ambiguous: Chorus may have acted,
  and asking again may get a whole answer.
- A JSON body that does not fit the answer's struct even read leniently is :class:`ChorusUnexpectedAnswer`:
  permanent, since asking again gets the same body; ambiguous when it came with a 2xx status and no refusal.
"""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
import msgspec

from pdp.connectors.chorus_pro.errors import ChorusRejected, ChorusTransientError, ChorusUnexpectedAnswer
from pdp.connectors.chorus_pro.schemas.common import SUCCESS, Response
from pdp.connectors.chorus_pro.schemas.shapes import one_as_list, raw_json

R = TypeVar("R", bound=Response)


def read_answer(response: httpx.Response, kind: type[R]) -> R:
    """The answer as ``kind``; raise the :mod:`.errors` error the body stands for."""
    status = response.status_code
    try:
        decoded = msgspec.json.decode(response.content, type=kind)
    except msgspec.ValidationError:
        decoded = _read_leniently(response.content, kind, status)
    except msgspec.DecodeError:
        raise ChorusTransientError(
            "Chorus Pro answered with an unreadable body", http_status=status, ambiguous=True
        ) from None
    if decoded.code_retour != SUCCESS:
        raise rejected(decoded.code_retour, decoded.libelle, status)
    return decoded


def rejected(code: int | str, libelle: str | None, status: int) -> ChorusRejected:
    return ChorusRejected(libelle or "Chorus Pro rejected the request", chorus_code=str(code), http_status=status)


def _read_leniently(content: bytes, kind: type[R], status: int) -> R:
    raw = raw_json(content)
    code = _code_retour(raw)
    if code not in (None, SUCCESS):
        raise rejected(code, _text(raw.get("libelle")), status)
    try:
        return msgspec.convert(one_as_list(raw, kind), kind)
    except msgspec.ValidationError as exc:
        raise ChorusUnexpectedAnswer(
            f"{kind.__name__}: {exc}", http_status=status, ambiguous=200 <= status < 300
        ) from None


def _code_retour(raw: Any) -> int | None:
    """``codeRetour`` as a number (Chorus sends an integer; a numeric string is read too), or ``None``."""
    value = raw.get("codeRetour") if isinstance(raw, dict) else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
