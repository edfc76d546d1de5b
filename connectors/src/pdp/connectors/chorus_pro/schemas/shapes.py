"""Decoding bodies the way Chorus Pro and its public clients tolerate them (docs/chorus-pro-api.md §2).

Two tolerances, each driven by the target struct's own declared types rather than by a list of field names:

- :func:`one_as_list` — an answer may carry a one-item list as the item itself: the published
  ``consulterCRDetaille`` example renders ``listeErreurDP`` so, and PASTELL (``CPPWrapper::
  getIdentifiantStructureCPPByIdentifiantStructure``) reads ``listeStructures`` either way. Wherever the struct
  declares a list and the body holds an object, the object becomes a one-item list, at any depth. A ``null``
  where the struct has a default but no ``None`` (an empty list, mostly) is read as absent: Chorus sends ``null``
  for what it has not got (PASTELL's fixtures: ``"pages": null``).
- :func:`blanks_as_absent` — a request may send ``""`` for an optional value that is not text: PASTELL's default
  ``restreindreStructuresPrivees`` is ``""``, which its own comment on the spec reads as "not given". Such a
  blank becomes ``null``; a blank for a required field is left as is, so the decode still refuses it.

Both take and return plain JSON values (``msgspec.json.decode`` without a type); the caller converts the result.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import msgspec
from msgspec import inspect as mi

T = TypeVar("T")
Fix = Callable[[Any, mi.Type], Any]

# Amounts stay exact: a float would turn 0.1 into 0.1000000000000000055…
_raw = msgspec.json.Decoder(float_hook=Decimal)


def raw_json(content: bytes) -> Any:
    """The body as plain JSON values, numbers with a fraction as :class:`~decimal.Decimal`."""
    return _raw.decode(content)


def one_as_list(value: Any, kind: type[Any]) -> Any:
    """``value`` with every object found where ``kind`` declares a list wrapped in a one-item list, and without
    the ``null`` values of fields that have a default but cannot hold ``None``."""
    return _walk(value, _info(kind), _wrap_single, drop_nulls=True)


def blanks_as_absent(value: Any, kind: type[Any]) -> Any:
    """``value`` with ``""`` replaced by ``null`` wherever ``kind`` declares an optional value that is not text."""
    return _walk(value, _info(kind), _blank_to_none, drop_nulls=False)


_infos: dict[object, mi.Type] = {}  # type_info walks the whole struct tree: once per kind


def _info(kind: type[Any]) -> mi.Type:
    info = _infos.get(kind)
    if info is None:
        info = _infos[kind] = mi.type_info(kind)
    return info


def _walk(value: Any, info: mi.Type, fix: Fix, *, drop_nulls: bool) -> Any:
    value = fix(value, info)
    if isinstance(info, mi.UnionType):
        member = _member_for(value, info)
        return value if member is None else _walk(value, member, fix, drop_nulls=drop_nulls)
    if isinstance(info, mi.StructType) and isinstance(value, dict):
        fields = {field.encode_name: field for field in info.fields}
        return {
            key: _walk(item, fields[key].type, fix, drop_nulls=drop_nulls) if key in fields else item
            for key, item in value.items()
            if not (drop_nulls and item is None and key in fields and _null_means_default(fields[key]))
        }
    if isinstance(info, mi.ListType) and isinstance(value, list):
        return [_walk(item, info.item_type, fix, drop_nulls=drop_nulls) for item in value]
    return value


def _null_means_default(field: mi.Field) -> bool:
    nullable = isinstance(field.type, mi.NoneType) or (
        isinstance(field.type, mi.UnionType) and any(isinstance(member, mi.NoneType) for member in field.type.types)
    )
    return not field.required and not nullable


def _member_for(value: Any, union: mi.UnionType) -> mi.Type | None:
    """The member of ``union`` a JSON object or array would decode as (msgspec allows one of each)."""
    wanted: tuple[type[mi.Type], ...] = (
        (mi.StructType, mi.DictType) if isinstance(value, dict) else (mi.ListType,) if isinstance(value, list) else ()
    )
    return next((member for member in union.types if isinstance(member, wanted)), None) if wanted else None


def _wrap_single(value: Any, info: mi.Type) -> Any:
    if not isinstance(value, dict):
        return value
    if isinstance(info, mi.ListType):
        return [value]
    if isinstance(info, mi.UnionType) and _member_for(value, info) is None:
        lists = [member for member in info.types if isinstance(member, mi.ListType)]
        return [value] if lists else value
    return value


def _blank_to_none(value: Any, info: mi.Type) -> Any:
    if value != "" or not isinstance(info, mi.UnionType):
        return value
    members = info.types
    takes_text = any(isinstance(member, (mi.StrType, mi.LiteralType, mi.EnumType)) for member in members)
    optional = any(isinstance(member, mi.NoneType) for member in members)
    return None if optional and not takes_text else value
