"""Cursor pagination shapes: ``?limit=&starting_after=`` → ``{"object": "list", "data": [...], "has_more"}``."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

import msgspec
from litestar.params import QueryParameter

from pdp.platform.ids import ID_PATTERN

T = TypeVar("T")

Limit = Annotated[int, QueryParameter(ge=1, le=100, description="Page size, 1 to 100")]
StartingAfter = Annotated[
    str | None, QueryParameter(pattern=ID_PATTERN, description="Id of the last object of the previous page")
]


class ListResponse(msgspec.Struct, Generic[T]):
    data: list[T]
    has_more: bool
    object: str = "list"
