"""An archived document sent back as it was archived, by the Partner API and the portal alike.

The bytes (already checked against their SHA-256 by the archive service), as a download under a file name safe
for a header, with their ``Digest`` so that whoever saves them can check them again.
"""

from __future__ import annotations

from litestar import Response

from pdp.tenants.archive.models import ArchivedDocument
from pdp.tenants.archive.service import safe_filename


def archived_attachment(document: ArchivedDocument, data: bytes) -> Response[bytes]:
    """``data``, the archived bytes of ``document``, as an attachment with their type, name and SHA-256."""
    return Response(
        data,
        media_type=document.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{safe_filename(document.filename)}"',
            "Digest": f"sha-256={document.sha256}",
        },
    )
