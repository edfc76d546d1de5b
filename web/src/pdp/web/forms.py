"""``multipart/form-data`` parsed from the request's spooled body, one bounded chunk at a time.

Litestar's own parser streams too, but keeps every text part whole in memory; here file parts go to their own
spooled temporary files and a text part (the ``metadata`` JSON) is refused past :data:`MAX_TEXT_PART_BYTES`, so
a batch of 120 MB costs files on disk and a few hundred kilobytes of memory. The parsing runs in a worker thread:
it reads and writes files, and a 100 MB body must not stall the event loop other tenants' requests share.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from typing import IO, Any

import anyio
from litestar import Request
from litestar._multipart import parse_content_header
from multipart import MultipartSegment, ParserError, ParserLimitReached, PushMultipartParser  # type: ignore[import-untyped]

from pdp.platform.errors import InvalidRequest, PayloadTooLarge
from pdp.web.deps import request_body

MAX_TEXT_PART_BYTES = 1024 * 1024  # as the JSON routes' whole body
MAX_PARTS = 1000  # Litestar's default
FILE_IN_MEMORY_BYTES = 256 * 1024
READ_CHUNK_BYTES = 64 * 1024


@dataclass(slots=True)
class FormFile:
    """A file part: its client-given name and type, and its content in a spooled temporary file."""

    filename: str | None
    content_type: str | None
    file: IO[bytes]
    size: int

    def read(self, limit: int = -1) -> bytes:
        """The content from the start; at most ``limit`` bytes when given (enough to tell it is too large)."""
        self.file.seek(0)
        return self.file.read(limit)


@dataclass(slots=True)
class Form:
    texts: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, list[FormFile]] = field(default_factory=dict)

    def text(self, name: str) -> str | None:
        values = self.texts.get(name)
        return values[0] if values else None

    def files_named(self, name: str) -> list[FormFile]:
        return self.files.get(name, [])

    def close(self) -> None:
        for parts in self.files.values():
            for part in parts:
                part.file.close()


async def read_form(request: Request[Any, Any, Any]) -> Form:
    """The request's multipart form; close it when done (the request's end closes the body it came from)."""
    _, options = parse_content_header(request.headers.get("content-type", ""))
    boundary = options.get("boundary")
    if not boundary:
        raise InvalidRequest("multipart/form-data needs a boundary in its Content-Type.")
    body = request_body(request)
    if body is None:
        return Form()
    return await anyio.to_thread.run_sync(parse_multipart, body.open(), boundary.encode("latin-1"))


def parse_multipart(source: IO[bytes], boundary: bytes) -> Form:
    form = Form()
    try:
        with PushMultipartParser(boundary, max_segment_count=MAX_PARTS) as parser:
            _parse(parser, source, form)
    except ParserLimitReached:
        form.close()
        raise PayloadTooLarge(f"A form holds at most {MAX_PARTS} parts.") from None
    except ParserError:
        form.close()
        raise InvalidRequest("The multipart/form-data body is malformed.") from None
    except BaseException:
        form.close()
        raise
    return form


def _parse(parser: PushMultipartParser, source: IO[bytes], form: Form) -> None:
    segment: MultipartSegment | None = None
    text = bytearray()
    upload: FormFile | None = None
    while not parser.closed:
        chunk = source.read(READ_CHUNK_BYTES)  # b"" at the end tells the parser the input is complete
        for event in parser.parse(chunk):
            if isinstance(event, MultipartSegment):
                segment, text = event, bytearray()
                upload = None
                if event.filename is not None:
                    spool = tempfile.SpooledTemporaryFile(max_size=FILE_IN_MEMORY_BYTES)  # noqa: SIM115 -- kept in form
                    upload = FormFile(event.filename, event.content_type, spool, 0)
                    form.files.setdefault(event.name, []).append(upload)
            elif event is not None and upload is not None:
                upload.file.write(event)
                upload.size += len(event)
            elif event is not None:
                text += event
                if len(text) > MAX_TEXT_PART_BYTES:
                    raise PayloadTooLarge(f"A text part of the form exceeds {MAX_TEXT_PART_BYTES} bytes.")
            elif segment is not None and upload is None:
                form.texts.setdefault(segment.name, []).append(text.decode(segment.charset or "utf-8", "replace"))
        if not chunk:
            break
